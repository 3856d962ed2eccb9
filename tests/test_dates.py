"""Dates as forums print them: ISO, epoch, English and numeric forum formats, other languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from discourse.ingest import dates
from discourse.ingest.dates import parse_date, parse_datetime


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Every format issue 14 names, then the other forms the forumscraper samples print.
FORUM_FORMATS = [
    ("16 Jul 2008 at 7:19 AM", utc(2008, 7, 16, 7, 19)),  # XenForo 1
    ("09-04-2005, 02:54 PM", utc(2005, 9, 4, 14, 54)),  # vBulletin, US month first
    ("Dec 17, 2014, 04:59", utc(2014, 12, 17, 4, 59)),
    ("9-17-2017 at 02:07 AM", utc(2017, 9, 17, 2, 7)),
    ("07.09.2018, 12:19", utc(2018, 9, 7, 12, 19)),  # dotted: day first
    ("14. 1. 2007 22:02", utc(2007, 1, 14, 22, 2)),
    ("2 Nov 2016 at 12:59 PM", utc(2016, 11, 2, 12, 59)),
    ("10 Jan 2009 at 12:05 AM", utc(2009, 1, 10, 0, 5)),
    ("August 18, 2011, 12:47:58 AM", utc(2011, 8, 18, 0, 47, 58)),  # SMF 2
    ("Fri Apr 19, 2013 4:45 am", utc(2013, 4, 19, 4, 45)),  # phpBB
    ("Apr 2, 2023 at 6:41 PM", utc(2023, 4, 2, 18, 41)),
    ("25-4-2011 at 10:14", utc(2011, 4, 25, 10, 14)),  # XMB: the day is above 12
    ("05.06.2019", utc(2019, 6, 5)),
    ("2023-07-20 01:43:55Z", utc(2023, 7, 20, 1, 43, 55)),  # Stack Exchange
    ("2020-01-17T19:58:02+0100", utc(2020, 1, 17, 18, 58, 2)),  # XenForo 2
    ("2024-09-02T15:00:06 1725289206", utc(2024, 9, 2, 15, 0, 6)),  # Hacker News: the epoch
    ("Mon, 02 Jan 2006 15:04:05 -0700", utc(2006, 1, 2, 22, 4, 5)),  # RFC 2822
    ("2023-07-20 13:22:55 +02:00", utc(2023, 7, 20, 11, 22, 55)),
    ("Dec 17, 2014 04:59 EST", utc(2014, 12, 17, 9, 59)),
    ("17th March 2020, 7 PM", utc(2020, 3, 17, 19, 0)),
    ("2023/07/20 08:00", utc(2023, 7, 20, 8, 0)),
    ("07.09.18 12:19", utc(2018, 9, 7, 12, 19)),  # two-digit year
    ("Sep 5, 2010 at 3:04 p.m.", utc(2010, 9, 5, 15, 4)),
    ("2012-03-04 05:06:07.250", utc(2012, 3, 4, 5, 6, 7, 250000)),
    ("3 March 2012 - 09:15 PM", utc(2012, 3, 3, 21, 15)),
]

LOCALISED = [
    ("czwartek, 28 lutego 2008, 22:30", utc(2008, 2, 28, 22, 30)),  # Polish, with weekday
    ("środa, 4 czerwca 2008, 22:33", utc(2008, 6, 4, 22, 33)),
    ("31 Lipca 2021, 21:46:21", utc(2021, 7, 31, 21, 46, 21)),  # SMF 1 in Polish
    ("28 Października 2015, 20:15:39", utc(2015, 10, 28, 20, 15, 39)),
    ("28 Pazdziernika 2015", utc(2015, 10, 28)),  # diacritics dropped
    ("am 5. Mai 2020 um 14:30", utc(2020, 5, 5, 14, 30)),  # German "am" before the time
    ("12. März 2019, 08:15", utc(2019, 3, 12, 8, 15)),
    ("mardi 3 décembre 2019 à 18:02", utc(2019, 12, 3, 18, 2)),
    ("5 de mayo de 2020, 10:00", utc(2020, 5, 5, 10, 0)),
    ("14 settembre 2021 alle 09:40", utc(2021, 9, 14, 9, 40)),
    ("3 de outubro de 2017", utc(2017, 10, 3)),
    ("22 февраля 2019 г. в 10:15", utc(2019, 2, 22, 10, 15)),
    ("09.09.2018 в . 09:28", utc(2018, 9, 9, 9, 28)),
    ("1. května 2016 12:00", utc(2016, 5, 1, 12, 0)),
    ("7 maart 2014 om 11:11", utc(2014, 3, 7, 11, 11)),
    ("15 januari 2013 kl. 16:20", utc(2013, 1, 15, 16, 20)),
    ("12 ekim 2020 14:00", utc(2020, 10, 12, 14, 0)),
]


@pytest.mark.parametrize(("text", "expected"), FORUM_FORMATS + LOCALISED)
def test_forum_and_localised_formats_are_read(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a date",
        "sometime in late October",
        "posted 12.05.2020",  # an unknown word is not guessed past
        "Jul 16",  # no year
        "12/05",
        "31.02.2020",  # no such day
        "13-13-2020",
        "2020-05-12 <b>",
        "1. 2. 3",
        "x" * 200,
        "Jan Feb 2020",  # two months
    ],
)
def test_garbage_is_none(text: str) -> None:
    assert parse_datetime(text) is None


@pytest.mark.parametrize("value", [None, True, [], {}, object(), float("nan"), float("inf")])
def test_values_that_are_not_dates_are_none(value: object) -> None:
    assert parse_datetime(value) is None


def test_epoch_seconds_and_milliseconds() -> None:
    assert parse_datetime(1698918840) == utc(2023, 11, 2, 9, 54)
    assert parse_datetime("1698918840") == utc(2023, 11, 2, 9, 54)
    assert parse_datetime(1698918840000) == utc(2023, 11, 2, 9, 54)
    assert parse_datetime(61171200.0) == utc(1971, 12, 10)


def test_iso_8601_with_offsets_becomes_utc() -> None:
    assert parse_datetime("2023-11-02T09:14:00Z") == utc(2023, 11, 2, 9, 14)
    assert parse_datetime("2023-11-02T12:40:00+05:30") == utc(2023, 11, 2, 7, 10)
    assert parse_datetime("2023-11-02") == utc(2023, 11, 2)
    stamp = parse_datetime("2023-11-02 09:14:00")
    assert stamp == utc(2023, 11, 2, 9, 14) and stamp.tzinfo is UTC  # naive is taken as UTC


def test_datetime_and_date_objects() -> None:
    eastern = timezone(timedelta(hours=-5))
    assert parse_datetime(datetime(2020, 1, 2, 3, 4, tzinfo=eastern)) == utc(2020, 1, 2, 8, 4)
    assert parse_datetime(datetime(2020, 1, 2, 3, 4)) == utc(2020, 1, 2, 3, 4)
    assert parse_datetime(date(2020, 1, 2)) == utc(2020, 1, 2)


def test_every_result_is_utc_aware() -> None:
    for text, _ in FORUM_FORMATS + LOCALISED:
        stamp = parse_datetime(text)
        assert stamp is not None and stamp.utcoffset() == timedelta(0)


def test_ambiguous_day_month_follows_the_separator_unless_told() -> None:
    assert parse_datetime("03.04.2012") == utc(2012, 4, 3)  # dots: day first
    assert parse_datetime("03/04/2012") == utc(2012, 4, 3)  # slashes: day first
    assert parse_datetime("03-04-2012") == utc(2012, 3, 4)  # dashes: month first
    assert parse_datetime("03-04-2012", day_first=True) == utc(2012, 4, 3)
    assert parse_datetime("03.04.2012", day_first=False) == utc(2012, 3, 4)
    # A day above 12 decides whatever the convention says.
    assert parse_datetime("13-04-2012", day_first=False) == utc(2012, 4, 13)
    assert parse_datetime("04.13.2012", day_first=True) == utc(2012, 4, 13)


def test_relative_dates_need_a_reference() -> None:
    assert parse_datetime("Today at 10:15") is None
    assert parse_datetime("Yesterday, 09:12") is None
    saved = date(2020, 3, 1)
    assert parse_datetime("Today at 10:15", reference=saved) == utc(2020, 3, 1, 10, 15)
    assert parse_datetime("Yesterday, 09:12", reference=saved) == utc(2020, 2, 29, 9, 12)
    assert parse_datetime("wczoraj, 21:00", reference=saved) == utc(2020, 2, 29, 21, 0)
    assert parse_datetime("Heute, 08:00", reference=datetime(2020, 3, 1, 23, 0)) == utc(2020, 3, 1, 8, 0)
    assert parse_datetime("aujourd'hui à 10:15", reference=saved) == utc(2020, 3, 1, 10, 15)


def test_parse_date_reads_joined_dates() -> None:
    assert parse_date("Mar 3, 2019") == date(2019, 3, 3)
    assert parse_date("Mar 2019") == date(2019, 3, 1)
    assert parse_date("2019-03-03") == date(2019, 3, 3)
    assert parse_date("03.03.2019") == date(2019, 3, 3)
    assert parse_date(datetime(2019, 3, 3, 12)) == date(2019, 3, 3)
    assert parse_date("never") is None


def test_one_plan_per_format_is_memoised() -> None:
    dates._PLANS.clear()
    for day in range(10, 29):
        assert parse_datetime(f"{day} Jul 2008 at 7:{day} AM") == utc(2008, 7, day, 7, day)
    assert list(dates._PLANS) == ["99 Jul 9999 at 9:99 AM"]
    parse_datetime("not a date")
    assert dates._PLANS["not a date"] is None  # garbage costs one failed plan, then a lookup


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "MAX_PLANS", 3)
    dates._PLANS.clear()
    for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
        assert parse_datetime(f"{word} 2020") is None
    assert len(dates._PLANS) == 3


def test_reexported_from_xenforo_html() -> None:
    from discourse.ingest import xenforo_html

    assert xenforo_html.parse_datetime is parse_datetime
    assert xenforo_html.parse_date is parse_date
