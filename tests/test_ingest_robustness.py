"""Ingest regressions (issue 14): thread-id clashes, unsafe names, bad rows, output folders
inside the raw folder, links and special files, guessed encodings."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from conftest import TINY_THREAD
from discourse import pipeline, store
from discourse.cli import EXIT_OK, EXIT_PARTIAL, main
from discourse.config import Settings
from discourse.ingest import find_raw_files
from discourse.names import assign_file_ids, file_id_for, safe_name, thread_id_for
from discourse.plan import plan_run
from discourse.report.folder import page_name
from ingest_util import ingest_paths, store_tables

CSV_POSTS = "text,author\nThe pact bound Karachi to Washington.,Ayesha\nNon-alignment kept Delhi free.,Vikram\n"
TSV_POSTS = "text\tauthor\nMoscow mediated at Tashkent.\tOleg\n"


def _raw(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    raw = tmp_path / "raw"
    for name, content in files.items():
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return raw


def _report(processed: Path) -> pl.DataFrame:
    return pl.read_parquet(processed / "ingest_report.parquet")


def _settings(tmp_path: Path, raw: Path) -> Settings:
    return Settings.default(tmp_path, raw_dir=raw)


def _stored(processed: Path) -> list[str]:
    return sorted(store.read_table(processed, "threads")["thread_id"])


def _run_without_model(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> tuple[object, list]:
    """The run's file stages (plan, ingest, commit) without classification or pages."""
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "load_model", lambda settings: (None, {"model_version": "test-version"}))
        patch.setattr(pipeline, "build_reports", lambda *args: [])
        summary = pipeline.run_pipeline(settings)
    return summary.plan, summary.results


# --- thread ids never collide ------------------------------------------------------------------
def test_files_that_map_to_one_id_keep_distinct_threads(tmp_path):
    raw = _raw(
        tmp_path,
        {
            "a.txt": TINY_THREAD,
            "a.csv": CSV_POSTS,
            "a.tsv": TSV_POSTS,
            "sub/b.txt": TINY_THREAD,
            "sub-b.txt": TINY_THREAD,
        },
    )
    assert file_id_for("a.txt") == file_id_for("a.csv") and file_id_for("sub/b.txt") == file_id_for("sub-b.txt")
    summary = ingest_paths([raw], tmp_path / "processed")
    assert not summary.failed_files
    threads = pl.read_parquet(tmp_path / "processed" / "threads.parquet")
    assert threads.height == 5 and threads["thread_id"].n_unique() == 5
    assert sorted(threads["source_path"]) == ["a.csv", "a.tsv", "a.txt", "sub-b.txt", "sub/b.txt"]
    assert pl.read_parquet(tmp_path / "processed" / "posts.parquet").height == 3 + 2 + 1 + 3 + 3


def test_file_keeps_its_id_when_a_clashing_file_is_added_or_removed(tmp_path):
    raw = _raw(tmp_path, {"a.txt": TINY_THREAD})
    processed = tmp_path / "processed"
    ingest_paths([raw], processed)
    assert _stored(processed) == ["a"]
    (raw / "a.csv").write_text(CSV_POSTS, encoding="utf-8")
    ingest_paths([raw], processed)
    threads = dict(pl.read_parquet(processed / "threads.parquet").select("source_path", "thread_id").iter_rows())
    assert threads["a.txt"] == "a" and threads["a.csv"].startswith("a-")
    # The rule on its own: history first, then a lone claim, then a suffix from the path.
    assert assign_file_ids(["a.csv", "a.txt"], {"a.txt": "a"}) == [threads["a.csv"], "a"]
    assert assign_file_ids(["a.csv"], {"a.csv": threads["a.csv"]}) == [threads["a.csv"]]
    fresh = assign_file_ids(["a.csv", "a.txt"])
    assert len(set(fresh)) == 2 and "a" not in fresh  # no history: neither file is preferred
    assert assign_file_ids(["x.txt", "x.txt"])[0] != assign_file_ids(["x.txt", "x.txt"])[1]


def test_removing_one_of_two_clashing_files_keeps_the_others_thread(tmp_path, monkeypatch):
    raw = _raw(tmp_path, {"a.txt": TINY_THREAD, "a.csv": CSV_POSTS})
    settings = _settings(tmp_path, raw)
    _run_without_model(settings, monkeypatch)
    stored = _stored(settings.processed_dir)
    assert len(stored) == 2
    (raw / "a.txt").unlink()
    plan, _ = _run_without_model(settings, monkeypatch)
    assert len(plan.removed_threads) == 1 and not plan.to_process  # a.csv is unchanged
    kept = pl.read_parquet(settings.processed_dir / "threads.parquet")
    assert kept["source_path"].to_list() == ["a.csv"] and kept["thread_id"].to_list()[0] in stored
    assert pl.read_parquet(settings.processed_dir / "posts.parquet").height == 2


def test_file_whose_manifest_id_is_shared_is_reprocessed_under_its_own_id(tmp_path, monkeypatch):
    raw = _raw(tmp_path, {"a.txt": TINY_THREAD, "a.csv": CSV_POSTS})
    settings = _settings(tmp_path, raw)
    _run_without_model(settings, monkeypatch)
    # A manifest where both files name the thread "a", as two clashing files once got.
    manifest = store.read_table(settings.processed_dir, "manifest")
    manifest = manifest.with_columns(pl.lit(["a"]).alias("thread_ids"))
    one_thread = store.read_table(settings.processed_dir, "threads").head(1).with_columns(thread_id=pl.lit("a"))
    store_tables(settings.processed_dir, {"manifest": manifest, "threads": one_thread})
    plan, results = _run_without_model(settings, monkeypatch)
    assert [e.source_path for e in plan.to_process] == ["a.txt"]  # its id changed: read again
    assert "a" in _stored(settings.processed_dir)  # still a.csv's, not deleted


# --- unsafe names ---------------------------------------------------------------------------
def test_double_dot_names_are_sanitised_and_never_stop_the_run(tmp_path, capsys):
    raw = _raw(tmp_path, {"notes..v2.txt": TINY_THREAD, "dump.csv": "thread_id,text\nv1..v2,Hello there\n..,Again\n"})
    for name in ("notes..v2", "v1..v2", "..", "a...b"):
        assert ".." not in safe_name(name) and "--" not in safe_name(name)
        page_name(safe_name(name))  # accepted as a page name
    processed = tmp_path / "processed"
    assert main(["ingest", str(raw), "--processed-dir", str(processed)]) == EXIT_OK
    threads = pl.read_parquet(processed / "threads.parquet")
    assert threads.height == 3 and not any(".." in t for t in threads["thread_id"])
    assert thread_id_for("notes..v2.txt") in threads["thread_id"].to_list()


def test_a_thread_id_the_store_refuses_fails_that_file_alone(tmp_path, monkeypatch):
    import discourse.ingest.build as build

    real = build.thread_id_for

    def refused_for_b(path, sub=None, *, file_id=None):
        return "bad..id" if path == "b.txt" else real(path, sub, file_id=file_id)

    monkeypatch.setattr(build, "thread_id_for", refused_for_b)
    raw = _raw(tmp_path, {"a.txt": TINY_THREAD, "b.txt": TINY_THREAD})
    summary = ingest_paths([raw], tmp_path / "processed")
    [failed] = summary.failed_files
    assert failed.source_path == "b.txt" and "not a safe file name" in failed.error
    assert _stored(tmp_path / "processed") == ["a"]


# --- bad rows ---------------------------------------------------------------------------------
def test_malformed_jsonl_line_keeps_the_good_rows_and_is_reported(tmp_path, capsys):
    lines = ['{"text": "cut sh', '{"text": "Ayub went to Washington."}', '[1, 2]', '{"text": "Then to Moscow."}']
    raw = _raw(tmp_path, {"posts.jsonl": "\n".join(lines) + "\n"})
    processed = tmp_path / "processed"
    assert main(["ingest", str(raw), "--processed-dir", str(processed)]) == EXIT_PARTIAL
    posts = pl.read_parquet(processed / "posts.parquet")
    assert posts["text"].to_list() == ["Ayub went to Washington.", "Then to Moscow."]
    report = _report(processed)
    assert report.select("status", "line").rows() == [("ok", None), ("bad_row", 1), ("bad_row", 3)]
    assert report["n_posts"].to_list()[0] == 2
    assert "BAD ROW posts.jsonl: line 1 is not valid JSON" in capsys.readouterr().err


def test_ragged_csv_row_keeps_the_good_rows_and_the_whole_reason(tmp_path):
    text = (
        "author,text\n"
        'Ayesha,"A post\nover two lines"\n'  # lines 2-3: a good row with an embedded newline
        "Vikram,too,many\n"  # line 4: ragged
        'Oleg,"unclosed quote\nrunning on"x\n'  # lines 5-6: broken quoting
        "Nadia,Last word.\n"
    )
    raw = _raw(tmp_path, {"posts.csv": text})
    processed = tmp_path / "processed"
    summary = ingest_paths([raw], processed)
    assert not summary.failed_files and [len(r.bad_rows) for r in summary.results] == [2]
    posts = pl.read_parquet(processed / "posts.parquet")
    assert posts["author"].to_list() == ["Ayesha", "Nadia"]
    bad = _report(processed).filter(pl.col("status") == "bad_row")
    assert bad["line"].to_list() == [4, 5]
    ragged, quoting = bad["reason"].to_list()
    assert ragged.startswith("line 4 has 3 fields but the header has 2") and ragged.endswith("extra fields)")
    assert quoting.startswith("lines 5-6: broken quoting (") and quoting.endswith(")")
    assert all("\n" not in reason for reason in bad["reason"])


def test_file_with_only_bad_rows_fails_and_lists_them(tmp_path):
    raw = _raw(tmp_path, {"posts.jsonl": '{"text": 5}\n{also bad\n', "ok.txt": TINY_THREAD})
    summary = ingest_paths([raw], tmp_path / "processed")
    [failed] = summary.failed_files
    assert failed.error == "no row could be read: 2 malformed, 0 with empty text"
    report = _report(tmp_path / "processed").filter(pl.col("source_path") == "posts.jsonl")
    assert report["status"].to_list() == ["failed", "bad_row", "bad_row"]


def test_unchanged_file_keeps_its_bad_rows_in_the_next_report(tmp_path, monkeypatch):
    raw = _raw(tmp_path, {"posts.jsonl": '{"text": "Kept."}\n{broken\n'})
    settings = _settings(tmp_path, raw)
    _run_without_model(settings, monkeypatch)
    first = _report(settings.processed_dir).select("status", "line").rows()
    (raw / "other.txt").write_text(TINY_THREAD, encoding="utf-8")  # something to do
    plan, _ = _run_without_model(settings, monkeypatch)
    assert [e.source_path for e in plan.to_process] == ["other.txt"]
    assert first == [("ok", None), ("bad_row", 2)]
    report = _report(settings.processed_dir).filter(pl.col("source_path") == "posts.jsonl")
    assert report.select("status", "line").rows() == [("unchanged", None), ("bad_row", 2)]


# --- output folders inside the raw folder -----------------------------------------------------
def test_processed_and_reports_folders_inside_raw_are_never_read_back(tmp_path):
    raw = _raw(tmp_path, {"t.txt": TINY_THREAD})
    processed = raw / "processed"
    for _ in range(2):
        summary = ingest_paths([raw], processed, exclude=[raw / "reports"])
        assert [r.source_path for r in summary.results] == ["t.txt"]
    (raw / "reports").mkdir()
    (raw / "reports" / "page.txt").write_text(TINY_THREAD, encoding="utf-8")
    assert [r.source_path for r in ingest_paths([raw], processed, exclude=[raw / "reports"]).results] == ["t.txt"]
    assert pl.read_parquet(processed / "posts.parquet").height == 3
    settings = Settings.default(tmp_path, raw_dir=raw, processed_dir=processed, reports_dir=raw / "reports")
    manifest = store.read_table(processed, "manifest")
    assert [e.source_path for e in plan_run(settings, "v", manifest, set()).to_process] == ["t.txt"]


# --- links and special files --------------------------------------------------------------------
def test_folder_link_outside_fifo_and_link_loop_are_reported(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "private.txt").write_text("words that must not be ingested", encoding="utf-8")
    raw = _raw(tmp_path, {"good.txt": TINY_THREAD, "inner/x.txt": TINY_THREAD})
    (raw / "out").symlink_to(outside, target_is_directory=True)
    (raw / "inner-again").symlink_to(raw / "inner", target_is_directory=True)  # inside: read once
    (raw / "loop1").symlink_to(raw / "loop2")
    (raw / "loop2").symlink_to(raw / "loop1")
    (raw / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(raw / "pipe.txt")
    problems = {e.source_path: e.problem for e in find_raw_files([raw]) if e.problem}
    assert problems == {
        "dangling.txt": "broken symbolic link (its target does not exist)",
        "loop1": "symbolic link loop",
        "loop2": "symbolic link loop",
        "out": "symbolic link points outside the raw folder (to a folder)",
        "pipe.txt": "not a regular file (a named pipe)",
    }
    summary = ingest_paths([raw], tmp_path / "processed")  # never blocks on the pipe
    assert sorted(r.source_path for r in summary.results if r.ok) == ["good.txt", "inner/x.txt"]
    report = _report(tmp_path / "processed")
    assert dict(report.filter(pl.col("status") == "failed").select("source_path", "reason").iter_rows()) == problems


# --- encodings --------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded_and_warned(tmp_path, encoding, capsys):
    raw = _raw(tmp_path, {"t.txt": TINY_THREAD.encode(encoding)})
    processed = tmp_path / "processed"
    assert main(["ingest", str(raw), "--processed-dir", str(processed)]) == EXIT_OK  # a warning is not a failure
    assert pl.read_parquet(processed / "posts.parquet").height == 3
    warning = _report(processed).filter(pl.col("status") == "warning")["reason"].to_list()
    assert warning == [f"no byte-order mark; decoded as {encoding.upper()} from its byte pattern"]
    assert "WARNING t.txt" in capsys.readouterr().err


def test_invalid_utf8_fallback_is_warned(tmp_path):
    raw = _raw(tmp_path, {"t.txt": TINY_THREAD.replace("Moscow", "Moscow’s").encode("cp1252")})
    ingest_paths([raw], tmp_path / "processed")
    [reason] = _report(tmp_path / "processed").filter(pl.col("status") == "warning")["reason"].to_list()
    assert reason.startswith("not valid UTF-8 (first bad byte at offset") and reason.endswith("decoded as cp1252")
