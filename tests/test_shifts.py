"""Shift analytics on hand-made threads (authored examples) and generated stance sequences."""

from __future__ import annotations

import random

import browser_util as bu
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse import schema, shifts

TABLE_KEYS = ("shifts", "change_points", "transitions", "author_tracks", "thread_summary")


def run(frames: dict[str, pl.DataFrame], **kwargs) -> dict[str, pl.DataFrame]:
    return shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"], **kwargs)


def check_schemas(tables: dict[str, pl.DataFrame]) -> None:
    assert set(tables) == set(TABLE_KEYS)
    for name in TABLE_KEYS:
        schema.validate(tables[name], schema.TABLES[name])


# --- the authored tea-stall thread ---------------------------------------------------------------
# stances: 0 pro_us, 1 pro_ussr, 2 neutralist, 3 pro_ussr, 4 pro_us, 5 pro_ussr, 6 neutralist
def test_tea_stall_rolling_shares_with_window_3():
    tables = run(bu.tea_stall_thread(), window=3)
    check_schemas(tables)
    s = tables["shifts"]
    assert s["position"].to_list() == list(range(7))
    assert s["window_n"].to_list() == [1, 2, 3, 3, 3, 3, 3]
    # position 3: posts 1-3 = pro_ussr, neutralist, pro_ussr
    row = s.row(3, named=True)
    assert row["roll_pro_ussr"] == pytest.approx(2 / 3)
    assert row["roll_neutralist"] == pytest.approx(1 / 3)
    assert row["roll_pro_us"] == 0
    assert row["roll_majority"] == "pro_ussr"
    assert row["balance"] == pytest.approx(-2 / 3)
    assert row["neutralist_share"] == pytest.approx(1 / 3)
    # position 1: one pro_us, one pro_ussr -> tie -> null majority
    assert s.row(1, named=True)["roll_majority"] is None
    # cumulative at the end: 2 pro_us, 3 pro_ussr, 2 neutralist of 7
    last = s.row(6, named=True)
    assert last["cum_n"] == 7
    assert (last["cum_pro_us"], last["cum_pro_ussr"], last["cum_neutralist"]) == pytest.approx(
        (2 / 7, 3 / 7, 2 / 7)
    )
    # rolling sentiment: mean of 0.4, 0.3, 0.1 at position 2
    assert s.row(2, named=True)["roll_sentiment"] == pytest.approx(0.8 / 3)


def test_tea_stall_change_points_skip_null_stretches():
    tables = run(bu.tea_stall_thread(), window=3)
    majorities = tables["shifts"]["roll_majority"].to_list()
    # 0 pro_us | 1 tie | 2 tie | 3 pro_ussr | 4 tie | 5 pro_ussr | 6 tie
    assert majorities == ["pro_us", None, None, "pro_ussr", None, "pro_ussr", None]
    cps = tables["change_points"]
    assert cps.select("position", "post_id", "stance_before", "stance_after").rows() == [
        (3, "p3", "pro_us", "pro_ussr")
    ]


def test_tea_stall_transitions_and_agreement():
    tables = run(bu.tea_stall_thread())
    t = tables["transitions"]
    assert t["position"].to_list() == [1, 2, 3, 4, 5, 6]  # the first post has no predecessor
    assert t["prev_relation"].to_list() == ["disagree"] * 6
    quoted = t.filter(pl.col("quoted_post_id").is_not_null())
    # 3 (pro_ussr) quotes 0 (pro_us); 4 (pro_us) quotes 3 (pro_ussr); 5 (pro_ussr) quotes 4 (pro_us)
    assert quoted.select("position", "quoted_position", "quote_relation").rows() == [
        (3, 0, "disagree"),
        (4, 3, "disagree"),
        (5, 4, "disagree"),
    ]
    assert t.filter(pl.col("quoted_post_id").is_null())["quote_relation"].null_count() == 3
    summary = tables["thread_summary"].row(0, named=True)
    assert summary["quote_agreement_rate"] == 0.0
    # each of posts 0, 3 and 4 is quoted once: the earliest wins the tie
    assert (summary["most_quoted_post_id"], summary["most_quoted_count"]) == ("p0", 1)


def test_tea_stall_authors_and_summary():
    tables = run(bu.tea_stall_thread())
    tracks = {r["author"]: r for r in tables["author_tracks"].to_dicts()}
    assert set(tracks) == {"Rafiq", "Meera", "Omar"}
    meera = tracks["Meera"]  # posts 1, 3, 5: all pro_ussr
    assert (meera["n_posts"], meera["first_position"], meera["last_position"]) == (3, 1, 5)
    assert (meera["first_stance"], meera["last_stance"], meera["n_stance_changes"]) == (
        "pro_ussr",
        "pro_ussr",
        0,
    )
    assert meera["mean_sentiment"] == pytest.approx((0.3 - 0.6 + 0.2) / 3)
    summary = tables["thread_summary"].row(0, named=True)
    assert summary["n_posts"] == 7 and summary["n_classified"] == 7
    assert summary["share_none"] == 0
    # thirds of 7 posts: [0, 1, 2], [3, 4], [5, 6]
    assert summary["dominant_first_third"] is None  # one of each: no side leads
    assert summary["dominant_second_third"] is None  # pro_ussr vs pro_us: tie
    assert summary["dominant_last_third"] is None  # pro_ussr vs neutralist: tie
    assert summary["mean_sentiment"] == pytest.approx(0.9 / 7)


def test_dominant_thirds_and_author_changes():
    frames = bu.make_frames(
        "t",
        ["x"] * 6,
        ["pro_us", "pro_us", "pro_ussr", "pro_ussr", "neutralist", "none"],
        authors=["a", "b", "a", "b", None, "a"],
    )
    tables = run(frames)
    summary = tables["thread_summary"].row(0, named=True)
    assert (
        summary["dominant_first_third"],
        summary["dominant_second_third"],
        summary["dominant_last_third"],
    ) == ("pro_us", "pro_ussr", "neutralist")
    tracks = {r["author"]: r for r in tables["author_tracks"].to_dicts()}
    assert set(tracks) == {"a", "b"}  # the null author is left out
    assert tracks["a"]["n_stance_changes"] == 1  # pro_us -> pro_ussr; the none post is ignored
    assert tracks["a"]["last_stance"] == "pro_ussr"
    assert tracks["a"]["last_position"] == 5


def test_author_changes_are_counted_within_one_authors_posts_in_one_thread():
    """Guards the vectorised count: a sided post is compared with the same author's last sided
    post in the same thread, never with the author sorted before it, another thread's posts, or
    across the author's unsided posts."""
    one = bu.make_frames(
        "t1",
        ["x"] * 7,
        ["pro_us", "none", "pro_ussr", "none", "pro_ussr", "neutralist", "pro_us"],
        authors=["b", "a", "a", "c", "b", "c", "c"],
    )
    two = bu.make_frames("t2", ["x"] * 2, ["pro_ussr", "pro_us"], authors=["a", "b"])
    tables = run({k: pl.concat([one[k], two[k]]) for k in ("posts", "quotes", "classified")})
    tracks = {(r["thread_id"], r["author"]): r for r in tables["author_tracks"].to_dicts()}
    changes = {key: r["n_stance_changes"] for key, r in tracks.items()}
    # a: none then pro_ussr (its first side; "b" sorts after it but its pro_us comes earlier
    # in the thread); b: pro_us -> pro_ussr; c: none, neutralist -> pro_us; t2: one post each.
    assert changes == {("t1", "a"): 0, ("t1", "b"): 1, ("t1", "c"): 1, ("t2", "a"): 0, ("t2", "b"): 0}
    assert (tracks[("t1", "c")]["first_stance"], tracks[("t1", "c")]["last_stance"]) == ("neutralist", "pro_us")
    assert list(tracks) == [("t1", "b"), ("t1", "a"), ("t1", "c"), ("t2", "a"), ("t2", "b")]


def test_repeated_post_ids_give_an_edge_per_pair_of_rows_in_a_fixed_order():
    """Posts are matched on (thread id, post id) as a Polars join matches them: two rows with one
    id each quote, and are quoted, as that id; ties in position keep the rows' own order."""
    frames = bu.make_frames(
        "t", ["x"] * 4, ["pro_us", "pro_ussr", "pro_ussr", "none"],
        post_ids=["p0", "dup", "dup", "p3"], quotes=[(1, 0), (3, 1)],
    )
    tables = run(frames)
    edges = tables["transitions"].filter(pl.col("quoted_post_id").is_not_null())
    # "dup quotes p0" gives two edges (one per dup row) and each dup row meets both, as a join
    # on the id does; "p3 quotes dup" gives one edge per dup row.
    assert edges.select("post_id", "position", "quoted_post_id", "quoted_position").rows() == [
        ("dup", 1, "p0", 0),
        ("dup", 1, "p0", 0),
        ("dup", 2, "p0", 0),
        ("dup", 2, "p0", 0),
        ("p3", 3, "dup", 1),
        ("p3", 3, "dup", 2),
    ]
    assert tables["thread_summary"]["most_quoted_count"].to_list() == [2]
    again = run({k: f.reverse() for k, f in frames.items() if k in ("posts", "quotes", "classified")})
    for name in TABLE_KEYS:
        assert again[name].equals(tables[name]), name


# --- edge cases --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "maker", [bu.single_post_thread, bu.all_none_thread, bu.bare_thread, bu.hostile_thread]
)
def test_edge_threads_give_nulls_and_zeros(maker):
    frames = maker()
    tables = run(frames)
    check_schemas(tables)
    n = frames["posts"].height
    assert tables["shifts"].height == n
    summary = tables["thread_summary"]
    assert summary.height == 1
    row = summary.row(0, named=True)
    assert row["n_posts"] == n
    assert row["n_change_points"] >= 0 and row["most_quoted_count"] >= 0


def test_single_post_thread():
    tables = run(bu.single_post_thread())
    assert tables["transitions"].height == 0
    assert tables["change_points"].height == 0
    row = tables["thread_summary"].row(0, named=True)
    assert (row["n_classified"], row["share_none"], row["n_change_points"]) == (0, 1.0, 0)
    assert row["quote_agreement_rate"] is None and row["most_quoted_post_id"] is None
    assert row["most_quoted_count"] == 0


def test_all_none_thread_has_null_shares_and_other_relations():
    tables = run(bu.all_none_thread())
    s = tables["shifts"]
    assert s["window_n"].to_list() == [0] * 6
    for col in ("roll_pro_us", "roll_majority", "balance", "neutralist_share", "cum_pro_us"):
        assert s[col].null_count() == 6, col
    t = tables["transitions"]
    assert set(t["prev_relation"].to_list()) == {"other"}
    assert t.filter(pl.col("quoted_post_id").is_not_null())["quote_relation"].to_list() == ["other"]
    row = tables["thread_summary"].row(0, named=True)
    assert row["quote_agreement_rate"] is None  # no edge with two sided ends
    assert row["most_quoted_post_id"] == "p1" and row["most_quoted_count"] == 1
    assert row["dominant_first_third"] is None


def test_bare_thread_without_authors_dates_or_quotes():
    tables = run(bu.bare_thread())
    assert tables["author_tracks"].height == 0
    assert tables["transitions"]["quoted_post_id"].null_count() == tables["transitions"].height
    assert tables["thread_summary"]["quote_agreement_rate"].to_list() == [None]


def test_empty_inputs():
    empty = {name: schema.empty(schema.TABLES[name]) for name in ("posts", "quotes", "classified")}
    tables = run(empty)
    check_schemas(tables)
    assert all(frame.height == 0 for frame in tables.values())


def test_unclassified_posts_count_as_none():
    frames = bu.tea_stall_thread()
    classified = frames["classified"].filter(pl.col("post_id") != "p2")
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], classified)
    assert tables["shifts"].filter(pl.col("post_id") == "p2")["stance"].to_list() == ["none"]


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        run(bu.tea_stall_thread(), window=0)


# --- quotes -----------------------------------------------------------------------------------------
def test_quote_edges_dedupe_skip_and_fan_out():
    frames = bu.tea_stall_thread()
    extra = pl.DataFrame(
        {
            "thread_id": ["tea-stall"] * 6,
            "post_id": ["p6", "p6", "p6", "p6", "p6", "p6"],
            # two quotes of p2 (one edge), one of p5, a null, a self-quote, a missing post
            "quoted_post_id": ["p2", "p2", "p5", None, "p6", "p99"],
            "span_start": [40, 5, 60, 0, 0, 0],
        }
    )
    quotes = pl.concat([frames["quotes"], schema.conform(extra, schema.QUOTES)])
    tables = shifts.compute_shifts(frames["posts"], quotes, frames["classified"])
    six = tables["transitions"].filter(pl.col("post_id") == "p6")
    assert six.select("quoted_post_id", "quote_relation").rows() == [
        ("p2", "agree"),  # neutralist quoting neutralist
        ("p5", "disagree"),  # neutralist quoting pro_ussr
    ]
    assert six["prev_stance"].to_list() == ["pro_ussr", "pro_ussr"]
    summary = tables["thread_summary"].row(0, named=True)
    assert summary["quote_agreement_rate"] == pytest.approx(1 / 5)


# --- many threads -------------------------------------------------------------------------------------
def test_threads_never_mix():
    one, two = bu.tea_stall_thread(), bu.seed_like_thread()
    together = {k: pl.concat([two[k], one[k]]) for k in ("posts", "quotes", "classified")}
    joint = run(together)
    apart = {name: pl.concat([run(one)[name], run(two)[name]]) for name in TABLE_KEYS}
    for name in TABLE_KEYS:
        keys = [c for c in ("thread_id", "position", "author", "quoted_position") if c in joint[name].columns]
        assert joint[name].sort(keys, nulls_last=True).equals(apart[name].sort(keys, nulls_last=True)), name


def test_seed_like_thread_quote_links():
    tables = run(bu.seed_like_thread())
    edges = tables["transitions"].filter(pl.col("quoted_post_id").is_not_null())
    assert sorted(edges.select("position", "quoted_position").rows()) == sorted(bu.SEED_QUOTES)
    row = tables["thread_summary"].row(0, named=True)
    assert (row["most_quoted_post_id"], row["most_quoted_count"]) == ("p13", 4)


# --- properties against a plain-Python reference --------------------------------------------------------
def reference(stances: list[str], window: int) -> tuple[list[str | None], list[tuple[int, str, str]]]:
    majorities: list[str | None] = []
    for i in range(len(stances)):
        win = [s for s in stances[max(0, i - window + 1) : i + 1] if s != "none"]
        counts = {s: win.count(s) for s in schema.SIDED_STANCES}
        top = max(counts.values())
        leaders = [s for s, c in counts.items() if c == top]
        majorities.append(leaders[0] if top > 0 and len(leaders) == 1 else None)
    changes, last = [], None
    for i, m in enumerate(majorities):
        if m is not None:
            if last is not None and m != last:
                changes.append((i, last, m))
            last = m
    return majorities, changes


@settings(max_examples=60, deadline=None)
@given(
    stances=st.lists(st.sampled_from(schema.STANCES), min_size=1, max_size=40),
    window=st.integers(min_value=1, max_value=8),
)
def test_rolling_majority_and_changes_match_reference(stances, window):
    frames = bu.make_frames("h", ["x"] * len(stances), stances)
    tables = run(frames, window=window)
    s = tables["shifts"]
    expected_major, expected_changes = reference(stances, window)
    assert s["roll_majority"].to_list() == expected_major
    got = tables["change_points"].select("position", "stance_before", "stance_after").rows()
    assert got == expected_changes
    assert all(0 <= n <= window for n in s["window_n"].to_list())
    sided = s.filter(pl.col("window_n") > 0)
    total = sided["roll_pro_us"] + sided["roll_pro_ussr"] + sided["roll_neutralist"]
    assert all(abs(v - 1) < 1e-9 for v in total.to_list())
    assert all(-1 <= b <= 1 for b in sided["balance"].to_list())
    cum = s["cum_n"].to_list()
    assert cum == sorted(cum)
    assert tables["thread_summary"]["n_change_points"].to_list() == [len(expected_changes)]


def test_a_thread_of_200k_posts_gives_every_row():
    n = 200_000
    i = pl.int_range(n, eager=True)
    posts = schema.conform(
        pl.DataFrame({"position": i}).with_columns(
            pl.lit("big").alias("thread_id"),
            pl.col("position").cast(pl.String).alias("post_id"),
            ("user" + (pl.col("position") * 7919 % 500).cast(pl.String)).alias("author"),
        ),
        schema.POSTS,
    )
    stance = pl.Series(schema.STANCES).gather((i * 2654435761 % 97) % 4)
    classified = schema.conform(
        posts.select("thread_id", "post_id").with_columns(
            stance.alias("stance"), ((i % 21 - 10) / 10).alias("sentiment")
        ),
        schema.CLASSIFIED,
    )
    quotes = schema.conform(
        posts.filter(pl.col("position") % 3 == 1).select(
            "thread_id", "post_id", (pl.col("position") - 1).cast(pl.String).alias("quoted_post_id")
        ),
        schema.QUOTES,
    )
    tables = shifts.compute_shifts(posts, quotes, classified)
    assert tables["shifts"].height == n
    assert tables["shifts"]["window_n"].max() <= shifts.DEFAULT_WINDOW
    assert tables["transitions"].height == n - 1
    assert tables["transitions"]["quoted_post_id"].null_count() == n - 1 - quotes.height
    assert tables["thread_summary"]["n_posts"].to_list() == [n]


# --- the batched queries give the eager expressions' own figures ---------------------------------
# compute_shifts runs every step in one lazy collect_all over a whole batch; these pin its float
# columns to the eager Polars expressions that define them (a share, a balance, a rolling or
# group mean must match to the last bit).
def busy_threads(seed: int, n_threads: int = 3, n_posts: int = 400) -> dict[str, pl.DataFrame]:
    """Several threads of authored-looking rows: long author runs, missing scores, quotes."""
    rng = random.Random(seed)
    frames = []
    for t in range(n_threads):
        n = rng.randint(1, n_posts)
        stances = [rng.choice(schema.STANCES) for _ in range(n)]
        sentiments = [None if rng.random() < 0.2 else rng.uniform(-1, 1) for _ in range(n)]
        authors = [rng.choice(["amir", "bela", "chen", None]) for _ in range(n)]
        quotes = [(i, rng.randrange(i)) for i in range(1, n) if rng.random() < 0.3]
        frames.append(
            bu.make_frames(
                f"t{t}", ["x"] * n, stances, authors=authors, sentiments=sentiments, quotes=quotes
            )
        )
    return {k: pl.concat([f[k] for f in frames]) for k in ("posts", "quotes", "classified")}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_float_columns_equal_the_eager_polars_expressions(seed):
    frames = busy_threads(seed)
    window = 4
    tables = run(frames, window=window)
    stances = shifts.join_stances(frames["posts"], frames["classified"])
    counts = {
        s: (pl.col("stance") == s).cast(pl.Int64).rolling_sum(window, min_samples=1).over("thread_id")
        for s in schema.SIDED_STANCES
    }
    n = pl.sum_horizontal(counts.values())
    balance = (counts["pro_us"] - counts["pro_ussr"]).cast(pl.Float64) / n
    expected = stances.select(
        *[pl.when(n > 0).then(count / n).alias(f"roll_{s}") for s, count in counts.items()],
        pl.when(n > 0).then(balance).alias("balance"),
        shifts.rolling_mean_expr("sentiment", window).alias("roll_sentiment"),
    )
    assert tables["shifts"].select(expected.columns).equals(expected)

    tracks = (
        stances.filter(pl.col("author").is_not_null())
        .sort("thread_id", "author", "position", maintain_order=True)
        .group_by("thread_id", "author", maintain_order=True)
        .agg(pl.col("sentiment").mean().alias("mean_sentiment"))
    )
    got = tables["author_tracks"].select("thread_id", "author", "mean_sentiment")
    assert got.sort("thread_id", "author").equals(tracks.sort("thread_id", "author"))

    scores = ("sentiment", "sentiment_us", "sentiment_ussr")
    means = stances.group_by("thread_id", maintain_order=True).agg(
        *[(pl.col("stance") == s).mean().alias(f"share_{s}") for s in schema.STANCES],
        *[pl.col(c).mean().alias(f"mean_{c}") for c in scores],
    )
    assert tables["thread_summary"].select(means.columns).equals(means.sort("thread_id"))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), window=st.integers(1, 6))
def test_row_order_of_the_inputs_does_not_change_any_table(seed, window):
    # Shuffled rows: threads split into several runs, quotes and classification rows out of
    # order; every table is sorted by its keys, so nothing may depend on the input order.
    frames = busy_threads(seed, n_posts=40)
    rng = random.Random(seed)
    shuffled = {
        k: f.sample(fraction=1.0, shuffle=True, seed=rng.randrange(1000)) for k, f in frames.items()
    }
    ordered, mixed = run(frames, window=window), run(shuffled, window=window)
    for name in TABLE_KEYS:
        assert mixed[name].equals(ordered[name]), name
