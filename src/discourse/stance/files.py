"""Where a saved stance model's files lie: the pickle, its JSON sidecar and its arrays.

Kept apart from :mod:`discourse.stance.train` (which imports scikit-learn) so that a run's
planning and the arrays' fast path (:mod:`discourse.models`) name the same files without
importing the training code.
"""

from __future__ import annotations

from pathlib import Path

#: The pickled model's file name in a models folder.
MODEL_FILE = "stance.joblib"


def sidecar_path(model_path: Path) -> Path:
    """The JSON sidecar (the metadata) of the model pickled at ``model_path``."""
    return Path(model_path).with_suffix(".json")


def arrays_path(model_path: Path) -> Path:
    """Where the arrays of the model pickled at ``model_path`` are saved (``stance.npz``)."""
    return Path(model_path).with_suffix(".npz")
