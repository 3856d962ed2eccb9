"""The words a date may hold, in the languages :mod:`discourse.ingest.dates` reads.

:data:`MONTHS` lists month names and abbreviations by month number; :data:`WORDS` maps every
known word (months, weekdays, connecting words, relative day names, zone abbreviations,
``am``/``pm``), in its own spelling and without diacritics, to its kind and value:

* ``("month", 1..12)``, ``("rel", days before the reference)``, ``("zone", minutes east of
  UTC)``, ``("ampm", is_pm)``;
* ``("skip", None)`` for words that carry no part of the date (weekdays, connectors).

Words are matched after :meth:`str.casefold`; a word not in :data:`WORDS` makes a value
unreadable. :data:`ORDINALS` are the suffixes allowed straight after a day number and
:data:`PUNCTUATION` the symbols that only separate parts. The tables are built once, at import.
"""

from __future__ import annotations

import unicodedata

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
ORDINALS = frozenset({"st", "nd", "rd", "th", "er", "e", "eme", "ème", "º", "ª"})

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
PUNCTUATION = frozenset(",.-/()|@'’;")


def fold_diacritics(word: str) -> str:
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
        words.setdefault(fold_diacritics(word), entry)  # "pazdziernika" as well as "października"
    # Before the time "am" is German (on): date_plans._take_time tells the two apart.
    words["am"] = ("ampm", False)
    words["pm"] = ("ampm", True)
    return words


WORDS: dict[str, tuple[str, object]] = _word_table()
