"""The evaluation page: :func:`discourse.stance.evaluate.run_evaluation`'s figures as sections.

The page is a list of :class:`Section` (a title, notes, tables, at most one chart), built from
the results by :func:`evaluation_sections`; the template draws whatever sections it is given.
Showing a new figure is one more entry in that list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discourse import schema
from discourse.report.folder import EVALUATION_PAGE
from discourse.report.render import altair_block, render_page, write_page
from discourse.stance.evaluation_report import confusion_chart, format_interval
from discourse.stance.metrics import BOOTSTRAP_RESAMPLES, INTERVAL_LEVEL

#: The element the confusion matrices are drawn in.
CONFUSION_CHART_ID = "chart-confusion"


@dataclass(frozen=True)
class Cell:
    """One table cell as shown: floats with three decimals, None empty."""

    text: str
    numeric: bool = False

    @classmethod
    def of(cls, value: Any) -> Cell:
        if isinstance(value, bool) or value is None:
            return cls("" if value is None else str(value))
        if isinstance(value, float):
            return cls(f"{value:.3f}", numeric=True)
        return cls(str(value), numeric=isinstance(value, int))


@dataclass(frozen=True)
class Table:
    """A table of the page: header texts and rows of cells."""

    headers: list[str]
    rows: list[list[Cell]]

    @classmethod
    def of(cls, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
        """A table from raw values (see :meth:`Cell.of`)."""
        return cls(list(headers), [[Cell.of(v) for v in row] for row in rows])


@dataclass(frozen=True)
class Section:
    """One panel of the page: ``key`` names its element (``section-<key>``)."""

    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chart_id: str | None = None


def _summary_rows(name: str, block: dict[str, Any]) -> list[list[Any]]:
    m, b = block["model"], block["baseline"]
    intervals = block.get("intervals") or {}
    return [
        [name, "model", m["n"], m["macro_f1"], format_interval(intervals.get("model")),
         m["f_avg"], m["accuracy"]],
        [name, f"majority baseline ({block.get('baseline_label', 'train majority')})",
         b["n"], b["macro_f1"], format_interval(intervals.get("baseline")), b["f_avg"], b["accuracy"]],
        [name, "model − baseline", m["n"], m["macro_f1"] - b["macro_f1"],
         format_interval(intervals.get("difference")), None, None],
    ]


def _summary(results: dict[str, Any]) -> Section:
    rows: list[list[Any]] = []
    if "seed" in results:
        rows += _summary_rows("seed gold", results["seed"])
        for thread_id, block in results["seed"].get("by_thread", {}).items():
            rows += _summary_rows(f"seed gold: {thread_id}", block)
    rows += _summary_rows("grouped CV", results["cv"])
    headers = ["evaluation", "predictor", "posts", "macro-F1 (4 classes)",
               f"macro-F1 {INTERVAL_LEVEL:.0%} bootstrap interval", "F_avg", "accuracy"]
    note = (
        f"Intervals: percentile bootstrap over {BOOTSTRAP_RESAMPLES} resamples, of posts for the gold "
        "threads and of whole groups for grouped CV (the posts of one group are not independent); a "
        "single gold post can move macro-F1 by several hundredths, so read a figure together with "
        "its interval."
    )
    return Section("summary", "Summary", [Table.of(headers, rows)], [note])


def _devset(results: dict[str, Any]) -> list[Section]:
    """The real development set: the headline figures, per class, confusion, agreement."""
    from discourse.devset import incomplete_note

    devset = results.get("devset")
    if not devset or devset.get("reason") == "no manifest":
        return []
    if not devset.get("present"):
        missing = devset.get("texts", {}).get("missing", 0)
        note = (f"Real development set: not present ({missing} texts missing from this machine; the "
                "manifest is in data/labels/realdev/, docs/devset.md says how to rebuild the texts (discourse devset rebuild)).")
        return [Section("devset", "Real development set", notes=[note])]
    rows: list[list[Any]] = []
    for key, name in (("all", "all texts"), ("forum", "discussion posts")):
        block = devset.get(key)
        if not block:
            continue
        stance, tone = block["stance"], block["sentiment"]
        m, b, intervals = stance["model"], stance["baseline"], stance.get("intervals") or {}
        rows.append([name, "model", m["n"], stance["n_pages"], m["macro_f1"], format_interval(intervals.get("model")),
                     m["f_avg_blocs"], m["accuracy"], tone["agreement"], tone["kappa"]])
        rows.append([name, f"majority baseline ({stance['baseline_label']})", b["n"], stance["n_pages"], b["macro_f1"],
                     format_interval(intervals.get("baseline")), b["f_avg_blocs"], b["accuracy"], None, None])
        rows.append([name, "model − baseline", m["n"], stance["n_pages"], m["macro_f1"] - b["macro_f1"],
                     format_interval(intervals.get("difference")), None, None, None, None])
    headers = ["set", "predictor", "texts", "pages", "macro-F1 (4 classes)",
               f"{INTERVAL_LEVEL:.0%} interval (pages resampled)", "F_avg (pro_us, pro_ussr)", "accuracy",
               "sentiment agreement", "sentiment kappa"]
    mix = devset.get("mix", {})
    partial = incomplete_note(devset.get("texts", {}))
    notes = [
        *([partial[0].upper() + partial[1:] + "."] if partial else []),
        f"{devset['n']} real public texts from {devset['n_pages']} pages, labelled by docs/annotation.md; "
        "scored by a model trained without any of their labels. Each page is read as one thread "
        "(own words only, thread prior per page). Discussion posts are forum posts, Q&A answers and "
        "blog or news comments.",
        "Mix: " + "; ".join(f"{column}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                            for column, counts in mix.items()),
    ]
    sections = [Section("devset", "Real development set (headline)", [Table.of(headers, rows)], notes)]
    per = devset["all"]["stance"]["model"]["per_class"]
    confusion = devset["all"]["stance"]["model"]["confusion"]
    labels = confusion["labels"]
    sections.append(Section("devset-per-class", "Real development set: per class and confusion", [
        Table.of(["stance", "precision", "recall", "F1", "support"],
                 [[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in per.items()]),
        Table.of(["gold \\ predicted", *labels],
                 [[label, *row] for label, row in zip(labels, confusion["matrix"], strict=True)]),
    ]))
    second = devset.get("second_annotation")
    if second and second.get("n"):
        rows = [[", ".join(second.get("annotators", [])), second["n"], second["stance"]["agreement"],
                 second["stance"]["kappa"], second["sentiment"]["agreement"], second["sentiment"]["kappa"]]]
        sections.append(Section("devset-agreement", "Real development set: independent second annotation", [
            Table.of(["annotator", "texts", "stance agreement", "stance kappa", "sentiment agreement",
                      "sentiment kappa"], rows)]))
    return sections


def _per_class(results: dict[str, Any], key: str, title: str) -> Section:
    per = results[key]["model"]["per_class"]
    rows = [[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in per.items()]
    return Section(f"{key}-per-class", title, [Table.of(["stance", "precision", "recall", "F1", "support"], rows)])


def _sentiment(results: dict[str, Any]) -> Section | None:
    blocks = (("seed gold", results.get("seed", {}).get("sentiment")), ("authored set", results.get("sentiment_authored")))
    rows = [[name, b["n"], b["agreement"], b["kappa"]] for name, b in blocks if b and b.get("n")]
    if not rows:
        return None
    table = Table.of(["labels", "posts", "agreement", "Cohen's kappa"], rows)
    return Section("sentiment", "Sentiment label against gold", [table])


def _annotators(results: dict[str, Any]) -> Section | None:
    rows = []
    for name, block in results.get("annotators", {}).items():
        vs_model = block.get("model_vs_annotator", {}).get("model", {})
        rows.append([name, ", ".join(block.get("annotators", [])), block["n"], block["stance"]["agreement"],
                     block["stance"]["kappa"], block["sentiment"]["agreement"], block["sentiment"]["kappa"],
                     vs_model.get("macro_f1")])
    if not rows:
        return None
    headers = ["file", "annotator", "units", "stance agreement", "stance kappa", "sentiment agreement",
               "sentiment kappa", "model macro-F1 against it"]
    return Section("annotators", "Second annotation against the gold", [Table.of(headers, rows)])


def _seed_posts(results: dict[str, Any]) -> Section:
    rows = [[p.get(schema.THREAD_ID), p[schema.POST_ID], p["gold"], p["stance"], p["confidence"],
             p["stance_source"], p["cues"]] for p in results["seed"]["posts"]]
    headers = ["thread", "post", "gold", "predicted", "confidence", "source", "cues"]
    return Section("seed-posts", "Seed posts", [Table.of(headers, rows)])


def evaluation_notes(results: dict[str, Any]) -> list[str]:
    """The lines under the page title: how the evaluated models scored posts."""
    if "thread_prior" not in results:
        return []
    if results["thread_prior"]:
        return ["Thread prior: on (each thread's stance probabilities adapted to its own mix; a CV "
                "test fold counts as one thread)."]
    return ["Thread prior: off (every post scored on its own)."]


def evaluation_sections(results: dict[str, Any]) -> list[Section]:
    """The page's sections, in order, from ``run_evaluation`` results (absent parts skipped)."""
    sections: list[Section | None] = [*_devset(results), _summary(results)]
    sections += [_per_class(results, key, title)
                 for key, title in (("seed", "Seed gold: per class"), ("cv", "Grouped CV: per class"))
                 if key in results]
    sections += [_sentiment(results), _annotators(results)]
    if "seed" in results:
        sections.append(_seed_posts(results))
    sections.append(Section("confusion", "Confusion matrices", chart_id=CONFUSION_CHART_ID))
    return [s for s in sections if s is not None]


def write_evaluation_page(results: dict[str, Any], reports_dir: Path, *, standalone: bool = False) -> Path:
    """Write ``reports_dir/evaluation.html`` from ``run_evaluation`` results; return its path."""
    reports_dir = Path(reports_dir)
    page = render_page(
        "evaluation.html.j2",
        reports_dir,
        title="Stance evaluation",
        context={"notes": evaluation_notes(results), "sections": evaluation_sections(results)},
        blocks=[altair_block(CONFUSION_CHART_ID, confusion_chart(results))],
        standalone=standalone,
    )
    return write_page(reports_dir / EVALUATION_PAGE, page)
