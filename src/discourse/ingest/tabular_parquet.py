"""Read a Parquet table of posts.

:func:`sniff_parquet` checks the ``PAR1`` magic number at both ends of the file.
:func:`read_parquet` opens the file with pyarrow (a damaged file fails this one file, never the
process), accepts text, numeric, boolean and date columns only (``text`` must hold text) and
hands the rows to :func:`discourse.ingest.tabular_rows.group_rows`; a cell of the wrong type
leaves its row out, recorded with :meth:`RawFile.skip_row`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from discourse.ingest.records import ParsedThread, RawFile
from discourse.ingest.tabular_rows import group_rows, resolve_columns
from discourse.ingest.xenforo_html import guarded

_PARQUET_MAGIC = b"PAR1"
_ALLOWED_DTYPES = (
    pl.String,
    pl.Categorical,
    pl.Enum,
    pl.Null,
    pl.Boolean,
    pl.Datetime,
    pl.Date,
)


def sniff_parquet(raw: RawFile) -> bool:
    """True when the file starts (and ends) with the Parquet magic number."""
    try:
        data = raw.data
        return data[:4] == _PARQUET_MAGIC and data[-4:] == _PARQUET_MAGIC and len(data) >= 12
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read_parquet(
    raw: RawFile, columns: Mapping[str, str] | str | None = None, **options: object
) -> list[ParsedThread]:
    """Read a Parquet table of posts."""
    del options
    return guarded(raw, "could not read Parquet", lambda: _read_parquet(raw, columns))


def _open_parquet(data: bytes) -> pl.DataFrame:
    """Parse Parquet bytes with pyarrow, which reports corrupt files as exceptions.

    Polars' own reader can abort the whole process (a Rust panic) on some damaged files, and
    an abort cannot be caught: one bad file would stop the run for every other file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data))
    table.validate(full=True)  # invalid UTF-8 and bad offsets fail here, not inside Polars
    frame = pl.from_arrow(table)
    return frame if isinstance(frame, pl.DataFrame) else frame.to_frame()


def _read_parquet(raw: RawFile, columns: Mapping[str, str] | str | None) -> list[ParsedThread]:
    if not sniff_parquet(raw):
        raise raw.fail("not a Parquet file (no PAR1 magic number at its start and end)")
    try:
        frame = _open_parquet(raw.data)
    except Exception as exc:
        first = " ".join(str(exc).strip().split("\n", 1)[0].split())[:200]
        raise raw.fail(f"Parquet file will not open: {first}") from exc
    except BaseException as exc:  # a panic inside polars
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise raw.fail(f"Parquet file will not open: {type(exc).__name__}") from exc
    resolved = resolve_columns(raw, frame.columns, columns)
    selected = []
    for role, column in resolved.items():
        dtype = frame.schema[column]
        if role == "text" and not isinstance(dtype, (pl.String, pl.Categorical, pl.Enum, pl.Null)):
            raise raw.fail(f"column {column!r} (text) holds {dtype} values, expected text")
        if not (dtype.is_numeric() or isinstance(dtype, _ALLOWED_DTYPES)):
            raise raw.fail(
                f"column {column!r} ({role}) holds {dtype} values, expected text or numbers"
            )
        expr = pl.col(column)
        if isinstance(dtype, (pl.Categorical, pl.Enum)):
            expr = expr.cast(pl.String)
        selected.append(expr.alias(role))
    table = frame.select(selected)
    rows = ((index + 1, f"row {index + 1}", row) for index, row in enumerate(table.iter_rows(named=True)))
    return group_rows(raw, "parquet", rows)
