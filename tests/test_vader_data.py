"""discourse.vader_data reads NLTK's VADER values without importing NLTK: the values equal NLTK's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from discourse import vader_data


def test_constants_equal_nltks() -> None:
    from nltk.sentiment.vader import VaderConstants

    read = vader_data.vader_constants()
    for name in vader_data.CONSTANT_NAMES:
        assert getattr(read, name) == getattr(VaderConstants, name), name


def test_negation_patterns_equal_nltks() -> None:
    from nltk.sentiment.util import CLAUSE_PUNCT, NEGATION

    assert vader_data.negation_patterns() == (NEGATION, CLAUSE_PUNCT)


def test_lexicon_equals_the_one_nltks_analyzer_reads() -> None:
    from discourse.sentiment import load_analyzer

    lexicon = vader_data.vader_lexicon()
    assert len(lexicon) > 7000
    assert lexicon == load_analyzer().lexicon


def test_values_that_are_not_literals_are_refused() -> None:
    import ast

    body = ast.parse("A = 1\nB = {'x': A}\nC = len([])\n").body
    assert vader_data._assignments(body, ("A", "B"), {}) == {"A": 1, "B": {"x": 1}}
    with pytest.raises(vader_data.SourceLayoutError, match="not a literal"):
        vader_data._assignments(body, ("C",), {})
    with pytest.raises(vader_data.SourceLayoutError, match="no assignment"):
        vader_data._assignments(body, ("D",), {})


def test_scoring_and_cues_never_import_nltk_or_scikit_learn() -> None:
    # Guards the ~1 s that ``import nltk`` costs (it imports scikit-learn and SciPy).
    script = (
        "import sys\n"
        "from discourse.sentiment import score_post\n"
        "from discourse.stance.cues import cue_matrix\n"
        "from discourse.text import mark_negated\n"
        "score_post('We never wanted the Soviets. Washington was a good friend!')\n"
        "cue_matrix(['Non-alignment, not the US, would have served us better.'])\n"
        "mark_negated(['not', 'good', '.'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'nltk', 'sklearn'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
