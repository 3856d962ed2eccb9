"""Text preparation shared by sentiment and stance: normalise, split sentences, tokenise, negate.

All functions are pure and need no downloaded data. Sentence splitting is a small rule-based
splitter rather than a trained Punkt model: forum posts break lines as sentence boundaries
(bullet lists, one-line replies) and abbreviations such as "U.S." and "U.S.S.R." must not end a
sentence, which a fixed abbreviation list handles predictably and about ten times faster.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from discourse import kernels
from discourse.fastpaths import negation_flags

# Curly quotes and dashes are folded so patterns need one spelling only.
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u00a0": " ",
        "\u200b": "",
    }
)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

#: Tokens after which a full stop does not end a sentence (lower case, without the final dot).
ABBREVIATIONS: frozenset[str] = frozenset(
    "u.s u.s.a u.s.s.r u.k u.n mr mrs ms dr prof gen lt col maj capt sgt st vs etc e.g i.e "
    "approx no jan feb mar apr jun jul aug sep sept oct nov dec govt dept jr sr cf".split()
)
# A candidate boundary: end punctuation, optional closing quotes/brackets, then white space.
_BOUNDARY = re.compile(r"""([.!?]+)(["')\]]*)\s+(?=["'(\[]?[A-Z0-9])""")

# Order matters: dotted abbreviations, words (with inner apostrophes or hyphens), emoticons,
# then any other single non-space character.
_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}[A-Za-z]?"
    r"|\w+(?:['-]\w+)*"
    r"|[:;=][-']?[()DPp]+"
    r"|[^\w\s]"
)


def normalise_text(text: str | None) -> str:
    """Return ``text`` NFKC-normalised, quotes/dashes folded, runs of spaces collapsed.

    Line breaks are kept (they separate sentences in forum posts); ``None`` becomes ``""``.
    """
    if not text:
        return ""
    if not text.isascii():  # ASCII is NFKC-stable and holds none of the folded characters
        text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Collapsing never touches a line break, so it can run once over the whole text; it changes
    # nothing when every run of spaces is a single plain space.
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _last_word(line: str, start: int, end: int) -> str:
    """Return the run of word characters and dots that ends ``line[start:end]`` ("" if none).

    The same as searching ``line[start:end]`` for ``[\\w.]+$``, read backwards from the end; a
    word character is one that ``str.isalnum()`` accepts, or the underscore.
    """
    i = end
    while i > start:
        char = line[i - 1]
        if not (char == "." or char == "_" or char.isalnum()):
            break
        i -= 1
    return line[i:end]


def python_split_line(line: str) -> list[str]:
    """The sentences of one normalised line (no line break): the splitter's rule in Python.

    The reference for the compiled ``split_line`` of :mod:`discourse._kernels`, which
    :func:`split_sentences` uses when it is built (``tests/test_kernels.py`` compares the two).
    """
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if match.group(1) == ".":
            word = _last_word(line, start, match.start()).lower().rstrip(".")
            if word in ABBREVIATIONS or len(word) == 1 and word.isalpha():
                continue  # "U.S. Army", "Gen. Ayub", an initial like "A. Khan"
        end = match.start() + len(match.group(1)) + len(match.group(2))
        piece = line[start:end].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _split_line(line: str) -> list[str]:
    """The sentences of one normalised line, by the compiled kernel when it is built."""
    compiled = kernels.compiled
    if compiled is not None:
        return compiled.split_line(line, ABBREVIATIONS)
    return python_split_line(line)


@lru_cache(maxsize=65536)
def _split_cached(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in normalise_text(text).split("\n"):
        if line:
            out.extend(_split_line(line))
    return tuple(out)


def split_sentences(text: str | None) -> list[str]:
    """Split ``text`` into sentences: at line breaks and at ``.!?`` before a capital or digit.

    A full stop after a known abbreviation (``U.S.``, ``Gen.``) or a single initial does not
    split. Empty input gives ``[]``.
    """
    if not text:
        return []
    return list(_split_cached(text))


def tokenize(text: str | None, *, lower: bool = True) -> list[str]:
    """Return word, abbreviation, emoticon and punctuation tokens of ``text``.

    "U.S.A." and "didn't" stay single tokens; lower-cased unless ``lower=False``. By the
    compiled kernel when it is built, else :func:`python_tokenize`.
    """
    if not text:
        return []
    compiled = kernels.compiled
    if compiled is not None:
        return compiled.tokenize(text, lower)
    return python_tokenize(text, lower=lower)


def python_tokenize(text: str, *, lower: bool = True) -> list[str]:
    """:func:`tokenize` by ``_TOKEN.findall``: the reference of the compiled ``tokenize``.

    The kernel walks the text once, taking at each position the first alternative of
    ``_TOKEN`` that matches, as ``re`` does; each alternative can match in one way only, so
    no backtracking is needed. A run of letter-and-dot pairs is taken whole, then at most one
    letter; ``\\w+`` takes every word character, and each ``['-]\\w+`` that follows is taken
    only when a word character comes after the mark; an emoticon's optional nose is taken only
    when a mouth follows it (without the nose the mark itself would have to be a mouth); any
    other character but white space is a token of its own.
    """
    if lower and text.isascii() and "D" not in text:
        # Lower-casing ASCII first gives the same tokens: every alternative of the pattern
        # treats both cases alike except the emoticon mouth "D" (":D"), excluded here.
        return _TOKEN.findall(text.lower())
    tokens = _TOKEN.findall(text)
    return [t.lower() for t in tokens] if lower else tokens


def mark_negated(tokens: list[str]) -> list[str]:
    """Append ``_NEG`` to tokens in the scope of a negation (NLTK's ``mark_negation``).

    The scope runs from "not"/"never"/"-n't" words to the next ``. : ; ! ?``; a doubled
    negation cancels. Same output as ``mark_negation(tokens, double_neg_flip=True)``. Returns a
    new list; the input is not modified.
    """
    return [t + "_NEG" if f else t for t, f in zip(tokens, negation_flags(tokens), strict=True)]


def is_negated(token: str) -> bool:
    """Return True if ``token`` was marked by :func:`mark_negated`."""
    return token.endswith("_NEG")


def strip_negation(token: str) -> str:
    """Return ``token`` without a ``_NEG`` mark."""
    return token[:-4] if token.endswith("_NEG") else token
