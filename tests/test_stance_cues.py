"""Target-aware cues: preference, advice, counterfactuals, evaluation and neutrality."""

from __future__ import annotations

import numpy as np
import pytest

from discourse.stance.cues import CUE_NAMES, cue_matrix, extract_cues, scale_cues


def _on(text: str) -> dict[str, float]:
    return {k: v for k, v in extract_cues(text).items() if v}


# Authored sentences (project's own words) and a cue each must fire.
@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("It was America over the Soviets, no question.", "prefers:us"),
        ("Moscow over Washington any day.", "prefers:ussr"),
        ("The USSR was a better ally than the USA.", "prefers:ussr"),
        ("The Soviets were no match for the Americans.", "prefers:us"),
        ("I prefer the Kremlin.", "prefers:ussr"),
        ("It made sense to side with the USA.", "prefers:us"),
        ("We should have gone with the Soviets.", "should:ussr"),
        ("We should never have supported the Americans.", "should_not:us"),
        ("Joining the Americans was a blunder.", "regret:us"),
        ("Had we aligned with Moscow, we would have prospered.", "counterfactual_good:ussr"),
        ("If we had joined the USSR it would have brought its own set of problems.", "counterfactual_bad:ussr"),
        ("If we were not tied to the US we would have fallen apart.", "counterfactual_good:us"),
        ("The Russians were loyal and generous friends.", "praises:ussr"),
        ("The Americans betrayed us again and again.", "criticises:us"),
        ("Why didn't Pakistan choose the USSR?", "why_not:ussr"),
        ("Pakistan should have stayed neutral.", "advises_neutrality"),
        ("Non-alignment was the wiser road.", "neutrality"),
        ("We did not have the luxury to remain neutral.", "neutrality_rejected"),
        ("Pakistan had to pick a side.", "neutrality_rejected"),
        ("Both the USA and the USSR wanted bases.", "both_sides"),
    ],
)
def test_cue_fires(text: str, cue: str) -> None:
    assert _on(text).get(cue, 0) > 0, _on(text)


def test_negation_flips_preference() -> None:
    plain = _on("I prefer the Americans.")
    negated = _on("I do not prefer the Americans.")
    assert plain.get("prefers:us") and not negated.get("prefers:us")
    assert negated.get("rejects:us")


def test_negation_flips_evaluation() -> None:
    assert _on("The Soviets were reliable.").get("praises:ussr")
    flipped = _on("The Soviets were not reliable.")
    assert flipped.get("criticises:ussr") and not flipped.get("praises:ussr")


def test_lean_sums_directional_cues() -> None:
    us = _on("Choosing Washington over Moscow was the right decision.")
    ussr = _on("We should have allied with Moscow, not the Americans.")
    assert us["lean:us"] > 0 and "lean:ussr" not in us
    assert ussr["lean:ussr"] > 0


def test_no_side_and_short() -> None:
    cues = _on("Agreed.")
    assert cues == {"no_side": 1.0, "short": 1.0}
    assert extract_cues(None)["no_side"] == 1.0


def test_matrix_shape_and_scaling() -> None:
    m = cue_matrix(["USA over USSR", "", "neutral please"])
    assert m.shape == (3, len(CUE_NAMES))
    assert np.all(np.abs(scale_cues(m)) <= np.abs(m) + 1e-12)
    assert cue_matrix([]).shape == (0, len(CUE_NAMES))
