"""Which cue patterns match a sentence, for all of them in one compiled scan (Hyperscan).

The cue rules (:mod:`discourse.stance.sentence_cues`) ask of every sentence whether about
thirty patterns match, and ``re`` answers each question on its own, one to three microseconds
apiece, although most patterns match few sentences. Hyperscan compiles all the patterns into
one automaton and scans a sentence once for all of them. :func:`matching_patterns` gives, per
sentence, the set of patterns that match it, each named by its key (:func:`gate_key`, its
place in :func:`gated_patterns`). A rule that only needs to know *whether* a pattern matches
reads the set; a rule that needs the match's groups or position runs ``re`` only when the
pattern is in the set. The sets hold small integers rather than the patterns themselves because
hashing a compiled ``re`` pattern hashes its whole program: asking whether the longest phrase
list is in a set of patterns costs about 1.8 µs, whether its key is in a set of keys 0.03 µs.

The set holds exactly the keys of the patterns for which ``pattern.search(text)`` finds a
match, because the two engines mean the same by every construct the patterns use, on the texts
the set is given for:

* **Which texts.** Printable ASCII only (``str.isascii() and str.isprintable()``). There
  ``\\w``, ``\\b``, ``\\d``, ``\\S`` and ``.`` cover the same characters in Python's ``re``
  and in Hyperscan without its UTF-8 and Unicode-property flags. A text with any other
  character gets ``None``, and its rules run ``re`` for every pattern.
* **Which constructs.** Alternation, classes, counted and lazy repetition and word boundaries:
  whether a match *exists* does not depend on greediness, and ``re``'s backtracking finds one
  whenever Hyperscan's automaton does. Named groups are compiled as plain groups (Hyperscan
  captures nothing). No pattern uses lookaround, back-references or flags.

``tests/test_stance_gate.py`` compares the sets with ``re`` on every sentence of the authored
set and on generated sentences. Compiling takes about 0.35 s, so the compiled database is kept
in the machine's cache (about 0.3 MB; :mod:`discourse.compiled_scan`) and loaded in well
under a millisecond by later processes; each thread scans with its own scratch space, since a
flow run classifies in several threads. Without Hyperscan (a platform it has no wheel for,
or a processor it does not support) every text gets ``None`` and the rules run ``re`` alone:
the same cues, more slowly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from discourse.compiled_scan import load_database, scratch_for

#: The name the compiled database is cached under (:mod:`discourse.compiled_scan`).
CACHE_NAME = "cue-patterns"

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@lru_cache(maxsize=1)
def gated_patterns() -> tuple[re.Pattern[str], ...]:
    """Return the cue patterns :func:`matching_patterns` decides for, in a fixed order."""
    from discourse.stance import cue_patterns as p

    found = [pattern for pattern, _cue, _winner in p.PAIR_PATTERNS]
    found += [pattern for pattern, _cue, _words in p.ONE_PATTERNS]
    found += [p.SHOULD, p.COUNTERFACTUAL, p.NEUTRAL_REJECTED, p.BOTH, p.YEAR, p.REGRET_CHOICE]
    found += [phrases.regex for phrases in (p.OPINION, p.PERSONAL, p.REPORTED, p.EXPLANATION,
                                            p.NEUTRAL, p.TAKE_SIDES, p.REGRET_WORDS)]
    return tuple(found)


def gate_key(pattern: re.Pattern[str]) -> int:
    """Return the key :func:`matching_patterns` names ``pattern`` by (its place in
    :func:`gated_patterns`); ``KeyError`` for a pattern that is not gated."""
    return _keys()[id(pattern)]


@lru_cache(maxsize=1)
def _keys() -> dict[int, int]:
    return {id(pattern): key for key, pattern in enumerate(gated_patterns())}


def hyperscan_expression(pattern: re.Pattern[str]) -> bytes:
    """The pattern as Hyperscan compiles it: named groups made plain, ASCII bytes.

    Raises ``ValueError`` for a pattern whose meaning could differ between the engines
    (flags, lookaround, back-references, non-ASCII characters).
    """
    source = pattern.pattern
    if pattern.flags & ~re.UNICODE or not source.isascii():
        raise ValueError(f"pattern has flags or non-ASCII characters: {source[:40]!r}")
    if re.search(r"\(\?[=!<]|\(\?P=|\\[1-9]", _NAMED_GROUP.sub("(?:", source)):
        raise ValueError(f"pattern uses lookaround or a back-reference: {source[:40]!r}")
    return _NAMED_GROUP.sub("(?:", source).encode("ascii")


#: Expression flags: one report per pattern and scan is all a set needs.
_FLAGS = ("SINGLEMATCH",)


@lru_cache(maxsize=1)
def _scanner() -> Any | None:
    """The database of :func:`gated_patterns` (:func:`discourse.compiled_scan.load_database`),
    or None when Hyperscan is not available here or a pattern is one the engines could read
    differently."""
    try:
        expressions = [hyperscan_expression(p) for p in gated_patterns()]
    except ValueError:  # re decides every pattern
        return None
    return load_database(CACHE_NAME, expressions, [_FLAGS] * len(expressions))


def matching_patterns(texts: list[str]) -> list[frozenset[int] | None]:
    """Return, per text, the keys of the :func:`gated_patterns` that match it.

    ``gate_key(pattern) in result[i]`` exactly when ``pattern.search(texts[i])`` finds a match.
    A text that is not printable ASCII, and every text when Hyperscan is not available, gets
    ``None``: ask ``re``.
    """
    db = _scanner()
    if db is None:
        return [None] * len(texts)
    scratch = scratch_for(db)
    out: list[frozenset[int] | None] = []
    found: list[int] = []
    add = found.append

    def on_match(pattern_id: int, _start: int, _end: int, _flags: int, _context: Any) -> None:
        add(pattern_id)

    none: frozenset[int] = frozenset()
    for text in texts:
        if not (text.isascii() and text.isprintable()):
            out.append(None)
            continue
        found.clear()
        db.scan(text.encode("ascii"), match_event_handler=on_match, scratch=scratch)
        out.append(frozenset(found) if found else none)
    return out
