"""Train, save, load and reuse the stance model.

Training data is the authored set shipped with the package (``discourse/data/authored_posts.csv``)
plus, optionally, user label files (``data/labels/*.csv``, schema ``LABELS``) whose text comes
from the posts table; a label row that names no ingested post is reported (with the nearest
thread id) and counted in the model's metadata, and training with user labels refuses to
proceed when none matches (:class:`~discourse.labels.LabelMatchError`). A saved model is a
joblib pickle with a JSON sidecar holding the training-data hash, library versions, label set,
metrics and ``model_version``; :func:`default_model` reuses it while the training data and
code are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import platform
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from discourse import __version__, schema
from discourse.atomic import write_atomic, write_text_atomic
from discourse.labels import LabelFileError, LabelMatch, LabelMatchError, label_files, match_labels
from discourse.schema import OWN_TEXT, SENTIMENT, STANCE, TEXT
from discourse.stance.files import MODEL_FILE, arrays_path, sidecar_path
from discourse.stance.model import CODE_VERSION, StanceClassifier
from discourse.stance.priors import DEFAULT_STRENGTH

AUTHORED_COLUMNS = ("example_id", TEXT, STANCE, SENTIMENT, "perspective", "era", "group", "source")
#: Libraries whose pickles are not portable across minor versions: a mismatch refuses to load.
STRICT_LIBRARIES = ("scikit-learn", "numpy", "scipy")
OTHER_LIBRARIES = ("nltk", "polars", "vaderSentiment", "joblib")
TRAINING_COLUMNS = (TEXT, STANCE, "group", "origin")
#: Training settings that differ from the :class:`StanceClassifier` defaults, chosen by grouped
#: cross-validation on the authored set only (docs/stance.md, "Training settings"). Explicit
#: ``params`` override them.
TRAINING_PARAMS: dict[str, Any] = {"C": 10.0, "cue_weight": 0.1, "adapt_prior": DEFAULT_STRENGTH}


#: Weight of the user labels against the authored rows (:func:`label_sample_weight`): 1 gives
#: the labelled real posts, taken together, as much say per class as the authored rows of an
#: equal count. Chosen by the label learning curve on the development set, page-grouped
#: (docs/stance.md, "Real development set").
LABEL_WEIGHT = 1.0


def label_sample_weight(frame: pl.DataFrame, label_weight: float = LABEL_WEIGHT) -> np.ndarray | None:
    """Return one training weight per row of ``frame`` (``origin``, ``stance``), or None.

    Authored rows weigh 1. User-label rows weigh ``label_weight`` times their class's balancing
    factor among the label rows (``n_labels / (n_classes * n_class)``): real threads are mostly
    posts that take no side, and unbalanced, those rows teach the n-grams that naming a bloc
    means taking none, which erased the bloc classes on held-out pages. None when there are no
    user labels (the fit is then unweighted).
    """
    if label_weight < 0:
        raise ValueError("label_weight must be >= 0")
    is_label = (frame["origin"] == "label").to_numpy()
    if not is_label.any():
        return None
    stances = frame[STANCE].to_numpy()[is_label]
    classes, counts = np.unique(stances, return_counts=True)
    factor = dict(zip(classes.tolist(), (stances.size / (classes.size * counts)).tolist(), strict=True))
    weight = np.ones(frame.height)
    weight[is_label] = [label_weight * factor[s] for s in stances]
    return weight


def model_params(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return :data:`TRAINING_PARAMS` updated with ``params`` (the settings a model is built with)."""
    return {**TRAINING_PARAMS, **(params or {})}


class ModelLoadError(RuntimeError):
    """A saved model cannot be used: missing sidecar, wrong label set or library mismatch."""


def authored_path() -> Path:
    """Return the path of the authored training set shipped inside the package."""
    return Path(str(resources.files("discourse") / "data" / "authored_posts.csv"))


def load_authored(path: Path | None = None) -> pl.DataFrame:
    """Read the authored set; raise ``ValueError`` on missing columns or unknown stances."""
    path = Path(path) if path is not None else authored_path()
    frame = pl.read_csv(path, infer_schema=False)
    missing = [c for c in (TEXT, STANCE, "group") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    bad = frame.filter(~pl.col(STANCE).is_in(schema.STANCES))
    if bad.height:
        raise ValueError(f"{path}: unknown stance values {sorted(set(bad[STANCE].to_list()))}")
    return frame


def load_label_files(labels_dir: Path) -> pl.DataFrame:
    """Concatenate every ``*.csv`` in ``labels_dir`` (schema ``LABELS`` plus ``label_file``).

    Raises :class:`LabelFileError` naming the first file that is not readable CSV.
    """
    frames = []
    for path in label_files(labels_dir):
        try:
            frame = schema.conform(pl.read_csv(path, infer_schema=False), schema.LABELS)
        except (OSError, pl.exceptions.PolarsError) as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise LabelFileError(f"label file {path} cannot be read: {reason}") from error
        frames.append(frame.with_columns(pl.lit(path.name).alias("label_file")))
    if not frames:
        return schema.empty(schema.LABELS).with_columns(pl.lit(None, pl.String).alias("label_file"))
    return pl.concat(frames, how="vertical")


def labelled_posts(labels: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """Join labels with stance to their posts' ``own_text``; later files win on duplicates."""
    stance = labels.filter(pl.col(STANCE).is_not_null() & (pl.col(STANCE) != ""))
    stance = stance.unique(subset=[schema.THREAD_ID, schema.POST_ID], keep="last", maintain_order=True)
    keys = posts.select(schema.THREAD_ID, schema.POST_ID, OWN_TEXT)
    return stance.join(keys, on=[schema.THREAD_ID, schema.POST_ID], how="inner")


def training_frame(
    authored_csv: Path | None = None,
    labels_dir: Path | None = None,
    *,
    posts: pl.DataFrame | None = None,
    include_user_labels: bool = True,
    exclude_threads: Iterable[str] = (),
) -> pl.DataFrame:
    """Return the training rows: ``text, stance, group, origin`` (origin: authored | label).

    User labels are used only when ``include_user_labels`` and both ``labels_dir`` and
    ``posts`` are given; labels of threads in ``exclude_threads`` are dropped, and so are
    labels that name no post of ``posts``. A label's group is its thread, so grouped
    cross-validation never splits a thread.
    """
    return _training_rows(authored_csv, labels_dir, posts, include_user_labels, exclude_threads)[0]


def _training_rows(
    authored_csv: Path | None,
    labels_dir: Path | None,
    posts: pl.DataFrame | None,
    include_user_labels: bool,
    exclude_threads: Iterable[str],
) -> tuple[pl.DataFrame, LabelMatch | None]:
    """:func:`training_frame` plus the label-match report (None when no user labels are used)."""
    authored = load_authored(authored_csv).select(
        pl.col(TEXT).fill_null(""),
        pl.col(STANCE),
        pl.concat_str(pl.lit("authored:"), pl.col("group").fill_null("")).alias("group"),
        pl.lit("authored").alias("origin"),
    )
    if not (include_user_labels and labels_dir is not None and posts is not None):
        return authored, None
    labels = load_label_files(labels_dir)
    excluded = list(exclude_threads)
    if excluded:
        labels = labels.filter(~pl.col(schema.THREAD_ID).is_in(excluded))
    match = match_labels(labels, posts, labels_dir=labels_dir)
    joined = labelled_posts(labels, posts)
    bad = joined.filter(~pl.col(STANCE).is_in(schema.STANCES))
    if bad.height:
        raise ValueError(f"label files hold unknown stances: {sorted(set(bad[STANCE].to_list()))}")
    user = joined.select(
        pl.col(OWN_TEXT).fill_null("").alias(TEXT),
        pl.col(STANCE),
        pl.concat_str(pl.lit("thread:"), pl.col(schema.THREAD_ID)).alias("group"),
        pl.lit("label").alias("origin"),
    )
    return pl.concat([authored, user], how="vertical"), match


def data_sha256(frame: pl.DataFrame) -> str:
    """Hash the training rows (text, stance, group) in a canonical order."""
    digest = hashlib.sha256()
    for text, stance, group in sorted(frame.select(TEXT, STANCE, "group").iter_rows()):
        for value in (text, stance, group):
            digest.update((value or "").encode("utf-8"))
            digest.update(b"\x1f")
        digest.update(b"\x1e")
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Return the versions of Python and the libraries a pickled model depends on."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "discourse": __version__}
    for name in STRICT_LIBRARIES + OTHER_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def model_version(data_hash: str, params: dict[str, Any], label_weight: float = LABEL_WEIGHT) -> str:
    """Return a short version string from the data hash, the code version, the params and the
    user-label weight."""
    key = json.dumps({"data": data_hash, "code": CODE_VERSION, "discourse": __version__,
                      "params": {k: repr(v) for k, v in sorted(params.items())},
                      "label_weight": repr(float(label_weight))}, sort_keys=True)
    return f"{CODE_VERSION}+{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def train_model(
    authored_csv: Path | None = None,
    labels_dir: Path | None = None,
    *,
    posts: pl.DataFrame | None = None,
    include_user_labels: bool = True,
    exclude_threads: Iterable[str] = (),
    params: dict[str, Any] | None = None,
    cv_folds: int = 5,
    label_weight: float = LABEL_WEIGHT,
    rows: tuple[pl.DataFrame, LabelMatch | None] | None = None,
) -> tuple[StanceClassifier, dict[str, Any]]:
    """Fit a :class:`StanceClassifier` on the training rows; return (model, metadata).

    ``metadata["metrics"]`` holds grouped cross-validation figures on the same rows
    (``cv_folds=0`` skips them). When user labels are used, ``labels_matched`` and
    ``labels_unmatched`` count the label rows (rows with a stance) that did and did not name a
    post of ``posts``, and ``labels_unmatched_listed`` lists the unmatched ones by file and
    thread with the nearest ingested thread id (:meth:`LabelMatch.as_metadata`); both counts
    are 0 otherwise. Raises :class:`LabelMatchError` before fitting anything when user labels
    are asked for and not one row matches (an empty labels folder included). User-label rows
    are weighted by :func:`label_sample_weight` with ``label_weight``; the cross-validation
    figures are unweighted. ``rows`` are the training rows and label match when the caller has
    already built them from the same arguments (:func:`default_model` hashes them first).
    """
    frame, match = rows or _training_rows(authored_csv, labels_dir, posts, include_user_labels, exclude_threads)
    if match is not None and not match.n_matched:
        raise LabelMatchError(match)
    params = model_params(params)
    model = StanceClassifier(**params)
    model.fit(frame[TEXT].to_list(), frame[STANCE].to_list(),
              sample_weight=label_sample_weight(frame, label_weight))
    data_hash = data_sha256(frame)
    version = model_version(data_hash, model.get_params(), label_weight)
    model.model_version_ = version
    metrics: dict[str, Any] = {}
    if cv_folds:
        from discourse.stance.evaluate import cross_validate

        metrics = cross_validate(frame, n_splits=cv_folds, params=params)["summary"]
    counts = frame.group_by(STANCE).len().sort(STANCE)
    metadata = {
        "model_version": version,
        "code_version": CODE_VERSION,
        "data_sha256": data_hash,
        "labels": list(schema.STANCES),
        "classes": [str(c) for c in model.classes_],
        "params": {k: v if isinstance(v, (int, float, str, bool, type(None))) else repr(v)
                   for k, v in model.get_params().items()},
        "n_training": frame.height,
        "n_authored": int((frame["origin"] == "authored").sum()),
        "n_user_labels": int((frame["origin"] == "label").sum()),
        "label_weight": float(label_weight),
        **(match or LabelMatch(None, 0, 0, 0)).as_metadata(),
        "class_counts": dict(zip(counts[STANCE].to_list(), counts["len"].to_list(), strict=True)),
        "include_user_labels": include_user_labels,
        "exclude_threads": sorted(exclude_threads),
        "metrics": metrics,
        "libraries": library_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return model, metadata


def read_sidecar(path: Path) -> dict[str, Any]:
    """The metadata saved beside the model at ``path``; ``{}`` when missing or unreadable.

    Cheap (no unpickling): for deciding which model to load. :func:`load_model` still checks
    the pickle against it.
    """
    try:
        metadata = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def save_model(model: StanceClassifier, metadata: dict[str, Any], path: Path) -> Path:
    """Pickle ``model`` to ``path``, save its arrays beside it (:func:`save_model_arrays`) and
    its metadata (plus the pickle's and the arrays' sha256) in the sidecar.

    Every file is written atomically; the sidecar goes last, so a sidecar always describes a
    complete pickle and arrays file.
    """
    import joblib

    path = Path(path)
    write_atomic(path, lambda tmp: joblib.dump(model, tmp))
    meta = dict(metadata, model_sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    save_model_arrays(model, meta, path)
    return path


def save_model_arrays(model: StanceClassifier, metadata: dict[str, Any], path: Path) -> dict[str, Any]:
    """Save the arrays of ``model`` (pickled at ``path``) and rewrite its sidecar with their
    sha256 (``arrays_sha256``), so a run can load them without scikit-learn
    (:func:`discourse.models.load_model`); return the sidecar's content."""
    from discourse.stance.linear import save_arrays

    arrays = save_arrays(model.linear(), arrays_path(path))
    meta = dict(metadata, arrays_sha256=hashlib.sha256(arrays.read_bytes()).hexdigest())
    write_text_atomic(sidecar_path(path), json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return meta


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load_model(path: Path, *, strict: bool = True) -> tuple[StanceClassifier, dict[str, Any]]:
    """Load a model saved by :func:`save_model`; return (model, metadata).

    Raises :class:`ModelLoadError` when the sidecar is missing, the pickle's hash or label set
    does not match, or (with ``strict``) scikit-learn/NumPy/SciPy differ in major.minor version
    from the ones that saved it. Other version differences only warn.
    """
    import joblib

    path = Path(path)
    side = sidecar_path(path)
    if not path.is_file() or not side.is_file():
        raise ModelLoadError(f"no saved model at {path} (with sidecar {side.name})")
    metadata = json.loads(side.read_text(encoding="utf-8"))
    if hashlib.sha256(path.read_bytes()).hexdigest() != metadata.get("model_sha256"):
        raise ModelLoadError(f"{path.name} does not match its sidecar (sha256 differs)")
    if metadata.get("labels") != list(schema.STANCES):
        raise ModelLoadError(f"saved label set {metadata.get('labels')} is not {list(schema.STANCES)}")
    saved = metadata.get("libraries", {})
    current = library_versions()
    for name in STRICT_LIBRARIES + OTHER_LIBRARIES:
        if saved.get(name) == current.get(name):
            continue
        message = f"{name} {saved.get(name)} saved the model, {current.get(name)} is installed"
        if strict and name in STRICT_LIBRARIES and _minor(saved.get(name, "")) != _minor(current[name]):
            raise ModelLoadError(message + "; retrain with 'discourse train'")
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    model = joblib.load(path)
    if set(map(str, model.classes_)) - set(schema.STANCES):
        raise ModelLoadError(f"model classes {list(model.classes_)} are not a subset of the stances")
    return model, metadata


def default_model(
    models_dir: Path,
    authored_csv: Path | None = None,
    labels_dir: Path | None = None,
    *,
    posts: pl.DataFrame | None = None,
    include_user_labels: bool = True,
    exclude_threads: Iterable[str] = (),
    params: dict[str, Any] | None = None,
) -> tuple[StanceClassifier, dict[str, Any]]:
    """Return the saved model in ``models_dir`` if it was trained on today's data, else retrain.

    "Today's data" means the same training-data hash, code version and params; anything else
    (or a model that fails to load) is retrained and saved over it.
    """
    path = Path(models_dir) / MODEL_FILE
    rows = _training_rows(authored_csv, labels_dir, posts, include_user_labels, exclude_threads)
    wanted = model_version(data_sha256(rows[0]), StanceClassifier(**model_params(params)).get_params())
    if path.is_file() and sidecar_path(path).is_file():
        try:
            model, metadata = load_model(path)
        except ModelLoadError as error:
            warnings.warn(f"retraining: {error}", RuntimeWarning, stacklevel=2)
        else:
            if metadata.get("model_version") == wanted:
                return model, metadata
    model, metadata = train_model(
        authored_csv, labels_dir, posts=posts, include_user_labels=include_user_labels,
        exclude_threads=exclude_threads, params=params, rows=rows,
    )
    save_model(model, metadata, path)
    return model, read_sidecar(path)  # what was saved: the metadata and the files' sha256
