"""Interpretable, target-aware stance cues computed sentence by sentence.

Each sentence is normalised, its side mentions are replaced by ``_us_`` / ``_ussr_``
placeholders (:func:`discourse.sides.tag_sides`), it is tokenised and negation-marked with
NLTK's ``mark_negation`` (:mod:`discourse.stance.sentences`). Patterns are then matched on the placeholder text, so one pattern
covers "USA", "America", "Washington" and the rest. A cue is a named count per post:

* ``prefers:X`` - comparison or preference favouring side X ("X over Y", "X is a better ally
  than Y", "Y was no match for X", "made sense to side with X", "X any day");
* ``should:X`` / ``should_not:X`` - advice or hindsight toward or away from X ("should have
  gone with X", "should never have supported X");
* ``regret:X`` - the choice of X called a mistake; ``choice:X`` - a plain report that X was
  chosen or backed;
* ``counterfactual_good:X`` / ``counterfactual_bad:X`` / ``counterfactual:X`` - a hypothetical
  ("had we...", "if Pakistan had... would have") about X whose outcome reads good, bad or flat;
* ``praises:X`` / ``criticises:X`` - evaluative words near a mention of X, sign flipped under
  negation; ``sentiment:X`` - mean VADER compound of the sentences naming X (one feature among
  many, never the stance itself);
* ``neutrality`` / ``advises_neutrality`` / ``neutrality_rejected`` / ``both_sides``;
* ``why_not:X``, ``mentions:X``, ``no_side``, ``short``;
* ``lean:X`` - a fixed-weight sum of the directional cues above, so a small training set gets a
  single strong signal per side before it learns the individual weights.

:func:`extract_cues` returns a dict per text; :func:`cue_matrix` returns a dense array in
:data:`CUE_NAMES` order.

The work is split along its seams: the patterns and lexicon (:mod:`~discourse.stance.cue_patterns`,
with the phrase lists of :mod:`~discourse.stance.phrases`), sentence preparation
(:mod:`~discourse.stance.sentences`), the rules that turn one sentence into cue additions
(:mod:`~discourse.stance.sentence_cues`, memoised per distinct sentence) and the column layout
and per-post sums (:mod:`~discourse.stance.cue_columns`). The functions here take all texts of
a call at once: every sentence of the batch is looked up in the memo together, the new ones
are prepared as one batch, and each post's row is replayed from its sentences' additions.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from discourse import kernels
from discourse.stance.cue_columns import CUE_NAMES, ROW_LAYOUT, assemble_row
from discourse.stance.sentence_cues import SentenceCues, sentence_cues_many
from discourse.text import split_sentences

__all__ = ["CUE_NAMES", "cue_matrix", "cue_matrix_with_words", "extract_cues", "scale_cues"]


def extract_cues(text: str | None) -> dict[str, float]:
    """Return the cue counts of one post's own text (every name in :data:`CUE_NAMES`)."""
    return dict(zip(CUE_NAMES, cue_matrix([text])[0].tolist(), strict=True))


def _sentence_cues_per_text(texts: Iterable[str | None]) -> list[list[SentenceCues]]:
    """Return, per text, its sentences' cues, looking every sentence of the batch up at once."""
    sentences = [split_sentences(text) for text in texts]
    found = sentence_cues_many([s for per_text in sentences for s in per_text])
    out: list[list[SentenceCues]] = []
    at = 0
    for per_text in sentences:
        out.append(found[at : at + len(per_text)])
        at += len(per_text)
    return out


def cue_matrix(texts: Iterable[str | None]) -> np.ndarray:
    """Return an (n_texts, len(CUE_NAMES)) float array of :func:`extract_cues` values."""
    return cue_matrix_with_words(texts)[0]


def cue_matrix_with_words(texts: Iterable[str | None]) -> tuple[np.ndarray, list[str | None]]:
    """Return :func:`cue_matrix` of ``texts`` and, where it can be reused, each text's n-gram words.

    The words of a text are its sentences' side-tagged, lower-case word tokens joined by
    spaces: ``model.ngram_text(text)``, which would otherwise tag and tokenise the whole text a
    second time. They are ``None`` (compute them from the text) unless every sentence but the
    last ends in a non-word character. Why that suffices: the sentences are the normalised text
    cut at white space, and tokens never span white space, so the two can differ only through a
    side mention whose match looks across a cut: a term with inner white space ("the States"
    over a line break), a look-behind ending in white space ("went" / "west", "Chinese" /
    "communists" on two lines) or a look-ahead starting with it ("the West" / "Bengal"). Each
    of these needs a word character right before the cut. Inside a line, a cut always follows
    ``.!?`` (and closing quotes or brackets); the check matters at line breaks.
    """
    found = _sentence_cues_per_text(texts)
    compiled = kernels.compiled
    if compiled is not None:  # the same rows and words, every post in one call (src/csrc/rows.c)
        matrix, words = compiled.assemble_rows(found, ROW_LAYOUT)
        return np.frombuffer(matrix, dtype=np.float64).reshape(len(found), len(CUE_NAMES)), words
    rows: list[list[float]] = []
    words: list[str | None] = []
    for per_text in found:
        rows.append(assemble_row(per_text))
        if any(f.word_end for f in per_text[:-1]):
            words.append(None)
        else:
            words.append(" ".join(f.ngram_words for f in per_text if f.ngram_words))
    if not rows:
        return np.zeros((0, len(CUE_NAMES))), words
    return np.asarray(rows, dtype=float), words


def scale_cues(matrix: np.ndarray) -> np.ndarray:
    """Compress counts with a signed log1p so long posts do not dominate short ones."""
    return np.sign(matrix) * np.log1p(np.abs(matrix))
