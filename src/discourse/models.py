"""The stance model a run uses, its training and evaluation, and the label loop's files.

What the CLI's ``train``, ``evaluate`` and ``label`` commands call, and the two steps of a run
that concern the model (:func:`load_model` first, :func:`evaluate_model` last). Tables are read
from the processed folder's Parquet exports (the committed state).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import store
from discourse.config import Settings
from discourse.labels import label_files, second_annotation_files
from discourse.plan import hash_file


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
#: The saved model's sidecar (``stance.train.sidecar_path`` of ``stance.train.MODEL_FILE``).
SIDECAR_FILE = "stance.json"


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
    """The stance model a run uses, and its metadata.

    The saved model in ``settings.models_dir`` is used when it loads cleanly and is current: a
    model ``discourse train`` fitted with user labels is kept as long as its code version
    matches; otherwise the model must have been trained on today's authored set. Anything else
    (no model, a stale or damaged one) is replaced by a model trained on the authored set alone,
    which keeps the dashboards' figures out-of-sample for every labelled thread.
    ``settings.min_confidence`` and ``settings.thread_prior`` are applied to the loaded model, so
    abstention and thread-prior adaptation can be changed per run without retraining.
    """
    import warnings

    from discourse.stance.model import CODE_VERSION
    from discourse.stance.priors import DEFAULT_STRENGTH
    from discourse.stance.train import MODEL_FILE, ModelLoadError, default_model, read_sidecar
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
    if getattr(model, "min_confidence", None) != settings.min_confidence:
        model.set_params(min_confidence=settings.min_confidence)
    trained = getattr(model, "adapt_prior", None)
    wanted = (trained if trained is not None else DEFAULT_STRENGTH) if settings.thread_prior else None
    if trained != wanted:
        model.set_params(adapt_prior=wanted)
    if metadata.get("model_version"):
        _record_version(settings.models_dir, metadata["model_version"])
    return model, metadata


def train_and_save(settings: Settings) -> dict[str, Any]:
    """Retrain on the authored set plus every label CSV in the labels folder; save; return metadata.

    Labels refer to posts by id, so their text comes from the processed folder's posts table.
    """
    from discourse.stance.train import MODEL_FILE, save_model, train_model

    posts = store.read_table(settings.processed_dir, "posts")
    model, metadata = train_model(labels_dir=settings.labels_dir, posts=posts, include_user_labels=True)
    save_model(model, metadata, settings.models_dir / MODEL_FILE)
    return metadata


def evaluate_model(
    settings: Settings, model_metadata: dict[str, Any] | None = None
) -> tuple[str, list[Path]]:
    """Evaluate on the seed gold and by grouped cross-validation; write JSON and HTML.

    ``settings.thread_prior`` False evaluates models that score every post on its own.
    ``model_metadata`` is the run model's sidecar (what the page's staleness key records); a
    caller that already holds it passes it, otherwise the model is loaded to read it. Returns a
    plain-text summary and the written paths. When this writes the folder's first evaluation
    page, an existing index is rewritten too, since pages link to that page only when it exists.
    """
    from discourse.report import EVALUATION_PAGE, INDEX_PAGE, write_index
    from discourse.stance.evaluate import run_evaluation, write_report

    tables = store.read_tables(settings.processed_dir, ("posts", "quotes"))
    posts, quotes = tables["posts"], tables["quotes"]
    if posts.is_empty():
        raise FileNotFoundError(f"no posts in {settings.processed_dir}; run 'discourse ingest' first")
    params = None if settings.thread_prior else {"adapt_prior": None}
    results = run_evaluation(posts, quotes, settings.labels_dir, params=params)
    results["thread_prior"] = settings.thread_prior
    if model_metadata is None:
        model_metadata = load_model(settings)[1]
    # What evaluation_is_stale compares.
    results["run"] = _evaluation_key(_evaluation_inputs(settings.labels_dir), model_metadata, settings.thread_prior)
    first_page = not (settings.reports_dir / EVALUATION_PAGE).is_file()
    paths = write_report(results, settings.reports_dir, standalone=settings.standalone)
    written = [paths["json"], paths["html"]]
    if first_page and (settings.reports_dir / INDEX_PAGE).is_file():
        index = store.read_tables(settings.processed_dir, ("threads", "thread_summary"))
        threads, summaries = index["threads"], index["thread_summary"]
        meta = run_metadata(model_metadata, settings)
        written.append(write_index(threads, summaries, settings.reports_dir, meta, standalone=settings.standalone))
    return format_evaluation(results), written


def evaluation_is_stale(settings: Settings, model_metadata: dict[str, Any]) -> bool:
    """True when there are label files and no evaluation page for the current model and labels."""
    import json

    label_files = _evaluation_inputs(settings.labels_dir)
    if not label_files:
        return False
    from discourse.report import EVALUATION_PAGE, page_is_current

    path = settings.reports_dir / "evaluation.json"
    page = settings.reports_dir / EVALUATION_PAGE
    if not path.is_file() or not page_is_current(page, standalone=settings.standalone):
        return True
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("run", {})
    except (OSError, ValueError):
        return True
    return recorded != _evaluation_key(label_files, model_metadata, settings.thread_prior)


def _evaluation_inputs(labels_dir: Path) -> list[Path]:
    """The files an evaluation reads: gold and user labels, second annotations, the development set.

    The development set counts with its manifest, its second annotation and the texts present,
    so a page made without the texts is refreshed once they are rebuilt.
    """
    from discourse.devset import MANIFEST_FILE, SECOND_FILE, devset_dir, texts_dir

    folder = devset_dir(labels_dir)
    devset = [p for p in (folder / MANIFEST_FILE, folder / SECOND_FILE) if p.is_file()]
    if devset:
        devset += sorted(texts_dir(labels_dir).glob("*.txt"))
    return label_files(labels_dir) + second_annotation_files(labels_dir) + devset


def _evaluation_key(label_files: list[Path], model_metadata: dict[str, Any], thread_prior: bool) -> dict[str, Any]:
    return {
        "model_version": model_metadata.get("model_version"),
        "labels_sha256": hashlib.sha256(b"".join(hash_file(f).encode() for f in label_files)).hexdigest(),
        "thread_prior": thread_prior,
    }


def format_evaluation(results: dict[str, Any]) -> str:
    """The evaluation figures as a few readable lines."""
    lines = [] if results.get("thread_prior", True) else ["thread prior off: every post scored on its own"]
    lines += _format_devset(results.get("devset"))
    seed = results.get("seed") or {}
    blocks = [("seed gold (model trained on the authored set only)", seed)]
    blocks += [(f"  of which {thread_id}", block) for thread_id, block in seed.get("by_thread", {}).items()]
    blocks.append(("grouped cross-validation (all labels)", results.get("cv")))
    for name, block in blocks:
        if not block:
            continue
        model = block.get("model", block)
        baseline = block.get("baseline", {})
        intervals = block.get("intervals") or {}
        lines.append(
            f"{name}: macro-F1 {model.get('macro_f1', float('nan')):.3f}{_interval(intervals, 'model')}, "
            f"F_avg {model.get('f_avg', float('nan')):.3f}, accuracy {model.get('accuracy', float('nan')):.3f}"
            + (f"; majority baseline macro-F1 {baseline['macro_f1']:.3f}; model − baseline "
               f"{model['macro_f1'] - baseline['macro_f1']:.3f}{_interval(intervals, 'difference')}"
               if "macro_f1" in baseline and "macro_f1" in model else "")
        )
    sentiment = (results.get("seed") or {}).get("sentiment")
    if sentiment and sentiment.get("n"):
        kappa = sentiment.get("kappa")
        lines.append(
            f"sentiment (label vs gold, n={sentiment['n']}): agreement {sentiment['agreement']:.3f}, "
            f"Cohen's kappa {_fmt(kappa)}"
        )
    for name, block in (results.get("annotators") or {}).items():
        stance, tone = block["stance"], block["sentiment"]
        vs_model = block.get("model_vs_annotator", {}).get("model", {})
        lines.append(
            f"second annotation {name} vs gold (n={block['n']}): stance agreement {_fmt(stance['agreement'])}, "
            f"kappa {_fmt(stance['kappa'])}; sentiment agreement {_fmt(tone['agreement'])}, "
            f"kappa {_fmt(tone['kappa'])}"
            + (f"; model macro-F1 against it {_fmt(vs_model.get('macro_f1'))}" if vs_model else "")
        )
    return "\n".join(lines) or "no labels to evaluate against"


def _format_devset(devset: dict[str, Any] | None) -> list[str]:
    """The development set's headline lines (or why it is absent); nothing without a manifest."""
    if not devset or devset.get("reason") == "no manifest":
        return []
    if not devset.get("present"):
        texts = devset.get("texts", {})
        return [f"real development set: not present ({texts.get('missing', 0)} texts missing; "
                "see docs/devset.md: discourse devset rebuild)"]
    lines = []
    for key, name in (("all", "all texts"), ("forum", "discussion posts")):
        block = devset.get(key)
        if not block:
            continue
        stance, tone = block["stance"], block["sentiment"]
        model, baseline, intervals = stance["model"], stance["baseline"], stance.get("intervals") or {}
        lines.append(
            f"real development set, {name} (n={model['n']}, {stance['n_pages']} pages): macro-F1 "
            f"{model['macro_f1']:.3f}{_interval(intervals, 'model')}, F_avg(pro_us, pro_ussr) "
            f"{model['f_avg_blocs']:.3f}; majority baseline {baseline['macro_f1']:.3f}; model − baseline "
            f"{model['macro_f1'] - baseline['macro_f1']:.3f}{_interval(intervals, 'difference')}; "
            f"sentiment agreement {_fmt(tone['agreement'])}, kappa {_fmt(tone['kappa'])}"
        )
    second = devset.get("second_annotation")
    if second and second.get("n"):
        lines.append(
            f"real development set, second annotation (n={second['n']}): stance agreement "
            f"{_fmt(second['stance']['agreement'])}, kappa {_fmt(second['stance']['kappa'])}; sentiment "
            f"agreement {_fmt(second['sentiment']['agreement'])}, kappa {_fmt(second['sentiment']['kappa'])}"
        )
    altered = devset.get("texts", {}).get("altered") or []
    if altered:
        lines.append(f"real development set: {len(altered)} text(s) differ from the manifest and were left out")
    return lines


def _interval(intervals: dict[str, Any], key: str) -> str:
    from discourse.stance.evaluate import format_interval

    text = format_interval(intervals.get(key))
    return f" ({intervals.get('level', 0.95):.0%} CI {text})" if text else ""


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


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
