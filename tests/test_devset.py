"""The real development set's manifest, text check, rebuild and evaluation.

Texts here are authored stand-ins written for the tests; the real texts are never committed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from discourse import devset
from discourse.stance.devset_eval import evaluate_devset

# Authored stand-ins, one page of three posts and a single letter.
PAGE = "https://forum.example/threads/alignment.1/"
LETTER = "https://paper.example/letters/42"
TEXTS = {
    "f001": "We should have gone with Moscow in 1950.\nThe Americans dropped us every time.",
    "f002": "Neither bloc deserved our loyalty; balance was the wiser road.",
    "f003": "Does anyone know when the treaty was signed?",
    "p001": "Sir, the Washington tie built our dams and our air force. It was the right call.",
}
LABELS = {
    "f001": ("pro_ussr", "negative"),
    "f002": ("neutralist", "neutral"),
    "f003": ("none", "neutral"),
    "p001": ("pro_us", "positive"),
}


def write_set(root: Path, texts: dict[str, str] = TEXTS) -> Path:
    """Write a manifest for :data:`TEXTS` under ``root/labels`` and the texts beside it."""
    labels = root / "labels"
    folder = devset.devset_dir(labels)
    folder.mkdir(parents=True)
    rows = []
    for position, item in enumerate(["f001", "f002", "f003"]):
        rows.append((item, PAGE, position, "forum_post", "pakistani"))
    rows.append(("p001", LETTER, 0, "letter", "pakistani"))
    with (folder / devset.MANIFEST_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(devset.MANIFEST_COLUMNS)
        for item, url, position, kind, voice in rows:
            text = TEXTS[item]
            writer.writerow([item, url, position, kind, voice, devset.text_hash(text),
                             len(devset.normalise(text)), *LABELS[item], "test", "authored stand-in"])
    target = devset.texts_dir(labels)
    target.mkdir(parents=True)
    for item, text in texts.items():
        (target / f"{item}.txt").write_text(text, encoding="utf-8")
    return labels


def test_hash_ignores_line_breaks_and_spacing():
    assert devset.text_hash("a  b\nc ") == devset.text_hash("a b c")
    assert devset.text_hash("a b c") != devset.text_hash("a b d")
    assert len(devset.text_hash("x")) == devset.HASH_CHARS


def test_check_reports_missing_and_altered_texts(tmp_path):
    labels = write_set(tmp_path, {"f001": TEXTS["f001"], "f002": "edited by hand", "p001": TEXTS["p001"]})
    check = devset.check_texts(devset.read_manifest(labels), devset.texts_dir(labels))
    assert check.present == ["f001", "p001"]
    assert check.missing == ["f003"]
    assert [item for item, _, _ in check.mismatched] == ["f002"]
    assert not check.complete


def test_load_without_texts_is_empty_not_an_error(tmp_path):
    labels = write_set(tmp_path, {})
    frame, check = devset.load_devset(labels)
    assert frame.is_empty() and len(check.missing) == 4


def test_manifest_with_unknown_label_is_rejected(tmp_path):
    labels = write_set(tmp_path)
    path = devset.devset_dir(labels) / devset.MANIFEST_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("pro_ussr", "pro_soviet"), encoding="utf-8")
    with pytest.raises(ValueError, match="pro_soviet"):
        devset.read_manifest(labels)


def test_find_text_recovers_a_post_from_page_lines():
    page = "Menu\nLogin\n" + TEXTS["f001"] + "\nReply\n" + TEXTS["f002"] + "\nShare"
    blocks = devset.page_blocks(page)
    found = devset.find_text(blocks, devset.text_hash(TEXTS["f001"]), len(devset.normalise(TEXTS["f001"])))
    assert devset.normalise(found) == devset.normalise(TEXTS["f001"])
    assert devset.find_text(blocks, "0" * 16, 40) is None


def test_rebuild_writes_only_verified_texts(tmp_path):
    labels = write_set(tmp_path, {"f001": TEXTS["f001"]})
    pages = tmp_path / "pages"
    pages.mkdir()
    # The forum page is saved (with chrome around the posts); the letter's page is unreachable.
    saved = "Home\n" + "\n\n".join(TEXTS[i] for i in ("f001", "f002", "f003")) + "\nFooter"
    (pages / f"{devset.saved_page_name(PAGE)}.txt").write_text(saved, encoding="utf-8")
    manifest = devset.read_manifest(labels)
    result = devset.rebuild_texts(manifest, devset.texts_dir(labels), pages_dir=pages, fetch=None)
    assert sorted(result["written"]) == ["f002", "f003"]
    assert result["unreachable"] == ["p001"]
    assert devset.check_texts(manifest, devset.texts_dir(labels)).missing == ["p001"]


class _KeywordModel:
    """A stand-in fitted model: a fixed keyword decides the stance (for the plumbing only)."""

    classes_ = np.array(["neutralist", "none", "pro_us", "pro_ussr"])
    model_version_ = "keyword-test"

    def predict_explained(self, texts, top_k=3, groups=None):
        labels, rows = [], []
        for text in texts:
            lower = text.lower()
            label = ("pro_ussr" if "moscow" in lower else "pro_us" if "washington" in lower
                     else "neutralist" if "bloc" in lower else "none")
            labels.append(label)
            rows.append([0.9 if c == label else 0.1 / 3 for c in self.classes_])
        return labels, np.array(rows), [[] for _ in texts]


def test_evaluation_scores_all_texts_and_forum_posts_apart(tmp_path):
    labels = write_set(tmp_path)
    frame, check = devset.load_devset(labels)
    assert check.complete
    second = pl.DataFrame({"item_id": ["f001", "f002"], "stance": ["pro_ussr", "none"],
                           "sentiment": ["negative", "neutral"], "annotator": ["b", "b"]})
    result = evaluate_devset(frame, _KeywordModel(), second)
    assert result["n"] == 4 and result["n_pages"] == 2
    assert result["all"]["stance"]["model"]["macro_f1"] == pytest.approx(1.0)
    assert result["forum"]["n"] == 3
    assert result["all"]["stance"]["intervals"]["unit"] == "cluster"
    assert result["second_annotation"]["stance"]["agreement"] == pytest.approx(0.5)
    assert "text" not in result["items"][0]


def test_evaluation_without_texts_says_not_present(tmp_path):
    labels = write_set(tmp_path, {})
    frame, _ = devset.load_devset(labels)
    assert evaluate_devset(frame, _KeywordModel()) == {"present": False}


def test_marked_quote_is_not_scored_as_the_replier_words(tmp_path):
    texts = dict(TEXTS)
    texts["f002"] = "Someone said:\nWe should have gone with Moscow.\nClick to expand...\nNo idea, honestly."
    labels = write_set(tmp_path)
    folder = devset.texts_dir(labels)
    (folder / "f002.txt").write_text(texts["f002"], encoding="utf-8")
    manifest_path = devset.devset_dir(labels) / devset.MANIFEST_FILE
    manifest = pl.read_csv(manifest_path, infer_schema=False).with_columns(
        pl.when(pl.col("item_id") == "f002").then(pl.lit(devset.text_hash(texts["f002"])))
        .otherwise(pl.col("sha256")).alias("sha256"))
    manifest.write_csv(manifest_path)
    frame, _ = devset.load_devset(labels)
    items = {row["item_id"]: row for row in evaluate_devset(frame, _KeywordModel())["items"]}
    assert items["f002"]["predicted"] == "none"


def test_cli_check_names_missing_texts_and_exits_1(tmp_path, capsys):
    from discourse.cli import main

    labels = write_set(tmp_path, {"f001": TEXTS["f001"]})
    assert main(["devset", "check", "--labels-dir", str(labels)]) == 1
    out = capsys.readouterr().out
    assert "1 of 4 texts present" in out and "3 missing" in out


def test_cli_rebuild_from_saved_pages_without_network(tmp_path, capsys):
    from discourse.cli import main

    labels = write_set(tmp_path, {})
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / f"{devset.saved_page_name(PAGE)}.html").write_text(
        "<html><body>" + "".join(f"<p>{TEXTS[i]}</p>" for i in ("f001", "f002", "f003")) + "</body></html>",
        encoding="utf-8")
    (pages / f"{devset.saved_page_name(LETTER)}.txt").write_text(TEXTS["p001"], encoding="utf-8")
    assert main(["devset", "rebuild", "--labels-dir", str(labels), "--pages", str(pages), "--no-fetch"]) == 0
    assert devset.check_texts(devset.read_manifest(labels), devset.texts_dir(labels)).complete


def test_cli_without_manifest_is_a_usage_error(tmp_path):
    from discourse.cli import main

    (tmp_path / "labels").mkdir()
    assert main(["devset", "check", "--labels-dir", str(tmp_path / "labels")]) == 2


def test_evaluation_lines_headline_the_devset_or_say_it_is_absent(tmp_path):
    from discourse.model_evaluation import format_evaluation
    from discourse.stance.evaluate import evaluate_devset_labels

    labels = write_set(tmp_path)
    present = evaluate_devset_labels(labels, _KeywordModel())
    lines = format_evaluation({"devset": present, "cv": None}).splitlines()
    assert lines[0].startswith("real development set, all texts (n=4, 2 pages): macro-F1 1.000")
    for path in devset.texts_dir(labels).glob("*.txt"):
        path.unlink()
    absent = evaluate_devset_labels(labels, _KeywordModel())
    assert absent["present"] is False
    assert "real development set: not present" in format_evaluation({"devset": absent, "cv": None})


def test_rebuilt_texts_refresh_the_evaluation_key(tmp_path):
    from discourse.model_evaluation import _evaluation_inputs

    labels = write_set(tmp_path, {"f001": TEXTS["f001"]})
    before = _evaluation_inputs(labels)
    (devset.texts_dir(labels) / "f002.txt").write_text(TEXTS["f002"], encoding="utf-8")
    assert len(_evaluation_inputs(labels)) == len(before) + 1


def test_figures_on_part_of_the_set_say_how_many_texts_they_cover(tmp_path):
    """Guards against a partly rebuilt set being reported as if it were the whole set."""
    from discourse.model_evaluation import format_evaluation
    from discourse.report.evaluation import _devset
    from discourse.stance.evaluate import evaluate_devset_labels

    labels = write_set(tmp_path, {k: v for k, v in TEXTS.items() if k != "f003"})
    (devset.texts_dir(labels) / "f002.txt").write_text("Another text altogether.", encoding="utf-8")
    partial = evaluate_devset_labels(labels, _KeywordModel())
    expected = "figures on 2 of 4 texts (1 missing, 1 differing from the manifest)"
    lines = format_evaluation({"devset": partial, "cv": None}).splitlines()
    assert expected in lines[0]
    assert lines[1].startswith("real development set, all texts (n=2,")
    headline = next(s for s in _devset({"devset": partial}) if s.key == "devset")
    assert any(expected in note for note in headline.notes)

    whole = evaluate_devset_labels(write_set(tmp_path / "whole"), _KeywordModel())
    assert "figures on" not in format_evaluation({"devset": whole, "cv": None})
    assert devset.incomplete_note(whole["texts"]) is None


def test_rebuild_finds_a_text_that_shares_its_lines_with_other_words(tmp_path):
    """Guards the span fallback: page copies often run a list number, a salutation or a
    signature into the first or last line of a text, which no run of whole lines matches."""
    labels = write_set(tmp_path, {})
    pages = tmp_path / "pages"
    pages.mkdir()
    first, second = TEXTS["f001"].split("\n")
    page = (f"Thread title\n1. {first}\n{second} Reply Quote\n"
            f"2.{TEXTS['f002']}\n{TEXTS['f003']}\n")
    (pages / f"{devset.saved_page_name(PAGE)}.txt").write_text(page, encoding="utf-8")
    manifest = devset.read_manifest(labels)
    result = devset.rebuild_texts(manifest, devset.texts_dir(labels), pages_dir=pages, fetch=None)
    assert sorted(result["written"]) == ["f001", "f002", "f003"]
    rebuilt = (devset.texts_dir(labels) / "f001.txt").read_text(encoding="utf-8")
    assert rebuilt == TEXTS["f001"]  # the line break inside the text is kept
    assert devset.find_span(page, "0" * 16, 40) is None
    assert devset.find_text(devset.page_blocks(page), devset.text_hash(TEXTS["f001"]),
                            len(devset.normalise(TEXTS["f001"]))) is None
