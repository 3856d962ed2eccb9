"""The run's unit of work: a batch of raw files read one by one and analysed together.

``batch_entries`` cuts the plan's files into batches; ``process_files`` reads each file of a
batch, classifies and measures all their threads in one call and writes their pages. A batch
must give what its files give one at a time, and a bad file must fail alone.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from conftest import TINY_THREAD
from discourse.config import Settings
from discourse.ingest.run import RawEntry, find_raw_files
from discourse.pipeline import FileBatch, FileJob, batch_entries, process_files


class TextHashModel:
    """A stand-in stance model: each text's probabilities follow from its own bytes alone."""

    classes_ = np.array(["neutralist", "none", "pro_us", "pro_ussr"])
    model_version_ = "text-hash-1"

    def predict_explained(self, texts, top_k=5, groups=None):  # noqa: ANN001, ANN201 - the model protocol
        proba = np.array([self._row(t) for t in texts]).reshape(len(texts), 4)
        labels = self.classes_[proba.argmax(axis=1)]
        return labels, proba, [[f"hash:{zlib.crc32(t.encode()) % 97}"] for t in texts]

    @staticmethod
    def _row(text: str) -> list[float]:
        weights = np.array([1 + (zlib.crc32(text.encode()) >> shift) % 7 for shift in (0, 3, 6, 9)], dtype=float)
        return (weights / weights.sum()).tolist()


def _raw_folder(tmp_path: Path, n: int) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(n):
        # Authored example threads: the tiny thread with a year changed, one per file.
        (raw / f"thread-{i:02d}.txt").write_text(TINY_THREAD.replace("1954", str(1940 + i)), encoding="utf-8")
    return raw


def _job(tmp_path: Path, raw: Path) -> FileJob:
    settings = Settings.default(tmp_path / "root", raw_dir=raw)
    return FileJob(settings, datetime(2026, 1, 2, tzinfo=UTC), TextHashModel(), {"model_version": "text-hash-1"})


def test_batches_keep_the_files_order_and_respect_both_limits(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    sizes = [100, 300, 50, 1000, 10, 10, 10]
    for i, size in enumerate(sizes):
        (raw / f"f{i}.txt").write_bytes(b"x" * size)
    entries = find_raw_files([raw])
    batches = batch_entries(entries, max_bytes=400, max_files=2)
    assert [[e.source_path for e in b.entries] for b in batches] == [
        ["f0.txt", "f1.txt"], ["f2.txt"], ["f3.txt"], ["f4.txt", "f5.txt"], ["f6.txt"],
    ]
    assert [e for b in batches for e in b.entries] == entries
    # A file that cannot be read weighs nothing and still gets its place (its read reports it).
    gone = RawEntry(raw / "missing.txt", "missing.txt", "no such file or folder")
    assert [len(b.entries) for b in batch_entries([gone, *entries[:2]], max_bytes=400)] == [3]
    assert batch_entries([]) == []
    assert FileBatch(tuple(entries[:1])).label == "f0.txt"
    assert FileBatch(tuple(entries[:3])).label == "f0.txt and 2 more"


def test_a_batch_gives_what_its_files_give_one_at_a_time(tmp_path: Path) -> None:
    raw = _raw_folder(tmp_path, 5)
    entries = find_raw_files([raw])
    together = process_files(_job(tmp_path / "a", raw), FileBatch(tuple(entries)))
    alone = [process_files(_job(tmp_path / "b", raw), FileBatch((entry,))) for entry in entries]

    assert [f.result.source_path for f in together.files] == [e.source_path for e in entries]
    assert set(together.tables) == set(alone[0].tables)
    for name, frame in together.tables.items():
        expected = pl.concat([a.tables[name] for a in alone], how="vertical_relaxed")
        assert frame.equals(expected), name
    assert together.tables["classified"].height == 5 * 3
    # Each file names its own pages, and the pages are the same documents.
    for file, single in zip(together.files, alone, strict=True):
        assert [p.name for p in file.pages] == [p.name for p in single.files[0].pages] == [f"{file.result.thread_ids[0]}.html"]
        assert file.pages[0].read_bytes() == single.files[0].pages[0].read_bytes()


def test_a_bad_file_fails_alone_and_a_failing_thread_is_charged_to_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _raw_folder(tmp_path, 3)
    (raw / "thread-01.txt").write_bytes(b"\x00\x01binary, not a thread\xff" * 10)
    entries = find_raw_files([raw])
    job = _job(tmp_path, raw)

    outcome = process_files(job, FileBatch(tuple(entries)))
    ok = [f.result.ok for f in outcome.files]
    assert ok == [True, False, True], [f.result.error for f in outcome.files]
    assert sorted(outcome.tables["threads"]["thread_id"]) == sorted(
        t for f in outcome.files if f.result.ok for t in f.result.thread_ids
    )

    # One thread whose page cannot be written: only its file reports it, and its rows are left out.
    from discourse.report import thread as thread_pages

    failing = outcome.files[2].result.thread_ids[0]
    real_write = thread_pages.write_thread_page

    def write_or_fail(thread, data, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if data.thread_id == failing:
            raise ValueError("page exploded")
        return real_write(thread, data, *args, **kwargs)

    monkeypatch.setattr(thread_pages, "write_thread_page", write_or_fail)
    outcome = process_files(job, FileBatch(tuple(entries)))
    assert outcome.files[0].thread_errors == {}
    assert outcome.files[2].thread_errors == {failing: "ValueError: page exploded"}
    assert outcome.files[2].pages == [] and len(outcome.files[0].pages) == 1
    assert failing not in outcome.tables["classified"]["thread_id"].to_list()


def test_a_crashed_batch_fails_each_of_its_files(tmp_path: Path) -> None:
    """What an executor that isolates failures hands back (a lost worker) costs every file of
    the batch, each named in the summary, and nothing is stored for them."""
    from discourse.pipeline import RunSummary, collect_outcomes
    from discourse.plan import RunPlan

    raw = _raw_folder(tmp_path, 3)
    entries = find_raw_files([raw])
    batch = FileBatch(tuple(entries))
    summary = RunSummary(plan=RunPlan(model_version="m", to_process=entries))

    class Tx:
        appended: list = []

        def append(self, tables):  # noqa: ANN001, ANN202
            self.appended.append(tables)

    seen = []
    tx = Tx()
    collect_outcomes(summary, iter([(batch, RuntimeError("worker lost"))]), tx, {}, lambda *a: seen.append(a))
    assert [r.source_path for r in summary.failed_files] == [e.source_path for e in entries]
    assert {r.error for r in summary.results} == {"RuntimeError: worker lost"}
    assert tx.appended == [{}]
    assert seen == [(e.source_path, i, 3) for i, e in enumerate(entries, start=1)]


def test_files_that_name_the_same_thread_are_analysed_apart() -> None:
    """Two files of a batch that bring the same thread id are never merged into one thread
    (the commit refuses such a run; until then each is analysed on its own)."""
    from discourse.ingest.build import FileIngest
    from discourse.pipeline import FileOutcome, _disjoint_groups

    def read(name: str, ids: list[str]):  # noqa: ANN202
        tables = {"threads": pl.DataFrame({"thread_id": ids})}
        return FileOutcome(FileIngest(name, None, None, tables=tables)), tables

    items = [read("a", ["t1"]), read("b", ["t2"]), read("c", ["t1", "t3"]), read("d", ["t4"]), read("e", ["t1"])]
    groups = _disjoint_groups(items)
    assert [[o.result.source_path for o, _ in g] for g in groups] == [["a", "b", "d"], ["c"], ["e"]]
