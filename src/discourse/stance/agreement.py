"""Agreement between label sets: Cohen's kappa of sentiment and of second annotators.

Sentiment: agreement and Cohen's kappa between the posts' VADER label and gold sentiment
(:func:`sentiment_agreement`, :func:`authored_sentiment_agreement`). Annotators: second-annotator
files (``<labels>/agreement/*.csv``, the label schema) read by :func:`load_second_annotations`,
compared with the gold and with the seed model's predictions (:func:`compare_annotators`): how far
apart two careful readers are bounds what a model can show.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from discourse import schema
from discourse.labels import REQUIRED_COLUMNS, label_files
from discourse.schema import ANNOTATOR, OWN_TEXT, SENTIMENT, SENTIMENT_LABEL, STANCE, TEXT
from discourse.stance.metrics import compare_with_baseline


def label_agreement(first: Sequence[str], second: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Agreement, Cohen's kappa and confusion (rows: ``first``) of two label sequences.

    ``kappa`` is ``None`` when undefined (both sides used a single, shared label); with no
    pairs only ``n``, ``agreement`` and ``kappa`` are given.
    """
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    first, second, labels = list(first), list(second), list(labels)
    if not first:
        return {"n": 0, "agreement": None, "kappa": None}
    with warnings.catch_warnings():  # an undefined kappa is reported as None, not warned about
        warnings.simplefilter("ignore")
        kappa = cohen_kappa_score(first, second, labels=labels)
    return {
        "n": len(first),
        "agreement": float(np.mean([a == b for a, b in zip(first, second, strict=True)])),
        "kappa": None if np.isnan(kappa) else float(kappa),
        "confusion": {"labels": labels, "matrix": confusion_matrix(first, second, labels=labels).tolist()},
    }


def sentiment_agreement(classified: pl.DataFrame, gold: pl.DataFrame) -> dict[str, Any]:
    """Agreement and Cohen's kappa of the posts' sentiment labels against gold sentiment labels."""
    joined = gold.filter(pl.col(SENTIMENT).is_in(schema.SENTIMENT_LABELS)).join(
        classified.select(schema.THREAD_ID, schema.POST_ID, pl.col(SENTIMENT_LABEL).alias("vader")),
        on=[schema.THREAD_ID, schema.POST_ID],
        how="inner",
    )
    return label_agreement(joined[SENTIMENT].to_list(), joined["vader"].to_list(), schema.SENTIMENT_LABELS)


def authored_sentiment_agreement(authored_csv: Path | None = None) -> dict[str, Any]:
    """Agreement and kappa of the sentiment labels against the authored set's sentiment column."""
    from discourse.sentiment import score_sentiment
    from discourse.stance.train import load_authored

    authored = load_authored(authored_csv)
    if SENTIMENT not in authored.columns:
        return {"n": 0, "agreement": None, "kappa": None}
    posts = authored.select(
        pl.lit("authored").alias(schema.THREAD_ID),
        pl.int_range(pl.len()).cast(pl.String).alias(schema.POST_ID),
        pl.col(TEXT).alias(OWN_TEXT),
        pl.col(SENTIMENT),
    )
    return sentiment_agreement(score_sentiment(posts), posts)


def annotator_agreement(gold: pl.DataFrame, other: pl.DataFrame) -> dict[str, Any]:
    """Compare two annotators' labels of the same units (label-schema frames).

    Units are matched on ``(thread_id, post_id)``; only units both labelled count. Returns the
    number of shared units, stance and sentiment agreement with Cohen's kappa (``None`` when
    undefined, e.g. both annotators used one label throughout), the stance confusion (rows:
    ``gold``) and the units on which the stance differs.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    joined = gold.select(*keys, STANCE, SENTIMENT).join(
        other.select(*keys, pl.col(STANCE).alias("other_stance"), pl.col(SENTIMENT).alias("other_sentiment")),
        on=keys,
        how="inner",
    )

    def compare(left: str, right: str, labels: Sequence[str]) -> dict[str, Any]:
        rows = joined.filter(pl.col(left).is_in(labels) & pl.col(right).is_in(labels))
        return label_agreement(rows[left].to_list(), rows[right].to_list(), labels)

    differing = joined.filter(pl.col(STANCE) != pl.col("other_stance"))
    return {
        "n": joined.height,
        "stance": compare(STANCE, "other_stance", schema.STANCES),
        "sentiment": compare(SENTIMENT, "other_sentiment", schema.SENTIMENT_LABELS),
        "stance_differs": differing.select(*keys, STANCE, "other_stance").to_dicts(),
    }


def load_second_annotations(agreement_dir: Path) -> dict[str, pl.DataFrame]:
    """Read every ``*.csv`` of ``agreement_dir`` (label schema); ``{file name: frame}``.

    These files are never training data: :func:`discourse.stance.train.load_label_files` reads
    only the top level of the labels folder. A file that cannot be read as CSV, or lacks
    ``thread_id``, ``post_id`` or ``stance``, is skipped with a warning naming it: a second
    opinion must not stop an evaluation (or the run that refreshes it).
    """
    out: dict[str, pl.DataFrame] = {}
    for path in label_files(agreement_dir):
        try:
            frame = pl.read_csv(path, infer_schema=False)
        except (OSError, pl.exceptions.PolarsError) as error:
            warnings.warn(f"second annotation {path.name} skipped: {error}", RuntimeWarning, stacklevel=2)
            continue
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            warnings.warn(f"second annotation {path.name} skipped: no column {', '.join(missing)}",
                          RuntimeWarning, stacklevel=2)
            continue
        out[path.name] = schema.conform(frame, schema.LABELS)
    return out


def compare_annotators(
    gold: pl.DataFrame, others: dict[str, pl.DataFrame], seed: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """Agreement of each second annotation with the gold, and the seed model scored against it.

    ``seed`` is :func:`discourse.stance.evaluate.evaluate_seed`'s result (its ``posts`` hold
    the model's predictions); the model block is left out when there is none.
    """
    predicted = {}
    if seed:
        predicted = {(p[schema.THREAD_ID], p[schema.POST_ID]): p[STANCE] for p in seed.get("posts", [])}
    out: dict[str, dict[str, Any]] = {}
    for name, other in others.items():
        block = annotator_agreement(gold, other)
        rows = [
            (row[STANCE], predicted[(row[schema.THREAD_ID], row[schema.POST_ID])])
            for row in other.iter_rows(named=True)
            if (row[schema.THREAD_ID], row[schema.POST_ID]) in predicted and row[STANCE] in schema.STANCES
        ]
        if rows:
            block["model_vs_annotator"] = compare_with_baseline([a for a, _ in rows], [b for _, b in rows])
        block["annotators"] = sorted({a for a in other[ANNOTATOR].to_list() if a})
        out[name] = block
    return out
