"""Does the model read "names a bloc" as "takes its side"? Two checks on the development set.

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/side_evidence.py

Most `none` texts the shipped model calls `pro_us` or `pro_ussr` are explained by features that
only say which bloc a text is about (`mentions:us`, the n-grams "_us_", "the _us_"). Two
families of fixes are tried, each fitted on the authored set alone (no development label):

* **Gates** (6 configurations, the shipped one included): the shipped model's predictions,
  with a bloc label turned into `none` unless the text's cues hold evidence for that bloc
  (a direct verdict such as ``prefers``, ``should`` or ``regret`` of the other side; a
  positive ``lean``; any ``verdict``), and/or a `neutralist` label turned into `none`
  without a neutrality cue.
* **Ablations** (4 configurations): the model refitted without the ``mentions:*`` cues,
  without every n-gram holding a side placeholder, or without both.

Each family's configurations are compared the same way as the other experiments here: every
one's whole-set figure (for reading), then page-grouped selection (five folds of pages,
seed 0; :func:`discourse.stance.devset_cv.select_by_folds`) and the pooled held-out figures.
Under a minute.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PLACEHOLDERS = ("_us_", "_ussr_")
BLOC = {"pro_us": "us", "pro_ussr": "ussr"}
OTHER = {"us": "ussr", "ussr": "us"}
#: Cues that state a verdict for a side, and those that state one against the other side.
FOR_SIDE = ("prefers", "should", "choice", "counterfactual_good")
AGAINST_OTHER = ("should_not", "regret", "rejects", "counterfactual_bad")


def gated(predicted: list[str], keeps: Callable[[int, str], bool]) -> list[str]:
    """``predicted`` with each bloc label at row ``r`` turned to none unless ``keeps(r, side)``."""
    return ["none" if p in BLOC and not keeps(r, BLOC[p]) else p for r, p in enumerate(predicted)]


def gate_candidates(predicted: list[str], cues: np.ndarray) -> dict[str, list[str]]:
    """The gate configurations over the shipped predictions; ``cues`` is the texts' cue matrix."""
    from discourse.stance.cues import CUE_NAMES

    column = {name: i for i, name in enumerate(CUE_NAMES)}

    def value(row: int, name: str) -> float:
        return float(cues[row, column[name]])

    def direct(row: int, side: str) -> bool:
        return any(value(row, f"{c}:{side}") > 0 for c in FOR_SIDE) or any(
            value(row, f"{c}:{OTHER[side]}") > 0 for c in AGAINST_OTHER)

    def lean(row: int, side: str) -> bool:
        return value(row, f"lean:{side}") > 0 or value(row, f"lean_final:{side}") > 0

    def neutral(predictions: list[str]) -> list[str]:
        cue_names = ("neutrality", "advises_neutrality", "both_sides")
        return ["none" if p == "neutralist" and not any(value(r, c) > 0 for c in cue_names) else p
                for r, p in enumerate(predictions)]

    return {
        "shipped": predicted,
        "bloc needs a direct verdict": gated(predicted, direct),
        "bloc needs a lean": gated(predicted, lean),
        "bloc needs any verdict": gated(predicted, lambda r, _side: value(r, "verdict") > 0),
        "neutralist needs a neutrality cue": neutral(predicted),
        "lean and neutrality gates": neutral(gated(predicted, lean)),
    }


def fit_without(frame, cue_names: tuple[str, ...] | None, drop_side_ngrams: bool):  # noqa: ANN001, ANN201
    """A model with the shipped settings fitted on ``frame`` (text, stance), with only
    ``cue_names`` as cues (None: all) and, when asked, no n-gram that holds a side placeholder."""
    import sklearn.feature_extraction.text as text_features

    from discourse.schema import STANCE, TEXT
    from discourse.stance.model import StanceClassifier, ngram_text
    from discourse.stance.train import model_params

    model = StanceClassifier(**model_params({"cue_names": cue_names}))
    texts, labels = frame[TEXT].to_list(), frame[STANCE].to_list()
    if not drop_side_ngrams:
        return model.fit(texts, labels)
    plain = text_features.TfidfVectorizer
    probe = plain(analyzer="word", token_pattern=r"\S+", lowercase=False,
                  ngram_range=tuple(model.ngram_range), min_df=min(model.min_df, len(texts)))
    probe.fit([ngram_text(t) for t in texts])
    kept = [g for g in probe.get_feature_names_out() if not set(g.split()) & set(PLACEHOLDERS)]

    class KeptVocabulary(plain):
        """The model's vectoriser restricted to ``kept`` (its own vocabulary minus side n-grams)."""

        def __init__(self, **settings):  # noqa: ANN003
            settings.pop("min_df", None)
            settings.pop("max_features", None)
            super().__init__(vocabulary=kept, **settings)

    text_features.TfidfVectorizer = KeptVocabulary  # the model imports it when it fits
    try:
        return model.fit(texts, labels)
    finally:
        text_features.TfidfVectorizer = plain


def main(argv: list[str] | None = None) -> None:
    """Print both families' whole-set figures, choices per fold and pooled held-out figures."""
    from devset_selection import load_dev, show_selection

    from discourse import schema
    from discourse.stance.cues import CUE_NAMES, cue_matrix
    from discourse.stance.devset_eval import classify_devset, devset_tables
    from discourse.stance.train import load_authored

    dev = load_dev(argv, __doc__)
    authored = load_authored()
    shipped = fit_without(authored, None, False)
    rows = classify_devset(dev, shipped).sort("item_id")
    posts, _ = devset_tables(dev)
    own = dict(zip(posts[schema.POST_ID].to_list(), posts[schema.OWN_TEXT].fill_null("").to_list(), strict=True))
    cues = cue_matrix([own.get(str(i), "") for i in rows["item_id"].to_list()])
    print("== gates over the shipped model ==")
    show_selection(rows, gate_candidates(rows["predicted"].to_list(), cues))

    no_mentions = tuple(n for n in CUE_NAMES if not n.startswith("mentions:"))
    ablations: dict[str, list[str]] = {"shipped": rows["predicted"].to_list()}
    for name, cue_names, drop in (("no mentions cues", no_mentions, False),
                                  ("no side n-grams", None, True),
                                  ("neither", no_mentions, True)):
        model = fit_without(authored, cue_names, drop)
        ablations[name] = classify_devset(dev, model).sort("item_id")["predicted"].to_list()
    print("== ablations ==")
    show_selection(rows, ablations)


if __name__ == "__main__":
    main()
