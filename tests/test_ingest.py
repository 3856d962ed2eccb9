"""Ingest end to end: the seed figures, tables and their schemas, bad files, the CLI."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import pytest

from conftest import RAW, TINY_THREAD
from discourse import schema
from discourse.cli import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, main
from discourse.ingest import detect_format, read_source
from discourse.ingest.decode import decode_text
from discourse.ingest.errors import IngestError
from discourse.ingest.records import RawFile
from ingest_util import ingest_paths


def test_seed_tables_match_their_schemas(seed_tables):
    for name in ("threads", "posts", "quotes"):
        schema.validate(seed_tables[name], schema.TABLES[name])


def test_seed_threads_and_formats(seed_tables):
    threads = seed_tables["threads"].sort("thread_id")
    assert threads["thread_id"].to_list() == ["pakpassion-why-not-ussr", "ussr-pakistan-relations-1965"]
    assert threads["format"].to_list() == ["xenforo_text", "article"]
    assert threads["n_posts"].to_list() == [32, 6]
    assert all(len(h) == 64 for h in threads["source_sha256"])


def test_seed_article_has_six_paragraphs_without_chrome(seed_tables):
    posts = seed_tables["posts"].filter(pl.col("thread_id") == "ussr-pakistan-relations-1965")
    assert posts["position"].to_list() == list(range(6))
    assert not any("Follow Us On" in t for t in posts["text"])
    assert posts["text"][0].startswith("Relations between U.S.S.R. and Pakistan")
    assert posts["own_text"].to_list() == posts["text"].to_list()


def test_word_count_counts_own_words_only(seed_tables):
    posts = seed_tables["posts"].filter(pl.col("thread_id") == "pakpassion-why-not-ussr")
    row = posts.filter(pl.col("position") == 14).row(0, named=True)
    assert row["word_count"] == len(row["own_text"].split()) < len(row["text"].split())


def test_raw_folder_is_never_modified(tmp_path):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in RAW.iterdir()}
    ingest_paths([RAW], tmp_path / "processed")
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in RAW.iterdir()} == before


def test_reingest_replaces_a_thread_instead_of_duplicating_it(tiny_thread_file, tmp_path):
    processed = tmp_path / "processed"
    ingest_paths([tiny_thread_file.parent], processed)
    ingest_paths([tiny_thread_file.parent], processed)
    posts = pl.read_parquet(processed / "posts.parquet")
    assert posts.height == 3
    assert pl.read_parquet(processed / "quotes.parquet")["quoted_post_id"].to_list() == ["0"]


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"   \n\t\n  ", "only whitespace"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    "nul.txt": (b"abc\x00def" * 10, "NUL"),
    "broken.json": (b'{"post_stream": {"posts": [', "json|JSON"),
    "mystery.bin": (b"\x00\x01\x02\x03" * 8, "NUL"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_and_the_others_are_processed(tmp_path, name):
    raw = tmp_path / "raw"
    raw.mkdir()
    data, reason = BAD_FILES[name]
    (raw / name).write_bytes(data)
    (raw / "good.txt").write_text(TINY_THREAD, encoding="utf-8")
    summary = ingest_paths([raw], tmp_path / "processed")
    [failed] = summary.failed_files
    assert failed.source_path == name
    assert pytest.approx(0) == 0 and __import__("re").search(reason, failed.error), failed.error
    report = pl.read_parquet(tmp_path / "processed" / "ingest_report.parquet")
    assert dict(zip(report["source_path"], report["status"], strict=True)) == {name: "failed", "good.txt": "ok"}
    assert pl.read_parquet(tmp_path / "processed" / "posts.parquet").height == 3


def test_file_over_the_size_limit_is_rejected_unread(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(TINY_THREAD * 50, encoding="utf-8")
    result = read_source(path, "big.txt", max_bytes=1000)
    assert not result.ok and "over the limit of 1,000 bytes" in result.error


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (codecs.BOM_UTF8 + "Nehru’s neutrality".encode(), "utf-8-sig"),
        ("Nehru’s neutrality".encode("utf-16"), "utf-16"),
        ("Nehru’s neutrality".encode("cp1252"), "cp1252"),
        ("Zafrulla Khan à Moscou".encode("latin-1"), "latin-1"),
    ],
)
def test_text_encodings_are_decoded(encoded, encoding):
    text = decode_text(encoded, "x.txt")
    assert text.startswith(("Nehru", "Zafrulla")) and "\ufeff" not in text


def test_unknown_extension_with_unrecognisable_content_names_the_file():
    raw = RawFile(b"\x00\x00\x00", "dump.xyz")
    with pytest.raises(IngestError, match=r"dump\.xyz: .*NUL"):
        detect_format(raw)


def test_format_detection_of_the_seeds():
    assert detect_format(RawFile((RAW / "pakpassion-why-not-ussr.txt").read_bytes(), "a.txt")) == "xenforo_text"
    assert detect_format(RawFile((RAW / "ussr-pakistan-relations-1965.txt").read_bytes(), "b.txt")) == "article"


def test_forced_format_overrides_detection(tmp_path):
    path = tmp_path / "thread.txt"
    path.write_text(TINY_THREAD, encoding="utf-8")
    result = read_source(path, "thread.txt", fmt="article")
    assert result.ok and result.format == "article"


def test_hidden_files_are_skipped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / ".DS_Store").write_bytes(b"\x00\x01")
    (raw / "t.txt").write_text(TINY_THREAD, encoding="utf-8")
    summary = ingest_paths([raw], tmp_path / "p")
    assert [r.source_path for r in summary.results] == ["t.txt"]


def test_symlink_out_of_the_raw_folder_is_refused(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("private words that must not be ingested", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "link.txt").symlink_to(outside)
    [result] = ingest_paths([raw], tmp_path / "p").results
    assert not result.ok and "outside the raw folder" in result.error


# --- CLI -------------------------------------------------------------------------------------
def test_cli_ingest_writes_the_three_tables(tmp_path, capsys):
    code = main(["ingest", str(RAW), "--processed-dir", str(tmp_path)])
    assert code == EXIT_OK
    assert {p.name for p in tmp_path.glob("*.parquet")} >= {"threads.parquet", "posts.parquet", "quotes.parquet"}
    assert "38 post(s)" in capsys.readouterr().out


def test_cli_ingest_exit_status_says_something_failed(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    (raw / "ok.txt").write_text(TINY_THREAD, encoding="utf-8")
    assert main(["ingest", str(raw), "--processed-dir", str(tmp_path / "p")]) == EXIT_PARTIAL
    assert "empty.txt: file is empty" in capsys.readouterr().err


def test_cli_rejects_unknown_format_and_bad_columns(tmp_path, capsys):
    assert main(["ingest", str(RAW), "--processed-dir", str(tmp_path), "--format", "pdf"]) == EXIT_USAGE
    assert main(["ingest", str(RAW), "--processed-dir", str(tmp_path), "--columns", "body"]) == EXIT_USAGE
    assert main(["ingest", str(tmp_path / "missing"), "--processed-dir", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown --format" in err and "name=column" in err and "does not exist" in err


def test_cli_defaults_are_relative_to_the_project_root_not_the_cwd(tmp_path, monkeypatch):
    from discourse.cli import build_parser, settings_from

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCOURSE_HOME", raising=False)
    settings = settings_from(build_parser().parse_args(["ingest"]))
    assert settings.processed_dir == Path(__file__).resolve().parents[1] / "data" / "processed"


def test_base_url_option_makes_discourse_thread_urls_absolute(tmp_path, capsys):
    fixture = Path(__file__).parent / "fixtures" / "formats" / "discourse_topic.json"
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "topic.json").write_bytes(fixture.read_bytes())
    (raw / "thread.txt").write_text(TINY_THREAD, encoding="utf-8")
    out = tmp_path / "processed"
    args = ["ingest", str(raw), "--processed-dir", str(out), "--base-url", "https://forum.example.net/"]
    assert main(args) == EXIT_OK
    urls = dict(pl.read_parquet(out / "threads.parquet").select("format", "url").iter_rows())
    assert urls["discourse_json"] == "https://forum.example.net/t/nehrus-non-alignment-principled-stand-or-hedging/1187"
    assert urls["xenforo_text"] is None or not urls["xenforo_text"].startswith("https://forum.example.net")
    for bad in ("javascript:alert(1)", "forum.example.net", "https://forum.example.net/?q=1", "https://a b"):
        assert main(["ingest", str(raw), "--processed-dir", str(out), "--base-url", bad]) == EXIT_USAGE
    assert "is not an http(s) address" in capsys.readouterr().err


def test_base_url_is_part_of_the_run_version_only_when_set(tmp_path):
    from discourse.config import Settings
    from discourse.pipeline import run_version

    meta = {"model_version": "m1"}
    plain = run_version(meta, Settings.default(tmp_path))
    assert "base_url" not in plain
    assert run_version(meta, Settings.default(tmp_path, base_url="https://forum.example")) == (
        plain + "|base_url=https://forum.example"
    )


def test_run_summary_counts_only_threads_that_did_not_come_back_as_removed(capsys, tmp_path):
    """Regression: after `discourse ingest` (no manifest) a run said "2 removed" for threads it rebuilt."""
    from discourse.cli_run import _print_run
    from discourse.config import Settings
    from discourse.ingest.build import FileIngest
    from discourse.pipeline import RunPlan, RunSummary

    threads = schema.conform(pl.DataFrame({"thread_id": ["kept"], "n_posts": [1]}), schema.THREADS)
    plan = RunPlan(model_version="m", removed_threads=["kept", "gone"])
    summary = RunSummary(plan=plan, results=[FileIngest("f.txt", "0" * 64, "xenforo_text", {"threads": threads})])
    assert _print_run(summary, Settings.default(tmp_path)) == EXIT_OK
    assert "1 thread(s); 0 unchanged; 1 removed;" in capsys.readouterr().out
