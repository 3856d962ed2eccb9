"""Find what each post quotes and strip it, so every later stage reads a post's own words.

Forum copies repeat quoted passages with no marker, so quotes are found by matching text
against what earlier posts said *in their own words*. Matching is linear in the size of the
thread: each earlier post's own paragraphs and sentences are indexed by a normalised key (case,
whitespace, typographic quotes and dashes folded), and each passage of a later post is looked
up in that index in O(1).

A post's passages are tried at two grains:

* ``paragraph_hash`` — a whole paragraph equal to an earlier post's own paragraph;
* ``sentence_hash`` — a run of consecutive sentences each equal to a sentence of the same
  earlier post, which catches partial quotes (a few sentences of a longer paragraph). A run must
  contain at least one sentence of ``MIN_SENTENCE_CHARS`` characters, so a stock phrase such as
  "True." or "Agreed." is never taken for a quote on its own.

Quotes a source marks (XenForo "said:" blocks, HTML blockquotes, Discourse asides) arrive as
``marker`` spans; when the marker does not name the quoted post, the same index resolves it.
Adjacent spans quoting the same post are merged into one passage. ``score`` is the share of the
quoted post's matching paragraph(s) that the passage reproduces (1.0 for a whole paragraph), so
a partial quote shows as a score below 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from discourse.ingest.records import RawPost, RawQuote
from discourse.text import normalise_text

METHODS = ("marker", "paragraph_hash", "sentence_hash")
MIN_SENTENCE_CHARS = 25

_SPACE_RE = re.compile(r"\s+")
_PARAGRAPH_RE = re.compile(r"[^\n](?:.|\n(?![ \t\u00a0]*\n))*")
# A sentence ends at . ! ? (with closing quotes/brackets) followed by space, or at a line break.
_SENTENCE_RE = re.compile(r"[^\s](?:[^\n.!?]|[.!?]+(?=[^\s.!?'\"\u2019\u201d)\]]))*(?:[.!?]+['\"\u2019\u201d)\]]*)?")


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """A quoted passage of one post: ``text[start:end]`` quotes the post at ``source`` index."""

    start: int
    end: int
    source: int | None  # index of the quoted post in the thread, None when not in the dump
    quoted_post_id: str | None  # the source's own id when a marker names one not in the dump
    quoted_author: str | None
    method: str
    score: float


def normalise_key(text: str) -> str:
    """Fold case, Unicode forms, typographic quotes/dashes and whitespace into a match key."""
    return _SPACE_RE.sub(" ", normalise_text(text).lower()).strip(" \t\n-*•>")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of blank-line separated paragraphs, stripped of edge spaces."""
    spans = []
    for match in _PARAGRAPH_RE.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences (and of lines) within ``text[start:end]``."""
    end = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _SENTENCE_RE.finditer(text[start:end])]


class _Index:
    """Earliest post whose own text holds each paragraph and sentence key."""

    def __init__(self) -> None:
        self.paragraphs: dict[str, int] = {}
        self.sentences: dict[str, tuple[int, int]] = {}  # key -> (post index, paragraph length)

    def add(self, post_index: int, own_text: str) -> None:
        for p_start, p_end in split_paragraphs(own_text):
            p_key = normalise_key(own_text[p_start:p_end])
            if not p_key:
                continue
            self.paragraphs.setdefault(p_key, post_index)
            for s_start, s_end in split_sentences(own_text, p_start, p_end):
                s_key = normalise_key(own_text[s_start:s_end])
                if s_key:
                    self.sentences.setdefault(s_key, (post_index, len(p_key)))


def find_quotes(posts: list[RawPost], source_ids: dict[str, int] | None = None) -> list[list[FoundQuote]]:
    """Find the quoted passages of every post of one thread, in thread order.

    Parameters
    ----------
    posts
        The thread's posts in order, with any marked quotes in ``RawPost.quotes``.
    source_ids
        The source's post ids mapped to positions, to resolve markers that name a post.

    Returns
    -------
    One list per post of :class:`FoundQuote`, sorted by start, never overlapping.
    """
    source_ids = source_ids or {}
    index = _Index()
    found: list[list[FoundQuote]] = []
    for position, post in enumerate(posts):
        quotes = [_resolve_marker(post.text, q, index, source_ids, position) for q in post.quotes]
        quotes.extend(_find_unmarked(post.text, quotes, index))
        quotes = _merge(post.text, sorted(quotes, key=lambda q: (q.start, -q.end)))
        found.append(quotes)
        index.add(position, remove_spans(post.text, [(q.start, q.end) for q in quotes]))
    return found


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Return ``text`` without the given spans, with the blank lines they leave folded."""
    if not spans:
        return text.strip()
    pieces = []
    cursor = 0
    for start, end in sorted(spans):
        if start > cursor:
            pieces.append(text[cursor:start])
        cursor = max(cursor, end)
    pieces.append(text[cursor:])
    kept = "".join(pieces)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", kept).strip()


def _resolve_marker(
    text: str, quote: RawQuote, index: _Index, source_ids: dict[str, int], position: int
) -> FoundQuote:
    source: int | None = None
    if quote.quoted_post_id is not None:
        candidate = source_ids.get(quote.quoted_post_id)
        if candidate is not None and candidate < position:
            source = candidate
    if source is None and quote.quoted_post_id is None:
        source = _lookup_passage(text[quote.start : quote.end], index)
    return FoundQuote(
        start=quote.start,
        end=quote.end,
        source=source,
        quoted_post_id=quote.quoted_post_id if source is None else None,
        quoted_author=quote.quoted_author,
        method="marker",
        score=1.0,
    )


def _lookup_passage(passage: str, index: _Index) -> int | None:
    """The earlier post a marked passage comes from: its first paragraph or sentence found."""
    for p_start, p_end in split_paragraphs(passage):
        hit = index.paragraphs.get(normalise_key(passage[p_start:p_end]))
        if hit is not None:
            return hit
        for s_start, s_end in split_sentences(passage, p_start, p_end):
            s_hit = index.sentences.get(normalise_key(passage[s_start:s_end]))
            if s_hit is not None:
                return s_hit[0]
    return None


def _find_unmarked(text: str, marked: list[FoundQuote], index: _Index) -> list[FoundQuote]:
    if not index.paragraphs:
        return []
    covered = [(q.start, q.end) for q in marked]
    found: list[FoundQuote] = []
    for p_start, p_end in split_paragraphs(text):
        if any(start <= p_start and p_end <= end for start, end in covered):
            continue
        key = normalise_key(text[p_start:p_end])
        hit = index.paragraphs.get(key)
        if hit is not None and len(key) >= MIN_SENTENCE_CHARS:
            found.append(FoundQuote(p_start, p_end, hit, None, None, "paragraph_hash", 1.0))
            continue
        found.extend(_sentence_runs(text, p_start, p_end, index))
    return found


def _sentence_runs(text: str, p_start: int, p_end: int, index: _Index) -> list[FoundQuote]:
    """Runs of consecutive sentences found in one earlier post, holding one long sentence."""
    runs: list[FoundQuote] = []
    run: list[tuple[int, int, int, int]] = []  # (start, end, source, source paragraph length)

    def close() -> None:
        if run and any(e - s >= MIN_SENTENCE_CHARS for s, e, _, _ in run):
            start, end = run[0][0], run[-1][1]
            matched = sum(len(normalise_key(text[s:e])) for s, e, _, _ in run)
            score = min(1.0, matched / max(run[0][3], 1))
            runs.append(FoundQuote(start, end, run[0][2], None, None, "sentence_hash", round(score, 4)))
        run.clear()

    for s_start, s_end in split_sentences(text, p_start, p_end):
        hit = index.sentences.get(normalise_key(text[s_start:s_end]))
        if hit is None or (run and hit[0] != run[-1][2]):
            close()
        if hit is not None:
            run.append((s_start, s_end, hit[0], hit[1]))
    close()
    return runs


def _merge(text: str, quotes: list[FoundQuote]) -> list[FoundQuote]:
    """Merge overlapping spans, and adjacent spans (only whitespace between) of one source."""
    merged: list[FoundQuote] = []
    for quote in quotes:
        if merged:
            last = merged[-1]
            overlaps = quote.start < last.end
            adjacent = (
                not text[last.end : quote.start].strip()
                and quote.source is not None
                and quote.source == last.source
                and quote.method != "marker"
                and last.method != "marker"
            )
            if overlaps or adjacent:
                merged[-1] = FoundQuote(
                    start=last.start,
                    end=max(last.end, quote.end),
                    source=last.source if last.source is not None else quote.source,
                    quoted_post_id=last.quoted_post_id or quote.quoted_post_id,
                    quoted_author=last.quoted_author or quote.quoted_author,
                    method=last.method,
                    score=max(last.score, quote.score) if overlaps else min(last.score, quote.score),
                )
                continue
        merged.append(quote)
    return merged
