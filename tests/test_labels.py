"""Export for labelling and strict, all-or-nothing label import."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from discourse import schema
from discourse.labels import (
    LISTED_GROUPS,
    LabelImportError,
    LabelMatch,
    choose_for_labelling,
    export_for_labelling,
    import_labels,
    match_labels,
    nearest_thread_id,
    write_for_labelling,
)


@pytest.fixture
def posts() -> pl.DataFrame:
    # Authored posts (project's own words).
    texts = ["Washington over Moscow.", "Stay  neutral,\n both blocs lied.", "Nice day.", "Agreed."]
    return schema.conform(pl.DataFrame({
        "thread_id": ["t"] * 4, "post_id": ["0", "1", "2", "3"], "position": [0, 1, 2, 3],
        "text": texts, "own_text": texts,
    }), schema.POSTS)


@pytest.fixture
def classified() -> pl.DataFrame:
    return schema.conform(pl.DataFrame({
        "thread_id": ["t"] * 4, "post_id": ["0", "1", "2", "3"],
        "stance": ["pro_us", "neutralist", "none", "pro_us"], "confidence": [0.9, 0.45, 0.6, 0.3],
        "stance_source": ["model", "model", "model", "inherited"],
    }), schema.CLASSIFIED)


def test_export_least_confident(posts, classified, tmp_path: Path) -> None:
    out = export_for_labelling(posts, classified, n=2)
    assert out.columns == ["thread_id", "post_id", "excerpt", "predicted_stance", "confidence",
                           "stance", "sentiment", "annotator", "note"]
    assert out["post_id"].to_list() == ["1", "2"]  # inherited post 3 is skipped
    assert out["excerpt"][0] == "Stay neutral, both blocs lied."
    assert set(out["stance"].to_list()) == {""}
    path = write_for_labelling(out, tmp_path / "todo.csv")
    assert pl.read_csv(path).height == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_writes_one_new_file(posts, tmp_path: Path) -> None:
    labels_dir = tmp_path / "labels"
    src = _write(tmp_path / "mine.csv",
                 "thread_id,post_id,stance,sentiment,annotator,note\n"
                 "t,0,pro_us,positive,me,clear preference\n"
                 "t,1,neutralist,,me,\"says neither, stay out\"\n")
    target = import_labels(src, labels_dir, posts)
    assert target.parent == labels_dir and target.name.startswith("user-")
    frame = pl.read_csv(target, infer_schema=False)
    assert frame.columns == list(schema.LABELS)
    assert frame["note"][1] == "says neither, stay out"
    again = import_labels(src, labels_dir, posts)
    assert again != target and len(list(labels_dir.glob("*.csv"))) == 2


def test_import_rejects_every_bad_row_and_writes_nothing(posts, tmp_path: Path) -> None:
    labels_dir = tmp_path / "labels"
    src = _write(tmp_path / "bad.csv",
                 "thread_id,post_id,stance,sentiment,annotator,note\n"
                 "t,0,pro_us,positive,me,\n"        # line 2: fine
                 "t,99,pro_us,,me,\n"               # line 3: unknown post
                 "t,1,pro_soviet,,me,\n"            # line 4: bad stance
                 "t,2,none,angry,me,\n"             # line 5: bad sentiment
                 "t,0,none,,me,\n"                  # line 6: duplicate
                 ",3,none,,me,\n")                  # line 7: missing thread id
    with pytest.raises(LabelImportError) as info:
        import_labels(src, labels_dir, posts)
    lines = [line for line, _ in info.value.problems]
    assert lines == [3, 4, 5, 6, 7]
    message = str(info.value)
    assert "line 3: unknown post t/99" in message and "pro_soviet" in message and "angry" in message
    assert not labels_dir.exists() or not list(labels_dir.iterdir())


def test_import_requires_columns(posts, tmp_path: Path) -> None:
    src = _write(tmp_path / "cols.csv", "thread_id,stance\nt,none\n")
    with pytest.raises(LabelImportError, match="missing required column"):
        import_labels(src, tmp_path / "labels", posts)
    empty = _write(tmp_path / "empty.csv", "thread_id,post_id,stance\n")
    with pytest.raises(LabelImportError, match="no label rows"):
        import_labels(empty, tmp_path / "labels", posts)


# --- choosing posts -----------------------------------------------------------------------------
def _two_threads() -> tuple[pl.DataFrame, pl.DataFrame]:
    # Thread "long" is uncertain throughout; thread "short" has one uncertain post.
    keys = {"thread_id": ["long"] * 4 + ["short"] * 2, "post_id": ["0", "1", "2", "3", "0", "1"]}
    posts = schema.conform(pl.DataFrame({**keys, "position": [0, 1, 2, 3, 0, 1],
                                         "text": ["x"] * 6, "own_text": ["x"] * 6}), schema.POSTS)
    classified = schema.conform(pl.DataFrame({
        **keys, "stance": ["none"] * 6, "confidence": [0.30, 0.31, 0.32, 0.33, 0.50, 0.90],
        "stance_source": ["model"] * 6,
    }), schema.CLASSIFIED)
    return posts, classified


def test_choice_takes_threads_in_turn_least_confident_first() -> None:
    """Regression: a long uncertain thread filled the whole batch; each thread now gets a turn."""
    posts, classified = _two_threads()
    chosen = choose_for_labelling(posts, classified, n=4)
    assert list(zip(chosen["thread_id"], chosen["post_id"])) == [
        ("long", "0"), ("short", "0"), ("long", "1"), ("short", "1"),
    ]
    assert chosen.columns == ["thread_id", "post_id", "predicted_stance", "confidence"]


def test_choice_skips_posts_already_labelled() -> None:
    posts, classified = _two_threads()
    # long/1 has a row without a stance: not labelled yet.
    labelled = pl.DataFrame({"thread_id": ["long", "short", "long"], "post_id": ["0", "0", "1"],
                             "stance": ["none", "pro_us", ""]})
    chosen = choose_for_labelling(posts, classified, n=3, labelled=labelled)
    assert list(zip(chosen["thread_id"], chosen["post_id"])) == [("long", "1"), ("short", "1"), ("long", "2")]
    assert export_for_labelling(posts, classified, n=3, labelled=labelled)["post_id"].to_list() == ["1", "1", "2"]


def test_label_export_cli_leaves_out_labelled_posts(tmp_path: Path, capsys) -> None:
    from discourse.cli import main
    from ingest_util import store_tables

    posts, classified = _two_threads()
    processed, labels_dir = tmp_path / "processed", tmp_path / "labels"
    store_tables(processed, {"posts": posts, "classified": classified})
    labels_dir.mkdir()
    (labels_dir / "mine.csv").write_text("thread_id,post_id,stance\nlong,0,none\n", encoding="utf-8")
    args = ["label", "export", "--n", "2", "--processed-dir", str(processed), "--labels-dir", str(labels_dir)]
    assert main(args) == 0
    written = pl.read_csv(labels_dir / "to_label.csv.todo", infer_schema=False)
    assert list(zip(written["thread_id"], written["post_id"])) == [("long", "1"), ("short", "0")]
    assert "wrote 2 post(s) to annotate" in capsys.readouterr().out


# --- matching label rows to posts ---------------------------------------------------------------
@pytest.mark.parametrize(("given", "expected"), [
    ("tea-stall-p2", "tea-stall"),              # an extra suffix
    ("forum-tea-stall", "tea-stall"),           # an extra prefix
    ("seato-pact", "seato-pact-debate"),        # a missing suffix
    ("Tea-Stall", "tea-stall"),                 # case
    ("tea-stal1", "tea-stall"),                 # a typo: difflib's nearest
    ("cricket-scores", None),                   # nothing close
])
def test_nearest_thread_id(given: str, expected: str | None) -> None:
    assert nearest_thread_id(given, ["seato-pact-debate", "tea-stall", "tashkent-1966"]) == expected


def test_nearest_thread_id_ignores_tiny_affixes() -> None:
    # "p2" ends "tea-stall-p2" but says nothing about which thread was meant.
    assert nearest_thread_id("tea-stall-p2", ["p2", "tea-stall"]) == "tea-stall"
    assert nearest_thread_id("x", ["tea-stall"]) is None


def test_match_labels_counts_rows_and_lists_the_unmatched(posts) -> None:
    posts = posts.with_columns(thread_id=pl.lit("tea-stall"))
    labels = pl.DataFrame({
        "thread_id": ["tea-stall", "tea-stall-p2", "tea-stall-p2", "tea-stall", "tea-stall", "elsewhere"],
        "post_id": ["0", "1", "2", "77", "1", "5"],
        "stance": ["pro_us", "none", "pro_ussr", "none", "", "none"],
        "label_file": ["a.csv", "a.csv", "a.csv", "b.csv", "b.csv", "b.csv"],
    })
    match = match_labels(labels, posts, labels_dir="labels")
    # The row without a stance is not a label row.
    assert (match.n_rows, match.n_matched, match.n_unmatched, match.n_posts) == (5, 1, 4, 4)
    first, second, third = match.unmatched
    assert (first.label_file, first.thread_id, first.post_ids, first.n_rows) == ("a.csv", "tea-stall-p2", ("1", "2"), 2)
    assert not first.thread_known and first.nearest_thread == "tea-stall"
    assert (second.thread_id, second.post_ids, second.thread_known) == ("tea-stall", ("77",), True)
    assert third.thread_id == "elsewhere" and third.nearest_thread is None
    lines = match.describe()
    assert lines[0] == "labels: 1 of 5 label row(s) in labels matched an ingested post; 4 did not (of 4 ingested post(s)):"
    assert lines[1] == ("  a.csv: thread tea-stall-p2 (2 row(s), post id(s) 1, 2): "
                        "no ingested thread of this id; nearest: tea-stall")
    assert "no such post in this ingested thread" in lines[2]
    assert LabelMatch.from_metadata(match.as_metadata()) == match


def test_match_report_lists_a_bounded_number_of_groups(posts) -> None:
    n = LISTED_GROUPS + 5
    labels = pl.DataFrame({"thread_id": [f"gone-{i}" for i in range(n)], "post_id": ["0"] * n, "stance": ["none"] * n})
    match = match_labels(labels, posts)
    assert match.n_unmatched == n and len(match.unmatched) == LISTED_GROUPS
    assert match.describe()[-1] == "  … and 5 more row(s) in other threads"


def test_import_names_the_nearest_thread_of_an_unknown_post(posts, tmp_path: Path) -> None:
    posts = posts.with_columns(thread_id=pl.lit("tea-stall"))
    src = _write(tmp_path / "near.csv", "thread_id,post_id,stance\ntea-stall-p2,0,pro_us\ntea-stall,9,none\n")
    with pytest.raises(LabelImportError) as info:
        import_labels(src, tmp_path / "labels", posts)
    message = str(info.value)
    assert "line 2: unknown post tea-stall-p2/0 (no thread tea-stall-p2; nearest: tea-stall)" in message
    assert message.endswith("line 3: unknown post tea-stall/9")  # the thread exists: no hint
