"""The real development set: a committed manifest of public posts and a git-ignored text folder.

The texts are other people's words, so the repository holds only a manifest
(``data/labels/realdev/manifest.csv``): one row per text with the page's address, the text's
order among the texts of that page (``position``), a hash and length of the text, its kind and
the author's apparent voice, and the labels. The texts themselves live in
``data/realdev/texts/<item_id>.txt`` (git-ignored), one UTF-8 file each. :func:`check_texts`
says which are present and intact; :func:`rebuild_texts` recreates missing ones from the pages
(fetched, or saved copies) by finding the block run whose hash matches the manifest.

A second annotation (``data/labels/realdev/second.csv``: ``item_id, stance, sentiment,
annotator``) is another annotator's independent labels of a subset.

The hash is :func:`text_hash`: SHA-256 over the text with Unicode NFC and every run of white
space folded to one space, first 16 hex digits. Folding the white space lets a text extracted
from the live page with other line breaks still match.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from discourse import schema
from discourse.schema import ANNOTATOR, NOTE, POSITION, SENTIMENT, STANCE

#: The manifest's columns, in order (all text but ``position`` and ``length``).
MANIFEST_COLUMNS = (
    "item_id", "url", POSITION, "kind", "voice", "sha256", "length",
    STANCE, SENTIMENT, ANNOTATOR, NOTE,
)
SECOND_COLUMNS = ("item_id", STANCE, SENTIMENT, ANNOTATOR)
KINDS = ("forum_post", "qa_answer", "blog_comment", "news_comment", "letter", "op_ed", "blog_post")
#: Kinds that are posts in a discussion (what the tool is fed), reported apart.
FORUM_KINDS = ("forum_post", "qa_answer", "blog_comment", "news_comment")
VOICES = ("pakistani", "indian", "other", "unknown")

MANIFEST_FILE = "manifest.csv"
SECOND_FILE = "second.csv"
HASH_CHARS = 16


def devset_dir(labels_dir: Path) -> Path:
    """The folder of the manifest and the second annotation: ``<labels>/realdev``."""
    return Path(labels_dir) / "realdev"


def texts_dir(labels_dir: Path) -> Path:
    """The git-ignored text folder that belongs to ``labels_dir``: ``<labels>/../realdev/texts``."""
    return Path(labels_dir).parent / "realdev" / "texts"


def normalise(text: str) -> str:
    """Text as it is hashed: Unicode NFC, white space runs folded to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_hash(text: str) -> str:
    """The manifest's ``sha256``: the first 16 hex digits of SHA-256 over :func:`normalise`."""
    return _digest(normalise(text))


def _digest(normalised: str) -> str:
    """:func:`text_hash` of a text already in :func:`normalise` form."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:HASH_CHARS]


def read_manifest(labels_dir: Path) -> pl.DataFrame:
    """Read ``<labels>/realdev/manifest.csv``; an empty frame when there is none.

    Raises
    ------
    ValueError
        When a required column is missing or a label is not one of the schema's labels.
    """
    frame = _read_labelled(devset_dir(labels_dir) / MANIFEST_FILE, MANIFEST_COLUMNS)
    return frame.with_columns(pl.col(POSITION).cast(pl.Int64), pl.col("length").cast(pl.Int64))


def read_second(labels_dir: Path) -> pl.DataFrame:
    """Read the second annotation (``<labels>/realdev/second.csv``); empty when there is none."""
    return _read_labelled(devset_dir(labels_dir) / SECOND_FILE, SECOND_COLUMNS)


def _read_labelled(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    """``columns`` of the CSV at ``path`` as text, labels checked; an empty frame when absent."""
    if not path.is_file():
        return pl.DataFrame(schema={c: pl.String for c in columns})
    frame = pl.read_csv(path, infer_schema=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: no column {', '.join(missing)}")
    _check_labels(frame, path)
    return frame.select(columns)


def _check_labels(frame: pl.DataFrame, path: Path) -> None:
    for column, allowed in ((STANCE, schema.STANCES), (SENTIMENT, schema.SENTIMENT_LABELS)):
        bad = frame.filter(~pl.col(column).is_in(list(allowed)))
        if bad.height:
            row = bad.row(0, named=True)
            raise ValueError(f"{path}: item {row['item_id']} has {column} {row[column]!r}, "
                             f"expected one of {', '.join(allowed)}")


@dataclass
class TextCheck:
    """Which manifest texts are present and intact in the text folder."""

    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: ``(item_id, expected hash, found hash)`` of texts that differ from the manifest.
    mismatched: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.mismatched


def check_texts(manifest: pl.DataFrame, folder: Path) -> TextCheck:
    """Compare each manifest row's text file with its recorded hash."""
    check = TextCheck()
    for item_id, expected in manifest.select("item_id", "sha256").iter_rows():
        path = Path(folder) / f"{item_id}.txt"
        if not path.is_file():
            check.missing.append(item_id)
            continue
        found = text_hash(path.read_text(encoding="utf-8"))
        if found == expected:
            check.present.append(item_id)
        else:
            check.mismatched.append((item_id, expected, found))
    return check


def incomplete_note(texts: dict) -> str | None:
    """Say that figures cover only part of the set, from the ``texts`` counts of an evaluation
    (``present``, ``missing``, ``altered``); None when every manifest text was scored.

    Figures on part of the set are not comparable with the whole set's, so every report of
    them says how many texts they cover.
    """
    missing, altered = int(texts.get("missing", 0)), len(texts.get("altered") or [])
    if not missing and not altered:
        return None
    present = int(texts.get("present", 0))
    return (f"real development set: figures on {present} of {present + missing + altered} texts "
            f"({missing} missing, {altered} differing from the manifest); not comparable with the "
            "whole set's (discourse devset rebuild recreates the rest)")


def load_devset(labels_dir: Path, folder: Path | None = None) -> tuple[pl.DataFrame, TextCheck]:
    """The manifest rows whose texts are present and intact, with a ``text`` column.

    Returns the rows (manifest order) and the :class:`TextCheck`; the frame is empty when no
    text is present (a clone without the texts).
    """
    manifest = read_manifest(labels_dir)
    folder = Path(folder) if folder is not None else texts_dir(labels_dir)
    check = check_texts(manifest, folder)
    present = set(check.present)
    rows = manifest.filter(pl.col("item_id").is_in(list(present)))
    texts = [(folder / f"{i}.txt").read_text(encoding="utf-8") for i in rows["item_id"]]
    return rows.with_columns(pl.Series("text", texts, dtype=pl.String)), check


# --- rebuilding the texts from the pages -------------------------------------------------
def page_blocks(page_text: str) -> list[str]:
    """Split a page's plain text into non-empty lines, the units a text is rebuilt from."""
    return [line.strip() for line in page_text.splitlines() if line.strip()]


def find_text(blocks: list[str], expected_hash: str, length: int, *, slack: int = 200) -> str | None:
    """Return the run of consecutive ``blocks`` whose :func:`text_hash` is ``expected_hash``.

    Runs are tried from every start; a run stops growing once its normalised length passes
    ``length + slack``, so a page of *n* blocks costs about *n* times the blocks of one text.
    The run is returned joined by newlines; ``None`` when no run matches.
    """
    for start in range(len(blocks)):
        pieces: list[str] = []
        size = -1
        for block in blocks[start:]:
            pieces.append(block)
            size += len(normalise(block)) + 1
            if size > length + slack:
                break
            if text_hash("\n".join(pieces)) == expected_hash:
                return "\n".join(pieces)
    return None


def find_span(page_text: str, expected_hash: str, length: int) -> str | None:
    """Return the stretch of ``page_text`` whose :func:`text_hash` is ``expected_hash``.

    The fallback of :func:`find_text` for a text that shares a line with other words of the
    page (a list number, a salutation, a signature, a button label run into it): every stretch
    of ``length`` characters of the page's normalised text is tried, each start in turn, and the
    match is returned as it stands in the page, its line breaks kept. Costs one hash of
    ``length`` characters per character of the page. ``None`` when no stretch matches.
    """
    page, flat, origin = _fold(page_text)
    for start in range(len(flat) - length + 1):
        piece = flat[start:start + length]
        if piece[0] != " " and piece[-1] != " " and _digest(piece) == expected_hash:
            return page[origin[start]:origin[start + length - 1] + 1]
    return None


# A page's texts are looked up one after another, so the last page's folding is kept.
@lru_cache(maxsize=1)
def _fold(page_text: str) -> tuple[str, str, tuple[int, ...]]:
    """The page in NFC, its :func:`normalise` form, and where each character of the latter
    stands in the former."""
    page = unicodedata.normalize("NFC", page_text)
    folded: list[str] = []
    origin: list[int] = []
    for word in re.finditer(r"\S+", page):
        if folded:
            folded.append(" ")
            origin.append(word.start() - 1)
        folded.extend(word.group())
        origin.extend(range(word.start(), word.end()))
    return page, "".join(folded), tuple(origin)


def fetch_page_text(url: str, *, timeout: float = 30.0) -> str:
    """Fetch ``url`` and return its plain text (the project's HTML-to-text conversion).

    Used only by :func:`rebuild_texts` when a user asks for it: a pipeline run never fetches.
    """
    from urllib.request import Request, urlopen

    from discourse.ingest.xenforo_html import html_to_text

    request = Request(url, headers={"User-Agent": "discourse-devset-rebuild"})
    with urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own request
        charset = response.headers.get_content_charset() or "utf-8"
        body = response.read().decode(charset, errors="replace")
    return html_to_text(body).text


def saved_page_name(url: str) -> str:
    """File stem under which a saved copy of ``url`` is looked up: 16 hex digits of its SHA-256."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:HASH_CHARS]


def rebuild_texts(
    manifest: pl.DataFrame,
    folder: Path,
    *,
    pages_dir: Path | None = None,
    fetch: Callable[[str], str] | None = fetch_page_text,
) -> dict[str, list[str]]:
    """Write the missing or damaged texts of ``manifest`` into ``folder``.

    For each page (``url``) with a text to rebuild, the page's plain text is read from
    ``pages_dir/<saved_page_name(url)>.txt`` or ``.html`` when such a saved copy exists,
    otherwise from ``fetch(url)`` (``None`` disables fetching). Each text is the block run
    whose hash matches the manifest (:func:`find_text`), or failing that the stretch of the page
    that matches (:func:`find_span`); nothing unverified is ever written.
    Returns ``{"written": [...], "not_found": [...], "unreachable": [...]}`` item ids.
    """
    from discourse.atomic import write_text_atomic

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    check = check_texts(manifest, folder)
    wanted = set(check.missing) | {item for item, _, _ in check.mismatched}
    out: dict[str, list[str]] = {"written": [], "not_found": [], "unreachable": []}
    todo = manifest.filter(pl.col("item_id").is_in(list(wanted)))
    for (url,), rows in todo.group_by("url", maintain_order=True):
        page = _page_text(str(url), pages_dir, fetch)
        if page is None:
            out["unreachable"].extend(rows["item_id"].to_list())
            continue
        blocks = page_blocks(page)
        for item_id, expected, length in rows.select("item_id", "sha256", "length").iter_rows():
            text = find_text(blocks, expected, int(length)) or find_span(page, expected, int(length))
            if text is None:
                out["not_found"].append(item_id)
                continue
            write_text_atomic(folder / f"{item_id}.txt", text)
            out["written"].append(item_id)
    return out


def _page_text(url: str, pages_dir: Path | None, fetch: Callable[[str], str] | None) -> str | None:
    if pages_dir is not None:
        stem = Path(pages_dir) / saved_page_name(url)
        if stem.with_suffix(".txt").is_file():
            return stem.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        if stem.with_suffix(".html").is_file():
            from discourse.ingest.xenforo_html import html_to_text

            return html_to_text(stem.with_suffix(".html").read_text(encoding="utf-8", errors="replace")).text
    if fetch is None:
        return None
    try:
        return fetch(url)
    except Exception:  # noqa: BLE001 - an unreachable page is reported, not fatal
        return None


def describe_mix(frame: pl.DataFrame, columns: Iterable[str] = ("kind", "voice")) -> dict[str, dict[str, int]]:
    """Counts of the set's rows by each of ``columns`` (for the report of its mix)."""
    return {
        column: dict(sorted(frame.group_by(column).len().iter_rows()))
        for column in columns if column in frame.columns
    }
