"""The stance model a run uses, its training, and the label loop's files.

What the CLI's ``train`` and ``label`` commands call, and the first step of a run that concerns
the model (:func:`load_model`); the last one, evaluating it, is :mod:`discourse.model_evaluation`.
Tables are read from the processed folder's Parquet exports (the committed state).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import store
from discourse.config import Settings
from discourse.stance.files import MODEL_FILE, arrays_path, sidecar_path


def run_metadata(model_metadata: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """What every page says about the run that made it."""
    from discourse import __version__

    return {
        "model_version": model_metadata.get("model_version"),
        "window": settings.window,
        "min_confidence": settings.min_confidence,
        "thread_prior": "on" if settings.thread_prior else "off",
        "discourse_version": __version__,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "metrics": model_metadata.get("metrics", {}),
    }


#: Beside the model: the version :func:`load_model` resolved last and the key of everything
#: that decided it, so a run with nothing to do plans without importing scikit-learn or
#: unpickling the model (:func:`known_model_version`).
VERSION_FILE = "stance.version.json"
#: The saved model's sidecar and arrays, beside the pickle.
SIDECAR_FILE = sidecar_path(Path(MODEL_FILE)).name
ARRAYS_FILE = arrays_path(Path(MODEL_FILE)).name


def known_model_version(settings: Settings) -> str | None:
    """The version :func:`load_model` would return, when nothing it depends on has changed.

    None when that cannot be told without loading: no record yet, or the saved model, the
    authored training set or the code that trains and versions models changed since.
    """
    import json

    try:
        record = json.loads((settings.models_dir / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != _version_key(settings.models_dir):
        return None
    version = record.get("model_version")
    return version if isinstance(version, str) else None


def model_metadata(settings: Settings) -> dict[str, Any]:
    """The metadata of the model a run uses: read from its sidecar when that is the current model
    (:func:`known_model_version`), so no model is loaded; otherwise from :func:`load_model`."""
    import json

    version = known_model_version(settings)
    if version is not None:
        try:
            recorded = json.loads((settings.models_dir / SIDECAR_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
        if isinstance(recorded, dict) and recorded.get("model_version") == version:
            return recorded
    return load_model(settings)[1]


def _version_key(models_dir: Path) -> str:
    """sha256 of what decides the model a run uses: the saved model's sidecar, the authored
    training set, the code that trains and versions models, and the package version."""
    from discourse import __version__

    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for path in (
        Path(models_dir) / SIDECAR_FILE,
        package / "data" / "authored_posts.csv",
        package / "stance" / "model.py",
        package / "stance" / "train.py",
    ):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(absent)")
    return digest.hexdigest()


def _record_version(models_dir: Path, model_version: str) -> None:
    import json

    from discourse.atomic import write_text_atomic

    record = json.dumps({"key": _version_key(models_dir), "model_version": model_version}, indent=2)
    path = Path(models_dir) / VERSION_FILE
    try:
        if path.read_text(encoding="utf-8") == record:
            return
    except OSError:
        pass
    write_text_atomic(path, record)


def load_model(settings: Settings) -> tuple[Any, dict[str, Any]]:
    """The stance model a run uses, as :class:`~discourse.stance.linear.LinearStance`, and its
    metadata.

    The saved model in ``settings.models_dir`` is used when it loads cleanly and is current: a
    model ``discourse train`` fitted with user labels is kept as long as its code version
    matches; otherwise the model must have been trained on today's authored set. Anything else
    (no model, a stale or damaged one) is replaced by a model trained on the authored set alone,
    which keeps the dashboards' figures out-of-sample for every labelled thread.
    When nothing that decides the model changed since the last call (:func:`known_model_version`)
    its saved arrays are read, without scikit-learn or unpickling (:func:`_current_arrays`).
    ``settings.min_confidence`` and ``settings.thread_prior`` are applied to the loaded model, so
    abstention and thread-prior adaptation can be changed per run without retraining.
    """
    from discourse.stance.priors import DEFAULT_STRENGTH

    found = _current_arrays(settings)
    if found is not None:  # the record is current already
        model, metadata = found
    else:
        model, metadata = _load_or_train(settings)
        if metadata.get("model_version"):
            _record_version(settings.models_dir, metadata["model_version"])
    trained = model.adapt_prior
    wanted = (trained if trained is not None else DEFAULT_STRENGTH) if settings.thread_prior else None
    return model.set_params(min_confidence=settings.min_confidence, adapt_prior=wanted), metadata


def _current_arrays(settings: Settings) -> tuple[Any, dict[str, Any]] | None:
    """The saved arrays and sidecar of the model :func:`load_model` resolved last, when nothing
    that decides it has changed and the arrays file is the one the sidecar describes; else None."""
    import json

    from discourse.stance.linear import ArraysError, load_arrays

    version = known_model_version(settings)
    if version is None:
        return None
    try:
        sidecar = json.loads((settings.models_dir / SIDECAR_FILE).read_text(encoding="utf-8"))
        data = (settings.models_dir / ARRAYS_FILE).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(sidecar, dict) or sidecar.get("model_version") != version:
        return None
    if hashlib.sha256(data).hexdigest() != sidecar.get("arrays_sha256"):
        return None
    try:
        model = load_arrays(settings.models_dir / ARRAYS_FILE, data)
    except ArraysError:
        return None
    return (model, sidecar) if model.model_version_ == version else None


def _load_or_train(settings: Settings) -> tuple[Any, dict[str, Any]]:
    """Load the saved model through scikit-learn, or train one (see :func:`load_model`); make
    sure its arrays are saved beside it; return it as ``LinearStance`` with its metadata."""
    import warnings

    from discourse.stance.model import CODE_VERSION
    from discourse.stance.train import ModelLoadError, default_model, read_sidecar, save_model_arrays
    from discourse.stance.train import load_model as load_saved

    path = settings.models_dir / MODEL_FILE
    model = metadata = None
    recorded = read_sidecar(path)  # says which case this is: unpickling twice cost every run ~0.3 s
    if recorded.get("code_version") == CODE_VERSION and recorded.get("n_user_labels"):
        try:
            model, metadata = load_saved(path)
        except ModelLoadError as error:
            warnings.warn(f"retraining the stance model: {error}", RuntimeWarning, stacklevel=2)
    if model is None:
        model, metadata = default_model(settings.models_dir, include_user_labels=False)
    if not _arrays_match(settings.models_dir / ARRAYS_FILE, metadata.get("arrays_sha256")):
        try:  # a model saved without its arrays: the next run loads them instead
            metadata = save_model_arrays(model, metadata, path)
        except OSError as error:
            warnings.warn(f"cannot save the model's arrays: {error}", RuntimeWarning, stacklevel=2)
    return model.linear(), metadata


def _arrays_match(path: Path, expected: str | None) -> bool:
    try:
        return expected is not None and hashlib.sha256(path.read_bytes()).hexdigest() == expected
    except OSError:
        return False


def train_and_save(settings: Settings) -> dict[str, Any]:
    """Retrain on the authored set plus every label CSV in the labels folder; save; return metadata.

    Labels refer to posts by id, so their text comes from the processed folder's posts table.
    """
    from discourse.stance.train import save_model, train_model

    posts = store.read_table(settings.processed_dir, "posts")
    model, metadata = train_model(labels_dir=settings.labels_dir, posts=posts, include_user_labels=True)
    save_model(model, metadata, settings.models_dir / MODEL_FILE)
    # The model the next run resolves (a model with user labels is kept; without any, it is the
    # authored-set model): recorded, so that run reads its arrays at once.
    _record_version(settings.models_dir, metadata["model_version"])
    return metadata


def export_labels(settings: Settings, n: int, out: Path | None) -> tuple[Path, int]:
    """Write the ``n`` posts most worth labelling (not labelled yet) to a CSV; return (path, rows)."""
    from discourse.labels import export_for_labelling, write_for_labelling
    from discourse.stance.train import load_label_files

    tables = store.read_tables(settings.processed_dir, ("posts", "classified"))
    posts, classified = tables["posts"], tables["classified"]
    if classified.is_empty():
        raise FileNotFoundError(f"no classified posts in {settings.processed_dir}; run 'discourse run' first")
    frame = export_for_labelling(posts, classified, n, labelled=load_label_files(settings.labels_dir))
    # Not *.csv by default: a half-filled export must not be read as labels by training.
    path = out or settings.labels_dir / "to_label.csv.todo"
    return write_for_labelling(frame, path), frame.height


def import_labels(settings: Settings, csv_path: Path) -> tuple[Path, int]:
    """Validate a labelled CSV against the posts and add it to the labels folder."""
    from discourse.labels import import_labels as import_file

    posts = store.read_table(settings.processed_dir, "posts")
    path = import_file(csv_path, settings.labels_dir, posts)
    return path, pl.read_csv(path, infer_schema=False).height
