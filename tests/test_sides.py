"""Gazetteer: which words name the US side and which the Soviet side (authored sentences)."""

from __future__ import annotations

import pytest

from discourse.sides import find_sides, match_sides, matched_terms, tag_sides

# Authored sentences (project's own words) with the sides they should name.
CASES = [
    ("Let us talk about the US and the USSR.", {"us", "ussr"}),
    ("Give us a break, this is about us Pakistanis.", set()),
    ("Us first, then the neighbours.", set()),
    ("The U.S. and the U.S.S.R. both sent envoys.", {"us", "ussr"}),
    ("The U.S.A. was far away.", {"us"}),
    ("He moved to the States in 1990.", {"us"}),
    ("Member states of the UN voted.", set()),
    ("The Gulf States were neutral.", set()),
    ("West Bengal and West Pakistan were both poor.", set()),
    ("The West Indies won the toss.", set()),
    ("The west of the province is dry.", set()),
    ("Pakistan became a frontier for the West.", {"us"}),
    ("The Western bloc offered loans.", {"us"}),
    ("Uncle Sam paid for the dams.", {"us"}),
    ("Kissinger flew to Beijing through Islamabad.", {"us"}),
    ("The CIA and the Pentagon had bases there.", {"us"}),
    ("SEATO and CENTO tied Pakistan to NATO's logic.", {"us"}),
    ("Khrushchev circled Peshawar on the map.", {"ussr"}),
    ("The Kremlin and Moscow's diplomats disagreed.", {"ussr"}),
    ("Communism and the Eastern bloc were unpopular here.", {"ussr"}),
    ("Chinese communists won in 1949.", set()),
    ("Communist China was a new neighbour.", set()),
    ("The Warsaw Pact never came near.", {"ussr"}),
    ("Putin said relations would stay limited.", {"ussr"}),
    ("The USSR's collapse surprised everyone.", {"ussr"}),
    ("Americans and Russians alike wanted bases.", {"us", "ussr"}),
    ("The Soviet Union invaded Afghanistan.", {"ussr"}),
    ("a pro-Western elite ran the country", {"us"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_find_sides(text: str, expected: set[str]) -> None:
    assert find_sides(text) == frozenset(expected)


def test_us_is_case_sensitive() -> None:
    assert find_sides("tell us") == frozenset()
    assert find_sides("the US alliance") == frozenset({"us"})
    assert find_sides("the us alliance") == frozenset()


def test_match_spans_and_terms() -> None:
    text = "Washington over Moscow, said the U.S. envoy."
    matches = match_sides(text)
    assert [(m.side, m.term) for m in matches] == [("us", "Washington"), ("ussr", "Moscow"), ("us", "U.S.")]
    for m in matches:
        assert text[m.start:m.end] == m.term
    assert matched_terms(text) == {"us": ["Washington", "U.S."], "ussr": ["Moscow"]}


def test_longest_match_wins() -> None:
    assert [m.term for m in match_sides("The Soviet Union and the United States of America")] == [
        "Soviet Union", "United States of America"]


def test_tag_sides_uses_placeholders() -> None:
    tagged = tag_sides("The USSR's fault, not the USA.")
    assert "_ussr_" in tagged and "_us_" in tagged and "USSR" not in tagged
    assert tag_sides(None) == "" and find_sides("") == frozenset()


@pytest.mark.parametrize("text", [c[0] for c in CASES] + ["", "USSR's USA'S went west the West\nBengal"])
def test_scan_sides_is_tag_and_find_in_one_pass(text: str) -> None:
    from discourse.sides import scan_sides

    assert scan_sides(text) == (tag_sides(text), find_sides(text))


def test_first_letter_prefilter_keeps_case_folded_mentions() -> None:
    from discourse import sides

    # Every term starts with a known letter, so the scan may skip other places.
    assert sides._LETTERS is not None
    # The prefilter folds case as the terms do: Kelvin sign K and long s still name the USSR.
    assert find_sides("\u212aremlin") == {"ussr"} and find_sides("\u017foviets") == {"ussr"}
    assert find_sides("KGB and the kremlin") == {"ussr"} and find_sides("kgb") == set()


# Authored fragments chosen to sit on every edge of a batch: look-behinds ("went west",
# "pro-Western", "Chinese communists"), look-aheads ("the West Bengal"), possessives, empty
# texts, and a NUL that forces the one-by-one scan.
BATCH_EDGES = [
    "west and the USSR", "went", "west", "pro-", "Western aid", "Chinese", "communists won",
    "the West", "Bengal", "USSR's", "", "US", "A", "U.S.", "S.R. and USA", "Uncle Sam",
]


@pytest.mark.parametrize("texts", [
    [c[0] for c in CASES] + BATCH_EDGES,
    BATCH_EDGES[::-1],
    ["", ""],
    [],
    ["the US\0USSR", "Moscow"],  # a NUL inside a text: scanned one by one
    ["Moscow", "Moscow", "", "Moscow"],  # repeats and memo hits inside one batch
])
def test_batch_scan_equals_scanning_each_text(texts: list[str]) -> None:
    from discourse import sides

    expected = [(tag_sides(t), find_sides(t)) for t in texts]
    sides._scanned.clear()
    assert sides.scan_sides_many(texts) == expected
    assert sides.scan_sides_many(texts) == expected  # now every text comes from the memo


def test_side_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from discourse import sides

    monkeypatch.setattr(sides._scanned, "size", 3)
    sides._scanned.clear()
    sides.scan_sides_many(["USA", "USSR", "Moscow", "Kremlin", "NATO"])
    assert len(sides._scanned) == 3 and "NATO" in sides._scanned
    sides._scanned.clear()
