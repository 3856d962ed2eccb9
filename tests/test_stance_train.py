"""Training data assembly, save/load with metadata, version checks and model reuse."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_stance_examples import authored_frame

from discourse import schema
from discourse.stance import train
from discourse.stance.train import (
    ModelLoadError,
    data_sha256,
    default_model,
    load_model,
    save_model,
    train_model,
    training_frame,
)


@pytest.fixture
def authored_csv(tmp_path: Path) -> Path:
    path = tmp_path / "authored.csv"
    authored_frame().write_csv(path)
    return path


@pytest.fixture
def posts() -> pl.DataFrame:
    # Authored posts (project's own words) standing in for an ingested thread.
    texts = ["Washington over Moscow, always.", "We should have joined the Soviets.", "Nice weather."]
    return schema.conform(pl.DataFrame({
        "thread_id": ["th"] * 3, "post_id": ["0", "1", "2"], "position": [0, 1, 2],
        "text": texts, "own_text": texts,
    }), schema.POSTS)


@pytest.fixture
def labels_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "labels"
    folder.mkdir()
    pl.DataFrame({
        "thread_id": ["th", "th", "th", "other"], "post_id": ["0", "1", "2", "9"],
        "stance": ["pro_us", "pro_ussr", "", "none"], "sentiment": ["", "", "neutral", ""],
        "annotator": ["t"] * 4, "note": [""] * 4,
    }).write_csv(folder / "user-1.csv")
    return folder


def test_shipped_authored_set_is_valid() -> None:
    frame = train.load_authored()
    # Rows a0001-a0855, a0856-a1150, a1151-a1450 and a1451-a1488, each batch described in
    # src/discourse/data/AUTHORED.md.
    assert frame.height == 1488
    assert frame.columns == list(train.AUTHORED_COLUMNS)
    assert frame["example_id"].to_list() == [f"a{i:04d}" for i in range(1, frame.height + 1)]
    assert frame["text"].n_unique() == frame.height
    assert frame["text"].null_count() == 0
    assert set(frame["stance"].unique()) == set(schema.STANCES)
    assert set(frame["sentiment"].unique()) == set(schema.SENTIMENT_LABELS)
    assert set(frame["perspective"].unique()) == {"pakistani", "indian", "outside"}
    assert set(frame["era"].unique()) == {"cold_war", "today", "both"}
    assert set(frame["source"].unique()) == {"authored example", "authored example (real-post kinds)"}
    assert frame["group"].null_count() == 0
    counts = dict(frame.group_by("stance").len().iter_rows())
    assert counts == {"pro_us": 368, "pro_ussr": 362, "neutralist": 244, "none": 514}


def test_training_params_apply_and_can_be_overridden(authored_csv) -> None:
    assert train.model_params() == train.TRAINING_PARAMS
    assert train.model_params({"C": 1.0})["C"] == 1.0
    assert train.model_params({"C": 1.0})["cue_weight"] == train.TRAINING_PARAMS["cue_weight"]
    model, meta = train_model(authored_csv, cv_folds=0)
    for name, value in train.TRAINING_PARAMS.items():
        assert model.get_params()[name] == value
        assert meta["params"][name] == value
    model, meta = train_model(authored_csv, cv_folds=0, params={"C": 1.0})
    assert model.C == 1.0 and meta["params"]["C"] == 1.0
    assert model.cue_weight == train.TRAINING_PARAMS["cue_weight"]


def test_default_model_retrains_when_training_params_change(tmp_path, authored_csv, monkeypatch) -> None:
    models = tmp_path / "models"
    _, meta1 = default_model(models, authored_csv)
    monkeypatch.setattr(train, "TRAINING_PARAMS", dict(train.TRAINING_PARAMS, C=0.5))
    _, meta2 = default_model(models, authored_csv)
    assert meta2["model_version"] != meta1["model_version"] and meta2["params"]["C"] == 0.5


def test_training_frame_joins_labels_to_own_text(authored_csv, labels_dir, posts) -> None:
    frame = training_frame(authored_csv, labels_dir, posts=posts)
    labelled = frame.filter(pl.col("origin") == "label")
    # The unlabelled-stance row and the row for an unknown thread are skipped.
    assert labelled["text"].to_list() == ["Washington over Moscow, always.", "We should have joined the Soviets."]
    assert labelled["group"].to_list() == ["thread:th", "thread:th"]
    assert training_frame(authored_csv, labels_dir, posts=posts, include_user_labels=False).height == 60
    assert training_frame(authored_csv, labels_dir, posts=posts, exclude_threads=["th"]).height == 60
    assert training_frame(authored_csv, labels_dir, posts=None).height == 60


def test_data_hash_ignores_row_order(authored_csv) -> None:
    frame = training_frame(authored_csv)
    assert data_sha256(frame) == data_sha256(frame.reverse())
    assert data_sha256(frame) != data_sha256(frame.head(59))


def test_train_metadata(authored_csv) -> None:
    model, meta = train_model(authored_csv, cv_folds=3)
    assert meta["n_training"] == 60 and meta["n_user_labels"] == 0
    assert meta["labels"] == list(schema.STANCES)
    assert meta["model_version"] == model.model_version_
    assert meta["model_version"].startswith("stance-")
    assert {"scikit-learn", "nltk", "numpy", "python"} <= set(meta["libraries"])
    assert 0.0 <= meta["metrics"]["cv_macro_f1"] <= 1.0
    assert "cv_baseline_macro_f1" in meta["metrics"]


def test_training_is_deterministic(authored_csv) -> None:
    a, meta_a = train_model(authored_csv, cv_folds=0)
    b, meta_b = train_model(authored_csv, cv_folds=0)
    assert meta_a["model_version"] == meta_b["model_version"]
    assert np.array_equal(a.linear_.coef_, b.linear_.coef_)


def test_save_and_load_round_trip(tmp_path, authored_csv) -> None:
    model, meta = train_model(authored_csv, cv_folds=0)
    path = save_model(model, meta, tmp_path / "models" / "stance.joblib")
    side = json.loads(path.with_suffix(".json").read_text())
    assert side["data_sha256"] == meta["data_sha256"] and len(side["model_sha256"]) == 64
    loaded, loaded_meta = load_model(path)
    probe = ["Moscow over Washington any day.", "Stay neutral."]
    assert np.array_equal(loaded.predict_proba(probe), model.predict_proba(probe))
    assert loaded_meta["model_version"] == meta["model_version"]
    assert not list(path.parent.glob(".tmp-*"))


def test_load_refuses_tampering_labels_and_versions(tmp_path, authored_csv) -> None:
    model, meta = train_model(authored_csv, cv_folds=0)
    path = save_model(model, meta, tmp_path / "stance.joblib")
    side = path.with_suffix(".json")
    original = json.loads(side.read_text())

    side.write_text(json.dumps(dict(original, labels=["pro_us", "other"])))
    with pytest.raises(ModelLoadError, match="label set"):
        load_model(path)

    libs = dict(original["libraries"], **{"scikit-learn": "0.1.0"})
    side.write_text(json.dumps(dict(original, libraries=libs)))
    with pytest.raises(ModelLoadError, match="scikit-learn"):
        load_model(path)
    with pytest.warns(RuntimeWarning, match="scikit-learn"):
        load_model(path, strict=False)

    libs = dict(original["libraries"], nltk="0.0.1")
    side.write_text(json.dumps(dict(original, libraries=libs)))
    with pytest.warns(RuntimeWarning, match="nltk"):
        load_model(path)

    side.write_text(json.dumps(dict(original, model_sha256="0" * 64)))
    with pytest.raises(ModelLoadError, match="sha256"):
        load_model(path)
    side.unlink()
    with pytest.raises(ModelLoadError):
        load_model(path)


def test_default_model_reuses_then_retrains(tmp_path, authored_csv, monkeypatch) -> None:
    models = tmp_path / "models"
    calls = []
    real_train = train.train_model

    def counting_train(*args, **kwargs):
        calls.append(1)
        kwargs["params"] = kwargs.get("params")
        return real_train(*args, **kwargs)

    monkeypatch.setattr(train, "train_model", counting_train)
    first, meta1 = default_model(models, authored_csv)
    second, meta2 = default_model(models, authored_csv)
    assert len(calls) == 1 and meta1["model_version"] == meta2["model_version"]
    # New training data: a different hash, so the model is retrained and saved again.
    authored_frame().head(50).write_csv(authored_csv)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, meta3 = default_model(models, authored_csv)
    assert len(calls) == 2 and meta3["model_version"] != meta1["model_version"]
    assert load_model(models / "stance.joblib")[1]["model_version"] == meta3["model_version"]


def _authored_rows() -> pl.DataFrame:
    """The shipped authored set and the experiment's authored batch (docs/experiments/data)."""
    batch = Path(__file__).resolve().parents[1] / "docs" / "experiments" / "data" / "authored_batch_r7.csv"
    return pl.concat([train.load_authored(), pl.read_csv(batch, infer_schema=False)], how="vertical")


def test_authored_set_shares_no_wording_with_the_seed_documents() -> None:
    # The seed documents are the out-of-sample test: no authored post may repeat any run of six
    # words from them (the longest shared runs are stock phrases such as "in the cold war").
    import re

    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    files = sorted(raw.glob("*.txt"))
    if not files:
        pytest.skip("seed documents not present")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    seed = words(" ".join(f.read_text(encoding="utf-8") for f in files))
    grams = {tuple(seed[i : i + 6]) for i in range(len(seed) - 5)}
    shared = [
        (row["example_id"], " ".join(w[i : i + 6]))
        for row in _authored_rows().iter_rows(named=True)
        for w in [words(row["text"])]
        for i in range(len(w) - 5)
        if tuple(w[i : i + 6]) in grams
    ]
    assert shared == []


def test_authored_set_shares_no_wording_with_the_development_texts() -> None:
    # The development set's texts are other people's words and guide choices only: no row
    # written after reading them may repeat a run of six of their words. (Rows written before
    # share only stock phrases such as "the end of the cold war".) The texts are git-ignored.
    import re

    texts = Path(__file__).resolve().parents[1] / "data" / "realdev" / "texts"
    files = sorted(texts.glob("*.txt"))
    if not files:
        pytest.skip("development texts not present")

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower())

    grams = set()
    for path in files:
        found = words(path.read_text(encoding="utf-8"))
        grams |= {tuple(found[i : i + 6]) for i in range(len(found) - 5)}
    shared = [
        (row["example_id"], " ".join(w[i : i + 6]))
        for row in _authored_rows().filter(pl.col("source") != "authored example").iter_rows(named=True)
        for w in [words(row["text"])]
        for i in range(len(w) - 5)
        if tuple(w[i : i + 6]) in grams
    ]
    assert shared == []


def test_run_model_is_unpickled_once_and_user_models_are_kept(tmp_path, authored_csv, monkeypatch) -> None:
    """Regression: a run unpickled the model twice (~0.3 s of every rerun), and a run whose model
    is unchanged reads its saved arrays without unpickling at all; a model trained with user
    labels must be used as it is, while a damaged one falls back to the authored model."""
    import joblib

    from discourse.config import Settings
    from discourse.models import load_model as run_model

    settings = Settings.default(tmp_path, models_dir=tmp_path / "models")
    real_default = train.default_model
    monkeypatch.setattr(train, "default_model",
                        lambda models_dir, **kw: real_default(models_dir, authored_csv, **kw))
    _, meta = run_model(settings)  # nothing saved yet: trains on the authored set, saves
    assert meta["n_user_labels"] == 0
    authored_model, _ = train.load_model(settings.models_dir / train.MODEL_FILE)
    loads = []
    real_load = joblib.load
    monkeypatch.setattr(joblib, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    _, again = run_model(settings)
    assert not loads and again["model_version"] == meta["model_version"]

    # A model the user trained with labels (same pickle, sidecar says so) is kept as it is.
    side = train.sidecar_path(settings.models_dir / train.MODEL_FILE)
    user_meta = dict(json.loads(side.read_text()), n_user_labels=7)
    side.write_text(json.dumps(user_meta))
    monkeypatch.setattr(train, "default_model", lambda *a, **k: pytest.fail("the user's model was replaced"))
    assert run_model(settings)[1]["n_user_labels"] == 7
    assert len(loads) == 1  # its sidecar changed: unpickled once, its arrays still the saved ones

    # A damaged pickle beside intact arrays: the run reads the arrays, which the sidecar vouches for.
    (settings.models_dir / train.MODEL_FILE).write_bytes(b"not a pickle")
    assert run_model(settings)[1]["n_user_labels"] == 7
    # Both damaged: a warning, then the authored-set model.
    (settings.models_dir / "stance.npz").write_bytes(b"not arrays")
    monkeypatch.setattr(train, "default_model", lambda models_dir, **kw: (authored_model, {"n_user_labels": 0}))
    with pytest.warns(RuntimeWarning, match="retraining the stance model"):
        model, fallback = run_model(settings)
    assert model.coef is authored_model.linear_.coef_ and fallback["n_user_labels"] == 0


def test_run_applies_thread_prior_setting_and_keys_results_on_it(tmp_path, authored_csv, monkeypatch) -> None:
    """``--no-thread-prior`` turns adaptation off on the loaded model without retraining, and
    results made without it are not reused for a run with it (the manifest key differs)."""
    from discourse.config import Settings
    from discourse.models import load_model as run_model
    from discourse.models import run_metadata
    from discourse.plan import run_version
    from discourse.report import _run_items

    real_default = train.default_model
    monkeypatch.setattr(train, "default_model",
                        lambda models_dir, **kw: real_default(models_dir, authored_csv, **kw))
    on = Settings.default(tmp_path, models_dir=tmp_path / "models")
    off = Settings.default(tmp_path, models_dir=tmp_path / "models", thread_prior=False)
    model, meta = run_model(on)
    assert model.adapt_prior == train.TRAINING_PARAMS["adapt_prior"]
    model, meta_off = run_model(off)
    assert model.adapt_prior is None and meta_off["model_version"] == meta["model_version"]
    assert run_version(meta, on) != run_version(meta, off)
    # Every page's run line says which way the run went.
    assert ("Stance adapted to the thread's mix", "off") in _run_items(run_metadata(meta, off))
    assert run_metadata(meta, on)["thread_prior"] == "on"
    assert run_model(on)[0].adapt_prior == train.TRAINING_PARAMS["adapt_prior"]


@pytest.mark.parametrize("command", ["run", "classify", "evaluate"])
def test_no_thread_prior_flag_reaches_the_settings(command) -> None:
    from discourse.cli import build_parser, settings_from

    assert settings_from(build_parser().parse_args([command])).thread_prior is True
    assert settings_from(build_parser().parse_args([command, "--no-thread-prior"])).thread_prior is False


@pytest.fixture
def faked_evaluation(tmp_path, monkeypatch):
    """``model_evaluation.evaluate_model`` over a faked ``run_evaluation`` (its ``params`` are recorded
    in ``seen``), a run model with version m1, and one gold file; yields (seen, on, off)."""
    import discourse.stance.evaluate as evaluate_mod
    from discourse import model_evaluation
    from discourse.config import Settings

    seen = []

    def fake_run_evaluation(posts, quotes, labels_dir, params=None):  # noqa: ANN001, ANN202
        seen.append(params)
        return {"cv": evaluate_mod.compare_with_baseline(["pro_us", "none"], ["pro_us", "none"])}

    monkeypatch.setattr(evaluate_mod, "run_evaluation", fake_run_evaluation)
    monkeypatch.setattr(
        model_evaluation.store, "read_tables", lambda folder, tables: {t: pl.DataFrame({"post_id": ["1"]}) for t in tables}
    )
    monkeypatch.setattr(model_evaluation, "load_model", lambda settings: (None, {"model_version": "m1"}))
    on = Settings.default(tmp_path)
    off = Settings.default(tmp_path, thread_prior=False)
    on.labels_dir.mkdir(parents=True)
    (on.labels_dir / "gold.csv").write_text("thread_id,post_id,stance,sentiment,annotator,note\n", encoding="utf-8")
    return seen, on, off


def test_evaluate_follows_the_thread_prior_setting(faked_evaluation) -> None:
    """`discourse evaluate --no-thread-prior` evaluates models without adaptation, says so, and
    a run with adaptation on then sees the page as stale (and the reverse)."""
    from discourse import model_evaluation

    seen, on, off = faked_evaluation
    text, _paths = model_evaluation.evaluate_model(off)
    assert seen[-1] == {"adapt_prior": None} and text.startswith("thread prior off")
    assert "Thread prior: off" in (off.reports_dir / "evaluation.html").read_text(encoding="utf-8")
    assert model_evaluation.evaluation_is_stale(on, {"model_version": "m1"})
    assert not model_evaluation.evaluation_is_stale(off, {"model_version": "m1"})
    text, _paths = model_evaluation.evaluate_model(on)
    assert seen[-1] is None and not text.startswith("thread prior off")
    assert not model_evaluation.evaluation_is_stale(on, {"model_version": "m1"})
    assert model_evaluation.evaluation_is_stale(off, {"model_version": "m1"})


def test_evaluate_keys_the_page_on_the_callers_model_without_reloading_it(faked_evaluation, monkeypatch) -> None:
    """Regression: evaluate_model unpickled the run model (~0.3 s) only to read the metadata
    that run_pipeline and the flow already held."""
    from discourse import model_evaluation

    _seen, _on, off = faked_evaluation
    monkeypatch.setattr(model_evaluation, "load_model", lambda settings: pytest.fail("model reloaded"))
    model_evaluation.evaluate_model(off, {"model_version": "m2"})
    assert model_evaluation.evaluation_is_stale(off, {"model_version": "m1"})
    assert not model_evaluation.evaluation_is_stale(off, {"model_version": "m2"})


# --- which label rows name an ingested post ------------------------------------------------------
def test_train_metadata_counts_matched_and_unmatched_label_rows(authored_csv, labels_dir, posts) -> None:
    _, meta = train_model(authored_csv, labels_dir, posts=posts, cv_folds=0)
    # Rows th/0 and th/1 match; other/9 does not; th/2 has no stance, so it is not a label row.
    assert (meta["labels_matched"], meta["labels_unmatched"], meta["n_user_labels"]) == (2, 1, 2)
    [listed] = meta["labels_unmatched_listed"]
    assert (listed["label_file"], listed["thread_id"], listed["post_ids"]) == ("user-1.csv", "other", ["9"])
    assert json.loads(json.dumps(meta))["labels_dir"] == str(labels_dir)
    _, authored_only = train_model(authored_csv, cv_folds=0)
    assert (authored_only["labels_matched"], authored_only["labels_unmatched"]) == (0, 0)


def _renamed_labels(folder: Path, thread_id: str, n: int) -> Path:
    folder.mkdir(exist_ok=True)
    pl.DataFrame({"thread_id": [thread_id] * n, "post_id": [str(i % 3) for i in range(n)],
                  "stance": ["pro_us"] * n}).write_csv(folder / "user-renamed.csv")
    return folder


def test_train_refuses_labels_that_match_no_post_and_names_the_nearest_thread(authored_csv, posts, tmp_path) -> None:
    """Regression (issue 15): 53 label rows under a slightly different thread id were dropped
    silently and the model trained on the authored set alone."""
    from discourse.labels import LabelMatchError

    posts = posts.with_columns(thread_id=pl.lit("seato-debate"))
    folder = _renamed_labels(tmp_path / "renamed", "seato-debate-page1", 53)
    with pytest.raises(LabelMatchError, match="none of the 53 label row") as info:
        train_model(authored_csv, folder, posts=posts, cv_folds=0)
    assert str(folder) in str(info.value)
    assert "thread seato-debate-page1 (53 row(s), post id(s) 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, …)" in str(info.value)
    assert "nearest: seato-debate" in str(info.value)
    assert info.value.match.n_matched == 0
    with pytest.raises(LabelMatchError, match="holds no label rows"):
        train_model(authored_csv, tmp_path / "empty", posts=posts, cv_folds=0)
    with pytest.raises(LabelMatchError, match="no posts are ingested"):
        train_model(authored_csv, folder, posts=posts.head(0), cv_folds=0)


@pytest.fixture
def train_cli(tmp_path, authored_csv, posts, monkeypatch):
    """``discourse train`` arguments over a processed folder holding ``posts`` (the small
    authored set stands in for the shipped one, so training takes a moment)."""
    from ingest_util import store_tables

    monkeypatch.setattr(train, "authored_path", lambda: authored_csv)
    processed = tmp_path / "processed"
    store_tables(processed, {"posts": posts})
    return ["--processed-dir", str(processed), "--models-dir", str(tmp_path / "models")]


def test_train_cli_reports_the_label_match(train_cli, labels_dir, tmp_path, capsys) -> None:
    from discourse.cli import main

    assert main(["train", "--labels", str(labels_dir), *train_cli]) == 0
    out = capsys.readouterr().out
    assert f"labels: 2 of 3 label row(s) in {labels_dir} matched an ingested post; 1 did not" in out
    assert "user-1.csv: thread other (1 row(s), post id(s) 9): no ingested thread of this id" in out
    assert "(2 from labels)" in out
    side = json.loads((tmp_path / "models" / "stance.json").read_text())
    assert (side["labels_matched"], side["labels_unmatched"], side["n_user_labels"]) == (2, 1, 2)


def test_train_cli_exits_2_when_no_label_row_matches(train_cli, tmp_path, capsys) -> None:
    from discourse.cli import main

    folder = _renamed_labels(tmp_path / "renamed", "th-2024", 5)
    assert main(["train", "--labels", str(folder), *train_cli]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"discourse: error: none of the 5 label row(s) in {folder} matched an ingested post")
    assert "thread th-2024 (5 row(s)" in err and "nearest: th" in err and "Traceback" not in err
    assert not (tmp_path / "models" / "stance.joblib").exists()
    assert main(["train", "--labels", str(tmp_path / "missing"), *train_cli]) == 2
    assert "holds no label rows" in capsys.readouterr().err


def test_label_sample_weight_balances_user_labels_and_leaves_authored_rows_at_one() -> None:
    frame = pl.DataFrame({
        "stance": ["pro_us", "none", "none", "none", "pro_us", "none"],
        "origin": ["authored", "authored", "label", "label", "label", "label"],
    })
    weight = train.label_sample_weight(frame, 2.0)
    assert weight[:2].tolist() == [1.0, 1.0]
    # 4 labels, 2 classes: none (3 rows) weighs 2 * 4/6, pro_us (1 row) 2 * 4/2; each class totals 4.
    assert weight[2:].tolist() == pytest.approx([4 / 3, 4 / 3, 4.0, 4 / 3])
    assert train.label_sample_weight(frame.filter(pl.col("origin") == "authored")) is None
    with pytest.raises(ValueError):
        train.label_sample_weight(frame, -1.0)


def test_label_weight_reaches_the_fit_and_the_model_version(authored_csv, labels_dir, posts) -> None:
    one, meta_one = train_model(authored_csv, labels_dir, posts=posts, cv_folds=0, label_weight=1.0)
    many, meta_many = train_model(authored_csv, labels_dir, posts=posts, cv_folds=0, label_weight=20.0)
    assert meta_one["label_weight"] == 1.0 and meta_many["label_weight"] == 20.0
    assert meta_one["model_version"] != meta_many["model_version"]
    assert not np.allclose(one.linear_.coef_, many.linear_.coef_)


def test_a_run_knows_its_model_version_without_loading_it_until_the_model_changes(
    authored_csv, tmp_path, monkeypatch
) -> None:
    """Regression: a run with nothing to do imported scikit-learn and unpickled the model only
    to read its version (about 1 s of every no-change run)."""
    from discourse import models
    from discourse.config import Settings

    assert train.sidecar_path(Path(train.MODEL_FILE)).name == models.SIDECAR_FILE
    monkeypatch.setattr(train, "authored_path", lambda: authored_csv)  # a small set: quick to train
    folder = tmp_path / "models"
    settings = Settings.default(tmp_path, models_dir=folder)
    assert models.known_model_version(settings) is None  # never resolved here yet
    _model, metadata = models.load_model(settings)
    assert models.known_model_version(settings) == metadata["model_version"]
    sidecar = folder / models.SIDECAR_FILE
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace('"n_training"', '"n_training" '), encoding="utf-8")
    assert models.known_model_version(settings) is None  # the saved model changed: load it to know


def test_default_model_builds_the_training_rows_once(authored_csv, tmp_path, monkeypatch) -> None:
    """Regression: default_model built the training frame to hash it, then train_model built it
    again to fit."""
    calls = []
    real = train._training_rows
    monkeypatch.setattr(train, "_training_rows", lambda *args: calls.append(1) or real(*args))
    _model, metadata = train.default_model(tmp_path / "models", authored_csv)  # nothing saved: trains
    assert len(calls) == 1 and metadata["n_training"] > 0
    train.default_model(tmp_path / "models", authored_csv)  # saved and current: loads
    assert len(calls) == 2


def test_model_metadata_comes_from_the_sidecar_without_loading_the_model(authored_csv, tmp_path, monkeypatch) -> None:
    """``discourse report`` needs the model's metadata for the page header, not the model."""
    from discourse import models
    from discourse.config import Settings

    monkeypatch.setattr(train, "authored_path", lambda: authored_csv)
    settings = Settings.default(tmp_path, models_dir=tmp_path / "models")
    _model, metadata = models.load_model(settings)
    monkeypatch.setattr(models, "load_model", lambda settings: pytest.fail("model loaded"))
    assert models.model_metadata(settings)["model_version"] == metadata["model_version"]


def test_run_after_train_reads_the_trained_models_arrays_without_unpickling(
    tmp_path, authored_csv, labels_dir, posts, monkeypatch
) -> None:
    """``discourse train`` records the version the next run resolves, so that run reads the
    user-labelled model's arrays at once (no unpickling, no scikit-learn)."""
    import joblib
    from ingest_util import store_tables

    from discourse import models
    from discourse.config import Settings
    from discourse.stance.linear import LinearStance

    monkeypatch.setattr(train, "authored_path", lambda: authored_csv)
    settings = Settings.default(tmp_path, labels_dir=labels_dir, models_dir=tmp_path / "models",
                                processed_dir=tmp_path / "processed")
    store_tables(settings.processed_dir, {"posts": posts})
    metadata = models.train_and_save(settings)
    assert metadata["n_user_labels"] == 2
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled"))
    model, loaded = models.load_model(settings)
    assert isinstance(model, LinearStance) and model.model_version_ == metadata["model_version"]
    assert loaded["model_version"] == metadata["model_version"] and loaded["n_user_labels"] == 2
