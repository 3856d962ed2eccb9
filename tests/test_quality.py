"""Per-thread counts of what a reader could not recover: counts, warnings, tables, pages, CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from discourse import report, schema, store
from discourse.cli import EXIT_OK, main
from discourse.ingest import threads_to_tables
from discourse.ingest.build import FileIngest, list_thread_warnings
from discourse.ingest.quality import (
    QUALITY_COLUMNS,
    count_thread_quality,
    describe_quality,
    thread_warnings,
)
from discourse.ingest.records import ParsedThread, RawPost, RawQuote
from ingest_util import ingest_paths

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DAY = datetime(2024, 4, 2, 9, 30, tzinfo=UTC)

# Authored example (project's own words): four posts of one thread.
FIRST = "Aid from Washington paid for the dams, whatever one thinks of the pact."
ONLY_QUOTE = FIRST  # the second post is nothing but a marked quote of the first
OWN = "Moscow offered steel mills on easier terms, and nobody remembers that."
ELSEWHERE = "A line from some other thread that this file does not hold."
LAST = "Both offers came with conditions; only the names on the cheques differed."


def tiny_parsed() -> list[ParsedThread]:
    """Post 2 is all quote; post 3 has no date; post 4 has no author and quotes post 99."""
    fourth = f"{ELSEWHERE}\n\n{LAST}"
    return [
        ParsedThread(
            format="discourse_json",
            title="Dams or steel mills",
            source_thread_id="77",
            posts=[
                RawPost(FIRST, post_id="1", author="river_watcher", created_at=DAY),
                RawPost(ONLY_QUOTE, post_id="2", author="steel_town", created_at=DAY,
                        quotes=[RawQuote(0, len(ONLY_QUOTE), quoted_post_id="1")]),
                RawPost(OWN, post_id="3", author="steel_town", created_at=None),
                RawPost(fourth, post_id="4", author=None, created_at=DAY,
                        quotes=[RawQuote(0, len(ELSEWHERE), quoted_post_id="99")]),
            ],
        )
    ]


def tiny_tables() -> dict[str, pl.DataFrame]:
    return threads_to_tables(tiny_parsed(), "tiny.json", "0" * 64, NOW)


# --- the counts -------------------------------------------------------------------------------------
def test_counts_each_kind_of_gap_once():
    tables = tiny_tables()
    counts = count_thread_quality(tables["posts"], tables["quotes"])
    assert counts.columns == [schema.THREAD_ID, *QUALITY_COLUMNS]
    assert counts.row(0, named=True) == {
        schema.THREAD_ID: tables["threads"][schema.THREAD_ID][0],
        "n_no_own_text": 1,
        "n_no_date": 1,
        "n_no_author": 1,
        "n_unlinked_quotes": 1,
    }


def test_a_marked_quote_of_a_post_in_the_file_is_linked_not_counted():
    tables = tiny_tables()
    linked = tables["quotes"].filter(pl.col("quoted_post_id").is_not_null())
    assert linked[schema.POST_ID].to_list() == ["2"]  # post 2 quotes post 1, which is in the file
    assert tables["threads"]["n_unlinked_quotes"].to_list() == [1]  # post 4's quote of 99 only


def test_threads_of_one_frame_are_counted_apart():
    """The several-thread path (a group-by) gives what each thread gives alone."""
    parsed = tiny_parsed()
    clean = ParsedThread(format="csv", source_thread_id="78",
                         posts=[RawPost(OWN, post_id="1", author="a", created_at=DAY)])
    both = threads_to_tables([*parsed, clean], "two.csv", "0" * 64, NOW)
    counts = count_thread_quality(both["posts"], both["quotes"])
    assert counts.select(QUALITY_COLUMNS).rows() == [(1, 1, 1, 1), (0, 0, 0, 0)]
    assert counts[schema.THREAD_ID].to_list() == both["threads"][schema.THREAD_ID].to_list()
    alone = count_thread_quality(
        both["posts"].filter(pl.col(schema.THREAD_ID) == counts[schema.THREAD_ID][0]),
        both["quotes"].filter(pl.col(schema.THREAD_ID) == counts[schema.THREAD_ID][0]),
    )
    assert alone.rows() == counts.head(1).rows()


def test_counts_of_empty_frames_are_empty():
    counts = count_thread_quality(schema.empty(schema.POSTS), schema.empty(schema.QUOTES))
    assert counts.height == 0 and counts.columns == [schema.THREAD_ID, *QUALITY_COLUMNS]


def test_quality_columns_are_in_both_tables():
    for table in (schema.THREADS, schema.INGEST_REPORT):
        assert all(table[c] == pl.Int64() for c in QUALITY_COLUMNS)


# --- warnings and phrases ---------------------------------------------------------------------------
def quality_frame(rows: list[tuple[str, int, int | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={schema.THREAD_ID: pl.String, "n_posts": pl.Int64, "n_no_own_text": pl.Int64},
                        orient="row")


def test_warning_needs_more_than_half_the_posts_empty():
    frame = quality_frame([("half", 10, 5), ("most", 10, 6), ("none", 0, 0), ("unknown", 4, None), ("one", 1, 1)])
    warnings = thread_warnings(frame)
    assert [w.split(":")[0] for w in warnings] == ["thread most", "thread one"]
    assert warnings[0].startswith("thread most: 6 of 10 posts have no text of their own")


@pytest.mark.parametrize(
    ("row", "phrases"),
    [
        ({"n_posts": 40, "n_no_own_text": 12}, ["12 of 40 posts have no text of their own"]),
        ({"n_posts": 40, "n_no_date": 1}, ["1 of 40 posts has no date"]),
        ({"n_posts": 3, "n_no_author": 3}, ["no post has an author"]),
        ({"n_posts": 3, "n_no_date": 3, "n_no_own_text": 3}, ["no post has text of its own", "no post has a date"]),
        ({"n_posts": 5, "n_unlinked_quotes": 1}, ["1 marked quote matches no post in the file"]),
        ({"n_posts": 5, "n_unlinked_quotes": 2}, ["2 marked quotes match no post in the file"]),
        ({"n_posts": 5, "n_no_own_text": 0, "n_no_date": None}, []),  # nothing to say, or not counted
    ],
)
def test_describe_quality_phrasing(row, phrases):
    assert describe_quality(row) == phrases


def test_release_keeps_what_warnings_need():
    """Regression guard: a run releases each file's tables before it prints its summary."""
    tables = tiny_tables()
    tables["threads"] = tables["threads"].with_columns(n_no_own_text=pl.lit(3, dtype=pl.Int64))
    result = FileIngest("tiny.json", "0" * 64, "discourse_json", tables)
    before = list_thread_warnings([result])
    row = result.release().report_row(NOW)
    assert result.tables == {} and before and list_thread_warnings([result]) == before
    assert (row["n_no_own_text"], row["n_no_date"], row["n_unlinked_quotes"]) == (3, 1, 1)


def test_failed_file_has_no_counts_and_no_warnings():
    failed = FileIngest("bad.json", None, None, error="not a topic")
    row = failed.report_row(NOW)
    assert all(row[c] is None for c in QUALITY_COLUMNS)
    assert list_thread_warnings([failed]) == []


# --- through a real ingest ----------------------------------------------------------------------------
def aside(post_number: int, text: str) -> str:
    return (f'<aside class="quote" data-username="x" data-post="{post_number}" data-topic="501">'
            f'<div class="title">x:</div><blockquote><p>{text}</p></blockquote></aside>')


def topic_json(posts: list[dict]) -> str:
    """An authored Discourse topic (/t/{id}.json shape) holding ``posts``."""
    return json.dumps({"id": 501, "title": "Dams or steel mills", "slug": "dams-or-steel-mills",
                       "post_stream": {"posts": posts}})


def topic_post(number: int, cooked: str, *, username: str | None = "river_watcher",
               created_at: str | None = "2024-04-02T09:30:00.000Z") -> dict:
    return {"id": 9000 + number, "post_number": number, "post_type": 1, "username": username,
            "created_at": created_at, "cooked": cooked}


GAPPY_TOPIC = topic_json([
    topic_post(1, f"<p>{FIRST}</p>"),
    topic_post(2, aside(1, FIRST), username="steel_town"),
    topic_post(3, f"<p>{OWN}</p>", created_at=None),
    topic_post(4, aside(99, ELSEWHERE) + f"<p>{LAST}</p>", username=None),
])
# Most posts only quote: a reader that took every body for a quote would give this.
EMPTY_TOPIC = topic_json([topic_post(1, f"<p>{FIRST}</p>")] + [topic_post(n, aside(1, FIRST)) for n in (2, 3, 4)])


def write_raw(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_counts_reach_the_threads_table_and_the_ingest_report(tmp_path):
    raw = write_raw(tmp_path / "raw", {"gappy.json": GAPPY_TOPIC, "broken.json": '{"post_stream": '})
    ingest_paths([raw], tmp_path / "processed")
    threads = store.read_table(tmp_path / "processed", "threads")
    assert threads.select("n_posts", *QUALITY_COLUMNS).rows() == [(4, 1, 1, 1, 1)]
    report_rows = store.read_table(tmp_path / "processed", "ingest_report").sort("source_path")
    files = {row["source_path"]: row for row in report_rows.iter_rows(named=True)}
    assert [files["gappy.json"][c] for c in QUALITY_COLUMNS] == [1, 1, 1, 1]
    assert files["broken.json"]["status"] == "failed"
    assert [files["broken.json"][c] for c in QUALITY_COLUMNS] == [None] * 4


def test_a_file_not_read_again_keeps_its_sums_in_the_report(tmp_path):
    from discourse.config import Settings
    from discourse.pipeline import run_pipeline

    raw = write_raw(tmp_path / "raw", {"gappy.json": GAPPY_TOPIC})
    settings = Settings.default(tmp_path, raw_dir=raw)
    assert run_pipeline(settings).ok
    write_raw(raw, {"empty.json": EMPTY_TOPIC})  # something to do, gappy.json unchanged
    summary = run_pipeline(settings)
    assert [row["source_path"] for row in summary.plan.unchanged] == ["gappy.json"]
    rows = {r["source_path"]: r for r in store.read_table(settings.processed_dir, "ingest_report").iter_rows(named=True)}
    assert rows["gappy.json"]["status"] == "unchanged"
    assert [rows["gappy.json"][c] for c in QUALITY_COLUMNS] == [1, 1, 1, 1]


def test_ingest_prints_a_warning_for_a_thread_of_empty_posts_and_still_succeeds(tmp_path, capsys):
    raw = write_raw(tmp_path / "raw", {"empty.json": EMPTY_TOPIC, "gappy.json": GAPPY_TOPIC})
    assert main(["ingest", str(raw), "--processed-dir", str(tmp_path / "processed")]) == EXIT_OK
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "have no text of their own" in line]
    assert len(warnings) == 1  # gappy.json: 1 of 4 is not most
    assert warnings[0].startswith("  WARNING thread empty") and "3 of 4 posts" in warnings[0]


def test_run_summary_prints_the_warnings_of_released_results(tmp_path, capsys):
    from discourse.cli_run import _print_run
    from discourse.config import Settings
    from discourse.pipeline import RunPlan, RunSummary

    tables = tiny_tables()
    tables["threads"] = tables["threads"].with_columns(n_no_own_text=pl.lit(4, dtype=pl.Int64))
    result = FileIngest("tiny.json", "0" * 64, "discourse_json", tables).release()
    summary = RunSummary(plan=RunPlan(model_version="m", index_missing=True), results=[result])
    assert _print_run(summary, Settings.default(tmp_path)) == EXIT_OK
    assert f"  WARNING thread {result.thread_ids[0]}: 4 of 4 posts have no text of their own" in capsys.readouterr().err


# --- pages -------------------------------------------------------------------------------------------
def test_pages_show_the_phrases_as_text(tmp_path):
    from discourse import shifts
    from discourse.classify import classify_posts
    from discourse.stance.train import default_model

    tables = tiny_tables()
    tables["threads"] = tables["threads"].with_columns(title=pl.lit("Dams <b>or</b> mills"))
    model, _ = default_model(tmp_path / "models", include_user_labels=False)
    classified = classify_posts(tables["posts"], tables["quotes"], model)
    metrics = shifts.compute_shifts(tables["posts"], tables["quotes"], classified)
    thread = tables["threads"].row(0, named=True)
    page = report.write_thread_report(
        thread, tables["posts"], classified, metrics, tmp_path, {}
    ).read_text(encoding="utf-8")
    notice = ("<strong>Gaps in what was read:</strong> 1 of 4 posts has no text of their own; "
              "1 of 4 posts has no date; 1 of 4 posts has no author; 1 marked quote matches no post in the file.")
    assert f'<p class="quality" role="note">{notice}</p>' in page
    assert "Dams &lt;b&gt;or&lt;/b&gt; mills" in page and "<b>or</b>" not in page
    index = report.write_index(tables["threads"], metrics["thread_summary"], tmp_path, {}).read_text(encoding="utf-8")
    assert ('<div class="s quality">1 of 4 posts has no text of their own; 1 of 4 posts has no date; '
            "1 of 4 posts has no author; 1 marked quote matches no post in the file</div>") in index


def test_pages_of_threads_without_gaps_have_no_notice(tmp_path):
    clean = ParsedThread(format="csv", title="Clean", posts=[RawPost(OWN, post_id="1", author="a", created_at=DAY)])
    tables = threads_to_tables([clean], "clean.csv", "0" * 64, NOW)
    index = report.write_index(tables["threads"], schema.empty(schema.THREAD_SUMMARY), tmp_path, {})
    assert 'class="s quality"' not in index.read_text(encoding="utf-8")


def test_counts_taken_while_building_match_the_frame_rules_on_real_engines():
    """Regression guard: threads_to_tables counts in its row loop (a per-file query was a
    third of ingest time); the counts must equal count_thread_quality over the built frames."""
    from pathlib import Path

    from discourse.ingest.build import read_source
    from discourse.ingest.quality import count_thread_quality

    real = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "forumscraper"
    fixtures = Path(__file__).resolve().parent / "fixtures" / "formats"
    paths = [p for p in (list(real.rglob("*")) if real.is_dir() else []) + list(fixtures.iterdir())
             if p.is_file() and p.suffix not in (".md",)]
    compared = 0
    for path in paths:
        result = read_source(path, path.name)
        if not result.ok:
            continue
        tables = result.tables
        expected = count_thread_quality(tables["posts"], tables["quotes"])
        got = tables["threads"].select(expected.columns)
        assert got.equals(expected), path
        compared += 1
    assert compared >= 5
