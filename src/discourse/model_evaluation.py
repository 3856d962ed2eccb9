"""Evaluate the run's model: the evaluation page and JSON, when they are stale, the summary text.

What ``discourse evaluate`` and a run's last step call (:func:`evaluate_model`): figures on the
seed gold, grouped cross-validation on the authored set and the real development set when its
texts are present (:func:`discourse.stance.evaluate.run_evaluation`), written as
``reports/evaluation.json`` and ``evaluation.html``. A page records the key of what it was made
from (model version, label files, thread prior), so a run rewrites it only when that changed
(:func:`evaluation_is_stale`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from discourse import store
from discourse.config import Settings
from discourse.labels import label_files, second_annotation_files
from discourse.models import load_model, run_metadata
from discourse.plan import hash_file


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
    from discourse.stance.evaluate import run_evaluation
    from discourse.stance.evaluation_report import write_report

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
    from discourse.devset import incomplete_note

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
    note = incomplete_note(devset.get("texts", {}))
    if note:
        lines.insert(0, note)
    return lines


def _interval(intervals: dict[str, Any], key: str) -> str:
    from discourse.stance.evaluation_report import format_interval

    text = format_interval(intervals.get(key))
    return f" ({intervals.get('level', 0.95):.0%} CI {text})" if text else ""


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
