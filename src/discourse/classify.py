"""Classify every post's stance and sentiment on its own words (``schema.CLASSIFIED``).

The model sees ``posts.own_text`` only, never the quoted passages. One exception uses the reply
structure: a short reply that does nothing but agree with the post it quotes ("Agreed.",
"Spot on", "+1") has no words of its own to classify, so it inherits the quoted post's stance
(``stance_source = "inherited"``, cue ``inherited_from:<post_id>``). Everything is vectorised:
one ``predict_explained`` call for all posts, one sentiment pass, joins for inheritance.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

import polars as pl

from discourse import schema
from discourse.sentiment import score_sentiment

#: The probability columns, in the order of ``schema.STANCES``.
PROBABILITY_COLUMNS = (schema.P_PRO_US, schema.P_PRO_USSR, schema.P_NEUTRALIST, schema.P_NONE)

# A reply made only of agreement phrases (and filler) agrees with what it quotes.
_AGREE_PHRASE = (
    r"(?:this is (?:the )?(?:truth|true|correct|right|it|spot on)|so true|very true|true|"
    r"agreed|agree|i agree|i fully agree|i completely agree|totally agree|completely agree|"
    r"fully agree|agree with (?:this|you|that)(?: (?:fully|completely|100%))?|exactly|"
    r"precisely|absolutely|spot on|well said|nicely put|well put|this|this\^|\^this|\+1|"
    r"100%|100 percent|bang on|on point|couldn't agree more|could not agree more|correct|"
    r"indeed|yes|yep|yup|yeah|right|quite right|hear hear|bingo|same here|my thoughts exactly|"
    r"you said it|nailed it|good point|great point|excellent point|facts|true that|"
    r"so much this|this exactly|exactly this|absolutely right|dead right|you are right|"
    r"you're right|youre right)"
)
_FILLER = r"(?:bro|mate|man|sir|brother|bhai|yaar|indeed|really|though|lol|haha|\s)*"
AGREEMENT = re.compile(
    rf"^\s*(?:{_AGREE_PHRASE}{_FILLER}[\s.!,;:)(\-]*)+$",
    re.IGNORECASE,
)
#: Longest own text (in characters) that can count as a bare agreement.
MAX_AGREEMENT_CHARS = 80
TOP_CUES = 5


def is_agreement(text: str | None) -> bool:
    """Return True if ``text`` consists only of agreement phrases ("Agreed.", "True. Spot on")."""
    if not text or len(text) > MAX_AGREEMENT_CHARS:
        return False
    return AGREEMENT.match(text.strip()) is not None


def _first_quotes(quotes: pl.DataFrame) -> pl.DataFrame:
    """Return, per quoting post, the first quoted post id that is known."""
    return (
        quotes.filter(pl.col(schema.QUOTED_POST_ID).is_not_null())
        .sort(schema.THREAD_ID, schema.POST_ID, schema.SPAN_START)
        .group_by(schema.THREAD_ID, schema.POST_ID, maintain_order=True)
        .agg(pl.col(schema.QUOTED_POST_ID).first())
    )


def _inherit(frame: pl.DataFrame, quotes: pl.DataFrame) -> pl.DataFrame:
    """Give agreement-only replies the stance of the post they quote (chains resolved)."""
    if not frame.get_column("_agrees").any():
        return frame  # most threads have no bare agreement: skip the quote sort and join
    links = _first_quotes(quotes)
    candidates = (
        frame.filter(pl.col("_agrees"))
        .join(links, on=[schema.THREAD_ID, schema.POST_ID], how="inner")
        .select(schema.THREAD_ID, schema.POST_ID, schema.QUOTED_POST_ID, schema.POSITION)
    )
    if candidates.height == 0:
        return frame
    stance_cols = [schema.STANCE, schema.CONFIDENCE, *PROBABILITY_COLUMNS]
    # Resolve in thread order so an agreement with an agreement takes the final stance.
    current = {
        (row[0], row[1]): row[2:]
        for row in frame.select(schema.THREAD_ID, schema.POST_ID, *stance_cols).iter_rows()
    }
    updates = []
    for thread_id, post_id, quoted, _ in candidates.sort(schema.THREAD_ID, schema.POSITION).iter_rows():
        source = current.get((thread_id, quoted))
        if source is None or quoted == post_id:
            continue
        current[(thread_id, post_id)] = source
        updates.append((thread_id, post_id, *source, [f"inherited_from:{quoted}"], "inherited"))
    if not updates:
        return frame
    update = pl.DataFrame(
        updates,
        schema={
            schema.THREAD_ID: pl.String, schema.POST_ID: pl.String, schema.STANCE: pl.String,
            schema.CONFIDENCE: pl.Float64, **dict.fromkeys(PROBABILITY_COLUMNS, pl.Float64),
            schema.CUES: pl.List(pl.String), schema.STANCE_SOURCE: pl.String,
        },
        orient="row",
    )
    return frame.update(update, on=[schema.THREAD_ID, schema.POST_ID])


def string_lists(name: str, lists: list[list[str]]) -> pl.Series:
    """A ``List(String)`` series of ``lists``, built from one flat array and its offsets.

    The same series as ``pl.Series(name, lists, dtype=pl.List(pl.String))``, about twenty
    times faster: Polars converts nested Python lists one element at a time.
    """
    import numpy as np
    import pyarrow as pa

    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(list(map(len, lists)), out=offsets[1:])
    values = pa.array(list(chain.from_iterable(lists)), pa.large_string())
    return pl.Series(name, pa.LargeListArray.from_arrays(pa.array(offsets), values))


def classify_posts(
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    model: Any,
    *,
    model_version: str | None = None,
) -> pl.DataFrame:
    """Return one ``schema.CLASSIFIED`` row per post, in the posts' order.

    ``model`` is a fitted :class:`~discourse.stance.model.StanceClassifier` (anything with
    ``predict_explained`` and ``classes_``). ``model_version`` defaults to the model's
    ``model_version_`` attribute. Abstentions keep their probabilities and get the cue
    ``low_confidence`` ahead of the cues of the class they fell short of.
    """
    if posts.height == 0:
        return schema.empty(schema.CLASSIFIED)
    texts = posts.get_column(schema.OWN_TEXT).fill_null("").to_list()
    # The thread ids batch the thread-prior adaptation (StanceClassifier.adapt_prior).
    labels, proba, cues = model.predict_explained(
        texts, top_k=TOP_CUES, groups=posts.get_column(schema.THREAD_ID).to_list()
    )
    classes = [str(c) for c in model.classes_]
    columns = {}
    for stance, name in zip(schema.STANCES, PROBABILITY_COLUMNS, strict=True):
        columns[name] = proba[:, classes.index(stance)] if stance in classes else 0.0
    top = proba.max(axis=1)
    abstained = [str(lab) != classes[i] for lab, i in zip(labels, proba.argmax(axis=1), strict=True)]
    cue_lists = [["low_confidence", *c] if a else c for c, a in zip(cues, abstained, strict=True)]
    version = model_version or getattr(model, "model_version_", None)
    frame = posts.select(schema.THREAD_ID, schema.POST_ID, schema.POSITION).with_columns(
        pl.Series(schema.STANCE, [str(x) for x in labels], dtype=pl.String),
        pl.Series(schema.CONFIDENCE, top, dtype=pl.Float64),
        *[pl.Series(name, values, dtype=pl.Float64) if not isinstance(values, float)
          else pl.lit(values, pl.Float64).alias(name) for name, values in columns.items()],
        string_lists(schema.CUES, cue_lists),
        pl.lit("model").alias(schema.STANCE_SOURCE),
        pl.Series("_agrees", [is_agreement(t) for t in texts], dtype=pl.Boolean),
    )
    frame = _inherit(frame, quotes)
    sentiment = score_sentiment(posts)
    frame = pl.concat(
        [frame, sentiment.drop(schema.THREAD_ID, schema.POST_ID)], how="horizontal"
    ).with_columns(pl.lit(version, pl.String).alias(schema.MODEL_VERSION))
    return schema.conform(frame, schema.CLASSIFIED)
