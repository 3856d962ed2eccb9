"""The schema module: the one conform, and the one place where column names are spelled."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest

from discourse import schema

SRC = Path(schema.__file__).parent

def _posts() -> pl.DataFrame:
    return schema.conform(
        pl.DataFrame({"thread_id": ["t", "t"], "post_id": ["a", "b"], "position": [0, 1], "author": ["Ana", None]}),
        schema.POSTS,
    )


def test_conform_returns_a_frame_that_already_conforms_itself():
    posts = _posts()
    assert schema.conform(posts, schema.POSTS) is posts


def test_conform_reorders_casts_and_adds_missing_columns():
    posts = _posts()
    shuffled = posts.select(reversed(posts.columns)).with_columns(pl.col("position").cast(pl.Int32))
    fixed = schema.conform(shuffled.drop("author_meta"), schema.POSTS)
    assert fixed.columns == list(schema.POSTS) and fixed.schema["position"] == pl.Int64
    assert fixed.equals(posts)


def test_conform_drops_extra_columns_without_a_cast():
    posts = _posts().with_columns(pl.lit(1).alias("extra"))
    assert schema.conform(posts, schema.POSTS).equals(_posts())


def test_conform_columns_keeps_only_those_in_their_order():
    posts = _posts()
    picked = schema.conform(posts, schema.POSTS, columns=["position", "thread_id", "reply_to"])
    assert picked.columns == ["position", "thread_id", "reply_to"]
    assert picked.schema["reply_to"] == pl.String and picked["reply_to"].null_count() == 2


def test_conform_of_a_lazy_frame_is_the_same_select():
    raw = pl.DataFrame({"thread_id": ["t"], "position": [3]}).with_columns(pl.col("position").cast(pl.Int32))
    lazy = schema.conform(raw.lazy(), schema.POSTS)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(schema.conform(raw, schema.POSTS))


def test_conform_refuses_a_value_it_cannot_cast():
    with pytest.raises(pl.exceptions.InvalidOperationError):
        schema.conform(pl.DataFrame({"position": ["not a number"]}), schema.POSTS)


def test_every_column_name_is_a_constant_and_table_groups_name_tables():
    constants = {value for name, value in vars(schema).items() if name.isupper() and isinstance(value, str)}
    columns = {column for table in schema.TABLES.values() for column in table} | set(schema.LABELS)
    assert columns <= constants, sorted(columns - constants)
    assert schema.TABLE_NAMES == tuple(schema.TABLES)
    for group in (schema.INGEST_TABLES, schema.METRIC_TABLES, schema.ANALYSIS_TABLES):
        assert set(group) <= set(schema.TABLE_NAMES)


def _guarded(path: Path) -> bool:
    """Every module but schema.py, where the names are spelled."""
    return path.relative_to(SRC).as_posix() != "schema.py"


def _spelled_columns(path: Path, columns: set[str]) -> list[str]:
    """``pl.col("<column>")`` calls in ``path`` whose literal is a schema column name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "col"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "pl"
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and arg.value in columns:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: pl.col({arg.value!r})")
    return sorted(found, key=lambda hit: int(hit.split(":")[1]))


def test_no_module_spells_a_column_name_in_pl_col():
    """Regression guard for the schema docstring's claim (issue 16): columns come from schema."""
    columns = {column for table in schema.TABLES.values() for column in table} | set(schema.LABELS)
    spelled = [hit for path in sorted(SRC.rglob("*.py")) if _guarded(path) for hit in _spelled_columns(path, columns)]
    assert not spelled, "use the schema constants:\n" + "\n".join(spelled)
