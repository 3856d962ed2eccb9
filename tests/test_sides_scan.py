"""The gazetteer's compiled scan finds exactly the mentions ``re`` finds.

:func:`discourse.sides._finditer` runs the whole pattern only where Hyperscan says a term may
start; these tests hold it to ``_PATTERN.finditer`` on authored texts, generated texts full of
the edge cases (look-arounds, case folding, Unicode spaces and letters), and, when
``../shared`` is present, the real scraped files and development texts (read at run time,
never copied).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse import sides
from discourse.stance.train import load_authored

pytest.importorskip("hyperscan")

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-data"
DEV_TEXTS = ROOT / "data" / "realdev" / "texts"


def _spans(matches) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


def _agree(text: str) -> None:
    assert _spans(sides._finditer(text)) == _spans(sides._PATTERN.finditer(text)), text[:200]


def test_the_compiled_scan_is_in_use() -> None:
    # Every other test here would pass on the re fallback alone.
    assert sides._term_scanner() is not None
    assert sides._candidate_starts("the Soviets and NATO") == [4, 16]


def test_matches_equal_re_on_every_authored_text() -> None:
    texts = load_authored()["text"].to_list()
    for text in texts:
        _agree(text)
    assert sum(1 for t in texts if sides._PATTERN.search(t)) > 0.5 * len(texts)


# Authored fragments around every look-around, case rule and folding the pattern has.
_PIECES = [
    "US", "U.S.", "U.S.A.", "U.S.S.R.", "USA", "USSR", "us", "Us", "US of A", "the States", "states",
    "the West", "west", "West Bengal", "went west", "went\u00a0west", "pro-Western", "anti-western",
    "Western bloc", "Chinese communists", "Chinese  communism", "communist China", "communism",
    "commies", "Soviet Union", "soviet\u00a0union", "S.R.", "KGB", "kgb", "Kremlin", "\u212aremlin",
    "\u017foviets", "Moſcow", "Ru\u017f\u017fia", "russians", "Putin's", "Putin\u2019s", "America's",
    "United\u2003States", "United\x1cStates", "white  house", "Yanks", "Yankees", "the States\u00e9",
    "west\u00e9", "NATO\u00e9", ".USA", "_USA", "xUSA", "é", "\u0130", "\u0131", "\u2014", "\x00",
    " ", "  ", "\n", "\t", ".", ",", "'", "’", "-", "of", "A", "s",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.sampled_from(["", " ", "\u00a0", "\n"]))
def test_matches_equal_re_on_generated_texts(pieces: list[str], gap: str) -> None:
    _agree(gap.join(pieces))


@pytest.mark.parametrize("index", range(len(sides.term_expressions()[0])))
def test_no_term_match_has_a_proper_suffix_the_term_also_matches(index: int) -> None:
    # The scan reports each match's leftmost start: a term matching both a string and one of
    # its proper suffixes would hide the later start.
    expressions, flags = sides.term_expressions()
    pattern = re.compile(expressions[index].decode(), re.IGNORECASE if "CASELESS" in flags[index] else 0)

    @settings(max_examples=40, deadline=None)
    @given(st.from_regex(pattern, fullmatch=True))
    def check(text: str) -> None:
        assert not any(pattern.fullmatch(text, k) for k in range(1, len(text)))

    check()


def test_fold_keeps_what_the_terms_can_match() -> None:
    assert [sides._fold(c) for c in "\u0130\u0131\u017f\u212a"] == ["i", "i", "s", "k"]
    assert [sides._fold(c) for c in "\u00a0\u2003\u3000"] == [" ", " ", " "]
    assert [sides._fold(c) for c in "\u00e9\u0436\u2019\u2014\U0001f600"] == ["_", "_", "#", "#", "#"]
    assert "M\u00f6scow Ru\u017fsia".encode("ascii", sides._FOLD_ERRORS) == b"M_scow Russia"


def test_without_hyperscan_the_scan_is_re_itself(monkeypatch) -> None:
    monkeypatch.setattr(sides, "_term_scanner", lambda: None)
    assert sides._candidate_starts("the Soviets") is None
    _agree("the Soviets and NATO went west")


def _real_texts() -> list[str]:
    paths = [p for p in REAL.rglob("*") if p.is_file()] if REAL.is_dir() else []
    paths += sorted(DEV_TEXTS.glob("*")) if DEV_TEXTS.is_dir() else []
    texts = []
    for path in paths:
        try:
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
        except OSError:
            continue
    return texts


def test_matches_equal_re_on_real_files() -> None:
    texts = _real_texts()
    if not texts:
        pytest.skip("../shared/real-data and data/realdev/texts are absent")
    for text in texts:
        _agree(text)
