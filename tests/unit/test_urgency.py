"""Who needs the supervisor now (services/urgency.py), when a review promise is due
(services/promises.py) and when the silent digest goes (services/silence.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services import urgency
from services.promises import Choice, due_for, passed_key
from services.silence import week_key, weekly_due
from services.urgency import Filter, Rank, Signals

NOW = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)  # a Friday
DAY = timedelta(days=1)


def student(n: int, name: str, *, joined: timedelta = 60 * DAY,
            waiting: timedelta | None = None, overdue: timedelta | None = None,
            version: timedelta | None = None, comment: timedelta | None = None,
            meeting: timedelta | None = None) -> Signals:
    def at(ago: timedelta | None) -> datetime | None:
        return NOW - ago if ago is not None else None

    return Signals(n, name, NOW - joined, at(waiting), at(overdue), at(version or waiting),
                   at(comment), at(meeting))


def test_ranks_and_flags() -> None:
    judged = {s.name: urgency.judge(s, NOW, 14) for s in (
        student(1, "waits", waiting=3 * DAY, overdue=DAY),
        student(2, "late", overdue=2 * DAY, version=3 * DAY),
        student(3, "quiet", version=20 * DAY),
        student(4, "quiet but met", version=20 * DAY, meeting=2 * DAY),
        student(5, "quiet but wrote", version=20 * DAY, comment=13 * DAY),
        student(6, "new", joined=2 * DAY),
        student(7, "joined long ago, nothing", joined=30 * DAY),
        student(8, "fine", version=DAY))}
    assert {name: j.rank for name, j in judged.items()} == {
        "waits": Rank.WAITING, "late": Rank.OVERDUE, "quiet": Rank.SILENT,
        "quiet but met": Rank.REST, "quiet but wrote": Rank.REST, "new": Rank.NO_SUBMISSION,
        "joined long ago, nothing": Rank.SILENT, "fine": Rank.REST}
    # Filters are flags: waiting and overdue at once; silent and without a version at once.
    assert judged["waits"].flags == {Filter.ALL, Filter.WAITING, Filter.OVERDUE}
    assert judged["joined long ago, nothing"].flags == {Filter.ALL, Filter.SILENT,
                                                        Filter.NO_SUBMISSION}
    assert judged["quiet"].silent_days == 20 and judged["fine"].silent_days is None
    counts = urgency.counts(judged.values())
    assert counts == {Filter.ALL: 8, Filter.WAITING: 1, Filter.OVERDUE: 2, Filter.SILENT: 2,
                      Filter.NO_SUBMISSION: 2}


def test_order_within_each_rank_oldest_first() -> None:
    people = [student(1, "w new", waiting=DAY), student(2, "w old", waiting=5 * DAY),
              student(3, "o new", overdue=DAY, version=2 * DAY),
              student(4, "o old", overdue=4 * DAY, version=2 * DAY),
              student(5, "s new", version=15 * DAY), student(6, "s old", version=30 * DAY),
              student(7, "n b", joined=DAY), student(8, "n a", joined=2 * DAY),
              student(9, "r b", version=DAY), student(10, "r a", version=2 * DAY)]
    ordered = urgency.by_urgency(urgency.judge(s, NOW, 14) for s in people)
    assert [j.signals.name for j in ordered] == [
        "w old", "w new", "o old", "o new", "s old", "s new", "n a", "n b", "r a", "r b"]


def test_pages_of_ten() -> None:
    items = list(range(25))
    assert urgency.page_of(items, 0) == (list(range(10)), 0, 3)
    assert urgency.page_of(items, 2) == ([20, 21, 22, 23, 24], 2, 3)
    assert urgency.page_of(items, 9) == ([20, 21, 22, 23, 24], 2, 3)  # clamped
    assert urgency.page_of([], 0) == ([], 0, 1)


def test_promise_choices_end_of_day_in_the_time_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    friday = datetime(2030, 3, 1, 23, 30, tzinfo=UTC)  # already Saturday in Berlin
    assert due_for(Choice.TOMORROW, friday, berlin) == datetime(2030, 3, 3, 23, 59,
                                                                tzinfo=berlin)
    assert due_for(Choice.IN_3_DAYS, NOW, UTC) == datetime(2030, 3, 4, 23, 59, tzinfo=UTC)
    # Friday: the next one, never today.
    assert due_for(Choice.FRIDAY, NOW, UTC) == datetime(2030, 3, 8, 23, 59, tzinfo=UTC)
    assert due_for(Choice.FRIDAY, NOW - DAY, UTC) == datetime(2030, 3, 1, 23, 59, tzinfo=UTC)
    # Moving a promise arms its reminder afresh.
    assert passed_key(1, NOW) != passed_key(1, NOW + DAY)


def test_the_silent_digest_goes_on_monday_morning_once_a_week() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    monday = datetime(2030, 3, 4, 8, 30, tzinfo=UTC)  # 09:30 in Berlin
    assert weekly_due(monday, berlin) and not weekly_due(monday, UTC)  # 08:30 UTC: too early
    assert not weekly_due(monday + DAY, berlin)  # Tuesday
    assert week_key("s", 7, monday, berlin) == week_key("s", 7, monday + 3 * DAY, berlin)
    assert week_key("s", 7, monday, berlin) != week_key("s", 7, monday + 7 * DAY, berlin)
