"""Reminder schedules: which reminders a milestone gets and which one is due at a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.reminders import (
    digest_due,
    digest_key,
    overdue_due,
    overdue_key,
    reminder_due,
    reminder_key,
    schedule,
)


def test_schedule_rules_are_pure() -> None:
    due = datetime(2030, 3, 11, 10, 0, tzinfo=UTC)
    assert [label for label, _ in schedule(due, due - timedelta(days=10))] == \
        ["7d", "3d", "1d", "12h", "1h"]
    # Set two days before: the 7- and 3-day reminders were never ahead, so never sent.
    assert [label for label, _ in schedule(due, due - timedelta(days=2))] == ["1d", "12h", "1h"]
    armed = due - timedelta(days=10)
    assert reminder_due(due, armed, due - timedelta(days=7, seconds=1)) is None
    assert reminder_due(due, armed, due - timedelta(days=7)) == "7d"
    assert reminder_due(due, armed, due - timedelta(days=4)) == "7d"
    assert reminder_due(due, armed, due - timedelta(hours=2)) == "12h"
    assert reminder_due(due, armed, due - timedelta(minutes=1)) == "1h"
    assert reminder_due(due, armed, due) is None  # overdue is another notice
    # After a long outage only the nearest threshold is due, not a burst of stale ones.
    assert reminder_due(due, due - timedelta(hours=30), due - timedelta(hours=2)) == "12h"
    assert reminder_due(due, due - timedelta(hours=5), due - timedelta(hours=4)) is None


def test_overdue_is_due_for_a_week_after_the_due_time() -> None:
    due = datetime(2030, 3, 11, 10, 0, tzinfo=UTC)
    assert not overdue_due(due, due - timedelta(seconds=1))
    assert overdue_due(due, due)
    assert overdue_due(due, due + timedelta(days=6, hours=23))
    assert not overdue_due(due, due + timedelta(days=7))  # stale: the scheduler was down


def test_the_digest_goes_after_nine_local_time_once_a_local_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert not digest_due(datetime(2030, 3, 1, 7, 59, tzinfo=UTC), berlin)  # 08:59 CET
    assert digest_due(datetime(2030, 3, 1, 8, 0, tzinfo=UTC), berlin)
    # 23:30 UTC is already the next day in Berlin: a new day's key.
    assert digest_key(100, datetime(2030, 3, 1, 23, 30, tzinfo=UTC), berlin) == "s100:2030-03-02"


def test_moving_a_milestone_arms_its_reminders_afresh() -> None:
    due = datetime(2030, 3, 11, 10, 0, tzinfo=UTC)
    moved = due + timedelta(days=1)
    assert reminder_key(7, due, "1d") != reminder_key(7, moved, "1d")
    assert overdue_key(7, due) != overdue_key(7, moved)
