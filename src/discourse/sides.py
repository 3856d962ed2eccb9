"""Gazetteer of the two Cold War sides: which words in a post name the US side or the Soviet side.

``find_sides(text)`` returns the sides a text names (``frozenset({"us", "ussr"})`` at most);
``match_sides(text)`` returns every match with its side, surface term and character span, so a
cue can be explained by the words that triggered it; ``tag_sides(text)`` replaces each mention
with a placeholder token (``_us_`` / ``_ussr_``) so that downstream patterns and n-grams can be
written against "a side" rather than against each spelling.

Decisions (documented in docs/stance.md):

* ``US`` / ``U.S.`` / ``USA`` are matched **case-sensitively**: lower-case "us" is the pronoun,
  and "Us" at the start of a sentence is the pronoun too.
* "States" alone is not the US ("member states", "Gulf states"); "the States" with a capital S
  and "United States" are.
* NATO, SEATO, CENTO and the Baghdad Pact count for the US side: they were US-led or US-backed
  blocs, and in this debate Pakistan's membership of SEATO/CENTO is the alignment itself.
* "the West", "Western bloc/camp/powers/allies/pacts", "pro-Western" count for the US side, but
  not geographic uses: "West Bengal", "West Pakistan", "West Asia", "West Indies", "the west of",
  "West Germany" (a country, not the bloc leader) and similar.
* Communism, communists and Marxism count for the Soviet side unless tied to China
  ("Chinese communists", "communist China").
* Post-Soviet Russia (Putin, Moscow today) is kept on the Soviet side: the forum debates treat
  modern Russia as the continuation of the Soviet option.

The terms form one pattern with look-arounds. Where Hyperscan is installed, one compiled scan
of the terms without their look-arounds finds where a mention may start, and ``re`` tries the
pattern only there (:func:`_finditer`); the matches are those of ``re`` alone.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from discourse import kernels
from discourse.compiled_scan import load_database, scratch_for
from discourse.memo import LruMemo

US = "us"
USSR = "ussr"
SIDES: tuple[str, ...] = (US, USSR)
#: Placeholder tokens written by :func:`tag_sides`; word characters only, so tokenisers keep them.
PLACEHOLDERS: dict[str, str] = {US: "_us_", USSR: "_ussr_"}

# A possessive or plural apostrophe-s is swallowed with the name so "USSR's" tags cleanly.
_POSS = r"(?:['’]s)?"
# Geographic or non-bloc uses of "west" that must not count as the Western bloc.
_WEST_NOT = (
    r"(?!\s+(?:bengal|pakistan|punjab|asia|asian|indies|indian|bank|africa|african|germany|german|"
    r"berlin|coast|side|wing|of\b|end|midlands|virginia|point|frontier|border|ham|europe\b))"
)

# Case-sensitive terms: abbreviations whose lower-case spelling is an ordinary word, and
# surnames that are also common words ("Bush", "Carter", "Trump").
_US_CASED = [
    r"U\.S\.A\.?",
    r"U\.S\.(?!S\.R)",
    r"U\.S(?![.\w])",
    r"USA",
    r"US(?![\w.])(?:\s+of\s+A\b)?",
    r"CIA",
    r"NATO",
    r"SEATO",
    r"CENTO",
    r"Uncle\s+Sam",
    r"the\s+States\b",
    r"Bush",
    r"Carter",
    r"Trump",
    r"Yanks?",
    r"Yankees?",
]
_US_ANYCASE = [
    r"united\s+states(?:\s+of\s+america)?",
    r"americans?",
    r"america",
    r"washington",
    r"pentagon",
    r"white\s+house",
    r"state\s+department",
    r"truman",
    r"eisenhower",
    r"kennedy",
    r"nixon",
    r"kissinger",
    r"reagan",
    r"dulles",
    r"obama",
    r"biden",
    r"clinton",
    r"baghdad\s+pact",
    r"free\s+world",
    r"capitalist\s+(?:bloc|camp|world|powers?|west)",
    # Only "Western" is tagged, so "pro-"/"anti-" stay in the text for cues and n-grams.
    r"(?<=pro-|nti-|pro |nti )western",
    r"western\s+(?:bloc|camp|powers?|alliance|allies|pacts?|world|nations|countries|"
    r"imperialism|imperialists?|military\s+pacts?|democracies|sponsors?)",
    r"the\s+west\b" + _WEST_NOT,
    # "went West" / "staying West": the bloc, named by a verb of alignment without "the".
    r"(?:(?<=went\s)|(?<=\bgo\s)|(?<=going\s)|(?<=gone\s)|(?<=stay\s)|(?<=stayed\s)|"
    r"(?<=staying\s)|(?<=turned\s)|(?<=tilted\s)|(?<=looked\s)|(?<=leaned\s))west\b" + _WEST_NOT,
]
_USSR_CASED = [
    r"U\.S\.S\.R\.?",
    r"USSR",
    r"CPSU",
    r"KGB",
    r"Comecon",
    r"COMECON",
]
_USSR_ANYCASE = [
    r"soviet\s+union",
    r"soviets?",
    r"russians?",
    r"russia",
    r"moscow",
    r"kremlin",
    r"stalin",
    r"lenin",
    r"khrushch[eo]v",
    r"brezhnev",
    r"gromyko",
    r"kosygin",
    r"molotov",
    r"andropov",
    r"gorbachev",
    r"putin",
    r"politburo",
    r"red\s+army",
    r"bolsheviks?",
    r"warsaw\s+pact",
    r"eastern\s+bloc",
    r"communist\s+(?:bloc|camp)",
    r"(?<!chinese\s)(?<!chinese\s\s)communis[mt]s?(?!\s+(?:china|chinese|party\s+of\s+china))",
    r"commies?",
    r"marxis[mt]s?",
]


def _compile(cased: list[str], anycase: list[str]) -> str:
    # Longest alternatives first, so "Soviet Union" wins over "Soviet" and "U.S.A." over "U.S.".
    parts = [f"(?-i:{p})" for p in cased] + [f"(?i:{p})" for p in anycase]
    return r"(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")" + _POSS + r"(?!\w)"


def _group_end(term: str, start: int) -> int:
    """Return the index just past the group that opens at ``term[start]`` (a ``(``)."""
    depth = 0
    i = start
    while i < len(term):
        if term[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(term[i], 0)
        i += 1
        if depth == 0:
            return i
    raise ValueError(f"unbalanced group in {term!r}")


def _first_letter(term: str) -> str | None:
    """Return the letter every match of ``term`` starts with, or None if it cannot be told.

    Leading look-behinds (``(?<=...)``, ``(?<!...)`` and a group of look-behind alternatives)
    consume nothing and are skipped.
    """
    i = 0
    while term.startswith("(?<", i) or term.startswith("(?:(?<", i):
        end = _group_end(term, i)
        if term.startswith("(?:", i):
            # Every alternative inside must itself be a whole look-behind group.
            j = i + 3
            while j < end - 1:
                if not term.startswith("(?<", j):
                    return None
                j = _group_end(term, j)
                if term[j] == "|":
                    j += 1
        i = end
    first, after = term[i : i + 1], term[i + 1 : i + 2]
    if not (first.isascii() and first.isalpha()) or after in ("?", "*", "{"):
        return None
    return first


def _first_letters() -> str | None:
    letters = {_first_letter(t) for t in _US_CASED + _US_ANYCASE + _USSR_CASED + _USSR_ANYCASE}
    if None in letters:
        return None
    return "".join(sorted({c.lower() for c in letters if c}))


_LETTERS = _first_letters()
# A mention starts after neither a word character nor a dot, and with one of the letters the
# terms start with (tested without case, so a letter matches whatever the terms' own
# case-insensitive parts match). Both tests come once, ahead of all the alternatives, so at
# most places the scan moves on after them.
_PATTERN = re.compile(
    r"(?<![\w.])"
    + (f"(?=(?i:[{_LETTERS}]))" if _LETTERS else "")
    + rf"(?:(?P<us>{_compile(_US_CASED, _US_ANYCASE)})|(?P<ussr>{_compile(_USSR_CASED, _USSR_ANYCASE)}))"
)


# Where a mention may start, from one compiled scan (Hyperscan) of the terms without their
# look-arounds: ``re`` then runs the whole pattern only at those places instead of trying its
# alternatives at every word. See :func:`_finditer` for why the matches are the same.
SCAN_NAME = "side-terms"
_FOLD_ERRORS = "discourse-side-fold"
# Python's ``\s`` on ASCII text; Hyperscan's ``\s`` lacks the four separators 0x1C-0x1F.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
_EMPTY_ALTERNATION = re.compile(r"\(\?:\|*\)")


def _without_lookarounds(term: str) -> str:
    r"""``term`` with its look-arounds dropped and ``\s`` spelled as Python reads it on ASCII.

    Dropping a look-around only widens what the term matches, so every place the term matches
    in a text, the result matches too. A group whose alternatives were all look-behinds
    (``(?:(?<=went\s)|(?<=go\s))west``) becomes empty and is removed.
    """
    out: list[str] = []
    i = 0
    while i < len(term):
        if term.startswith(("(?<=", "(?<!", "(?=", "(?!"), i):
            i = _group_end(term, i)
        elif term[i] == "\\":
            out.append(_ASCII_SPACE if term[i + 1] == "s" else term[i : i + 2])
            i += 2
        else:
            out.append(term[i])
            i += 1
    return _EMPTY_ALTERNATION.sub("", "".join(out))


def term_expressions() -> tuple[list[bytes], list[tuple[str, ...]]]:
    """Every gazetteer term as Hyperscan compiles it, with its flags: the term without its
    look-arounds, caseless unless the term is case-sensitive, reporting where a match starts."""
    expressions: list[bytes] = []
    flags: list[tuple[str, ...]] = []
    for terms, caseless in ((_US_CASED, False), (_US_ANYCASE, True), (_USSR_CASED, False),
                            (_USSR_ANYCASE, True)):
        for term in terms:
            expressions.append(_without_lookarounds(term).encode("ascii"))
            flags.append(("CASELESS", "SOM_LEFTMOST") if caseless else ("SOM_LEFTMOST",))
    return expressions, flags


@lru_cache(maxsize=1)
def _term_scanner() -> Any | None:
    """The compiled database of :func:`term_expressions`; None without Hyperscan."""
    expressions, flags = term_expressions()
    return load_database(SCAN_NAME, expressions, flags)


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    r"""The ASCII character that stands for the non-ASCII ``char`` in a scan for the terms.

    A letter Python's case-insensitive ``re`` matches to an ASCII letter (dotted and dotless i,
    long s, the Kelvin sign) becomes that letter; white space a space; any other word character
    an underscore; anything else ``#``. So each term matches the folded text wherever ``re``
    matches it in the original, and ``\b`` sits at the same places.
    """
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if re.fullmatch(f"(?i){letter}", char):
            return letter
    if re.fullmatch(r"\s", char):
        return " "
    return "_" if re.fullmatch(r"\w", char) else "#"


def _fold_errors(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_fold(c) for c in error.object[error.start : error.end]), error.end


codecs.register_error(_FOLD_ERRORS, _fold_errors)


def _candidate_starts(text: str) -> list[int] | None:
    """Every place in ``text`` where some term, without its look-arounds, starts a match; in
    order, without repeats. None when Hyperscan is not available here."""
    db = _term_scanner()
    if db is None:
        return None
    starts: list[int] = []
    add = starts.append

    def on_match(_term: int, start: int, _end: int, _flags: int, _context: Any) -> None:
        add(start)

    # One ASCII byte per character, so byte offsets are character offsets.
    db.scan(text.encode("ascii", _FOLD_ERRORS), match_event_handler=on_match, scratch=scratch_for(db))
    return sorted(set(starts))


def _finditer(text: str) -> Iterator[re.Match[str]]:
    r"""``_PATTERN.finditer(text)``, with ``re`` tried only where a term may start.

    The two give the same matches. A match of the whole pattern at ``p`` holds a match of one
    term at ``p``, so the term without look-arounds matches there in the folded text
    (:func:`_fold`), and Hyperscan reports ``p`` as that match's leftmost start unless the
    term also matched from further left to the same end, which no term can
    (``tests/test_sides_scan.py`` checks that no term's match has a proper suffix the term also
    matches). ``finditer`` returns the first place at or after the end of the previous match
    where the pattern matches, and the candidates hold every such place; ``re.Pattern.match``
    at a position sees the text before it, so the look-behinds read what they read in
    ``finditer``. No match is empty.
    """
    starts = _candidate_starts(text)
    if starts is None:
        yield from _PATTERN.finditer(text)
        return
    end = 0
    match = _PATTERN.match
    for start in starts:
        if start >= end:
            found = match(text, start)
            if found is not None:
                yield found
                end = found.end()


@dataclass(frozen=True, slots=True)
class SideMatch:
    """One mention of a side: ``text[start:end] == term``."""

    side: str
    term: str
    start: int
    end: int


def match_sides(text: str | None) -> list[SideMatch]:
    """Return every side mention in ``text``, left to right, without overlaps."""
    if not text:
        return []
    return [SideMatch(m.lastgroup or "", m.group(), m.start(), m.end()) for m in _finditer(text)]


#: Most distinct texts :func:`scan_sides` and :func:`scan_sides_many` remember.
MEMO_SIZE = 65536
_scanned: LruMemo[str, tuple[str, frozenset[str]]] = LruMemo(MEMO_SIZE)


def scan_sides(text: str | None) -> tuple[str, frozenset[str]]:
    """Return ``(tag_sides(text), find_sides(text))`` from one pass over ``text``.

    Memoised (the most recently used :data:`MEMO_SIZE` texts, shared with
    :func:`scan_sides_many`): the stance cues and the sentiment stage both ask about the same
    sentences, and the gazetteer pattern is the costliest regular expression run on them.
    """
    if not text:
        return "", frozenset()
    scanned = _scanned.get(text)
    if scanned is None:
        scanned = _scan(text)
        _scanned.put(text, scanned)
    return scanned


_NO_SIDES: frozenset[str] = frozenset()
# What a mention is replaced by: its side's placeholder with a space either side.
_TAGS = {side: f" {placeholder} " for side, placeholder in PLACEHOLDERS.items()}
_TAG_PAIR = (_TAGS[US], _TAGS[USSR])  # by "is it the Soviet side"
# The sides a text names, by mask: 1 the US side, 2 the Soviet side.
_SIDE_SETS = (_NO_SIDES, frozenset({US}), frozenset({USSR}), frozenset({US, USSR}))


def _scan(text: str) -> tuple[str, frozenset[str]]:
    return _tag([text], text)[0]


def scan_sides_many(texts: list[str]) -> list[tuple[str, frozenset[str]]]:
    """Return :func:`scan_sides` of every text; the texts not in the memo are scanned as one batch.

    The new texts are joined by NUL characters, which no term, look-behind or look-ahead of the
    pattern can match or cross (a NUL is neither a word character, nor a dot, nor white space,
    exactly like the start or end of a text), so the matches are those of each text on its own.
    A batch in which some text holds a NUL is scanned text by text.
    """
    return _scanned.get_many(texts, _scan_joined)


def _scan_joined(texts: list[str]) -> list[tuple[str, frozenset[str]]]:
    """Return ``_scan`` of every text from one scan of the texts joined by NULs."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [_scan(text) for text in texts]
    return _tag(texts, joined)


def _tag(texts: list[str], joined: str) -> list[tuple[str, frozenset[str]]]:
    """Each of ``texts`` tagged at its mentions, with its sides, from one scan of ``joined``
    (the texts joined by single NULs; one text is its own join)."""
    mentions = [(m.start(), m.end(), m.lastgroup == USSR) for m in _finditer(joined)]
    compiled = kernels.compiled
    if compiled is not None:
        return compiled.tag_batch(texts, mentions, _TAG_PAIR, _SIDE_SETS)
    return python_tag_batch(texts, mentions)


def python_tag_batch(texts: list[str], mentions: list[tuple[int, int, bool]]) -> list[tuple[str, frozenset[str]]]:
    """Each text tagged at its mentions, with the sides it names, from a scan of the texts
    joined by single NULs: the reference the compiled ``tag_batch`` of
    :mod:`discourse._kernels` is tested against, and what runs where it is not built.

    ``mentions`` are ``(start, end, is_ussr)`` in the joined text, in order, none crossing a
    NUL. A text without mentions comes back as it is.
    """
    out: list[tuple[str, frozenset[str]]] = []
    m = 0
    offset = 0  # where the current text starts in the joined text
    for text in texts:
        end = offset + len(text)
        parts: list[str] = []
        mask = cursor = 0
        while m < len(mentions) and mentions[m][0] < end:
            start, stop, is_ussr = mentions[m]
            parts.append(text[cursor : start - offset])
            parts.append(_TAG_PAIR[is_ussr])
            mask |= 2 if is_ussr else 1
            cursor = stop - offset
            m += 1
        if parts:
            parts.append(text[cursor:])
            out.append(("".join(parts), _SIDE_SETS[mask]))
        else:
            out.append((text, _NO_SIDES))
        offset = end + 1
    return out


def find_sides(text: str | None) -> frozenset[str]:
    """Return the sides ``text`` names: a subset of ``{"us", "ussr"}``."""
    return scan_sides(text)[1]


def matched_terms(text: str | None) -> dict[str, list[str]]:
    """Return the surface terms matched per side, e.g. ``{"us": ["USA"], "ussr": []}``."""
    found: dict[str, list[str]] = {side: [] for side in SIDES}
    for match in match_sides(text):
        found[match.side].append(match.term)
    return found


def tag_sides(text: str | None) -> str:
    """Return ``text`` with every side mention replaced by `` _us_ `` or `` _ussr_ ``."""
    return scan_sides(text)[0]
