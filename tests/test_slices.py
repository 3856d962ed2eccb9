"""The CLI's ingest slice: what re-ingesting a file does to the rest of the store."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from conftest import TINY_THREAD
from discourse import schema, store
from ingest_util import ingest_paths, store_tables


def test_reingesting_a_file_drops_its_analysis_and_its_manifest_row(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(TINY_THREAD, encoding="utf-8")
    (raw / "b.txt").write_text(TINY_THREAD.replace("1954", "1955"), encoding="utf-8")
    processed = tmp_path / "processed"
    ingest_paths([raw], processed)
    # As if a run had classified both threads and recorded both files.
    classified = schema.conform(
        pl.DataFrame({"thread_id": ["a", "b"], "post_id": ["0", "0"], "stance": ["none", "pro_us"]}), schema.CLASSIFIED
    )
    manifest = schema.conform(
        pl.DataFrame({"source_path": ["a.txt", "b.txt"], "thread_ids": [["a"], ["b"]], "status": ["ok", "ok"],
                      "processed_at": [datetime.now(UTC)] * 2}),
        schema.MANIFEST,
    )
    ingested = store.read_tables(processed, ("threads", "posts", "quotes"))
    store_tables(processed, {**ingested, "classified": classified, "manifest": manifest})

    summary = ingest_paths([raw / "a.txt"], processed)
    assert summary.processed_threads == ["a"]
    tables = store.read_tables(processed, ("threads", "classified", "manifest"))
    assert sorted(tables["threads"]["thread_id"]) == ["a", "b"]  # b.txt's thread is kept
    assert tables["classified"]["thread_id"].to_list() == ["b"]  # a's classification is gone ...
    assert tables["manifest"]["source_path"].to_list() == ["b.txt"]  # ... and so is its manifest row


def test_a_thread_that_fails_to_classify_changes_nothing(tmp_path, monkeypatch):
    """Regression: a thread whose classification failed was removed with its posts."""
    import pytest

    from discourse import pipeline, slices
    from discourse.config import Settings

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(TINY_THREAD, encoding="utf-8")
    processed = tmp_path / "processed"
    ingest_paths([raw], processed)
    before = store.read_table(processed, "posts")

    def explode(job, tables):
        raise ValueError("model exploded")

    monkeypatch.setattr(slices, "load_model", lambda settings: (object(), {"model_version": "m"}))
    monkeypatch.setattr(pipeline, "_analyse", explode)
    with pytest.raises(slices.ClassifyError, match="a: ValueError: model exploded"):
        slices.classify_stored(Settings.default(tmp_path, processed_dir=processed))
    assert store.read_table(processed, "posts").equals(before)
