"""NLTK's VADER word lists and constants, its negation patterns and the VADER lexicon, read
without importing NLTK.

``import nltk`` runs NLTK's package ``__init__``, which imports scikit-learn and SciPy: about
1 s for every process, although scoring needs none of it. The values here are read from the
installed NLTK's own files instead: the assignments of ``VaderConstants`` in
``nltk/sentiment/vader.py`` and the ``NEGATION`` / ``CLAUSE_PUNCT`` patterns of
``nltk/sentiment/util.py`` are parsed with :mod:`ast` (each value is a literal, or a literal
naming a constant assigned before it), and the lexicon is split into lines and fields the way
``SentimentIntensityAnalyzer.make_lex_dict`` does. Nothing is copied into this project, and a
new NLTK release is read as it is. When a file does not parse as expected, NLTK itself is
imported instead (slower, same values). ``tests/test_vader_data.py`` compares every value
with NLTK's.
"""

from __future__ import annotations

import ast
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

#: The ``VaderConstants`` attributes :func:`discourse.fastpaths.vader_compound` reads.
CONSTANT_NAMES = ("B_INCR", "B_DECR", "C_INCR", "N_SCALAR", "NEGATE", "BOOSTER_DICT",
                  "SPECIAL_CASE_IDIOMS", "PUNC_LIST")


class SourceLayoutError(ValueError):
    """An NLTK source file does not hold the assignments this module reads."""


def _nltk_file(relative: str) -> Path:
    """The path of a file inside the installed NLTK package (found without importing it)."""
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise SourceLayoutError("NLTK is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _assignments(body: list[ast.stmt], names: tuple[str, ...], known: dict[str, Any]) -> dict[str, Any]:
    """Evaluate the simple assignments ``NAME = <literal>`` of ``body`` whose name is wanted.

    A value may name a constant assigned before it (``BOOSTER_DICT`` uses ``B_INCR``); nothing
    else is allowed: no calls, attributes or operators.
    """
    values = dict(known)
    found: dict[str, Any] = {}
    for node in body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if name not in names:
            continue
        found[name] = values[name] = _literal(node.value, values)
    missing = set(names) - set(found)
    if missing:
        raise SourceLayoutError(f"no assignment of {sorted(missing)}")
    return found


def _literal(node: ast.expr, names: dict[str, Any]) -> Any:
    """``ast.literal_eval`` that also accepts names of constants already read."""
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise SourceLayoutError(f"unknown name {node.id}")
        return names[node.id]
    if isinstance(node, ast.Dict):
        return {_literal(k, names): _literal(v, names) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Set):
        return {_literal(e, names) for e in node.elts}
    if isinstance(node, ast.List):
        return [_literal(e, names) for e in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e, names) for e in node.elts)
    try:
        return ast.literal_eval(node)
    except ValueError as error:
        raise SourceLayoutError(f"not a literal: {ast.dump(node)[:80]}") from error


def _parse(relative: str) -> ast.Module:
    return ast.parse(_nltk_file(relative).read_text(encoding="utf-8"))


def _read_constants() -> dict[str, Any]:
    module = _parse("sentiment/vader.py")
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name == "VaderConstants":
            return _assignments(node.body, CONSTANT_NAMES, {})
    raise SourceLayoutError("no class VaderConstants in nltk/sentiment/vader.py")


@lru_cache(maxsize=1)
def vader_constants() -> SimpleNamespace:
    """NLTK's ``VaderConstants`` values named in :data:`CONSTANT_NAMES`."""
    try:
        return SimpleNamespace(**_read_constants())
    except (OSError, SyntaxError, SourceLayoutError):
        from nltk.sentiment.vader import VaderConstants

        return SimpleNamespace(**{name: getattr(VaderConstants, name) for name in CONSTANT_NAMES})


@lru_cache(maxsize=1)
def negation_patterns() -> tuple[str, str]:
    """NLTK's ``(NEGATION, CLAUSE_PUNCT)`` patterns of ``nltk.sentiment.util`` (``mark_negation``)."""
    try:
        found = _assignments(_parse("sentiment/util.py").body, ("NEGATION", "CLAUSE_PUNCT"), {})
        return found["NEGATION"], found["CLAUSE_PUNCT"]
    except (OSError, SyntaxError, SourceLayoutError):
        from nltk.sentiment.util import CLAUSE_PUNCT, NEGATION

        return NEGATION, CLAUSE_PUNCT


def lexicon_path() -> str:
    """The path of ``vader_lexicon.txt`` inside the installed vaderSentiment package."""
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the vaderSentiment package (which ships the VADER lexicon) is not installed")
    return os.path.join(next(iter(spec.submodule_search_locations)), "vader_lexicon.txt")


@lru_cache(maxsize=1)
def vader_lexicon() -> dict[str, float]:
    """The VADER lexicon as NLTK's analyzer reads it: one ``word<TAB>mean<TAB>...`` per line."""
    text = Path(lexicon_path()).read_text(encoding="utf-8")
    lexicon: dict[str, float] = {}
    for line in text.split("\n"):
        word, measure = line.strip().split("\t")[0:2]
        lexicon[word] = float(measure)
    return lexicon
