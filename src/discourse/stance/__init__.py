"""Stance of a post toward the Cold War sides: cues, the classifier, training and evaluation.

Importing this package is cheap: submodules load scikit-learn and NLTK only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from discourse.stance.model import StanceClassifier

__all__ = ["StanceClassifier"]


def __getattr__(name: str) -> Any:
    # Lazy attribute so `import discourse.stance` does not import scikit-learn.
    if name == "StanceClassifier":
        from discourse.stance.model import StanceClassifier

        return StanceClassifier
    raise AttributeError(name)
