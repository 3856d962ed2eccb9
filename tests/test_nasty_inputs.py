"""Hostile and degenerate input: every parser either reads it or raises IngestError naming the file."""

from __future__ import annotations


import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NBSP
from discourse.ingest import IngestError, read_source
from discourse.ingest import article, xenforo_text
from discourse.ingest.decode import decode_text
from discourse.ingest.detect import detect_format
from discourse.ingest.records import RawFile

# Text made of the pieces that matter to the text readers, so hypothesis explores their branches.
_PIECES = st.sampled_from(
    ["\n", NBSP, " ", "What's new", "Joined", "Dec 25, 2012", "Messages", "1,234", "said:", "Click to expand...",
     "Last edited:", "Back", "Top", "Follow Us On:", "https://x.org/a", "USSR", "the US", ".", "\u2019", "- ", "\r\n"]
)
from ingest_util import ingest_paths
_TEXTS = st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_text_readers_raise_only_ingest_error(text):
    raw = RawFile(text.encode("utf-8", "surrogatepass"), "fuzz.txt")
    for reader in (xenforo_text.read, article.read):
        try:
            threads = reader(raw)
        except IngestError as error:
            assert error.source == "fuzz.txt" and error.reason
            continue
        assert threads and all(post.text.strip() for post in threads[0].posts)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_detection_and_decoding_raise_only_ingest_error(data):
    raw = RawFile(data, "fuzz.bin")
    try:
        detect_format(raw)
    except IngestError as error:
        assert error.source == "fuzz.bin"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.txt", "a.json", "a.csv", "a.html", "a.jsonl", "a.parquet", "a"]))
def test_read_source_never_raises(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    result = read_source(path, name)
    assert result.ok or (result.error and not result.error.startswith("internal error")), result.error


def test_fifty_thousand_post_thread_is_ingested_whole(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # Authored example posts, repeated with numbers so that each one is distinct.
    posts = [f"Post {i}: the aid of {1950 + i % 40} mattered less than the arms." for i in range(50_000)]
    (raw / "huge.txt").write_text(f"\n{NBSP}\n".join(posts), encoding="utf-8")
    summary = ingest_paths([raw], tmp_path / "p")
    assert not summary.failed_files and summary.n_posts == 50_000


def test_tiny_and_huge_posts_and_long_lines(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    one_mb = ("Moscow " * 150_000)[:1_000_000]
    long_line = "x" * 100_000
    (raw / "mixed.txt").write_text(f"a\n{NBSP}\n{one_mb}\n{NBSP}\n{long_line}\n{NBSP}\nb", encoding="utf-8")
    summary = ingest_paths([raw], tmp_path / "p")
    assert not summary.failed_files
    lengths = pl.read_parquet(tmp_path / "p" / "posts.parquet")["text"].str.len_chars().to_list()
    assert lengths == [1, len(one_mb.strip()), 100_000, 1]


def test_single_post_thread(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "one.txt").write_text("Only one voice here: stay non-aligned.", encoding="utf-8")
    summary = ingest_paths([raw], tmp_path / "p")
    assert summary.n_posts == 1


def test_nested_marked_quotes_keep_consistent_spans(tmp_path):
    text = "\n".join(
        ["The Soviets never planned to invade.", NBSP,
         "Ali said:", "The Soviets never planned to invade.", "Click to expand...", "", "Archives agree.", NBSP,
         "Sara said:", "Archives agree.", "Click to expand...", "", "Which archives?"]
    )
    path = tmp_path / "nested.txt"
    path.write_text(text, encoding="utf-8")
    result = read_source(path, "nested.txt")
    quotes = result.tables["quotes"]
    assert quotes["quoted_post_id"].to_list() == ["0", "1"]
    assert result.tables["posts"]["own_text"].to_list() == [
        "The Soviets never planned to invade.", "Archives agree.", "Which archives?"
    ]


def test_quote_of_a_post_missing_from_the_dump_has_null_source(tmp_path):
    text = "Zia said:\nA passage from a page we never scraped.\nClick to expand...\n\nI doubt it."
    path = tmp_path / "q.txt"
    path.write_text(text, encoding="utf-8")
    result = read_source(path, "q.txt")
    row = result.tables["quotes"].row(0, named=True)
    assert row["quoted_post_id"] is None and row["quoted_author"] == "Zia"


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "latin-1", "utf-8-sig"])
def test_seed_like_text_in_other_encodings_gives_the_same_posts(tmp_path, encoding):
    text = f"Nehru chose neither bloc.\n{NBSP}\nPakistan chose Washington over Moscow."
    path = tmp_path / "enc.txt"
    path.write_bytes(text.encode(encoding))
    result = read_source(path, "enc.txt")
    assert result.ok and result.tables["posts"]["text"].to_list() == [
        "Nehru chose neither bloc.", "Pakistan chose Washington over Moscow."
    ]


def test_invalid_utf16_is_rejected_clearly():
    with pytest.raises(IngestError, match="not valid UTF-16"):
        decode_text(b"\xff\xfe" + b"\x00\xd8", "bad16.txt")
