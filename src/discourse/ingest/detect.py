"""Which reader a raw file needs: by ``--format``, else by extension hint, else by content."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from discourse.ingest.records import ParsedThread, RawFile

# format name -> (module, sniff function name, read function name)
_READERS: dict[str, tuple[str, str, str]] = {
    "xenforo_html": ("discourse.ingest.xenforo_html", "sniff", "read"),
    "discourse_json": ("discourse.ingest.discourse_json", "sniff", "read"),
    "forumscraper_json": ("discourse.ingest.forumscraper", "sniff", "read"),
    "csv": ("discourse.ingest.tabular", "sniff_csv", "read_csv"),
    "jsonl": ("discourse.ingest.tabular", "sniff_jsonl", "read_jsonl"),
    "parquet": ("discourse.ingest.tabular", "sniff_parquet", "read_parquet"),
    "xenforo_text": ("discourse.ingest.xenforo_text", "sniff", "read"),
    "article": ("discourse.ingest.article", "sniff", "read"),
}
#: Every format the ingest stage reads, in the order content sniffing tries them.
FORMATS: tuple[str, ...] = tuple(_READERS)

# Extensions narrow the candidates; content decides among them. Unknown extensions try all.
_BY_EXTENSION: dict[str, tuple[str, ...]] = {
    "html": ("xenforo_html",),
    "htm": ("xenforo_html",),
    "json": ("discourse_json", "forumscraper_json", "jsonl"),
    "jsonl": ("jsonl",),
    "ndjson": ("jsonl",),
    "csv": ("csv",),
    "tsv": ("csv",),
    "parquet": ("parquet",),
    "pq": ("parquet",),
    "txt": ("xenforo_text", "article"),
    "text": ("xenforo_text", "article"),
    "md": ("xenforo_text", "article"),
}


# Sniffers read the first bytes as UTF-8 (or after a byte-order mark); text decoded as UTF-16
# from its byte pattern alone is sniffed through a UTF-8 copy.
_SNIFF_AS_UTF8 = frozenset({"utf-16-le", "utf-16-be"})


def _module(name: str) -> ModuleType:
    return importlib.import_module(_READERS[name][0])


def reader_for(fmt: str) -> Callable[..., list[ParsedThread]]:
    """The read function of a format; raises ValueError for an unknown format name."""
    if fmt not in _READERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return getattr(_module(fmt), _READERS[fmt][2])


def detect_format(raw: RawFile) -> str:
    """Return the format of a raw file, or raise IngestError naming the file when none fits."""
    extension = raw.source.rsplit(".", 1)[-1].lower() if "." in raw.source.rsplit("/", 1)[-1] else ""
    candidates = _BY_EXTENSION.get(extension, FORMATS)
    sniffed = raw
    if not raw.data.startswith(b"PAR1"):
        # Decoding first turns binary or undecodable input into its own clear error.
        if raw.decoded.encoding in _SNIFF_AS_UTF8:
            sniffed = RawFile(raw.text.encode("utf-8"), raw.source, raw.path)
    for fmt in candidates:
        sniff = getattr(_module(fmt), _READERS[fmt][1])
        if sniff(sniffed):
            return fmt
    if extension in _BY_EXTENSION:
        raise raw.fail(f"content does not match the .{extension} formats ({', '.join(candidates)})")
    raise raw.fail("unrecognised format; pass --format to choose one")
