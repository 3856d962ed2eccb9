"""Quote spans for runs of lines that open with ``>`` in text converted from HTML.

Hacker News, Usenet gateways and plain-text posts quote by opening lines with ``>`` (``>>`` for
a nested reply). :func:`mark_arrow_quotes` adds such runs, outside the quotes the markup marks
and outside code, as quote spans, and cuts the "Bob wrote:" line a mail or news client wrote
above a run, as the markup rules drop the attribution of a marked quote.
"""

from __future__ import annotations

import re

from discourse.ingest import engines

_Span = tuple[int, int, str | None, str | None]
# A run of lines opening with ">" (">>" for nested replies). Not ">=", ">:(" or ">5 years".
_ARROW_RUN = re.compile(r"^>(?![=:;_.)(<\-]|\d)[^\n]*(?:\n>[^\n]*)*", re.MULTILINE)
# The line mail and news clients write above a ">" quote: "Bob wrote:", "On Monday, Bob
# wrote:", Outlook Express's '"Bob" <bob@example.com> wrote in message news:...'.
_WROTE_ENDINGS = tuple(word.lower() for word in engines.WROTE_WORDS)


# A client's line names the writer. Words that say the line is the author's own sentence
# instead: a pronoun before the verb ("as you said:", "someone here posted:"), or an opening
# that makes it a clause ("From the page you posted:", "The readme says:").
_NOT_A_WRITER = frozenset({
    "i", "you", "we", "he", "she", "they", "it", "someone", "somebody", "everyone", "anyone",
    "nobody", "who", "which", "that", "this", "here", "there", "above", "below",
})  # fmt: skip
_CLAUSE_OPENINGS = frozenset({
    "from", "as", "per", "the", "this", "that", "these", "those", "your", "my", "his",
    "her", "their", "our", "its", "what", "like", "and", "but", "so",
})  # fmt: skip


def _ends_with_wrote(words: str) -> bool:
    for word in _WROTE_ENDINGS:
        if words.endswith(word):
            before = words[: -len(word)]
            # A whole word ("Bob wrote"), not the end of one ("visa" is not "sa"); CJK verbs
            # join the name directly.
            if not before or not before[-1].isalnum() or ord(word[0]) >= 0x2E80:
                return _names_a_writer(before)
    return False


def _names_a_writer(before: str) -> bool:
    """Whether the words before the verb can be a client's "NAME" / "On DATE, NAME"."""
    words = before.replace(",", " ").split()
    if not words:
        return True
    return words[-1] not in _NOT_A_WRITER and words[0] not in _CLAUSE_OPENINGS


def _is_mail_attribution(words: str) -> bool:
    lowered = words.lower()
    if lowered.endswith((":", "\uff1a")) and _ends_with_wrote(lowered[:-1].rstrip()):
        return True
    for marker in (" in message", " in news"):
        at = lowered.find(marker)
        if at > 0 and _ends_with_wrote(lowered[:at].rstrip()):
            return True
    return False


def mark_arrow_quotes(
    text: str, spans: list[_Span], code_spans: list[tuple[int, int]]
) -> tuple[str, list[_Span]]:
    """Add the ``>``-quoted line runs outside marked quotes and code as quote spans.

    The attribution line a mail or news client wrote right above such a run is cut from the
    text, as the markup rules drop the attribution of a marked quote.
    """
    taken = [(s, e) for s, e, _, _ in spans] + code_spans
    found: list[_Span] = []
    cuts: list[tuple[int, int]] = []
    for match in _ARROW_RUN.finditer(text):
        run_start, end = match.start(), match.end()
        if any(s <= run_start < e or s < end <= e for s, e in taken):
            continue
        if not text[run_start:end].strip("> \t\n"):
            continue  # only quote marks, no words
        cut = _lead_attribution(text, run_start, taken)
        if cut is not None:
            cuts.append(cut)
        found.append((run_start, end, None, None))
        taken.append((run_start, end))
    if not found or not _has_words_outside(text, [(s, e) for s, e, _, _ in spans + found]):
        # A post that would be nothing but ">" lines is a reply written on the quote's line
        # (a one-line comment opening with a ">" sentence): its words are the author's own.
        return text, spans
    spans = spans + found
    if cuts:
        text, spans = _cut(text, spans, cuts)
    spans.sort(key=lambda span: (span[0], -span[1]))
    return text, spans


def _has_words_outside(text: str, spans: list[tuple[int, int]]) -> bool:
    cursor = 0
    for start, end in sorted(spans):
        if start > cursor and any(ch.isalnum() for ch in text[cursor:start]):
            return True
        cursor = max(cursor, end)
    return any(ch.isalnum() for ch in text[cursor:])


def _lead_attribution(
    text: str, run_start: int, taken: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The range of a "Bob wrote:" line (or short paragraph) right above a ``>`` run."""
    end = run_start
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    if end == 0:
        return None
    line_start = text.rfind("\n", 0, end) + 1
    paragraph_start = text.rfind("\n\n", 0, end)
    paragraph_start = 0 if paragraph_start < 0 else paragraph_start + 2
    for start in (line_start, paragraph_start):
        if end - start > 300 or any(s < end and e > start for s, e in taken):
            continue
        words = " ".join(text[start:end].split())
        if _is_mail_attribution(words):
            return start, run_start
    return None


def _cut(text: str, spans: list[_Span], cuts: list[tuple[int, int]]) -> tuple[str, list[_Span]]:
    """Remove the ``cuts`` ranges from ``text``, moving the spans (which lie outside them)."""
    cuts.sort()
    pieces = []
    cursor = 0
    for start, end in cuts:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])

    def moved(position: int) -> int:
        return position - sum(end - start for start, end in cuts if end <= position)

    return "".join(pieces), [(moved(s), moved(e), pid, author) for s, e, pid, author in spans]

