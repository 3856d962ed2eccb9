"""Chart functions: frames in, valid Vega-Lite out; fixed colours; no data in expressions."""

from __future__ import annotations

import json

import altair as alt
import polars as pl
import pytest

import browser_util as bu
from discourse import charts, report, schema, shifts
from discourse.shifts import compute as shifts_compute
from discourse.shifts import edges as shifts_edges


def thread_data(frames: dict[str, pl.DataFrame]) -> report.ThreadData:
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    thread_id = frames["threads"]["thread_id"][0]
    return report.prepare_thread(thread_id, frames["posts"], frames["classified"], tables)


def spec_of(chart: alt.TopLevelMixin) -> dict:
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict()  # validates against the Vega-Lite schema


MAKERS = [
    bu.tea_stall_thread,
    bu.seed_like_thread,
    bu.single_post_thread,
    bu.all_none_thread,
    bu.bare_thread,
    bu.hostile_thread,
]


@pytest.mark.parametrize("maker", MAKERS)
def test_every_chart_builds_a_valid_spec(maker):
    data = thread_data(maker())
    built = report.build_thread_charts(data)
    assert list(built)[:3] == ["stance", "sentiment", "quotes"]
    assert ("authors" in built) == data.has_authors
    for name, chart in built.items():
        spec = spec_of(chart)
        assert spec.get("datasets"), name


def test_post_view_columns_excerpt_and_rounding():
    frames = bu.synthetic_thread(20, words=200)
    data = thread_data(frames)
    view = data.view
    assert view.height == 20
    assert view["position"].to_list() == list(range(20))
    assert view["excerpt"].str.len_chars().max() <= charts.EXCERPT_CHARS
    assert view["excerpt"].str.ends_with("…").all()
    assert view["cues"].dtype == pl.String
    for col in ("confidence", "sentiment", "roll_pro_us", "roll_sentiment"):
        values = view[col].drop_nulls().to_list()
        assert all(round(v, 3) == v for v in values), col


def test_excerpt_length_shrinks_for_huge_threads():
    assert charts.excerpt_length(1) == charts.EXCERPT_CHARS
    assert charts.excerpt_length(2_000) == charts.EXCERPT_CHARS
    assert charts.MIN_EXCERPT_CHARS <= charts.excerpt_length(10_000) < charts.EXCERPT_CHARS
    assert charts.excerpt_length(10_000_000) == charts.MIN_EXCERPT_CHARS


def test_stance_colours_are_fixed_everywhere():
    data = thread_data(bu.tea_stall_thread())
    text = json.dumps(spec_of(report.build_thread_charts(data)["stance"]))
    scale = {"domain": list(schema.STANCES), "range": [charts.STANCE_COLORS[s] for s in schema.STANCES]}
    assert json.dumps(scale)[1:-1] in text
    index = charts.comparison_chart(bu.tea_stall_thread()["threads"], data_summary(data))
    assert json.dumps(scale)[1:-1] in json.dumps(spec_of(index))


def data_summary(data: report.ThreadData) -> pl.DataFrame:
    return schema.conform(pl.DataFrame([data.summary]), schema.THREAD_SUMMARY)


def test_stance_chart_has_brush_and_named_points():
    data = thread_data(bu.seed_like_thread())
    spec = spec_of(charts.stance_chart(data.view, data.change_points))
    text = json.dumps(spec)
    assert f'"name": "{charts.BRUSH}"' in text
    assert '"name": "stance_points"' in text
    assert '"field": "confidence"' in text or "datum.confidence" in text


def test_only_needed_columns_are_embedded():
    data = thread_data(bu.seed_like_thread())
    spec = spec_of(charts.sentiment_chart(data.view))
    for rows in spec["datasets"].values():
        if rows and "sentiment" in rows[0]:
            assert "excerpt" not in rows[0] and "cues" not in rows[0]


def test_note_charts_for_missing_authors_and_quotes():
    data = thread_data(bu.bare_thread())
    authors = spec_of(charts.author_tracks_chart(data.view))
    assert "does not record" in json.dumps(authors)
    quotes = spec_of(charts.quote_arcs_chart(data.edges))
    assert "quotes another post" in json.dumps(quotes)


def test_author_chart_keeps_most_active_authors():
    data = thread_data(bu.synthetic_thread(600, words=5))
    spec = spec_of(charts.author_tracks_chart(data.view, data.tracks, max_authors=10))
    authors = set()
    for rows in spec["datasets"].values():
        authors |= {r["author"] for r in rows if "author" in r}
    assert len(authors) == 10


def test_quote_arcs_one_row_per_edge():
    data = thread_data(bu.seed_like_thread())
    assert data.edges.height == len(bu.SEED_QUOTES)
    spec = spec_of(charts.quote_arcs_chart(data.edges))
    sizes = [len(rows) for rows in spec["datasets"].values()]
    assert sizes == [len(bu.SEED_QUOTES)]


def strip_data(spec: dict) -> str:
    spec = dict(spec)
    spec.pop("datasets", None)
    return json.dumps(spec, ensure_ascii=False)


def test_hostile_text_never_reaches_spec_outside_data():
    frames = bu.hostile_thread()
    data = thread_data(frames)
    charts_ = {**report.build_thread_charts(data)}
    charts_["comparison"] = charts.comparison_chart(frames["threads"], data_summary(data))
    markers = ["__pwned", "alert(", "onerror", "<script", "{{datum", "javascript:"]
    for name, chart in charts_.items():
        spec = spec_of(chart)
        outside = strip_data(spec)
        for marker in markers:
            assert marker not in outside, (name, marker)
    # …while the data itself still carries the text, as data
    everything = json.dumps(spec_of(charts_["stance"]), ensure_ascii=False)
    assert "<script>window.__pwned=1;alert(1)</script>" in everything


def test_charts_on_ten_thousand_posts_stay_small():
    data = thread_data(bu.synthetic_thread(10_000))
    total = 0
    for plan in report.thread_plans(data).values():
        for frame in plan.data.values():
            total += len(json.dumps(report._columnar(frame), ensure_ascii=False))
    assert total < 4_000_000


def all_plans(frames: dict[str, pl.DataFrame]) -> dict[str, charts.ChartPlan]:
    data = thread_data(frames)
    plans = dict(report.thread_plans(data))
    plans["comparison"] = charts.comparison_plan(frames["threads"], data_summary(data))
    return plans


@pytest.mark.parametrize("maker", MAKERS)
def test_cached_spec_is_the_validated_chart_spec(maker):
    """What pages use (the cached layout with domain and height filled in) is exactly the
    Altair chart's spec, which ``to_dict()`` validates against the Vega-Lite schema."""
    for name, plan in all_plans(maker()).items():
        full = spec_of(plan.chart())
        rows = full.pop("datasets")
        full.pop("$schema")
        assert plan.spec() == full, name
        assert plan.spec() == full, name  # again, from the cache
        assert rows == {n: charts.json_safe(f).to_dicts() for n, f in plan.data.items()}, name


def data_sources(node) -> list[dict]:
    """Every ``data`` object anywhere in a spec."""
    if isinstance(node, list):
        return [found for value in node for found in data_sources(value)]
    if not isinstance(node, dict):
        return []
    own = [node["data"]] if isinstance(node.get("data"), dict) else []
    return own + [found for value in node.values() for found in data_sources(value)]


def test_layouts_hold_no_data_and_are_compiled_once_per_shape():
    """Regression guard for the page speed-up: chart specs read every row by name from the
    page's datasets, and threads of the same shape reuse one compiled layout."""
    first, second = bu.synthetic_thread(40, seed=1), bu.synthetic_thread(55, seed=2)
    plans = all_plans(first)
    for name, plan in plans.items():
        text = json.dumps(plan.spec(), ensure_ascii=False)
        assert '"values"' not in text and "treaty" not in text, name  # no inline rows
        assert "e+299" not in text and "e+300" not in text, name  # every mark was filled in
        sources = data_sources(plan.spec())
        assert all(set(source) == {"name"} for source in sources), name
        names = {source["name"] for source in sources}
        assert names == set(plan.data), name
        assert names <= set(charts.DATASETS.values()), name
    before = charts.plan._compiled.cache_info()
    again = all_plans(second)
    specs = {name: plan.spec() for name, plan in again.items()}
    after = charts.plan._compiled.cache_info()
    assert after.misses == before.misses  # same shapes: no Altair compile for the second thread
    assert specs["stance"]["vconcat"][0]["encoding"]["x"]["scale"]["domain"] == [-0.5, 54.5]
    assert specs["authors"]["height"] == 20 * 30


def test_json_safe_nulls_nan_and_infinity():
    frame = pl.DataFrame({"x": [1.5, float("nan"), float("inf"), None], "s": ["a", "b", "c", "d"]})
    assert charts.json_safe(frame)["x"].to_list() == [1.5, None, None, None]
    clean = pl.DataFrame({"x": [1.0, None]})
    assert charts.json_safe(clean) is clean


def test_post_view_joins_by_post_not_by_row_order():
    frames = bu.tea_stall_thread()
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    expected = charts.post_view(frames["posts"], frames["classified"], tables["shifts"])
    # classifications in another order, one repeated with another stance (the first counts),
    # and the shift rows reversed: the view is the same
    first = frames["classified"].head(1)
    shuffled = pl.concat(
        [first, frames["classified"].reverse(), first.with_columns(stance=pl.lit("none"))]
    )
    view = charts.post_view(frames["posts"], shuffled, tables["shifts"].reverse())
    assert view.equals(expected)
    assert view["position"].to_list() == list(range(7))


# --- quote links come from the run's transitions table -----------------------------------------
def edges_from_quotes(quotes: pl.DataFrame, view: pl.DataFrame) -> pl.DataFrame:
    """Reference: a thread's quote-link rows found from its quotes table directly, by the edge
    rules of :mod:`discourse.shifts` (distinct pairs, both posts in the thread, no self-quote),
    written as plain Polars joins."""
    ends = view.select("thread_id", "post_id", "position", "stance", "author")
    quoted_ends = ends.rename(
        {
            "post_id": "quoted_post_id",
            "position": "quoted_position",
            "stance": "quoted_stance",
            "author": "quoted_author",
        }
    )
    pairs = (
        schema.conform(quotes, schema.QUOTES)
        .select("thread_id", "post_id", "quoted_post_id")
        .filter(pl.col("quoted_post_id").is_not_null() & (pl.col("quoted_post_id") != pl.col("post_id")))
        .unique()
    )
    sides = list(schema.SIDED_STANCES)
    both_sided = pl.col("stance").is_in(sides) & pl.col("quoted_stance").is_in(sides)
    relation = (
        pl.when(both_sided & (pl.col("stance") == pl.col("quoted_stance")))
        .then(pl.lit("agree"))
        .when(both_sided)
        .then(pl.lit("disagree"))
        .otherwise(pl.lit("other"))
    )
    return (
        pairs.join(ends, on=["thread_id", "post_id"])
        .join(quoted_ends, on=["thread_id", "quoted_post_id"])
        .sort("position", "quoted_position")
        .select(
            "position", "quoted_position", relation.alias("relation"), "post_id", "quoted_post_id",
            "author", "quoted_author", "stance", "quoted_stance",
        )
    )


def awkward_quotes_thread() -> dict[str, pl.DataFrame]:
    """Two threads whose quotes repeat, quote themselves, name missing posts or none, and
    come in no particular order."""
    one = bu.make_frames(
        "awkward-a",
        ["x"] * 8,
        ["pro_us", "none", "pro_ussr", "neutralist", "pro_us", "pro_us", "none", "pro_ussr"],
        authors=["ann", None, "bo", "ann", "cy", "bo", "cy", None],
        quotes=[(3, 0), (3, 0), (5, 4), (5, 0), (7, 7), (2, 1), (6, 3), (7, 5)],
    )
    two = bu.make_frames(
        "awkward-b", ["y"] * 4, ["none", "pro_ussr", "pro_ussr", "pro_us"], quotes=[(3, 1), (2, 1)]
    )
    extra = schema.conform(
        pl.DataFrame(
            {"thread_id": ["awkward-a"] * 2, "post_id": ["p4", "p6"], "quoted_post_id": ["p99", None]}
        ),
        schema.QUOTES,
    )
    frames = {k: pl.concat([one[k], two[k]]) for k in ("threads", "posts", "quotes", "classified")}
    frames["quotes"] = pl.concat([extra, frames["quotes"]]).reverse()
    return frames


def seed_frames(seed_tables: dict) -> dict[str, pl.DataFrame]:
    """The bundled seed documents, each post given a stance and score by its position."""
    posts = seed_tables["posts"]
    stances = pl.Series("stance", schema.STANCES).gather(posts["position"] % 4)
    classified = schema.conform(
        posts.select(
            "thread_id", "post_id", stances, ((pl.col("position") % 7 - 3) / 4).alias("sentiment")
        ),
        schema.CLASSIFIED,
    )
    return {**{k: seed_tables[k] for k in ("threads", "posts", "quotes")}, "classified": classified}


@pytest.mark.parametrize("maker", [*MAKERS, awkward_quotes_thread, "seed"])
def test_quote_links_from_transitions_equal_edges_found_from_quotes(maker, request):
    """Regression guard: the page reads its quote links from the run's ``transitions`` table
    instead of finding the edges again, and draws exactly the rows the quotes give."""
    frames = seed_frames(request.getfixturevalue("seed_tables")) if maker == "seed" else maker()
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    n_links = 0
    for thread_id in frames["threads"]["thread_id"]:
        data = report.prepare_thread(thread_id, frames["posts"], frames["classified"], tables)
        own_quotes = frames["quotes"].filter(pl.col("thread_id") == thread_id)
        expected = edges_from_quotes(own_quotes, data.view)
        assert data.edges.equals(expected), thread_id
        page_plan = report.thread_plans(data)["quotes"]
        positions = data.view["position"]
        domain = [float(positions.min() or 0) - 0.5, float(positions.max() or 0) + 0.5]
        reference_plan = charts.quote_arcs_plan(expected, x_domain=domain)
        assert page_plan.spec() == reference_plan.spec(), thread_id
        assert page_plan.data.keys() == reference_plan.data.keys(), thread_id
        for name, frame in page_plan.data.items():
            assert frame.equals(reference_plan.data[name]), (thread_id, name)
        n_links += data.edges.height
    if maker in (bu.seed_like_thread, awkward_quotes_thread, "seed"):
        assert n_links > 0  # the comparison covered real edges, not only empty tables


def test_page_data_reuses_the_run_tables(monkeypatch):
    """Regression guard: preparing a page neither reruns the metrics nor finds quote edges again."""
    frames = awkward_quotes_thread()
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])

    def refuse(*args, **kwargs):
        raise AssertionError("the page computed a metric the run already holds")

    for module in (shifts, shifts_compute):
        monkeypatch.setattr(module, "compute_shifts", refuse)
    for module in (shifts_compute, shifts_edges):
        monkeypatch.setattr(module, "quote_edges", refuse)
    data = report.prepare_thread("awkward-a", frames["posts"], frames["classified"], tables)
    assert data.edges.height == 6  # 3→0 (twice), 5→4, 5→0, 2→1, 6→3, 7→5; 7→7, p99, null dropped
    assert report.thread_plans(data)["quotes"].data[charts.DATASETS["quote_edges"]].height == 6


def test_stance_sentiment_shares_are_counts_times_the_reciprocal_of_the_thread_size():
    """Guards the batched plans: a share is n × (1 / posts), what Polars gives for one thread's
    count divided by a number, so pages keep their values whichever way the plan is made."""
    frames = bu.seed_like_thread()
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    view = charts.post_view(frames["posts"], frames["classified"], tables["shifts"])
    counts = charts.stance_sentiment_plan(view).data["stance_sentiment-counts"]
    assert counts["share"].to_list() == [n * (1.0 / view.height) for n in counts["posts"].to_list()]
    assert counts["posts"].sum() == view.height


def test_plans_of_many_threads_equal_each_threads_own():
    """The author-track and stance × sentiment plans made for a multi-thread view at once equal
    the plans each thread's view gives alone (data, shape and fill)."""
    makers = [bu.tea_stall_thread, bu.seed_like_thread, bu.hostile_thread, bu.bare_thread, bu.all_none_thread]
    views, tracks = [], []
    for maker in makers:
        frames = maker()
        tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
        views.append(charts.post_view(frames["posts"], frames["classified"], tables["shifts"]))
        tracks.append(tables["author_tracks"])
    together = {
        "authors": charts.author_tracks_plans(pl.concat(views), pl.concat(tracks, how="vertical_relaxed"), max_authors=2),
        "stance_sentiment": charts.stance_sentiment_plans(pl.concat(views)),
    }
    for view, track in zip(views, tracks, strict=True):
        thread = view["thread_id"][0]
        alone = {
            "authors": charts.author_tracks_plan(view, track, max_authors=2),
            "stance_sentiment": charts.stance_sentiment_plan(view),
        }
        for name, plan in alone.items():
            batch = together[name][thread]
            assert (batch.layout, batch.shape, dict(batch.fill)) == (plan.layout, plan.shape, dict(plan.fill)), (name, thread)
            assert batch.data.keys() == plan.data.keys()
            for key in plan.data:
                assert batch.data[key].equals(plan.data[key]), (name, thread, key)
    # Not vacuous: one thread has more authors than shown, and one has none (a note instead).
    plans = [together["authors"][v["thread_id"][0]] for v in views]
    assert any(dict(p.shape).get("most_active") == 2 for p in plans)
    assert len({p.layout for p in plans}) == 2
