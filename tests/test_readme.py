"""The README stays true: every table column and every command it must document is there."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from discourse import schema
from discourse.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_every_column_of_every_table_is_documented(table):
    missing = [c for c in schema.TABLES[table] if f"`{c}`" not in README]
    assert not missing, f"README does not document {table} columns {missing}"


def test_every_cli_command_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name in commands:
        assert re.search(rf"discourse {name}\b", README), name


def test_the_two_setup_commands_exist_and_ci_calls_the_test_one():
    assert "scripts/run" in README and "scripts/test" in README
    assert (ROOT / "scripts" / "run").stat().st_mode & 0o111
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
