"""Turn untrusted bytes into text, or say clearly why not."""

from __future__ import annotations

import codecs

from discourse.ingest.errors import IngestError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# Magic numbers of common binary formats a scraper folder may hold by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"RIFF", "RIFF media file"),
    (b"\x7fELF", "executable"),
)


def check_size(size: int, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise IngestError when a file is empty or larger than ``max_bytes``."""
    if size == 0:
        raise IngestError(source, "file is empty")
    if size > max_bytes:
        raise IngestError(source, f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")


def decode_text(data: bytes, source: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with BOM) or cp1252, in that order.

    cp1252 comes last because it accepts almost any byte string; before trying it we reject
    data that looks binary (a known magic number, or NUL bytes, which no text encoding we accept
    produces outside UTF-16). Line endings are normalised to ``\\n``.

    Raises
    ------
    IngestError
        When the bytes are binary, undecodable, or decode to whitespace only.
    """
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try(data[len(codecs.BOM_UTF8) :], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16")
        if text is None:
            raise IngestError(source, "starts with a UTF-16 byte-order mark but is not valid UTF-16")
    if text is None:
        for magic, kind in _BINARY_MAGIC:
            if data.startswith(magic):
                raise IngestError(source, f"binary file ({kind}), not text")
        if b"\x00" in data[:65536]:
            raise IngestError(source, "binary file (contains NUL bytes), not text")
        text = _try(data, "utf-8")
    if text is None:
        text = _try(data, "cp1252")
    if text is None:
        text = data.decode("latin-1")  # total: every byte maps to a character
    if "\x00" in text:
        raise IngestError(source, "binary file (contains NUL characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(source, "file holds only whitespace")
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
