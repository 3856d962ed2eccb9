"""Read the dates forums print: ISO 8601, epoch numbers and the engines' own local formats.

:func:`parse_datetime` turns whatever a source holds into a timezone-aware UTC ``datetime``,
or None when the value is not a date it can read. It never raises.

How a string is read, cheapest first:

1. numbers (``1698918840``, ``"1698918840.5"``) are epoch seconds; values past about 1e11 are
   milliseconds;
2. ISO 8601 goes through :meth:`datetime.fromisoformat` (``Z``, ``+01:00``/``+0100``, a space
   instead of ``T``);
3. everything else is read by a *plan* built once per format and memoised: the string with
   every digit replaced by ``9`` (``"16 Jul 2008 at 7:19 AM"`` -> ``"99 Jul 9999 at 9:99
   AM"``) is the key, and the plan maps the string's digit runs to year, month, day, hour,
   minute, second and offset. A million posts in the same few formats pay for a regular
   expression and a ``datetime`` each, never a search through formats.

A plan reads words and numbers, not fixed patterns: month names and abbreviations in the
languages of :data:`MONTHS` (English, German, French, Spanish, Italian, Portuguese, Dutch,
Polish, Czech, Slovak, Russian, Ukrainian, Swedish, Danish, Norwegian, Finnish, Hungarian,
Romanian, Turkish and Greek, nominative and genitive forms, with or without diacritics),
weekday names (skipped), connecting words such as ``at``/``um``/``o``/``в`` (skipped),
ordinal suffixes (``17th``), ``AM``/``PM``, ``UTC``/``GMT`` and a few zone abbreviations,
numeric offsets after the time, and a trailing epoch number (Hacker News prints
``2024-09-02T15:00:06 1725289206``; the epoch wins). An unknown word makes the value unreadable
rather than guessed at.

Numeric dates and the day/month order (a rule, applied per value):

* a four-digit first number is the year: year, month, day (``2023/07/20``);
* otherwise the last number is the year (two digits: 1970-2069) and the first two are day and
  month. When one of them is above 12 it is the day, whatever the separator
  (``9-17-2017`` is 17 September, ``25-4-2011`` is 25 April);
* when both are 12 or less the separator decides: dots are day first (``07.09.2018`` is
  7 September; the European convention and phpBB/vBulletin's localised defaults), slashes
  are day first (``03/04/2012`` is 3 April), dashes are month first (``09-04-2005`` is
  4 September: vBulletin's US default ``m-d-y``). A reader that knows the engine's own
  convention passes ``day_first`` to override this for the ambiguous values only.

Relative dates (``Today at 10:15``, ``Yesterday, 09:12``, ``gestern``, ``wczoraj``...) are
resolved against ``reference`` when the caller has one (the date the page was saved) and are
None otherwise: the day they name cannot be known. Values without an offset are taken as UTC.

This module holds the entry points and the memo of plans. The word tables are in
:mod:`discourse.ingest.date_words`; the plan builder is in :mod:`discourse.ingest.date_plans`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from discourse.ingest.date_plans import Plan, build_plan, from_epoch, to_utc
from discourse.ingest.date_words import MONTHS

__all__ = ["MONTHS", "parse_date", "parse_datetime"]

#: Longest string taken for a date; anything longer is prose, not a timestamp.
MAX_DATE_CHARS = 80
#: Formats remembered at most; beyond this, new formats are parsed without being memoised.
MAX_PLANS = 4096

_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")
_DIGIT_RUN = re.compile(r"[0-9]+")
_DIGITS_TO_NINE = str.maketrans("0123456789", "9999999999")
_ISO_START = re.compile(r"[0-9]{4}-[0-9]{2}")

# Plans by the value's digits-replaced form; None marks a form that is not a readable date.
_PLANS: dict[str, Plan | None] = {}


def parse_datetime(
    value: object, *, day_first: bool | None = None, reference: date | None = None
) -> datetime | None:
    """A timezone-aware UTC datetime from whatever a source holds, or None; never raises.

    Parameters
    ----------
    value
        Text (ISO 8601, epoch digits, or a forum's own format: see the module docstring), epoch
        seconds or milliseconds as a number, or a ``datetime``/``date``.
    day_first
        How to read a numeric date whose day and month are both 12 or less: True for
        day-month, False for month-day, None for the separator's convention (dots and slashes
        day first, dashes month first).
    reference
        The day "today" means, for relative dates such as ``Yesterday, 09:12``; without it
        they are None.

    Examples
    --------
    >>> parse_datetime("16 Jul 2008 at 7:19 AM").isoformat()
    '2008-07-16T07:19:00+00:00'
    >>> parse_datetime("czwartek, 28 lutego 2008, 22:30").isoformat()
    '2008-02-28T22:30:00+00:00'
    >>> parse_datetime("Today at 10:15") is None
    True
    """
    try:
        if isinstance(value, str):
            return _parse_text(value, day_first, reference)
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, datetime):
            return to_utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, (int, float)):
            return from_epoch(float(value))
        return None
    except Exception:  # noqa: BLE001 - a date we cannot read is simply unknown
        return None


def parse_date(value: object, *, day_first: bool | None = None) -> date | None:
    """A calendar date (e.g. a "Joined" date) from text, a datetime or epoch; None if unknown.

    >>> parse_date("Mar 2019")
    datetime.date(2019, 3, 1)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    stamp = parse_datetime(value, day_first=day_first)
    return stamp.date() if stamp is not None else None


def _parse_text(value: str, day_first: bool | None, reference: date | None) -> datetime | None:
    text = value.strip()
    if "  " in text or "\n" in text or "\t" in text or "\xa0" in text:
        text = " ".join(text.split())
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    if text[0] in "0123456789+-" and _NUMERIC.fullmatch(text):
        return from_epoch(float(text))
    if _ISO_START.match(text):
        try:
            return to_utc(datetime.fromisoformat(text))
        except ValueError:
            pass
    key = text.translate(_DIGITS_TO_NINE)
    try:
        plan = _PLANS[key]
    except KeyError:
        plan = build_plan(text)
        if len(_PLANS) < MAX_PLANS:
            _PLANS[key] = plan
    if plan is None:
        return None
    return plan(_DIGIT_RUN.findall(text), day_first, reference)

