"""Word alternations compiled for speed: ``\\b(?:phrase|phrase|...)\\b`` and a quick word gate.

:func:`compile_words` regroups a long alternation of phrases by first character, which ``re``
tries faster and which matches exactly like the pattern as written, and records the words a
match can start with so that a sentence holding none of them is skipped without a scan
(``tests/test_stance_cues.py`` checks both against the plain pattern).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_LEADING_WORD = re.compile(r"[A-Za-z0-9_]+")


def _split_alternatives(body: str) -> list[str]:
    """Split a regular expression at its top-level ``|`` (outside groups and classes)."""
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


class Phrases:
    r"""A compiled ``\b(?:phrase|phrase|...)\b`` and the words its matches can start with.

    ``first_words`` holds, for each phrase, its leading run of word characters: a match starts
    at a word boundary, so that run is then a whole word of the text. A sentence none of whose
    words is in the set cannot match, which a set test tells faster than the scan (``None``
    when some phrase starts otherwise and no such set can be given).
    """

    __slots__ = ("source", "regex", "first_words")

    def __init__(self, source: str, regex: re.Pattern[str], first_words: frozenset[str] | None) -> None:
        self.source = source  # the pattern as written, which ``regex`` matches exactly like
        self.regex = regex
        self.first_words = first_words

    def search(self, text: str, words: set[str]) -> re.Match[str] | None:
        """Return the first match in ``text``, given the set of its words."""
        if self.first_words is not None and words.isdisjoint(self.first_words):
            return None
        return self.regex.search(text)

    def finditer(self, text: str, words: set[str]) -> Iterator[re.Match[str]]:
        """Return the matches in ``text``, given the set of its words."""
        if self.first_words is not None and words.isdisjoint(self.first_words):
            return iter(())
        return self.regex.finditer(text)


def compile_words(pattern: str) -> Phrases:
    r"""Compile ``\b(?:phrase|phrase|...)\b`` so that ``re`` tries it quickly.

    At every word start ``re`` tests the phrases one by one, each on its first character, and
    these lists hold up to a hundred phrases. Consecutive phrases that begin with a plain letter
    or digit are grouped by that character (``n(?:eutral|on-aligned)|b(?:oth blocs)``), so one
    test rules out a whole group. Phrases with different first characters never match at the
    same place, and each group keeps its phrases' order, so ``re`` finds exactly the matches of
    the plain pattern; a phrase starting with anything else stays where it is and ends a run.
    """
    head, tail = r"\b(?:", r")\b"
    if not (pattern.startswith(head) and pattern.endswith(tail)):
        raise ValueError(f"not a word alternation: {pattern[:40]!r}")
    runs: list[list[str]] = [[]]
    plain: list[bool] = []
    first_words: set[str] | None = set()
    for phrase in _split_alternatives(pattern[len(head) : -len(tail)]):
        literal = phrase[:1].isascii() and phrase[:1].isalnum() and phrase[1:2] not in ("?", "*", "+", "{")
        if literal and runs[-1] and plain[-1]:
            runs[-1].append(phrase)
        else:
            runs.append([phrase])
            plain.append(literal)
        word = _LEADING_WORD.match(phrase)
        # The leading word is a whole word of the text only if a literal non-word character
        # (or the pattern's closing boundary) follows it.
        if first_words is not None and word and phrase[word.end() : word.end() + 1] in ("", " ", "'", "-"):
            first_words.add(word.group())
        else:
            first_words = None
    alternatives: list[str] = []
    for run, is_plain in zip(runs[1:], plain, strict=True):
        if not is_plain:
            alternatives.extend(run)
            continue
        groups: dict[str, list[str]] = {}
        for phrase in run:
            groups.setdefault(phrase[0], []).append(phrase[1:])
        alternatives.extend(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
    regex = re.compile(head + "|".join(alternatives) + tail)
    return Phrases(pattern, regex, frozenset(first_words) if first_words is not None else None)


