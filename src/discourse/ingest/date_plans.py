"""Plans: how one shape of date string maps its digit runs to a datetime.

:func:`build_plan` reads a date string once (its words through
:data:`discourse.ingest.date_words.WORDS`, its numbers and symbols) and returns a :data:`Plan`:
a function of the string's digit runs that assembles the UTC ``datetime``. The plan refers to
digit runs by position, so it holds for every string with the same digits-replaced shape
(``"16 Jul 2008 at 7:19 AM"`` and ``"03 Aug 2011 at 1:05 PM"`` share one). :func:`build_plan`
returns None for a shape that is not a date it can read: an unknown word, a stray symbol, no
year, two months. The rules a plan applies (day/month order, two-digit years, meridiem, offsets,
a trailing epoch) are documented in :mod:`discourse.ingest.dates`.

:func:`to_utc` and :func:`from_epoch` turn a ``datetime`` or epoch seconds (or milliseconds)
into an aware UTC ``datetime``, or None when the value is out of range.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from discourse.ingest.date_words import ORDINALS, PUNCTUATION, WORDS, fold_diacritics

_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+|\S")
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.\s?m\b\.?")

# A plan reads the digit runs of a value: (digit runs, day_first, reference) -> datetime.
Plan = Callable[[list[str], "bool | None", "date | None"], "datetime | None"]


def to_utc(value: datetime) -> datetime | None:
    """``value`` in UTC (a naive value is taken as UTC), or None when it is out of range."""
    try:
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def from_epoch(seconds: float) -> datetime | None:
    """The UTC datetime of epoch seconds (or milliseconds, past about 1e11), or None."""
    if not math.isfinite(seconds):
        return None
    if abs(seconds) >= 1e11:  # later than the year 5138 in seconds: it is milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --- plans ------------------------------------------------------------------------------------

# A token of a date: (kind, value, index of its digit run or -1, number of digits).
_Item = tuple[str, object, int, int]
# The parts a plan reads: (index of the digit run, or a constant when the index is None).
_Time = tuple[int, int, int | None, int | None, bool | None]  # hour, minute, second, fraction, pm
_Offset = tuple[int, int | None, int | None, int]  # sign, hours run, minutes run, constant minutes


def build_plan(text: str) -> Plan | None:
    """Work out how ``text`` (and every value of the same format) maps to a datetime.

    Returns None when the format is not a date we can read: an unknown word, a stray symbol,
    no year, two months. The plan refers to digit runs by position, so it holds for every
    value whose digits-replaced form equals ``text``'s.
    """
    items = _classify(_DOTTED_MERIDIEM.sub(r"\1m", unicodedata.normalize("NFC", text).casefold()))
    if items is None:
        return None
    time, at = _take_time(items)
    offset = _take_offset(items, time, at)
    epoch = _take_epoch(items)
    months = [item[1] for item in items if item[0] == "month"]
    relative = [item[1] for item in items if item[0] == "rel"]
    numbers = [item for item in items if item[0] == "num"]
    symbols = [item[1] for item in items if item[0] == "sym"]
    if any(symbol not in PUNCTUATION for symbol in symbols) or len(months) > 1:
        return None
    if epoch is not None:
        if not (numbers or months):
            return None
        return lambda nums, _d, _r: from_epoch(float(nums[epoch]))
    if relative:
        if numbers or months or len(relative) > 1:
            return None
        return _relative_plan(int(relative[0]), time, offset)  # type: ignore[arg-type]
    if months:
        day_month_year = _with_month_name(numbers, int(months[0]))  # type: ignore[arg-type]
    else:
        day_month_year = _numeric(items, numbers)
    if day_month_year is None:
        return None
    return _absolute_plan(day_month_year, time, offset)


def _classify(text: str) -> list[_Item] | None:
    """Tokens as (kind, value, digit-run index, digit count); None at the first unknown word."""
    items: list[_Item] = []
    run = 0
    for token in _TOKEN.findall(text):
        if token[0] in "0123456789":
            items.append(("num", int(token), run, len(token)))
            run += 1
            continue
        if not token[0].isalpha():
            items.append(("sym", token, -1, 0))
            continue
        if token in ORDINALS and items and items[-1][0] == "num":
            continue
        kind, value = WORDS.get(token, WORDS.get(fold_diacritics(token), ("unknown", None)))
        if kind == "unknown":
            return None
        if kind != "skip":
            items.append((kind, value, -1, 0))
    return items


def _take_time(items: list[_Item]) -> tuple[_Time | None, int]:
    """Find ``H:MM[:SS[.fff]]`` (or ``H AM``) and the meridiem after it; remove them from ``items``.

    Returns the time and the index where it stood (``len(items)`` when there is none).
    """
    for start in range(len(items) - 2):
        if items[start][0] == "num" and items[start + 1][1] == ":" and items[start + 2][0] == "num":
            end = start + 3
            second = fraction = None
            if end + 1 < len(items) and items[end][1] == ":" and items[end + 1][0] == "num":
                second = items[end + 1][2]
                end += 2
                if end + 1 < len(items) and items[end][1] in (".", ",") and items[end + 1][0] == "num":
                    fraction = items[end + 1][2]
                    end += 2
            hour, minute = items[start][2], items[start + 2][2]
            del items[start:end]
            pm = _take_meridiem(items, start)
            return (hour, minute, second, fraction, pm), start
    for index in range(len(items) - 1):
        if items[index][0] == "num" and items[index + 1][0] == "ampm" and items[index][3] <= 2:
            hour = items[index][2]
            pm = bool(items[index + 1][1])
            del items[index : index + 2]
            return (hour, -1, None, None, pm), index
    # A meridiem without a time is a German "am" (on): drop it.
    items[:] = [item for item in items if item[0] != "ampm"]
    return None, len(items)


def _take_meridiem(items: list[_Item], after: int) -> bool | None:
    pm = None
    for index in range(len(items) - 1, -1, -1):
        if items[index][0] == "ampm":
            if index >= after and pm is None:
                pm = bool(items[index][1])
            del items[index]
    return pm


def _take_offset(items: list[_Item], time: _Time | None, at: int) -> _Offset | None:
    """A zone name, or ``+HHMM``/``+HH:MM``/``-HH`` written after the time; removed from ``items``.

    ``at`` is where the time stood before it was removed: a sign before it is a date separator.
    """
    zone = None
    for index in range(len(items) - 1, -1, -1):
        if items[index][0] == "zone":
            zone = (1, None, None, int(items[index][1]))  # type: ignore[arg-type]
            del items[index]
    if time is None:
        return zone
    for index in range(at, len(items) - 1):
        kind, value = items[index][0], items[index][1]
        if kind != "sym" or value not in ("+", "-") or items[index + 1][0] != "num":
            continue
        sign = 1 if value == "+" else -1
        digits = items[index + 1][3]
        with_minutes = index + 3 < len(items) and items[index + 2][1] == ":" and items[index + 3][0] == "num"
        if digits == 4:
            offset, used = (sign, items[index + 1][2], -1, 0), 2  # HHMM in one digit run
        elif digits <= 2 and with_minutes:
            offset, used = (sign, items[index + 1][2], items[index + 3][2], 0), 4
        elif digits <= 2:
            offset, used = (sign, items[index + 1][2], None, 0), 2
        else:
            return zone
        del items[index : index + used]
        return offset
    return zone


def _take_epoch(items: list[_Item]) -> int | None:
    """A trailing number of nine or more digits is epoch seconds (Hacker News): its run."""
    if items and items[-1][0] == "num" and items[-1][3] >= 9:
        return int(items.pop()[2])
    return None


# (year run, month run or constant, day run or None for the 1st, order of the numeric day/month)
_DayMonthYear = tuple[int, int | None, int | None, int | None, str]


def _with_month_name(numbers: list[_Item], month: int) -> _DayMonthYear | None:
    """Day and year around a month name: ``16 Jul 2008``, ``Dec 17, 2014``, ``Mar 2019``."""
    if len(numbers) == 1:
        if numbers[0][3] != 4:
            return None
        return numbers[0][2], None, month, None, "named"
    if len(numbers) != 2:
        return None
    first, second = numbers
    if first[3] == 4 or int(first[1]) > 31:  # type: ignore[arg-type]
        year, day = first, second
    else:
        year, day = second, first
    if day[3] > 2:
        return None
    return year[2], None, month, day[2], "named"


def _numeric(items: list[_Item], numbers: list[_Item]) -> _DayMonthYear | None:
    """Three numbers: ``2023/07/20``, ``07.09.2018``, ``09-04-2005``, ``14. 1. 2007``."""
    if len(numbers) != 3:
        return None
    first, second, third = numbers
    if first[3] == 4:
        if second[3] > 2 or third[3] > 2:
            return None
        return first[2], second[2], None, third[2], "ymd"
    if first[3] > 2 or second[3] > 2 or third[3] not in (2, 4):
        return None
    between = items[items.index(first) + 1 : items.index(second)]
    separator = next((str(item[1]) for item in between if item[0] == "sym"), " ")
    order = "md" if separator == "-" else "dm"
    return third[2], first[2], None, second[2], order


def _absolute_plan(parts: _DayMonthYear, time: _Time | None, offset: _Offset | None) -> Plan:
    year_run, first_run, month_name, second_run, order = parts

    def run(nums: list[str], day_first: bool | None, reference: date | None) -> datetime | None:
        del reference
        year = int(nums[year_run])
        if year < 100 and len(nums[year_run]) == 2:
            year += 2000 if year < 70 else 1900
        if order == "named":
            month, day = month_name, (int(nums[second_run]) if second_run is not None else 1)
        elif order == "ymd":
            month, day = int(nums[first_run]), int(nums[second_run])  # type: ignore[index]
        else:
            a, b = int(nums[first_run]), int(nums[second_run])  # type: ignore[index]
            if a > 12 >= b:
                day, month = a, b
            elif b > 12 >= a:
                month, day = a, b
            elif (order == "dm") if day_first is None else day_first:
                day, month = a, b
            else:
                month, day = a, b
        return _assemble(nums, year, month, day, time, offset)  # type: ignore[arg-type]

    return run


def _relative_plan(days_back: int, time: _Time | None, offset: _Offset | None) -> Plan:
    def run(nums: list[str], day_first: bool | None, reference: date | None) -> datetime | None:
        del day_first
        if reference is None:
            return None
        day = (reference.date() if isinstance(reference, datetime) else reference) - timedelta(days=days_back)
        return _assemble(nums, day.year, day.month, day.day, time, offset)

    return run


def _assemble(
    nums: list[str], year: int, month: int, day: int, time: _Time | None, offset: _Offset | None
) -> datetime | None:
    hour = minute = second = micro = 0
    if time is not None:
        hour_run, minute_run, second_run, fraction_run, pm = time
        hour = int(nums[hour_run])
        minute = int(nums[minute_run]) if minute_run >= 0 else 0
        if second_run is not None:
            second = int(nums[second_run])
        if fraction_run is not None:
            micro = int(nums[fraction_run][:6].ljust(6, "0"))
        if pm is not None and 1 <= hour <= 12:
            hour = hour % 12 + (12 if pm else 0)
    tz = UTC
    if offset is not None:
        sign, hours_run, minutes_run, constant = offset
        minutes = constant
        if hours_run is not None:
            if minutes_run is not None and minutes_run < 0:  # one run: HHMM
                packed = int(nums[hours_run])
                minutes = packed // 100 * 60 + packed % 100
            else:
                minutes = int(nums[hours_run]) * 60 + (int(nums[minutes_run]) if minutes_run is not None else 0)
        if minutes:
            tz = timezone(timedelta(minutes=sign * minutes))
    try:
        stamp = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        return None
    return stamp if tz is UTC else to_utc(stamp)
