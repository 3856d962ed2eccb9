"""Atomic writes, the database and its transactions, the Parquet exports, safe names and the run lock."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import polars as pl
import pytest

from discourse import schema, store
from discourse.atomic import write_atomic, write_text_atomic
from discourse.names import assign_file_ids, safe_name, thread_id_for


def _posts(thread_id: str, n: int) -> pl.DataFrame:
    return schema.conform(
        pl.DataFrame({"thread_id": [thread_id] * n, "post_id": [str(i) for i in range(n)], "position": list(range(n)),
                      "text": ["x"] * n, "own_text": ["x"] * n, "edited": [False] * n, "word_count": [1] * n}),
        schema.POSTS,
    )


def test_atomic_write_leaves_no_partial_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "t.html"
    write_text_atomic(target, "<p>whole</p>")

    def explode(_tmp: Path) -> None:
        _tmp.write_text("<p>ha", encoding="utf-8")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomic(target, explode)
    assert target.read_text(encoding="utf-8") == "<p>whole</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["t.html"]


def test_written_files_are_world_readable(tmp_path):
    path = write_text_atomic(tmp_path / "page.html", "<p>hi</p>")
    assert path.stat().st_mode & 0o044 == 0o044 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _commit(folder: Path, tables: dict[str, pl.DataFrame], remove: tuple[str, ...] = ()) -> None:
    with store.open_store(folder) as db, db.transaction() as tx:
        tx.remove_threads(remove)
        tx.append(tables)


def _threads(*ids: str) -> pl.DataFrame:
    return schema.conform(pl.DataFrame({"thread_id": list(ids), "n_posts": [1] * len(ids)}), schema.THREADS)


def test_a_thread_replaced_in_a_transaction_loses_its_rows_in_every_table(tmp_path):
    classified = schema.conform(pl.DataFrame({"thread_id": ["t1"], "post_id": ["0"], "stance": ["none"]}), schema.CLASSIFIED)
    _commit(tmp_path, {"threads": _threads("t1"), "posts": _posts("t1", 3), "classified": classified})
    _commit(tmp_path, {"threads": _threads("t1"), "posts": _posts("t1", 2)}, remove=("t1",))
    assert store.read_table(tmp_path, "posts").height == 2
    assert store.read_table(tmp_path, "classified").is_empty()


def test_rows_read_back_in_thread_then_key_order_across_batches(tmp_path, monkeypatch):
    # Guards the stored order: threads sorted by id, each thread's rows by its table's keys
    # (stable), whatever the order and the batches in which they were appended.
    from discourse.store import database

    monkeypatch.setattr(database, "FLUSH_BYTES", 1)  # every append is its own INSERT
    parts = {t: _posts(t, n).reverse() for t, n in (("c", 7), ("a", 3), ("b", 0), ("d", 11))}
    with store.open_store(tmp_path) as db, db.transaction() as tx:
        for thread_id, frame in parts.items():
            tx.append({"threads": _threads(thread_id), "posts": frame})
    expected = pl.concat([parts[t] for t in sorted(parts)]).sort(["thread_id", "position"], maintain_order=True)
    assert store.read_table(tmp_path, "posts").equals(schema.conform(expected, schema.POSTS))
    with store.run_lock(tmp_path), store.open_store(tmp_path) as db:
        assert db.read("posts", ["d"]).equals(schema.conform(parts["d"].reverse(), schema.POSTS))
        assert db.thread_ids() == ["a", "b", "c", "d"]
    assert store.read_table(tmp_path, "quotes").schema == schema.empty(schema.QUOTES).schema


def test_a_failed_run_commits_nothing_and_leaves_the_exports_alone(tmp_path):
    _commit(tmp_path, {"threads": _threads("a"), "posts": _posts("a", 2)})
    with pytest.raises(RuntimeError, match="boom"):
        with store.open_store(tmp_path) as db, db.transaction() as tx:
            tx.remove_threads(["a"])
            tx.append({"threads": _threads("b"), "posts": _posts("b", 5)})
            raise RuntimeError("boom")
    with store.open_store(tmp_path) as db:
        assert db.thread_ids() == ["a"] and db.read("posts").height == 2
    assert store.read_table(tmp_path, "posts")["thread_id"].to_list() == ["a", "a"]


def test_a_thread_stored_twice_is_never_committed(tmp_path):
    _commit(tmp_path, {"threads": _threads("a"), "posts": _posts("a", 1)})
    with pytest.raises(RuntimeError, match="stored twice"):
        _commit(tmp_path, {"threads": _threads("a"), "posts": _posts("a", 1)})  # "a" was not removed first
    assert store.read_table(tmp_path, "threads").height == 1


def test_exports_switch_as_one_set_and_keep_the_previous_one(tmp_path):
    import pyarrow.parquet as pq

    for run in range(3):
        _commit(tmp_path, {"threads": _threads(f"t{run}"), "posts": _posts(f"t{run}", 1)})
    exports = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert exports == ["run-000002", "run-000003"]  # the current set and the one before it
    assert os.readlink(tmp_path / "current") == "exports/run-000003"
    for table in schema.TABLES:
        path = tmp_path / f"{table}.parquet"
        assert path.is_symlink() and pq.read_metadata(path).metadata[b"discourse_run"] == b"3"
    assert store.read_table(tmp_path, "threads")["thread_id"].to_list() == ["t0", "t1", "t2"]


def test_an_export_behind_the_database_is_written_again_when_the_store_opens(tmp_path):
    # A run killed between its commit and its export leaves the database ahead of the files.
    from discourse.store.database import Transaction, connect

    _commit(tmp_path, {"threads": _threads("a"), "posts": _posts("a", 1)})
    conn = connect(tmp_path)
    tx = Transaction(conn, tmp_path / "staging")
    tx.append({"threads": _threads("b"), "posts": _posts("b", 1)})
    tx.commit()
    conn.close()
    assert store.read_table(tmp_path, "threads").height == 1  # still the first run's export
    with store.open_store(tmp_path):
        pass
    assert store.read_table(tmp_path, "threads")["thread_id"].to_list() == ["a", "b"]


def test_a_database_made_before_a_column_existed_gains_it(tmp_path):
    from discourse.store.database import connect

    conn = connect(tmp_path)
    conn.execute('ALTER TABLE threads DROP COLUMN "n_unlinked_quotes"')
    conn.close()
    _commit(tmp_path, {"threads": _threads("a")})
    assert store.read_table(tmp_path, "threads")["n_unlinked_quotes"].to_list() == [None]


@pytest.mark.parametrize("bad", ["../escape", "/abs/path", "a/b", "", "..", ".hidden", "x\x00y"])
def test_unsafe_thread_ids_never_become_paths(bad):
    from discourse.report.folder import page_name

    with pytest.raises(ValueError, match="cannot be used as a file name"):
        page_name(bad)


@pytest.mark.parametrize(
    "original", ["../../etc/passwd", "/abs/name", "con", "NUL.txt", "a" * 500, "x\x00y", "..", "名前", "<script>"]
)
def test_safe_name_is_one_harmless_component(original):
    name = safe_name(original)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in ("", ".", "..") and not name.startswith(".")
    assert len(name) <= 96 and name.split(".")[0] not in ("con", "nul")
    from discourse.report.folder import page_name

    assert page_name(name) == f"{name}.html"  # accepted as a page name


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
    (tmp_path / "parts" / "t1").mkdir(parents=True)  # the part-file layout the database replaces
    (tmp_path / "exports" / ".tmp-run-000004").mkdir(parents=True)
    (tmp_path / ".tmp-posts.parquet.xyz").write_bytes(b"partial")
    assert store.clean_leftovers(tmp_path) == 3
    assert list(tmp_path.rglob(".tmp-*")) == [] and not (tmp_path / "parts").exists()


def test_the_lock_is_reentrant_in_its_thread_and_refused_to_another(tmp_path):
    import threading

    refused: list[BaseException] = []

    def other() -> None:
        try:
            with store.run_lock(tmp_path):
                pass
        except store.LockedError as error:
            refused.append(error)

    with store.run_lock(tmp_path), store.run_lock(tmp_path):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(refused) == 1
    other()
    assert len(refused) == 1  # free once the holder left


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


def test_a_copy_that_followed_the_links_is_exported_again_as_links(tmp_path):
    import shutil

    _commit(tmp_path / "a", {"threads": _threads("x"), "posts": _posts("x", 2)})
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # plain copy: links become files and folders
    assert not (tmp_path / "b" / "current").is_symlink()
    with store.open_store(tmp_path / "b"):
        pass
    assert (tmp_path / "b" / "current").is_symlink() and (tmp_path / "b" / "posts.parquet").is_symlink()
    assert store.read_table(tmp_path / "b", "posts").height == 2


def test_release_memos_empties_the_loaded_memos_and_imports_nothing():
    import subprocess
    import sys

    from discourse import sentiment
    from discourse.heap import release_memos

    sentiment.score_sentence("The pact held firm.")
    assert sentiment.sentence_scores.cache_info().currsize >= 1
    release_memos()
    assert sentiment.sentence_scores.cache_info().currsize == 0
    code = "import sys; from discourse.heap import release_memos; release_memos(); print('discourse.sentiment' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr
