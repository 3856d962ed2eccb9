"""Atomic writes, per-thread parts, consolidation, safe names and the run lock."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import polars as pl
import pytest

from discourse import schema, store
from discourse.atomic import write_parquet_atomic, write_text_atomic
from discourse.names import assign_file_ids, safe_name, thread_id_for


def _posts(thread_id: str, n: int) -> pl.DataFrame:
    return schema.conform(
        pl.DataFrame({"thread_id": [thread_id] * n, "post_id": [str(i) for i in range(n)], "position": list(range(n)),
                      "text": ["x"] * n, "own_text": ["x"] * n, "edited": [False] * n, "word_count": [1] * n}),
        schema.POSTS,
    )


def test_atomic_write_leaves_no_partial_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "t.parquet"
    write_parquet_atomic(_posts("a", 2), target)

    def explode(_tmp: Path) -> None:
        raise RuntimeError("disk on fire")

    from discourse.atomic import write_atomic

    with pytest.raises(RuntimeError):
        write_atomic(target, explode)
    assert pl.read_parquet(target).height == 2
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_written_files_are_world_readable(tmp_path):
    path = write_text_atomic(tmp_path / "page.html", "<p>hi</p>")
    assert path.stat().st_mode & 0o044 == 0o044 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_replace_thread_drops_stale_tables(tmp_path):
    store.replace_thread(tmp_path, "t1", {"posts": _posts("t1", 3)})
    store.update_thread(tmp_path, "t1", {"classified": schema.empty(schema.CLASSIFIED)})
    store.replace_thread(tmp_path, "t1", {"posts": _posts("t1", 2)})
    assert sorted(p.name for p in (tmp_path / "parts" / "t1").iterdir()) == ["posts.parquet"]


def test_consolidate_orders_rows_and_survives_removed_threads(tmp_path):
    store.replace_thread(tmp_path, "b", {"posts": _posts("b", 2)})
    store.replace_thread(tmp_path, "a", {"posts": _posts("a", 12)})
    store.consolidate(tmp_path, ("posts",))
    posts = store.read_table(tmp_path, "posts")
    assert posts["thread_id"].to_list()[:1] == ["a"] and posts["position"].to_list()[:12] == list(range(12))
    store.remove_threads(tmp_path, ["a"])
    store.consolidate(tmp_path, ("posts",))
    assert store.read_table(tmp_path, "posts")["thread_id"].unique().to_list() == ["b"]


@pytest.mark.parametrize("bad", ["../escape", "/abs/path", "a/b", "", "..", ".hidden", "x\x00y", "UPPER"])
def test_unsafe_thread_ids_never_become_paths(tmp_path, bad):
    with pytest.raises(ValueError, match="not a safe file name"):
        store.thread_dir(tmp_path, bad)


@pytest.mark.parametrize(
    "original", ["../../etc/passwd", "/abs/name", "con", "NUL.txt", "a" * 500, "x\x00y", "..", "名前", "<script>"]
)
def test_safe_name_is_one_harmless_component(original):
    name = safe_name(original)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in ("", ".", "..") and not name.startswith(".")
    assert len(name) <= 96 and name.split(".")[0] not in ("con", "nul")
    store.thread_dir(Path("/tmp"), name)  # accepted by the store


def test_thread_ids_are_stable_and_distinct():
    assert thread_id_for("pakpassion-why-not-ussr.txt") == "pakpassion-why-not-ussr"
    assert thread_id_for("dump.csv", "42") == "dump--42"
    ids = assign_file_ids(["a/b.txt", "a-b.txt"])  # same natural id: the run tells them apart
    assert thread_id_for("a/b.txt") == "a-b" and len(set(ids)) == 2
    assert thread_id_for("x.csv", "A B") == thread_id_for("x.csv", "A B")


def _hold_lock(folder: str, ready, release) -> None:  # pragma: no cover - runs in a child
    with store.run_lock(Path(folder)):
        ready.set()
        release.wait(10)


def test_second_run_on_the_same_folder_is_refused_with_a_clear_message(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    child.start()
    try:
        assert ready.wait(30)
        with pytest.raises(store.LockedError, match="another discourse run"):
            with store.run_lock(tmp_path):
                pass
    finally:
        release.set()
        child.join(10)
    with store.run_lock(tmp_path):  # free again once the holder is gone
        pass


def test_leftovers_of_an_interrupted_run_are_cleaned(tmp_path):
    (tmp_path / "parts" / ".tmp-t1.abc").mkdir(parents=True)
    (tmp_path / ".tmp-posts.parquet.xyz").write_bytes(b"partial")
    assert store.clean_leftovers(tmp_path) == 2
    assert list(tmp_path.rglob(".tmp-*")) == []


def test_streamed_consolidation_equals_one_global_sort(tmp_path, monkeypatch):
    # Guards the streaming rewrite of consolidate(): many small row groups, parts visited in
    # thread order and each sorted on its own must give exactly the old concat-then-sort table.
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 5)
    parts = {t: _posts(t, n).reverse() for t, n in (("c", 7), ("a", 3), ("b", 0), ("d", 11))}
    for thread_id, frame in parts.items():
        store.replace_thread(tmp_path, thread_id, {"posts": frame})
    counts = store.consolidate(tmp_path, ("posts", "quotes"))
    expected = pl.concat([parts[t] for t in sorted(parts)]).sort(["thread_id", "position"], maintain_order=True)
    written = store.read_table(tmp_path, "posts")
    assert counts == {"posts": 21, "quotes": 0}
    assert written.equals(schema.conform(expected, schema.POSTS))
    import pyarrow.parquet as pq

    assert pq.ParquetFile(store.table_path(tmp_path, "posts")).num_row_groups == 2  # a+c, then d
    assert store.read_table(tmp_path, "quotes").schema == schema.empty(schema.QUOTES).schema


def test_part_files_skip_fsync_but_consolidated_tables_are_flushed(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store.replace_thread(tmp_path, "t1", {"posts": _posts("t1", 2)})
    assert synced == []
    store.consolidate(tmp_path, ("posts",))
    assert len(synced) == 1 and ".tmp-posts.parquet" in synced[0]


def test_split_by_thread_matches_filtering_each_thread():
    from discourse.ingest.run import split_by_thread

    tables = {
        "threads": schema.conform(pl.DataFrame({"thread_id": ["x", "y", "z"]}), schema.THREADS),
        "posts": pl.concat([_posts("y", 3), _posts("x", 2)]),
        "quotes": schema.empty(schema.QUOTES),
    }
    split = split_by_thread(tables)
    assert list(split) == ["x", "y", "z"]
    for thread_id, parts in split.items():
        for name, frame in tables.items():
            assert parts[name].equals(frame.filter(pl.col("thread_id") == thread_id)), (thread_id, name)


def test_released_ingest_result_keeps_its_thread_list_and_report_row():
    # Guards the memory fix: a run holds every file's result until the manifest is written.
    from datetime import UTC, datetime

    from discourse.ingest.build import FileIngest

    threads = schema.conform(pl.DataFrame({"thread_id": ["a", "b"], "n_posts": [2, 3]}), schema.THREADS)
    result = FileIngest("f.txt", "0" * 64, "xenforo-text", {"threads": threads, "posts": _posts("a", 2)})
    now = datetime.now(UTC)
    before = result.report_row(now)
    assert result.release() is result
    assert result.tables == {}  # not even a one-row frame per file is kept (about 20 KB each)
    assert result.thread_ids == ["a", "b"]
    assert result.report_row(now) == before and result.n_posts == 5
    assert result.release().thread_ids == ["a", "b"]  # releasing twice keeps what the first kept
