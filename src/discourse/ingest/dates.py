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
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["MONTHS", "parse_date", "parse_datetime"]

#: Longest string taken for a date; anything longer is prose, not a timestamp.
MAX_DATE_CHARS = 80
#: Formats remembered at most; beyond this, new formats are parsed without being memoised.
MAX_PLANS = 4096

# Month names by month number. Abbreviations are listed without their trailing dot (the dot
# is a separate token). Sources: the CLDR month names of each language (nominative and, where
# dates use it, genitive: Polish "lutego", Czech "února", Russian "февраля", Greek
# "Φεβρουαρίου").
MONTHS: dict[int, tuple[str, ...]] = {
    1: (
        "january", "jan", "januar", "jänner", "jän", "janvier", "janv", "enero", "ene", "gennaio",
        "gen", "janeiro", "januari", "styczeń", "stycznia", "sty", "leden", "ledna", "január",
        "januára", "январь", "января", "янв", "січень", "січня", "tammikuu", "tammikuuta", "tammi",
        "ianuarie", "ian", "ocak", "ιανουάριος", "ιανουαρίου", "ιαν",
    ),
    2: (
        "february", "feb", "februar", "feber", "février", "févr", "fév", "febrero", "febbraio",
        "fevereiro", "fev", "februari", "luty", "lutego", "lut", "únor", "února", "február",
        "februára", "febr", "февраль", "февраля", "фев", "лютий", "лютого", "helmikuu",
        "helmikuuta", "helmi", "februarie", "şubat", "φεβρουάριος", "φεβρουαρίου", "φεβ",
    ),
    3: (
        "march", "mar", "märz", "mär", "mrz", "mars", "marzo", "março", "maart", "mrt", "marzec",
        "marca", "březen", "března", "marec", "március", "márc", "март", "марта", "мар",
        "березень", "березня", "maaliskuu", "maaliskuuta", "maalis", "marts", "martie", "mart",
        "μάρτιος", "μαρτίου", "μαρ",
    ),
    4: (
        "april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwiecień", "kwietnia", "kwi",
        "duben", "dubna", "apríl", "apríla", "április", "ápr", "апрель", "апреля", "апр",
        "квітень", "квітня", "huhtikuu", "huhtikuuta", "huhti", "aprilie", "nisan", "απρίλιος",
        "απριλίου", "απρ",
    ),
    5: (
        "may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "maja", "květen", "května",
        "máj", "mája", "május", "máj", "май", "мая", "травень", "травня", "toukokuu",
        "toukokuuta", "touko", "mayıs", "μάιος", "μαΐου", "μαΐ", "μαι",
    ),
    6: (
        "june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwiec", "czerwca",
        "cze", "červen", "června", "jún", "júna", "június", "июнь", "июня", "июн", "червень",
        "червня", "kesäkuu", "kesäkuuta", "kesä", "iunie", "haziran", "ιούνιος", "ιουνίου", "ιουν",
    ),
    7: (
        "july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipiec",
        "lipca", "lip", "červenec", "července", "júl", "júla", "július", "июль", "июля", "июл",
        "липень", "липня", "heinäkuu", "heinäkuuta", "heinä", "iulie", "temmuz", "ιούλιος",
        "ιουλίου", "ιουλ",
    ),
    8: (
        "august", "aug", "août", "agosto", "ago", "augustus", "sierpień", "sierpnia", "sie",
        "srpen", "srpna", "augusta", "augusztus", "август", "августа", "авг", "серпень", "серпня",
        "elokuu", "elokuuta", "elo", "augusti", "ağustos", "αύγουστος", "αυγούστου", "αυγ",
    ),
    9: (
        "september", "sep", "sept", "septembre", "septiembre", "setiembre", "set", "settembre",
        "setembro", "wrzesień", "września", "wrz", "září", "septembra", "szeptember", "szept",
        "сентябрь", "сентября", "сен", "сент", "вересень", "вересня", "syyskuu", "syyskuuta",
        "syys", "septembrie", "eylül", "σεπτέμβριος", "σεπτεμβρίου", "σεπ",
    ),
    10: (
        "october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro",
        "out", "październik", "października", "paź", "říjen", "října", "október", "októbra",
        "октябрь", "октября", "окт", "жовтень", "жовтня", "lokakuu", "lokakuuta", "loka",
        "octombrie", "ekim", "οκτώβριος", "οκτωβρίου", "οκτ",
    ),
    11: (
        "november", "nov", "novembre", "noviembre", "novembro", "listopad", "listopada", "lis",
        "listopadu", "novembra", "ноябрь", "ноября", "ноя", "листопада", "marraskuu",
        "marraskuuta", "marras", "noiembrie", "noi", "kasım", "νοέμβριος", "νοεμβρίου", "νοε",
    ),
    12: (
        "december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic", "dicembre",
        "dezembro", "grudzień", "grudnia", "gru", "prosinec", "prosince", "decembra", "декабрь",
        "декабря", "дек", "грудень", "грудня", "joulukuu", "joulukuuta", "joulu", "desember",
        "des", "decembrie", "aralık", "δεκέμβριος", "δεκεμβρίου", "δεκ",
    ),
}

# Weekday names and abbreviations (skipped: the date says which day it was). French and
# Spanish "mar" (mardi, martes) is left out: it is March.
_WEEKDAYS = (
    "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat "
    "sunday sun montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag mo di mi "
    "do fr sa so lundi mardi mercredi jeudi vendredi samedi dimanche lun mer jeu ven sam dim "
    "lunes martes miércoles jueves viernes sábado domingo mié jue vie sáb dom lunedì martedì "
    "mercoledì giovedì venerdì sabato domenica segunda terça quarta quinta sexta feira maandag "
    "dinsdag woensdag donderdag vrijdag zaterdag zondag poniedziałek wtorek środa czwartek "
    "piątek sobota niedziela pon wt śr czw pt sob ndz nie pondělí úterý středa čtvrtek pátek "
    "neděle pondelok utorok streda štvrtok piatok nedeľa понедельник вторник среда четверг "
    "пятница суббота воскресенье пн вт ср чт пт сб вс понеділок вівторок середа четвер "
    "пʼятниця п'ятниця субота неділя måndag tisdag onsdag torsdag fredag lördag söndag mandag "
    "tirsdag lørdag søndag maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai "
    "hétfő kedd szerda csütörtök péntek szombat vasárnap luni marți miercuri joi vineri "
    "sâmbătă duminică pazartesi salı çarşamba perşembe cuma cumartesi pazar δευτέρα τρίτη "
    "τετάρτη πέμπτη παρασκευή σάββατο κυριακή"
).split()

# Words that only join the parts of a date: "at", "um", "à", "o" (Polish), "в" (Russian),
# "klo" (Finnish), "r."/"roku" and "г."/"года" (Polish and Russian "year"), "de" (Spanish
# "5 de mayo de 2020"), "T" between an ISO date and time, "h", "hui" (the end of French
# "aujourd'hui", split at its apostrophe), "am" before the time (German "am 5. Mai"; after the
# time it is the meridiem).
_CONNECTORS = (
    "at on the of um am à a as às las la le el de del den di alle ore om o godz в во "
    "kl klo kello klockan r roku rok г года t h hui"
).split()

# Ordinal suffixes written straight after a day number ("17th", "1er", "1º").
_ORDINALS = frozenset({"st", "nd", "rd", "th", "er", "e", "eme", "ème", "º", "ª"})

# Zone abbreviations forums print after the time, as minutes east of UTC. Ambiguous ones
# ("IST": India or Ireland) are left out on purpose: a value naming them is unreadable.
_ZONES: dict[str, int] = {
    "z": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60,
    "cest": 120, "met": 60, "mez": 60, "mesz": 120, "eet": 120, "eest": 180, "msk": 180,
    "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
    "pst": -480, "pdt": -420,
}

# Relative day names: days before the reference date.
_RELATIVE: dict[str, int] = {
    "today": 0, "heute": 0, "aujourd": 0, "hoy": 0, "oggi": 0, "hoje": 0, "vandaag": 0,
    "dzisiaj": 0, "dziś": 0, "dzis": 0, "сегодня": 0, "dnes": 0, "idag": 0, "tänään": 0,
    "astăzi": 0, "azi": 0, "bugün": 0, "σήμερα": 0, "сьогодні": 0,
    "yesterday": 1, "gestern": 1, "hier": 1, "ayer": 1, "ieri": 1, "ontem": 1, "gisteren": 1,
    "wczoraj": 1, "вчера": 1, "včera": 1, "igår": 1, "eilen": 1, "tegnap": 1, "dün": 1,
    "χθες": 1, "вчора": 1,
}

# Symbols that only separate parts; any other symbol makes the value unreadable.
_PUNCTUATION = frozenset(",.-/()|@'’;")


def _fold(word: str) -> str:
    """The word without diacritics (``października`` -> ``pazdziernika``), for plain spellings."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _word_table() -> dict[str, tuple[str, object]]:
    """Every word a date may hold -> (kind, value); a month wins over a weekday or connector."""
    words: dict[str, tuple[str, object]] = {}
    for word in _CONNECTORS + _WEEKDAYS:
        words[word] = ("skip", None)
    for word, days in _RELATIVE.items():
        words[word] = ("rel", days)
    for word, minutes in _ZONES.items():
        words[word] = ("zone", minutes)
    for number, names in MONTHS.items():
        for word in names:
            words[word] = ("month", number)
    for word, entry in list(words.items()):
        words.setdefault(_fold(word), entry)  # "pazdziernika" as well as "października"
    words["am"] = ("ampm", False)  # before the time it is German "am" (on): see _take_time
    words["pm"] = ("ampm", True)
    return words


_WORDS = _word_table()
_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")
_DIGIT_RUN = re.compile(r"[0-9]+")
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+|\S")
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.\s?m\b\.?")
_DIGITS_TO_NINE = str.maketrans("0123456789", "9999999999")
_ISO_START = re.compile(r"[0-9]{4}-[0-9]{2}")

# A plan reads the digit runs of a value: (digit runs, day_first, reference) -> datetime.
_Plan = Callable[[list[str], "bool | None", "date | None"], "datetime | None"]
_PLANS: dict[str, _Plan | None] = {}


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
            return _to_utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, (int, float)):
            return _from_epoch(float(value))
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
        return _from_epoch(float(text))
    if _ISO_START.match(text):
        try:
            return _to_utc(datetime.fromisoformat(text))
        except ValueError:
            pass
    key = text.translate(_DIGITS_TO_NINE)
    try:
        plan = _PLANS[key]
    except KeyError:
        plan = _build_plan(text)
        if len(_PLANS) < MAX_PLANS:
            _PLANS[key] = plan
    if plan is None:
        return None
    return plan(_DIGIT_RUN.findall(text), day_first, reference)


def _to_utc(value: datetime) -> datetime | None:
    try:
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _from_epoch(seconds: float) -> datetime | None:
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


def _build_plan(text: str) -> _Plan | None:
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
    if any(symbol not in _PUNCTUATION for symbol in symbols) or len(months) > 1:
        return None
    if epoch is not None:
        if not (numbers or months):
            return None
        return lambda nums, _d, _r: _from_epoch(float(nums[epoch]))
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
        if token in _ORDINALS and items and items[-1][0] == "num":
            continue
        kind, value = _WORDS.get(token, _WORDS.get(_fold(token), ("unknown", None)))
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


def _absolute_plan(parts: _DayMonthYear, time: _Time | None, offset: _Offset | None) -> _Plan:
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


def _relative_plan(days_back: int, time: _Time | None, offset: _Offset | None) -> _Plan:
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
    return stamp if tz is UTC else _to_utc(stamp)
