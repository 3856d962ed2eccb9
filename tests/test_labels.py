"""Export for labelling and strict, all-or-nothing label import."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from discourse import schema
from discourse.labels import LabelImportError, export_for_labelling, import_labels, write_for_labelling


@pytest.fixture
def posts() -> pl.DataFrame:
    # Authored posts (project's own words).
    texts = ["Washington over Moscow.", "Stay  neutral,\n both blocs lied.", "Nice day.", "Agreed."]
    return schema.conform(pl.DataFrame({
        "thread_id": ["t"] * 4, "post_id": ["0", "1", "2", "3"], "position": [0, 1, 2, 3],
        "text": texts, "own_text": texts,
    }), schema.POSTS)


@pytest.fixture
def classified() -> pl.DataFrame:
    return schema.conform(pl.DataFrame({
        "thread_id": ["t"] * 4, "post_id": ["0", "1", "2", "3"],
        "stance": ["pro_us", "neutralist", "none", "pro_us"], "confidence": [0.9, 0.45, 0.6, 0.3],
        "stance_source": ["model", "model", "model", "inherited"],
    }), schema.CLASSIFIED)


def test_export_least_confident(posts, classified, tmp_path: Path) -> None:
    out = export_for_labelling(posts, classified, n=2)
    assert out.columns == ["thread_id", "post_id", "excerpt", "predicted_stance", "confidence",
                           "stance", "sentiment", "annotator", "note"]
    assert out["post_id"].to_list() == ["1", "2"]  # inherited post 3 is skipped
    assert out["excerpt"][0] == "Stay neutral, both blocs lied."
    assert set(out["stance"].to_list()) == {""}
    path = write_for_labelling(out, tmp_path / "todo.csv")
    assert pl.read_csv(path).height == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_writes_one_new_file(posts, tmp_path: Path) -> None:
    labels_dir = tmp_path / "labels"
    src = _write(tmp_path / "mine.csv",
                 "thread_id,post_id,stance,sentiment,annotator,note\n"
                 "t,0,pro_us,positive,me,clear preference\n"
                 "t,1,neutralist,,me,\"says neither, stay out\"\n")
    target = import_labels(src, labels_dir, posts)
    assert target.parent == labels_dir and target.name.startswith("user-")
    frame = pl.read_csv(target, infer_schema=False)
    assert frame.columns == list(schema.LABELS)
    assert frame["note"][1] == "says neither, stay out"
    again = import_labels(src, labels_dir, posts)
    assert again != target and len(list(labels_dir.glob("*.csv"))) == 2


def test_import_rejects_every_bad_row_and_writes_nothing(posts, tmp_path: Path) -> None:
    labels_dir = tmp_path / "labels"
    src = _write(tmp_path / "bad.csv",
                 "thread_id,post_id,stance,sentiment,annotator,note\n"
                 "t,0,pro_us,positive,me,\n"        # line 2: fine
                 "t,99,pro_us,,me,\n"               # line 3: unknown post
                 "t,1,pro_soviet,,me,\n"            # line 4: bad stance
                 "t,2,none,angry,me,\n"             # line 5: bad sentiment
                 "t,0,none,,me,\n"                  # line 6: duplicate
                 ",3,none,,me,\n")                  # line 7: missing thread id
    with pytest.raises(LabelImportError) as info:
        import_labels(src, labels_dir, posts)
    lines = [line for line, _ in info.value.problems]
    assert lines == [3, 4, 5, 6, 7]
    message = str(info.value)
    assert "line 3: unknown post t/99" in message and "pro_soviet" in message and "angry" in message
    assert not labels_dir.exists() or not list(labels_dir.iterdir())


def test_import_requires_columns(posts, tmp_path: Path) -> None:
    src = _write(tmp_path / "cols.csv", "thread_id,stance\nt,none\n")
    with pytest.raises(LabelImportError, match="missing required column"):
        import_labels(src, tmp_path / "labels", posts)
    empty = _write(tmp_path / "empty.csv", "thread_id,post_id,stance\n")
    with pytest.raises(LabelImportError, match="no label rows"):
        import_labels(empty, tmp_path / "labels", posts)
