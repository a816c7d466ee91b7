"""Dates as people write them, for every step that asks for one (deadlines, meetings, and
any later feature that asks for a date).

``parse`` reads ISO (``2027-01-15 10:00``), ``15.01.2027 [10:00]``, ``15/01 [10:00]``,
weekday names, ``tomorrow``/``завтра``, ``in 2 weeks``/``через 2 недели`` (dateparser, English
and Russian), in the configured time zone, and keeps it within the future and ``MAX_AHEAD``.
A date without a time means the end of that day (``END_OF_DAY``). ``quick`` gives the
moments of the quick buttons (+1 week, +2 weeks, end of month). Pure: no database, no clock
of its own (``now`` is given)."""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.errors import InvalidDate

END_OF_DAY = (23, 59)
MAX_AHEAD = timedelta(days=3 * 366)
LANGUAGES = ["en", "ru"]
TEXT_MAX = 60
# Whether the text names a time of day: 10:00, 10.30 after a date, 9am, 18 ч.
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?(am|pm|a\.m\.|p\.m\.)|"
                   r"\s\d{1,2}\.\d{2}$|\bnoon\b|\bполдень\b", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?")
_DOTTED = re.compile(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?:,?\s+(\d{1,2})[:.](\d{2}))?")


class Quick(enum.StrEnum):
    """The quick buttons under a date question."""

    WEEK = "w1"
    TWO_WEEKS = "w2"
    MONTH_END = "me"


def parse(raw: str | None, tz: ZoneInfo, now: datetime) -> datetime:
    """The moment ``raw`` names, aware, in ``tz``; ``InvalidDate`` with a reason
    (``date_format``, ``date_past``, ``date_too_far``) otherwise."""
    text = " ".join((raw or "").split()).strip(" .,")
    if not text or len(text) > TEXT_MAX or text.startswith("/"):
        raise InvalidDate(reason="date_format")
    local_now = now.astimezone(tz)
    moment = _exact(text, local_now) or _natural(text, tz, local_now)
    if moment is None:
        raise InvalidDate(reason="date_format")
    return bounded(moment, now)


def bounded(moment: datetime, now: datetime) -> datetime:
    if moment <= now:
        raise InvalidDate(reason="date_past", now=now)
    if moment - now > MAX_AHEAD:
        raise InvalidDate(reason="date_too_far")
    return moment


def quick(choice: Quick, tz: ZoneInfo, now: datetime) -> datetime:
    """+1 week, +2 weeks: that day at the end of the day; end of month: its last day (the
    next month's when this one ends today)."""
    local = now.astimezone(tz)
    if choice is Quick.WEEK:
        day = local + timedelta(days=7)
    elif choice is Quick.TWO_WEEKS:
        day = local + timedelta(days=14)
    else:
        day = _month_end(local)
        if day.date() == local.date():
            day = _month_end(day + timedelta(days=1))
    return _end_of_day(day)


def _month_end(local: datetime) -> datetime:
    first_of_next = (local.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)


def _end_of_day(local: datetime) -> datetime:
    return local.replace(hour=END_OF_DAY[0], minute=END_OF_DAY[1], second=0, microsecond=0)


def _exact(text: str, local_now: datetime) -> datetime | None:
    """The numeric forms, read exactly (day first, as in Europe): no guessing."""
    tz = local_now.tzinfo
    if match := _ISO.fullmatch(text):
        year, month, day, hour, minute = match.groups()
        return _build(int(year), int(month), int(day), hour, minute, tz)
    if match := _DOTTED.fullmatch(text):
        day, month, year, hour, minute = match.groups()
        if year is None:
            moment = _build(local_now.year, int(month), int(day), hour, minute, tz)
            if moment is not None and moment <= local_now:
                # 15/01 said in December means next January.
                moment = _build(local_now.year + 1, int(month), int(day), hour, minute, tz)
            return moment
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _build(full, int(month), int(day), hour, minute, tz)
    return None


def _build(year: int, month: int, day: int, hour: str | None, minute: str | None,
           tz: object) -> datetime | None:
    try:
        if hour is None:
            return datetime(year, month, day, *END_OF_DAY, tzinfo=tz)  # type: ignore[arg-type]
        return datetime(year, month, day, int(hour), int(minute or 0),
                        tzinfo=tz)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidDate(reason="date_format") from None


def _natural(text: str, tz: ZoneInfo, local_now: datetime) -> datetime | None:
    # Imported on the first date typed in words, not by every replica at start (issue 33).
    import dateparser

    found = dateparser.parse(text, languages=LANGUAGES, settings={
        "PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY", "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": local_now.replace(tzinfo=None, microsecond=0)})
    if found is None:
        return None
    moment: datetime = found.replace(tzinfo=tz, second=0, microsecond=0)
    if not _TIME.search(text):
        moment = _end_of_day(moment)
    return moment
