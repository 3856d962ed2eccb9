"""Adapt a classifier's probabilities to the class mix of one batch of texts (one thread).

A model's calibrated probabilities carry the class frequencies of its training set. A real
thread has its own mix: most of its posts may take no side, or one side may dominate. When the
training prior and the thread's prior differ, Bayes' rule says each posterior should be
re-weighted by the ratio of the two priors; the thread's prior is unknown, so it is estimated
from the posteriors themselves by expectation-maximisation (Saerens, Latinne & Decaestecker,
"Adjusting the outputs of a classifier to new a priori probabilities", Neural Computation 14,
2002):

    E step: adjusted[i, k] ∝ proba[i, k] * prior[k] / train_prior[k]
    M step: prior[k] = (sum_i adjusted[i, k] + strength * train_prior[k]) / (n + strength)

The M step adds ``strength`` pseudo-posts distributed as the training prior (a Dirichlet prior
on the thread's mix): a thread of a few posts cannot drive a class's prior to zero.
``strength`` → ∞ leaves the probabilities unchanged. A thread gets as many pseudo-posts as it
has posts, and at least ``minimum`` (:func:`thread_strength`): its estimated mix is then at most
half-way from the training mix to what EM alone would say. A fixed number of pseudo-posts
would let a long thread's estimate run to EM's own, which sharpens toward the commonest
predicted class: on authored pseudo-threads of 1,000 posts, 32 fixed pseudo-posts cost up to
0.010 macro-F1 where one per post gained up to 0.023 (docs/stance.md, "Thread prior").

Everything here is NumPy over the whole batch; no Python loop per post.
"""

from __future__ import annotations

import numpy as np

#: The fewest pseudo-posts of the training mix a thread gets: chosen on authored data only, by
#: sampling pseudo-threads of 10 to 1,000 posts at several class mixes (docs/stance.md).
DEFAULT_STRENGTH = 32.0
#: EM stops when no class prior moves by more than this between two iterations ...
TOLERANCE = 1e-6
#: ... or after this many iterations.
MAX_ITER = 200


def adapt_to_batch(
    proba: np.ndarray, train_prior: np.ndarray, strength: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (adjusted probabilities, estimated class prior) for one batch of rows.

    ``proba`` is (n_rows, n_classes), rows summing to 1; ``train_prior`` is the training class
    frequency of each column (positive, summing to 1); ``strength`` ≥ 0 is the number of
    pseudo-posts pulling the estimate toward ``train_prior``. Rows come back summing to 1. The
    result does not depend on the order of the rows. An empty batch returns itself and the
    training prior.
    """
    proba = np.asarray(proba, dtype=np.float64)
    train_prior = np.asarray(train_prior, dtype=np.float64)
    if strength < 0:
        raise ValueError("strength must be >= 0")
    if proba.ndim != 2 or proba.shape[1] != train_prior.shape[0]:
        raise ValueError(f"proba has shape {proba.shape}, expected (n, {train_prior.shape[0]})")
    if np.any(train_prior <= 0):
        raise ValueError("every class needs a positive training prior")
    n = proba.shape[0]
    if n == 0:
        return proba.copy(), train_prior.copy()
    prior = train_prior.copy()
    for _ in range(MAX_ITER):
        adjusted = _reweight(proba, prior / train_prior)
        new = (adjusted.sum(axis=0) + strength * train_prior) / (n + strength)
        moved = np.abs(new - prior).max()
        prior = new
        if moved < TOLERANCE:
            break
    return _reweight(proba, prior / train_prior), prior


def thread_strength(n_posts: int, minimum: float) -> float:
    """Return the pseudo-posts for a thread of ``n_posts``: one per post, at least ``minimum``."""
    return max(float(minimum), float(n_posts))


def adapt_by_group(
    proba: np.ndarray, groups: np.ndarray | list, train_prior: np.ndarray, minimum: float
) -> np.ndarray:
    """Return ``proba`` with each group's rows adapted on their own (:func:`adapt_to_batch`,
    with :func:`thread_strength` pseudo-posts).

    ``groups`` holds one id per row (a thread id; a list, NumPy array or Polars Series); rows of
    a group need not be adjacent, and the output keeps the input's row order.
    """
    proba = np.asarray(proba, dtype=np.float64)
    keys = np.asarray(groups, dtype=object)
    if keys.shape[0] != proba.shape[0]:
        raise ValueError(f"{keys.shape[0]} group ids for {proba.shape[0]} rows")
    out = np.empty_like(proba)
    if proba.shape[0] == 0:
        return out
    _, codes = np.unique(keys.astype(str), return_inverse=True)
    # One stable sort, then one slice per group: linear in rows whatever the number of groups.
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for rows in np.split(order, bounds):
        out[rows] = adapt_to_batch(proba[rows], train_prior, thread_strength(rows.size, minimum))[0]
    return out


def _reweight(proba: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    weighted = proba * ratio
    total = weighted.sum(axis=1, keepdims=True)
    # A row of zeros (never produced by a calibrated model) stays zero instead of NaN.
    return np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)
