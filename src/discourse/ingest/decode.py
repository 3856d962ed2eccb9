"""Turn untrusted bytes into text, or say clearly why not."""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass

from discourse.ingest.errors import IngestError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# How much of a file the NUL-byte and UTF-16 checks look at.
_SAMPLE_BYTES = 65536

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


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text, the encoding it was read with, and a warning when that was a guess."""

    text: str
    encoding: str
    warning: str | None = None


def decode_text(data: bytes, source: str) -> str:
    """The text of ``data`` (see :func:`decode_bytes`)."""
    return decode_bytes(data, source).text


def decode_bytes(data: bytes, source: str) -> Decoded:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (BOM or byte pattern), cp1252, Latin-1.

    UTF-16 without a byte-order mark is recognised by its pattern of NUL bytes: text in one
    or two scripts has the same one or two values (NUL for ASCII) in every other byte and
    almost never a NUL in the others (:func:`_utf16_by_pattern`). cp1252 comes last because it accepts almost any byte
    string; before trying it we reject data that looks binary (a known magic number, or NUL
    bytes outside that UTF-16 pattern). Whenever the encoding is a guess (UTF-16 without a
    BOM, cp1252 or Latin-1 after invalid UTF-8) the result carries a warning naming it, for
    the ingest report. Line endings are normalised to ``\\n``.

    Raises
    ------
    IngestError
        When the bytes are binary, undecodable, or decode to whitespace only.
    """
    text: str | None = None
    encoding = "utf-8"
    warning: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _try(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _try(data, "utf-16"), "utf-16"
        if text is None:
            raise IngestError(source, "starts with a UTF-16 byte-order mark but is not valid UTF-16")
    if text is None:
        for magic, kind in _BINARY_MAGIC:
            if data.startswith(magic):
                raise IngestError(source, f"binary file ({kind}), not text")
        if b"\x00" in data[:_SAMPLE_BYTES]:
            guessed = _utf16_by_pattern(data)
            text = _try(data, guessed) if guessed is not None else None
            if guessed is None or text is None:
                raise IngestError(source, "binary file (contains NUL bytes), not text")
            encoding = guessed
            warning = f"no byte-order mark; decoded as {guessed.upper()} from its byte pattern"
        else:
            text = _try(data, "utf-8")
    if text is None:
        bad = _first_invalid_utf8(data)
        text, encoding = _try(data, "cp1252"), "cp1252"
        if text is None:
            text, encoding = data.decode("latin-1"), "latin-1"  # total: every byte maps to a character
        warning = f"not valid UTF-8 (first bad byte at offset {bad:,}); decoded as {encoding}"
    if "\x00" in text:
        raise IngestError(source, "binary file (contains NUL characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(source, "file holds only whitespace")
    return Decoded(text, encoding, warning)


def _utf16_by_pattern(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` looks like BOM-less UTF-16 text, else None.

    Text in UTF-16 has a *high* byte per character (the odd bytes in little-endian order, the
    even ones in big-endian) drawn from very few values: 0 for ASCII and Latin-1, 4 for
    Cyrillic, and so on. Its *low* bytes are almost never 0. Binary data with NUL bytes shows
    neither pattern. The sample must also decode without control characters.
    """
    sample = data[:_SAMPLE_BYTES]
    sample = sample[: len(sample) - len(sample) % 2]
    units = len(sample) // 2
    if units < 2:
        return None
    for encoding, high, low in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
        if low.count(0) > units * 0.02:
            continue
        if sum(count for _, count in Counter(high).most_common(2)) < units * 0.9:
            continue
        text = sample.decode(encoding, errors="ignore")
        if text and not any(ch < " " and ch not in "\t\n\r\f" for ch in text):
            return encoding
    return None


def _first_invalid_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
