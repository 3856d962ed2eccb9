"""The cue columns and how a post's row is added up from its sentences' cues.

:data:`CUE_NAMES` is the column order of the cue matrix: the side cues (``<cue>:us``,
``<cue>:ussr``), then the global ones. A sentence's cues (:class:`~discourse.stance.sentence_cues.SentenceCues`)
name row slots through :data:`TARGET`; :func:`assemble_row` replays them in order, so the
floating-point sums are the same as adding them one at a time, and derives the post-level
cues (mean sentiment per side, ``lean``, ``lean_final``, ``verdict``, ``no_side``, ``short``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from discourse.sides import SIDES

if TYPE_CHECKING:  # pragma: no cover
    from discourse.stance.sentence_cues import SentenceCues

_SIDE_CUES = (
    "mentions",
    "prefers",
    "should",
    "should_not",
    "regret",
    "rejects",
    "choice",
    "counterfactual",
    "counterfactual_good",
    "counterfactual_bad",
    "praises",
    "criticises",
    "sentiment",
    "why_not",
    "lean",
    "lean_final",
)
_GLOBAL_CUES = (
    "neutrality",
    "advises_neutrality",
    "neutrality_rejected",
    "both_sides",
    "verdict",
    "no_verdict",
    "narration",
    "question",
    "opinion",
    "reported",
    "explanation",
    "no_side",
    "short",
)
# Cues that state a verdict; a post naming a side without any of them is probably narration.
_VERDICT_CUES = (
    "prefers", "should", "should_not", "regret", "rejects", "counterfactual_good",
    "counterfactual_bad",
)
#: Every cue name, in the column order of :func:`cue_matrix`.
CUE_NAMES: tuple[str, ...] = tuple(f"{c}:{s}" for c in _SIDE_CUES for s in SIDES) + _GLOBAL_CUES
_COLUMN = {name: i for i, name in enumerate(CUE_NAMES)}
# Two extra slots after the cues hold the running sum of VADER compounds per side.
_SENTIMENT_SUM = {side: len(CUE_NAMES) + k for k, side in enumerate(SIDES)}
_ROW_SIZE = len(CUE_NAMES) + len(SIDES)
_SENTIMENT_COLUMNS = tuple(
    (_COLUMN[f"mentions:{side}"], _COLUMN[f"sentiment:{side}"], _SENTIMENT_SUM[side]) for side in SIDES
)
_VERDICT_COLUMNS = tuple(_COLUMN[f"{c}:{side}"] for c in _VERDICT_CUES for side in SIDES)
_LEAN_US, _LEAN_USSR = _COLUMN["lean:us"], _COLUMN["lean:ussr"]
_LEAN_FINAL_US, _LEAN_FINAL_USSR = _COLUMN["lean_final:us"], _COLUMN["lean_final:ussr"]
_MENTIONS_US, _MENTIONS_USSR = _COLUMN["mentions:us"], _COLUMN["mentions:ussr"]
_VERDICT, _ADVISES_NEUTRALITY = _COLUMN["verdict"], _COLUMN["advises_neutrality"]
_NO_SIDE, _NO_VERDICT, _SHORT = _COLUMN["no_side"], _COLUMN["no_verdict"], _COLUMN["short"]
# Where an addition named by a cue goes; "sentiment|<side>" names a sentiment-sum slot.
TARGET = _COLUMN | {f"sentiment|{side}": slot for side, slot in _SENTIMENT_SUM.items()}

# Weights of the hand-built ``lean`` score: direct statements of preference count most.
_LEAN_WEIGHTS = {
    "prefers": 2.0,
    "should": 2.0,
    "should_not": -2.0,
    "regret": -2.0,
    "rejects": -1.5,
    "counterfactual_good": 1.0,
    "counterfactual_bad": -1.0,
    "praises": 0.5,
    "criticises": -0.5,
}
_LEAN_COLUMNS = tuple(
    (_COLUMN[f"{name}:us"], _COLUMN[f"{name}:ussr"], weight) for name, weight in _LEAN_WEIGHTS.items()
)
LEAN_COLUMN_SET = frozenset(c for us, ussr, _ in _LEAN_COLUMNS for c in (us, ussr))
_SHORT_WORDS = 6

def _lean(row: list[float]) -> float:
    """Return the signed fixed-weight lean (positive: US side) of a row of cue values."""
    return sum([weight * (row[us] - row[ussr]) for us, ussr, weight in _LEAN_COLUMNS])


#: The slots and weights :func:`assemble_row` uses, for the compiled ``assemble_rows`` of
#: :mod:`discourse._kernels` (``src/csrc/rows.c`` reads this tuple in this order).
ROW_LAYOUT = (
    _ROW_SIZE, len(CUE_NAMES), _LEAN_COLUMNS, _SENTIMENT_COLUMNS, _VERDICT_COLUMNS,
    _LEAN_US, _LEAN_USSR, _LEAN_FINAL_US, _LEAN_FINAL_USSR, _MENTIONS_US, _MENTIONS_USSR,
    _VERDICT, _ADVISES_NEUTRALITY, _NO_SIDE, _NO_VERDICT, _SHORT, _SHORT_WORDS,
)


def assemble_row(found_cues: Sequence[SentenceCues]) -> list[float]:
    """Return a post's cue values in :data:`CUE_NAMES` order from its sentences' cues, in order.

    The reference of the compiled ``assemble_rows``, which :func:`discourse.stance.cues.cue_matrix_with_words`
    uses for all posts of a call when it is built (``tests/test_kernels.py`` compares the two).
    """
    row = [0.0] * _ROW_SIZE
    words = 0
    # The verdict usually comes last or after "but/still/even so": those sentences also feed
    # ``lean_final``, so a post that lists one side's faults and then picks it reads right.
    final_from = max(len(found_cues) - 2, 0)
    final_net = 0.0
    for index, found in enumerate(found_cues):
        # Only a sentence that adds to a directional cue can move the lean (the difference
        # would be exactly 0.0 otherwise).
        final = found.moves_lean and (index >= final_from or found.conclusion)
        before = _lean(row) if final else 0.0
        for column, value in zip(found.columns, found.values, strict=True):
            row[column] += value
        if final:
            final_net += _lean(row) - before
        words += found.words
    for mentions, sentiment, total in _SENTIMENT_COLUMNS:
        n = row[mentions]
        row[sentiment] = row[total] / n if n else 0.0
    net = _lean(row)
    row[_LEAN_US] = max(net, 0.0)
    row[_LEAN_USSR] = max(-net, 0.0)
    row[_LEAN_FINAL_US] = max(final_net, 0.0)
    row[_LEAN_FINAL_USSR] = max(-final_net, 0.0)
    verdict = sum(map(row.__getitem__, _VERDICT_COLUMNS))
    row[_VERDICT] = verdict + row[_ADVISES_NEUTRALITY]
    no_side = row[_MENTIONS_US] == 0 and row[_MENTIONS_USSR] == 0
    row[_NO_SIDE] = float(no_side)
    row[_NO_VERDICT] = float(row[_VERDICT] == 0 and not no_side)
    row[_SHORT] = float(words < _SHORT_WORDS)
    del row[len(CUE_NAMES) :]
    return row

