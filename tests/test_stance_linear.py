"""LinearStance: prediction without scikit-learn gives scikit-learn's numbers, bit for bit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from test_stance_examples import texts_and_labels

from discourse.stance.linear import ArraysError, LinearStance, as_texts, load_arrays, save_arrays
from discourse.stance.model import StanceClassifier


def probe_texts() -> list[str]:
    """Authored posts plus variants the training set never saw (long ones are segmented)."""
    texts, _ = texts_and_labels()
    long_post = " ".join(texts[:12])  # more sentences than segment_sentences: scored in segments
    return texts + [long_post, "", "Ok.", "Washington and Moscow, Moscow and Washington!"]


def sklearn_proba(model: StanceClassifier, texts: list[str]) -> np.ndarray:
    """What scikit-learn's own estimators give for the segment features of ``texts``."""
    linear = model.linear()
    segments, starts = linear.segments(as_texts(texts))
    features = linear.features(segments)
    estimator = model.calibrator_ if model.calibrator_ is not None else model.linear_
    return linear.aggregate(estimator.predict_proba(features), starts)


@pytest.fixture(scope="module")
def calibrated() -> StanceClassifier:
    texts, labels = texts_and_labels()
    return StanceClassifier().fit(texts, labels)


def test_calibrated_probabilities_equal_scikit_learns_bit_for_bit(calibrated) -> None:
    texts = probe_texts()
    ours = calibrated.linear().score(texts)[0]
    assert np.array_equal(ours, sklearn_proba(calibrated, texts))


@pytest.mark.parametrize("binary", [False, True], ids=["multiclass", "binary"])
def test_uncalibrated_probabilities_equal_scikit_learns(binary: bool) -> None:
    texts, labels = texts_and_labels()
    if binary:
        labels = ["none" if label == "none" else "side" for label in labels]
    model = StanceClassifier(calibrate=False).fit(texts, labels)
    probe = probe_texts()
    assert np.array_equal(model.linear().score(probe)[0], sklearn_proba(model, probe))


def test_binary_calibrated_probabilities_equal_scikit_learns() -> None:
    texts, labels = texts_and_labels()
    labels = ["none" if label == "none" else "side" for label in labels]
    model = StanceClassifier().fit(texts, labels)
    probe = probe_texts()
    assert model.calibrator_ is not None
    assert np.array_equal(model.linear().score(probe)[0], sklearn_proba(model, probe))


def test_tfidf_rows_equal_the_vectorizer_bit_for_bit(calibrated) -> None:
    from discourse.fastpaths import tfidf_rows
    from discourse.stance.model import ngram_text

    docs = [ngram_text(t) for t in probe_texts()] + ["", "zzz unknown words only"]
    vectorizer = calibrated.vectorizer_
    expected = vectorizer.transform(docs)
    got = tfidf_rows(vectorizer.vocabulary_, vectorizer.idf_, vectorizer.ngram_range, docs)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_saved_arrays_predict_what_the_classifier_predicts(calibrated, tmp_path) -> None:
    texts = probe_texts()
    groups = [i % 7 for i in range(len(texts))]
    model = calibrated.set_params(adapt_prior=2.0, min_confidence=0.45)
    model.model_version_ = "stance-test+0"
    path = save_arrays(model.linear(), tmp_path / "stance.npz")
    loaded = load_arrays(path)
    assert loaded.model_version_ == "stance-test+0" and loaded.adapt_prior == 2.0
    expected = model.predict_explained(texts, top_k=4, groups=groups)
    got = loaded.predict_explained(texts, top_k=4, groups=groups)
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    assert got[2] == expected[2]
    assert list(loaded.classes_) == list(model.classes_)
    assert list(loaded.feature_names_) == list(model.feature_names_)
    assert loaded.vocabulary == model.vectorizer_.vocabulary_
    assert np.array_equal(loaded.predict(texts), model.predict(texts))


def test_set_params_returns_a_copy_and_refuses_fitted_settings(calibrated) -> None:
    linear = calibrated.linear()
    changed = linear.set_params(min_confidence=0.9, adapt_prior=None)
    assert changed.min_confidence == 0.9 and linear.min_confidence == calibrated.min_confidence
    assert changed.coef is linear.coef  # arrays shared, not copied
    with pytest.raises(ValueError, match="settings"):
        linear.set_params(C=1.0)


def test_damaged_or_foreign_arrays_file_is_refused(calibrated, tmp_path) -> None:
    path = save_arrays(calibrated.linear(), tmp_path / "stance.npz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArraysError):
        load_arrays(path)
    with pytest.raises(ArraysError):
        load_arrays(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", settings=np.array('{"format": 99}'))
    with pytest.raises(ArraysError, match="layout"):
        load_arrays(tmp_path / "other.npz")


def test_predicting_from_saved_arrays_never_imports_scikit_learn(calibrated, tmp_path) -> None:
    path = save_arrays(calibrated.linear(), tmp_path / "stance.npz")
    script = (
        "import sys\n"
        "from discourse.stance.linear import load_arrays\n"
        f"model = load_arrays({str(path)!r})\n"
        "labels, proba, cues = model.predict_explained(['We should have allied with the Soviets.'])\n"
        "assert len(labels) == 1 and proba.shape[0] == 1\n"
        "print(sorted(m for m in sys.modules if m == 'sklearn' or m.startswith('sklearn.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_linear_stance_is_picklable_for_dask_workers(calibrated) -> None:
    import pickle

    linear = calibrated.linear()
    copy = pickle.loads(pickle.dumps(linear))
    assert isinstance(copy, LinearStance)
    assert np.array_equal(copy.predict(["Stay neutral."]), linear.predict(["Stay neutral."]))


@pytest.mark.slow
def test_a_run_with_a_current_model_imports_neither_scikit_learn_nor_nltk(tmp_path, tiny_thread_file) -> None:
    # Guards the fixed cost of every run: importing scikit-learn and NLTK and unpickling the
    # model took about 1.5 s before any post was read.
    import shutil

    root = tmp_path / "project"
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(tiny_thread_file, raw / "first.txt")
    first = subprocess.run([sys.executable, "-m", "discourse.cli", "run", "--root", str(root), "--no-prefect"],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    shutil.copy(tiny_thread_file, raw / "second.txt")  # new work for the next run
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from discourse.config import Settings\n"
        "from discourse.pipeline import run_pipeline\n"
        f"summary = run_pipeline(Settings.default(Path({str(root)!r})))\n"
        "assert summary.ok and len(summary.processed_threads) == 1, summary\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'nltk', 'sklearn', 'joblib'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("compiled", [True, False])
def test_top_cues_are_each_rows_strongest_positive_pushes(calibrated, compiled, monkeypatch) -> None:
    # Guards the selection of a row's cues (compiled and numpy): a per-row stable sort of the
    # positive pushes, strongest first, equal pushes in stored order, at most top_k.
    from discourse import kernels

    if not compiled:
        monkeypatch.setattr(kernels, "compiled", None)
    linear = calibrated.linear()
    segments, _ = linear.segments(as_texts(probe_texts()))
    features = linear.features(segments)
    best = linear.proba_from_features(features).argmax(axis=1)
    relative = linear.relative_coef()
    expected = []
    for row in range(features.shape[0]):
        lo, hi = features.indptr[row], features.indptr[row + 1]
        push = features.data[lo:hi] * relative[best[row], features.indices[lo:hi]]
        order = [k for k in np.argsort(-push, kind="stable") if push[k] > 0][:4]
        expected.append([str(linear.feature_names_[features.indices[lo + k]]) for k in order])
    assert sum(map(len, expected)) > 3 * len(expected)  # most rows name several cues
    assert linear.top_cues(features, best, 4) == expected


@pytest.mark.parametrize("seed", range(6))
def test_best_segments_pick_what_argmax_picks_text_by_text(seed: int) -> None:
    # Guards the vectorised choice of the segment that explains a text: equal probabilities
    # (the first wins), texts of one segment, a NaN, which np.argmax picks.
    from discourse.stance.linear import best_segments

    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=40)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    seg_proba = rng.choice([0.1, 0.25, 0.25, 0.4], size=(int(sizes.sum()), 4))
    if seed == 5:
        seg_proba[3, :] = np.nan
    best = rng.integers(0, 4, size=40)
    expected = [lo + int(np.argmax(seg_proba[lo : lo + n, c])) for lo, n, c in zip(starts, sizes, best, strict=True)]
    assert best_segments(seg_proba, starts, best).tolist() == expected
