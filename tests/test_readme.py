"""The README and the docs stay true: columns, commands, options and links match the code and the files."""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT
from discourse import schema
from discourse.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLES_DOC = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
DOCS = sorted([ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").glob("*.md")])

# Options every command takes; the README's synopsis lists them once, on its "every command" line.
COMMON_OPTIONS = {"--root", "--processed-dir"}


def leaf_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """Yield (command words, parser) for every runnable command, e.g. (("label", "export"), p)."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield prefix, parser
        return
    for name, sub in subparsers[0].choices.items():
        yield from leaf_commands(sub, (*prefix, name))


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every long option of a parser except --help."""
    return {o for a in parser._actions if not isinstance(a, argparse._HelpAction) for o in a.option_strings}


def synopsis_entries(text: str) -> dict[str, str]:
    """The README's command synopsis: command words -> the options text of its (wrapped) entry."""
    block = re.search(r"## Command line\n\n```\n(.*?)```", text, re.S)
    assert block, "README has no command synopsis block under '## Command line'"
    entries: dict[str, str] = {}
    current = None
    for line in block.group(1).splitlines():
        if line.startswith("discourse "):
            words = re.match(r"discourse ((?:[a-z]+ ?)+)", line).group(1).split()
            words = [w for w in words if w.isalpha()]
            current = " ".join(words)
            entries[current] = line
        elif line.startswith(" ") and current:
            entries[current] += " " + line.strip()
        else:
            current = None
            if line.startswith("every command also takes:"):
                entries["<common>"] = line
    return entries


def table_section(table: str) -> str:
    """The part of docs/tables.md that documents a table: its own section, or its row of a table."""
    section = re.search(rf"^## `{table}`.*?(?=^## |\Z)", TABLES_DOC, re.M | re.S)
    if section:
        return section.group(0)
    row = re.search(rf"^\| `{table}` \|.*$", TABLES_DOC, re.M)
    assert row, f"docs/tables.md has no section or row for table {table}"
    return row.group(0)


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_every_column_of_every_table_is_documented_in_its_section(table):
    section = table_section(table)
    missing = [c for c in schema.TABLES[table] if f"`{c}`" not in section]
    assert not missing, f"docs/tables.md does not document {table} columns {missing}"


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_readme_names_every_table_and_links_the_columns_page(table):
    assert f"`{table}`" in README
    assert "(docs/tables.md)" in README


def test_every_cli_command_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for name in commands:
        assert re.search(rf"discourse {name}\b", README), name


def test_readme_synopsis_lists_exactly_the_options_of_every_command():
    entries = synopsis_entries(README)
    common = set(re.findall(r"--[a-z][a-z-]*", entries.get("<common>", "")))
    assert common == COMMON_OPTIONS, f"the 'every command also takes' line lists {common}"
    leaves = dict(leaf_commands(build_parser()))
    assert set(entries) - {"<common>"} == {" ".join(words) for words in leaves}
    for words, parser in leaves.items():
        options = option_strings(parser)
        assert COMMON_OPTIONS <= options, f"discourse {' '.join(words)} lacks a common option"
        listed = set(re.findall(r"--[a-z][a-z-]*", entries[" ".join(words)]))
        assert listed == options - COMMON_OPTIONS, (
            f"discourse {' '.join(words)}: README lists {sorted(listed)}, --help has {sorted(options - COMMON_OPTIONS)}"
        )


def anchors_of(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces turned into hyphens."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), re.M):
        slug = "".join(ch for ch in heading.lower() if ch in " -_" or unicodedata.category(ch)[0] in "LN")
        anchors.add(slug.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(doc: Path):
    text = doc.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md" and anchor not in anchors_of(file.read_text(encoding="utf-8")):
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)} links to missing files or anchors: {broken}"


def test_readme_links_every_docs_page():
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{page.name}" in README, f"README does not link docs/{page.name}"
    assert "(bench/README.md)" in README


def test_the_two_setup_commands_exist_and_ci_calls_the_test_one():
    assert "scripts/run" in README and "scripts/test" in README
    assert (ROOT / "scripts" / "run").stat().st_mode & 0o111
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
