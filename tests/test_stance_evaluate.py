"""Metrics, grouped cross-validation and the offline evaluation report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from test_stance_examples import authored_frame

from discourse.stance.evaluate import (
    compare_with_baseline,
    cross_validate,
    majority_label,
    sentiment_agreement,
    stance_metrics,
    write_report,
)


def test_metrics_by_hand() -> None:
    truth = ["pro_us", "pro_us", "pro_ussr", "neutralist", "none", "none"]
    guess = ["pro_us", "none", "pro_ussr", "pro_ussr", "none", "none"]
    m = stance_metrics(truth, guess)
    assert m["accuracy"] == pytest.approx(4 / 6)
    f1 = {k: v["f1"] for k, v in m["per_class"].items()}
    assert f1["pro_us"] == pytest.approx(2 / 3)
    assert f1["pro_ussr"] == pytest.approx(2 / 3)
    assert f1["neutralist"] == 0.0
    assert f1["none"] == pytest.approx(0.8)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 0 + 0.8) / 4)
    assert m["f_avg"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert m["confusion"]["matrix"][0] == [1, 0, 0, 1]


def test_majority_baseline() -> None:
    truth = ["none", "none", "pro_us"]
    assert majority_label(truth) == "none"
    result = compare_with_baseline(truth, ["pro_us", "none", "pro_us"])
    assert result["baseline_label"] == "none"
    assert result["baseline"]["f_avg"] == 0.0
    assert result["baseline"]["accuracy"] == pytest.approx(2 / 3)


def test_grouped_cv_keeps_groups_apart() -> None:
    frame = authored_frame().select("text", "stance", "group")
    result = cross_validate(frame, n_splits=3)
    assert result["summary"]["cv_folds"] == 3
    assert sum(f["n"] for f in result["folds"]) == frame.height
    assert 0 <= result["summary"]["cv_macro_f1"] <= 1
    assert result["summary"]["cv_macro_f1"] > result["summary"]["cv_baseline_macro_f1"]


def test_grouped_cv_uses_the_training_params(monkeypatch) -> None:
    from discourse.stance import model as model_module

    seen = []
    real = model_module.StanceClassifier

    class Recording(real):
        def fit(self, X, y):
            seen.append(self.get_params())
            return super().fit(X, y)

    monkeypatch.setattr(model_module, "StanceClassifier", Recording)
    frame = authored_frame().select("text", "stance", "group")
    cross_validate(frame, n_splits=2)
    cross_validate(frame, n_splits=2, params={"C": 0.5})
    from discourse.stance.train import TRAINING_PARAMS

    assert all(seen[i][k] == v for i in (0, 1) for k, v in TRAINING_PARAMS.items())
    assert seen[2]["C"] == 0.5 and seen[2]["cue_weight"] == TRAINING_PARAMS["cue_weight"]


def test_sentiment_agreement_and_kappa() -> None:
    gold = pl.DataFrame({"thread_id": ["t"] * 4, "post_id": list("abcd"),
                         "sentiment": ["positive", "negative", "neutral", None]})
    classified = pl.DataFrame({"thread_id": ["t"] * 4, "post_id": list("abcd"),
                               "sentiment_label": ["positive", "negative", "positive", "neutral"]})
    result = sentiment_agreement(classified, gold)
    assert result["n"] == 3 and result["agreement"] == pytest.approx(2 / 3)
    assert -1 <= result["kappa"] <= 1


def _fake_results() -> dict:
    truth = ["pro_us", "none", "pro_ussr", "neutralist"]
    seed = compare_with_baseline(truth, ["pro_us", "none", "none", "neutralist"])
    seed["posts"] = [{"post_id": "<b>1</b>", "gold": "pro_us", "stance": "pro_us", "confidence": 0.9,
                      "stance_source": "model", "cues": 'ngram:"<script>alert(1)</script>"'}]
    seed["sentiment"] = {"n": 2, "agreement": 0.5, "kappa": 0.0}
    cv = compare_with_baseline(truth, truth)
    return {"seed": seed, "cv": cv}


def test_report_is_offline_and_escaped(tmp_path: Path) -> None:
    paths = write_report(_fake_results(), tmp_path)
    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    assert "&lt;b&gt;1&lt;/b&gt;" in page
    # The only script file is the reports folder's own chart library.
    sources = re.findall(r"<script[^>]+src=\"([^\"]+)\"", page)
    assert len(sources) == 1 and sources[0].startswith("assets/") and (tmp_path / sources[0]).is_file()
    assert "cdn.jsdelivr" not in page and "unpkg" not in page
    assert "vegaEmbed" in page and "macro-F1" in page
    data = json.loads(paths["json"].read_text())
    assert data["seed"]["model"]["macro_f1"] == pytest.approx((1 + 0 + 1 + 2 / 3) / 4)
    assert not list(tmp_path.glob(".tmp-*"))


def test_seed_is_also_scored_thread_by_thread(tmp_path: Path) -> None:
    """Regression: the issue's seed criterion names the thread; each gold thread gets its own row."""
    import polars as pl

    from discourse.model_evaluation import format_evaluation
    from discourse.stance.evaluate import seed_by_thread

    joined = pl.DataFrame({
        "thread_id": ["b", "a", "b", "a", "b"],
        "gold": ["pro_us", "none", "pro_us", "none", "none"],
        "stance": ["pro_us", "pro_us", "none", "none", "none"],
    })
    by = seed_by_thread(joined)
    assert list(by) == ["a", "b"]
    assert by["a"]["model"]["n"] == 2 and by["a"]["model"]["accuracy"] == pytest.approx(0.5)
    assert by["b"]["model"]["accuracy"] == pytest.approx(2 / 3)
    assert by["b"]["baseline_label"] == "pro_us"  # that thread's own majority, not the pooled one
    results = _fake_results()
    results["seed"]["by_thread"] = by
    page = write_report(results, tmp_path)["html"].read_text(encoding="utf-8")
    assert "seed gold: a" in page and "seed gold: b" in page
    text = format_evaluation(results)
    assert "of which a: macro-F1" in text and "of which b: macro-F1" in text


def _labels(stances: list[str], sentiments: list[str], annotator: str = "x") -> pl.DataFrame:
    n = len(stances)
    return pl.DataFrame({"thread_id": ["t"] * n, "post_id": [str(i) for i in range(n)], "stance": stances,
                         "sentiment": sentiments, "annotator": [annotator] * n, "note": [""] * n})


def test_annotator_agreement_by_hand() -> None:
    from discourse.stance.evaluate import annotator_agreement

    gold = _labels(["pro_us", "pro_us", "none", "none"], ["neutral", "negative", "neutral", "positive"])
    other = _labels(["pro_us", "none", "none", "none"], ["neutral", "negative", "neutral", "positive"])
    result = annotator_agreement(gold, other.head(4))
    assert result["n"] == 4
    assert result["stance"]["agreement"] == pytest.approx(0.75)
    # Cohen's kappa: p_o = 3/4, p_e = (2/4 * 1/4) + (2/4 * 3/4) = 1/2, so kappa = (0.75 - 0.5) / 0.5.
    assert result["stance"]["kappa"] == pytest.approx(0.5)
    assert result["sentiment"]["agreement"] == 1.0 and result["sentiment"]["kappa"] == pytest.approx(1.0)
    assert result["stance_differs"] == [{"thread_id": "t", "post_id": "1", "stance": "pro_us", "other_stance": "none"}]


def test_annotator_agreement_counts_only_shared_units() -> None:
    from discourse.stance.evaluate import annotator_agreement

    gold = _labels(["pro_us", "none", "none"], ["neutral"] * 3)
    other = _labels(["pro_us", "none"], ["neutral"] * 2)
    assert annotator_agreement(gold, other)["n"] == 2


def test_second_annotations_are_compared_and_never_trained_on(tmp_path: Path) -> None:
    """Regression: files under labels/agreement/ are evaluation-only; training reads the top level."""
    from discourse.model_evaluation import format_evaluation
    from discourse.stance.evaluate import AGREEMENT_DIR, compare_annotators, load_second_annotations
    from discourse.stance.train import load_label_files

    gold = _labels(["pro_us", "none", "pro_ussr"], ["neutral"] * 3, "a")
    (tmp_path / AGREEMENT_DIR).mkdir()
    gold.write_csv(tmp_path / "gold.csv")
    _labels(["pro_us", "none", "none"], ["neutral"] * 3, "b").write_csv(tmp_path / AGREEMENT_DIR / "second.csv")
    assert set(load_label_files(tmp_path)["label_file"].to_list()) == {"gold.csv"}
    others = load_second_annotations(tmp_path / AGREEMENT_DIR)
    assert list(others) == ["second.csv"]
    seed = {"posts": [{"thread_id": "t", "post_id": str(i), "stance": s} for i, s in enumerate(["pro_us", "none", "none"])]}
    blocks = compare_annotators(gold, others, seed)
    block = blocks["second.csv"]
    assert block["annotators"] == ["b"] and block["stance"]["agreement"] == pytest.approx(2 / 3)
    # The model's predictions equal the second annotator's labels: perfect accuracy against it.
    assert block["model_vs_annotator"]["model"]["accuracy"] == 1.0
    results = _fake_results()
    results["annotators"] = blocks
    assert "second annotation second.csv vs gold (n=3): stance agreement 0.667" in format_evaluation(results)
    page = write_report(results, tmp_path / "reports")["html"].read_text(encoding="utf-8")
    assert "Second annotation against the gold" in page


def test_bundled_second_annotation_covers_every_gold_unit() -> None:
    from discourse.stance.evaluate import AGREEMENT_DIR, annotator_agreement, load_second_annotations

    labels = Path(__file__).resolve().parents[1] / "data" / "labels"
    gold = pl.read_csv(labels / "seed_gold.csv", infer_schema=False)
    others = load_second_annotations(labels / AGREEMENT_DIR)
    assert list(others) == ["seed_second_annotator.csv"]
    other = others["seed_second_annotator.csv"]
    assert set(other["stance"].to_list()) <= {"pro_us", "pro_ussr", "neutralist", "none"}
    assert annotator_agreement(gold, other)["n"] == gold.height == other.height


def test_report_tables_sit_in_the_page_body_not_in_a_script(tmp_path: Path) -> None:
    """Regression: the tables were inserted at the first "<body>", which is inside the inlined
    Vega bundle, so the page showed the charts and none of the figures."""
    from html.parser import HTMLParser

    page = write_report(_fake_results(), tmp_path)["html"].read_text(encoding="utf-8")

    class Where(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.h1_parents: list[list[str]] = []

        def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
            if tag == "h1":
                self.h1_parents.append(list(self.stack))
            self.stack.append(tag)

        def handle_endtag(self, tag) -> None:  # noqa: ANN001
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    where = Where()
    where.feed(page)
    assert where.h1_parents and "body" in where.h1_parents[0] and "script" not in where.h1_parents[0]


def test_unreadable_second_annotations_are_skipped_with_a_warning(tmp_path: Path) -> None:
    from discourse.stance.evaluate import load_second_annotations

    (tmp_path / "binary.csv").write_bytes(b"\x00\xff\xfe" * 50)
    (tmp_path / "columns.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    _labels(["none"], ["neutral"]).write_csv(tmp_path / "good.csv")
    with pytest.warns(RuntimeWarning) as record:
        others = load_second_annotations(tmp_path)
    assert list(others) == ["good.csv"]
    messages = sorted(str(w.message) for w in record)
    assert messages == [f"second annotation {name}.csv skipped: no column thread_id, post_id, stance"
                        for name in ("binary", "columns")]


def _brute_force_intervals(truth, pred, base, clusters, n_resamples, seed=0):
    """The bootstrap written the slow way: the same draws, scikit-learn's macro-F1 per resample."""
    import numpy as np
    from sklearn.metrics import f1_score

    from discourse import schema

    if clusters is None:  # each post its own unit, in post order
        units, members = list(range(len(truth))), {i: [i] for i in range(len(truth))}
    else:  # clusters in sorted order of their ids
        units = sorted(set(map(str, clusters)))
        members = {u: [i for i, c in enumerate(clusters) if str(c) == u] for u in units}
    draws = np.random.default_rng(seed).integers(0, len(units), size=(n_resamples, len(units)))
    model, baseline = [], []
    for row in draws:
        rows = [i for u in row for i in members[units[u]]]

        def f1(labels, rows=rows):
            return f1_score([truth[i] for i in rows], [labels[i] for i in rows],
                            labels=list(schema.STANCES), average="macro", zero_division=0)

        model.append(f1(pred))
        baseline.append(f1(base))
    model, baseline = np.array(model), np.array(baseline)
    q = [0.025, 0.975]
    return np.quantile(model, q), np.quantile(baseline, q), np.quantile(model - baseline, q)


@pytest.mark.parametrize("clustered", [False, True])
def test_bootstrap_intervals_equal_the_slow_way(clustered: bool) -> None:
    import numpy as np

    from discourse.stance.evaluate import macro_f1_intervals

    rng = np.random.default_rng(5)
    labels = ["pro_us", "pro_ussr", "neutralist", "none"]
    truth = [labels[i] for i in rng.integers(0, 4, 60)]
    pred = [t if rng.random() < 0.6 else labels[rng.integers(0, 4)] for t in truth]
    pred[3] = "unknown-label"  # counts for no class, as in stance_metrics
    base = ["none"] * 60
    clusters = [f"g{i // 4}" for i in range(60)] if clustered else None
    got = macro_f1_intervals(truth, pred, base, clusters=clusters, n_resamples=200)
    model, baseline, diff = _brute_force_intervals(truth, pred, base, clusters, 200)
    np.testing.assert_allclose(got["model"], model)
    np.testing.assert_allclose(got["baseline"], baseline)
    np.testing.assert_allclose(got["difference"], diff)
    assert got["unit"] == ("cluster" if clustered else "post") and got["level"] == 0.95


def test_bootstrap_intervals_bracket_the_figure_and_are_reproducible() -> None:
    from discourse.stance.evaluate import macro_f1_intervals

    truth = ["pro_us", "pro_ussr", "neutralist", "none"] * 10
    perfect = macro_f1_intervals(truth, truth, ["none"] * 40)
    assert perfect["model"] == [1.0, 1.0] and perfect["difference"][0] > 0
    pred = truth[:30] + ["none"] * 10
    first, second = macro_f1_intervals(truth, pred, ["none"] * 40), macro_f1_intervals(truth, pred, ["none"] * 40)
    assert first == second
    figure = stance_metrics(truth, pred)["macro_f1"]
    assert first["model"][0] < figure < first["model"][1]
    empty = macro_f1_intervals([], [], [])
    assert empty["model"] is None and empty["difference"] is None


def test_intervals_reach_the_page_and_the_cli(tmp_path: Path) -> None:
    from discourse.model_evaluation import format_evaluation
    from discourse.stance.evaluate import format_interval

    results = _fake_results()
    page = write_report(results, tmp_path)["html"].read_text(encoding="utf-8")
    assert "bootstrap interval" in page and "model − baseline" in page
    assert format_interval(results["seed"]["intervals"]["model"]) in page
    text = format_evaluation(results)
    assert f"(95% CI {format_interval(results['seed']['intervals']['model'])})" in text
    assert "model − baseline" in text
