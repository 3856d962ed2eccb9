"""Every real forumscraper sample through `discourse ingest`, as a user would run it.

Runs when ``../shared/real-data/forumscraper`` is present (CI always has it) and skips cleanly
otherwise. Guards, on the stored tables rather than on one reader's output: thread files are
accepted and listings rejected with a reason, post counts equal the JSON's, no post with words
loses all of its own text, at least 95 % of posts get a date, titles hold no markup, and every
marked quote naming a post present in the thread is linked to it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from discourse.cli import main

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "forumscraper"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-data is not present")


def _json_post_count(data: dict) -> int:
    """Posts a thread file holds, counted as docs/formats.md maps each engine."""
    version = data.get("format_version", "")
    if version.startswith("hackernews"):
        return 1 + len(data.get("comments") or [])
    posts = data.get("posts") or []
    if version.startswith("stackexchange"):
        return len(posts) + sum(len(p.get("comments") or []) for p in posts)
    return len(posts)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    raw = root / "data" / "raw"
    shutil.copytree(REAL, raw)
    for path in raw.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # shared/ is read-only
    code = main(["ingest", "--root", str(root)])
    processed = root / "data" / "processed"
    tables = {name: pl.read_parquet(processed / f"{name}.parquet")
              for name in ("threads", "posts", "quotes", "ingest_report")}
    return code, raw, tables


def test_threads_accepted_and_listing_rejected_with_a_reason(ingested):
    code, raw, tables = ingested
    report = tables["ingest_report"]
    failed = report.filter(pl.col("status") == "failed")
    assert code == 1  # the listing is a failed file
    assert failed["source_path"].to_list() == ["xenforo/2/m-10056"]
    assert "not a thread" in failed["reason"][0]
    files = [p for p in raw.rglob("*") if p.is_file() and p.name != "m-10056"]
    assert tables["threads"].height == len(files)


def test_post_counts_equal_the_json(ingested):
    _, raw, tables = ingested
    counts = dict(tables["threads"].select("source_path", "n_posts").iter_rows())
    for path in raw.rglob("*"):
        if path.is_file() and path.name != "m-10056":
            source = path.relative_to(raw).as_posix()
            assert counts[source] == _json_post_count(json.loads(path.read_text(encoding="utf-8"))), source


def test_no_post_with_words_loses_its_own_text_to_a_wrapper(ingested):
    posts = ingested[2]["posts"]
    with_words = posts.filter(pl.col("text").str.contains(r"\w"))
    empty = with_words.filter(~pl.col("own_text").str.contains(r"\w"))
    # A post may legitimately be all quote (a bare quote-and-nothing reply); a wrapper read
    # as a quote empties whole threads. Allow at most one such post per thread.
    assert empty.group_by("thread_id").len().filter(pl.col("len") > 1).is_empty(), empty


def test_dates_and_plain_titles(ingested):
    posts = ingested[2]["posts"]
    assert posts["created_at"].is_not_null().mean() >= 0.95
    assert not posts.filter(pl.col("author_title").str.contains("<")).height


def test_marked_quotes_link_to_posts_of_their_thread(ingested):
    # That every quote naming a present post gets linked is checked at the reader, where the
    # named id is known (tests/test_real_forumscraper_threads.py); here: the stored links hold.
    posts, quotes = ingested[2]["posts"], ingested[2]["quotes"]
    marked = quotes.filter(pl.col("method") == "marker")
    assert marked["quoted_post_id"].is_not_null().sum() > 300
    present = posts.select("thread_id", pl.col("post_id").alias("quoted_post_id"))
    linked = marked.filter(pl.col("quoted_post_id").is_not_null())
    assert linked.join(present, on=["thread_id", "quoted_post_id"], how="anti").is_empty()
