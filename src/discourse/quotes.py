"""Find what each post quotes and strip it, so every later stage reads a post's own words.

Forum copies repeat quoted passages with no marker, so quotes are found by matching text
against what earlier posts said *in their own words*. Matching is linear in the size of the
thread: each earlier post's own paragraphs and sentences are indexed by a normalised key (case,
whitespace, typographic quotes and dashes folded), and each passage of a later post is looked
up in that index in O(1). A passage met again in the same thread (a post's paragraphs come back
in its own text, quoted passages come back verbatim) is normalised and split only once.

A post's passages are tried at two grains:

* ``paragraph_hash`` — a whole paragraph equal to an earlier post's own paragraph;
* ``sentence_hash`` — a run of consecutive sentences each equal to a sentence of the same
  earlier post, which catches partial quotes (a few sentences of a longer paragraph). A run must
  contain at least one sentence of ``MIN_SENTENCE_CHARS`` characters, so a stock phrase such as
  "True." or "Agreed." is never taken for a quote on its own.

Quotes a source marks (XenForo "said:" blocks, HTML blockquotes, Discourse asides) arrive as
``marker`` spans. A marker that names a post of the thread is linked to that post wherever it
stands in the list: the id is the source's own statement, and files do not always list posts
oldest first (later pages of a Discourse ``/posts.json`` come newest first). When the marker
names no post, the index of earlier posts resolves it by its text, and failing that the own
words of the post it replies to and of that post's parents (:class:`_ReplyChain`: a clause
quoted out of a sentence matches no whole sentence). A marked quote nested in
another (a reply quoting a post that itself quoted someone) keeps its own span and link inside
the outer one. Other overlapping spans, and adjacent spans quoting the same post, are merged
into one passage. ``score`` is the share of the
quoted post's matching paragraph(s) that the passage reproduces (1.0 for a whole paragraph), so
a partial quote shows as a score below 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from discourse import kernels
from discourse.text import normalise_text

if TYPE_CHECKING:  # the ingest package imports this module: importing it here would be a cycle
    from discourse.ingest.records import RawPost, RawQuote

METHODS = ("marker", "paragraph_hash", "sentence_hash")
MIN_SENTENCE_CHARS = 25

_BLANK_RUN_RE = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_ELLIPSIS = re.compile(r"\.{3,}|\u2026|\[\.\.\.\]")  # a quote's cuts: "...", "…", "[...]"
_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019"
# Stripped from both ends of a key: spaces, bullets, quote arrows and quotation marks (a reply
# that quotes a sentence "like this." holds the same sentence).
_KEY_EDGES = " \t\n-*•>" + _QUOTE_MARKS
_FRAGMENT_EDGES = " .,;:" + _QUOTE_MARKS  # trimmed off a quoted fragment
# A paragraph runs from its first non-space character up to a line break that opens a blank
# line (only spaces, tabs or no-break spaces before the next break) or to the end of the text.
# Runs of plain characters are taken whole ([^\n]+), not one by one, which is what makes it fast.
_PARAGRAPH_RE = re.compile(r"\S(?:[^\n]+|\n(?![ \t\u00a0]*\n))*")
# A sentence ends at . ! ? (with closing quotes/brackets) followed by space, or at a line break.
_SENTENCE_RE = re.compile(
    r"[^\s](?:[^\n.!?]+|[.!?]+(?=[^\s.!?'\"\u2019\u201d)\]]))*"
    r"(?:[.!?]+['\"\u2019\u201d)\]]*)?"
)


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
    """Fold case, Unicode forms, typographic quotes/dashes and whitespace into a match key.

    By the compiled kernel for ASCII text when it is built, else :func:`python_normalise_key`.
    """
    compiled = kernels.compiled
    if compiled is not None and text.isascii():
        return compiled.match_key(text)
    return python_normalise_key(text)


def python_normalise_key(text: str) -> str:
    """:func:`normalise_key` in Python: the reference the compiled ``match_key`` of
    :mod:`discourse._kernels` is tested against, and what runs for other text or where it is
    not built."""
    # ASCII text is already NFKC and holds no typographic quote or dash, so it can skip
    # normalise_text; joining the words on single spaces does what its per-line space handling
    # did and more, since every run of white space ends up as one space either way
    # (tests/test_quotes.py checks both routes against the per-line definition).
    folded = text.lower() if text.isascii() else normalise_text(text).lower()
    return " ".join(folded.split()).strip(_KEY_EDGES)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of blank-line separated paragraphs, stripped of edge spaces."""
    # Each match starts on a non-space, so only its end needs stripping.
    return [(m.start(), m.start() + len(m.group().rstrip())) for m in _PARAGRAPH_RE.finditer(text)]


def sentence_keys(paragraph: str) -> list[tuple[int, int, str]]:
    """Return (start, end, :func:`normalise_key`) of each sentence of ``paragraph``.

    By the compiled kernel for ASCII text when it is built, else :func:`python_sentence_keys`.
    """
    compiled = kernels.compiled
    if compiled is not None and paragraph.isascii():
        return compiled.sentence_keys(paragraph)
    return python_sentence_keys(paragraph)


def python_sentence_keys(paragraph: str) -> list[tuple[int, int, str]]:
    """:func:`sentence_keys` by ``re``: the reference the compiled ``sentence_keys`` of
    :mod:`discourse._kernels` is tested against, and what runs for other text or where it is
    not built."""
    return [(m.start(), m.end(), normalise_key(m.group())) for m in _SENTENCE_RE.finditer(paragraph)]


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of sentences (and of lines) within ``text[start:end]``."""
    end = len(text) if end is None else end
    return [(start + m.start(), start + m.end()) for m in _SENTENCE_RE.finditer(text[start:end])]


class _Index:
    """Earliest post whose own text holds each paragraph and sentence key.

    It also remembers the key and the sentence split of every passage it has seen, so text
    that comes back within a thread (a post's paragraphs, then its own text; quoted passages)
    is normalised and split once.
    """

    def __init__(self) -> None:
        self.paragraphs: dict[str, int] = {}
        self.sentences: dict[str, tuple[int, int]] = {}  # key -> (post index, paragraph length)
        self._keys: dict[str, str] = {}
        self._splits: dict[str, list[tuple[int, int, str]]] = {}
        self._indexed: set[str] = set()  # paragraphs (as written) already added

    def key(self, passage: str) -> str:
        """``normalise_key(passage)``, computed once per distinct passage."""
        key = self._keys.get(passage)
        if key is None:
            key = self._keys[passage] = normalise_key(passage)
        return key

    def split(self, paragraph: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of each sentence of ``paragraph``, offsets relative to it."""
        spans = self._splits.get(paragraph)
        if spans is None:
            spans = self._splits[paragraph] = sentence_keys(paragraph)
        return spans

    def add(self, post_index: int, paragraphs: list[str]) -> None:
        """Index the paragraphs of one post's own text (as written) under ``post_index``."""
        for paragraph in paragraphs:
            # The same paragraph written the same way splits into the same sentences, and every
            # key it gives was set (first post wins) when it was first added: nothing to do.
            if paragraph in self._indexed:
                continue
            self._indexed.add(paragraph)
            p_key = self.key(paragraph)
            if not p_key:
                continue
            self.paragraphs.setdefault(p_key, post_index)
            entry = (post_index, len(p_key))
            for _, _, s_key in self.split(paragraph):
                if s_key:
                    self.sentences.setdefault(s_key, entry)


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
    One list per post of :class:`FoundQuote`, sorted by start (the longer span first). Spans
    never partly overlap: one lies inside another only when both are marked quotes, or a marked
    quote sits inside a passage found by its text.
    """
    source_ids = source_ids or {}
    index = _Index()
    found: list[list[FoundQuote]] = []
    chain = _ReplyChain(posts, source_ids)
    for position, post in enumerate(posts):
        text = post.text
        paragraphs = split_paragraphs(text)
        quotes = [_resolve_marker(text, q, index, source_ids, position) for q in post.quotes]
        quotes = [chain.resolve(text, q, position) for q in quotes]
        if index.paragraphs:  # until a post has own words indexed, nothing unmarked is a quote
            quotes.extend(_find_unmarked(text, paragraphs, quotes, index))
        if quotes:
            quotes = _merge(text, sorted(quotes, key=_span_order))
            own_text = remove_spans(text, [(q.start, q.end) for q in quotes])
            index.add(position, [own_text[start:end] for start, end in split_paragraphs(own_text)])
        else:
            # The own text is then text.strip(), which splits into the very same paragraphs.
            own_text = text
            index.add(position, [text[start:end] for start, end in paragraphs])
        chain.own_texts.append(own_text)
        found.append(quotes)
    return found


class _ReplyChain:
    """Finds a marked quote that names no post, and matches no whole paragraph or sentence,
    inside the own words of the post it replies to, then of that post's parents.

    A reply often quotes a clause out of the middle of a sentence (Hacker News' "> ..."
    lines); the post it answers is where that clause comes from. Only posts before the quoting
    one are searched, nearest parent first, and the fragment must hold at least
    ``MIN_FRAGMENT_CHARS`` characters once quote marks and ellipses are trimmed.
    """

    MIN_FRAGMENT_CHARS = 12
    MAX_DEPTH = 64

    def __init__(self, posts: list[RawPost], source_ids: dict[str, int]) -> None:
        self.posts = posts
        self.source_ids = source_ids
        self.own_texts: list[str] = []  # filled in thread order by find_quotes
        self._keys: dict[int, str] = {}

    def resolve(self, text: str, quote: FoundQuote, position: int) -> FoundQuote:
        """``quote`` linked to the parent whose own words hold it, when it names no source."""
        if quote.source is not None or quote.quoted_post_id is not None:
            return quote
        fragment = max(_ELLIPSIS.split(normalise_key(text[quote.start : quote.end])), key=len)
        fragment = fragment.strip(_FRAGMENT_EDGES)
        if len(fragment) < self.MIN_FRAGMENT_CHARS:
            return quote
        parent = self._parent(position)
        for _ in range(self.MAX_DEPTH):
            if parent is None:
                break
            key = self._keys.get(parent)
            if key is None:
                key = self._keys[parent] = normalise_key(self.own_texts[parent])
            if fragment in key:
                return FoundQuote(
                    quote.start, quote.end, parent, None, quote.quoted_author, quote.method, quote.score
                )
            parent = self._parent(parent)
        return quote

    def _parent(self, position: int) -> int | None:
        reply_to = self.posts[position].reply_to
        parent = self.source_ids.get(reply_to) if reply_to is not None else None
        return parent if parent is not None and parent < position else None


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
    return _BLANK_RUN_RE.sub("\n\n", "".join(pieces)).strip()


def _resolve_marker(
    text: str, quote: RawQuote, index: _Index, source_ids: dict[str, int], position: int
) -> FoundQuote:
    source: int | None = None
    if quote.quoted_post_id is not None:
        candidate = source_ids.get(quote.quoted_post_id)
        if candidate is not None and candidate != position:
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
        paragraph = passage[p_start:p_end]
        hit = index.paragraphs.get(index.key(paragraph))
        if hit is not None:
            return hit
        for _, _, s_key in index.split(paragraph):
            s_hit = index.sentences.get(s_key)
            if s_hit is not None:
                return s_hit[0]
    return None


def _find_unmarked(
    text: str, paragraphs: list[tuple[int, int]], marked: list[FoundQuote], index: _Index
) -> list[FoundQuote]:
    """Paragraphs, or runs of sentences, of ``text`` that an earlier post wrote first."""
    covered = [(q.start, q.end) for q in marked]
    found: list[FoundQuote] = []
    for p_start, p_end in paragraphs:
        if covered and any(start <= p_start and p_end <= end for start, end in covered):
            continue
        paragraph = text[p_start:p_end]
        key = index.key(paragraph)
        hit = index.paragraphs.get(key)
        if hit is not None and len(key) >= MIN_SENTENCE_CHARS:
            found.append(FoundQuote(p_start, p_end, hit, None, None, "paragraph_hash", 1.0))
            continue
        found.extend(_sentence_runs(paragraph, p_start, index))
    return found


def _sentence_runs(paragraph: str, offset: int, index: _Index) -> list[FoundQuote]:
    """Runs of consecutive sentences found in one earlier post, holding one long sentence.

    ``paragraph`` starts at ``offset`` in its post; the quotes returned are in post offsets.
    """
    runs: list[FoundQuote] = []
    # (start, end, key length, source, source paragraph length) of each sentence in the run
    run: list[tuple[int, int, int, int, int]] = []

    def close() -> None:
        if run and any(e - s >= MIN_SENTENCE_CHARS for s, e, _, _, _ in run):
            matched = sum(n for _, _, n, _, _ in run)
            score = round(min(1.0, matched / max(run[0][4], 1)), 4)
            start, end, source = offset + run[0][0], offset + run[-1][1], run[0][3]
            runs.append(FoundQuote(start, end, source, None, None, "sentence_hash", score))
        run.clear()

    sentences = index.sentences
    for s_start, s_end, s_key in index.split(paragraph):
        hit = sentences.get(s_key)
        if hit is None or (run and hit[0] != run[-1][3]):
            close()
        if hit is not None:
            run.append((s_start, s_end, len(s_key), hit[0], hit[1]))
    close()
    return runs


def _span_order(quote: FoundQuote) -> tuple[int, int]:
    """Sort key: by start, the longer span first when two start together."""
    return (quote.start, -quote.end)


def _merge(text: str, quotes: list[FoundQuote]) -> list[FoundQuote]:
    """Merge overlapping spans, and adjacent spans (only whitespace between) of one source.

    ``quotes`` is sorted by :func:`_span_order`. A marked quote that lies wholly inside an
    earlier span is a nested quote: it is kept as its own entry after the span that holds it,
    so that its link survives. Overlaps are judged against the outermost span.
    """
    merged: list[FoundQuote] = []
    outer = -1  # index in merged of the last outermost span
    for quote in quotes:
        if outer >= 0:
            last = merged[outer]
            if quote.method == "marker" and last.start <= quote.start and quote.end <= last.end:
                merged.append(quote)
                continue
            overlaps = quote.start < last.end
            adjacent = (
                not text[last.end : quote.start].strip()
                and quote.source is not None
                and quote.source == last.source
                and quote.method != "marker"
                and last.method != "marker"
            )
            if overlaps or adjacent:
                merged[outer] = FoundQuote(
                    start=last.start,
                    end=max(last.end, quote.end),
                    source=last.source if last.source is not None else quote.source,
                    quoted_post_id=last.quoted_post_id or quote.quoted_post_id,
                    quoted_author=last.quoted_author or quote.quoted_author,
                    method=last.method,
                    score=(max if overlaps else min)(last.score, quote.score),
                )
                continue
        merged.append(quote)
        outer = len(merged) - 1
    return merged
