"""Dates as people write them (services/dates.py), in both languages, bounded to the future
and to three years, and the quick buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.dates import Quick, bounded, parse, quick
from services.errors import InvalidDate
from telegram.texts import Texts

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)  # Monday, 09:00 in Berlin


def at(day: int, hour: int = 23, minute: int = 59, month: int = 1,
       year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2027-01-15 10:00", at(15, 10, 0)),
    ("2027-01-15", at(15)),
    ("15.01.2027 10:00", at(15, 10, 0)),
    ("15.01.2027", at(15)),
    ("15.01.27", at(15)),
    ("15/01", at(15)),
    ("15/01 18:30", at(15, 18, 30)),
    ("05/01", at(5, year=2028)),  # already past this year: next year's
    ("tomorrow 10:00", at(12, 10, 0)),
    ("завтра 10:00", at(12, 10, 0)),
    ("Завтра", at(12)),
    ("next friday", at(15)),
    ("friday 14:30", at(15, 14, 30)),
    ("в пятницу", at(15)),
    ("пятница 15:00", at(15, 15, 0)),
    ("in 2 weeks", at(25)),
    ("через 2 недели", at(25)),
    ("  15.01.2027   10:00 ", at(15, 10, 0)),
])
def test_dates_as_people_write_them(raw: str, expected: datetime) -> None:
    assert parse(raw, BERLIN, NOW) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    (None, "date_format"),
    ("", "date_format"),
    ("/skip", "date_format"),
    ("whenever you like", "date_format"),
    ("31.02.2027", "date_format"),
    ("2027-02-30", "date_format"),
    ("x" * 200, "date_format"),
    ("2027-01-11 08:59", "date_past"),
    ("10.01.2027", "date_past"),
    ("2031-01-01", "date_too_far"),
])
def test_a_date_that_cannot_be_is_refused_with_its_reason(raw: str | None,
                                                          reason: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse(raw, BERLIN, NOW)
    assert caught.value.params["reason"] == reason


def test_quick_buttons() -> None:
    assert quick(Quick.WEEK, BERLIN, NOW) == at(18)
    assert quick(Quick.TWO_WEEKS, BERLIN, NOW) == at(25)
    assert quick(Quick.MONTH_END, BERLIN, NOW) == at(31)
    # On the last day of a month, the end of the next one.
    last = datetime(2027, 2, 28, 12, 0, tzinfo=BERLIN)
    assert quick(Quick.MONTH_END, BERLIN, last) == at(31, month=3)
    assert bounded(at(18), NOW) == at(18)


def test_the_echo_names_the_weekday_in_both_languages() -> None:
    moment = at(15, 10, 0)
    assert Texts("en", BERLIN).weekday(moment) == "Friday, 15 January 2027, 10:00 CET"
    assert Texts("ru", BERLIN).weekday(moment) == "пятница, 15 января 2027, 10:00 CET"


def test_a_command_is_not_words() -> None:
    from services.errors import CommandNotText
    from services.typed import words
    assert words("  Graphs ") == "Graphs"
    with pytest.raises(CommandNotText) as caught:
        words("/skip please")
    assert caught.value.params == {"command": "/skip"}
