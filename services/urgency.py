"""Who needs the supervisor now: the pure rules behind ``/students``, its filters and ``/message``.

A student is in the first of these that holds, and the list is sorted by it:

1. **waiting**: their latest version waits for a decision (longest waiting first);
2. **overdue**: an open milestone is past their own due time (longest overdue first);
3. **silent**: no version, comment or meeting for ``silent_days`` (longest silent first);
4. **no submission** yet;
5. the rest (by name).

The filters (**Waiting**, **Overdue**, **Silent**, **No submission**) are flags, not the
rank: a student waiting for review with an overdue milestone is in both filters.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

DEFAULT_SILENT_DAYS = 14
PAGE_SIZE = 10
T = TypeVar("T")


class Rank(enum.IntEnum):
    WAITING = 0
    OVERDUE = 1
    SILENT = 2
    NO_SUBMISSION = 3
    REST = 4


# The rank's name where one is shown outside (the Mini App's table).
RANK_NAMES = {Rank.WAITING: "waiting", Rank.OVERDUE: "overdue", Rank.SILENT: "silent",
              Rank.NO_SUBMISSION: "none", Rank.REST: "rest"}


class Filter(enum.StrEnum):
    ALL = "all"
    WAITING = "waiting"
    OVERDUE = "overdue"
    SILENT = "silent"
    NO_SUBMISSION = "none"


@dataclass(frozen=True)
class Signals:
    """What is known of one student, as plain values."""

    student_id: int
    name: str
    joined_at: datetime
    waiting_since: datetime | None  # their latest version waits for a decision since then
    overdue_since: datetime | None  # the earliest own due time of an open overdue milestone
    last_version_at: datetime | None
    last_comment_at: datetime | None  # the student's last comment in a thread
    last_meeting_at: datetime | None  # the last meeting they were in (already begun)


@dataclass(frozen=True)
class Judged:
    signals: Signals
    rank: Rank
    flags: frozenset[Filter]
    silent_days: int | None  # days since their last sign of life, when silent


def last_active(s: Signals) -> datetime:
    """The student's last sign of life (their joining, when there is none yet)."""
    return max(m for m in (s.joined_at, s.last_version_at, s.last_comment_at,
                           s.last_meeting_at) if m is not None)


def judge(s: Signals, now: datetime, silent_days: int) -> Judged:
    active = last_active(s)
    silent = now - active >= timedelta(days=silent_days)
    flags = {Filter.ALL}
    if s.waiting_since is not None:
        flags.add(Filter.WAITING)
    if s.overdue_since is not None:
        flags.add(Filter.OVERDUE)
    if silent:
        flags.add(Filter.SILENT)
    if s.last_version_at is None:
        flags.add(Filter.NO_SUBMISSION)
    rank = (Rank.WAITING if s.waiting_since is not None
            else Rank.OVERDUE if s.overdue_since is not None
            else Rank.SILENT if silent
            else Rank.NO_SUBMISSION if s.last_version_at is None
            else Rank.REST)
    return Judged(s, rank, frozenset(flags), (now - active).days if silent else None)


def _key(j: Judged) -> tuple[int, float, str, int]:
    s = j.signals
    moment = {Rank.WAITING: s.waiting_since, Rank.OVERDUE: s.overdue_since,
              Rank.SILENT: last_active(s)}.get(j.rank)
    return (j.rank, moment.timestamp() if moment else 0.0, s.name.casefold(), s.student_id)


def by_urgency(judged: Iterable[Judged]) -> list[Judged]:
    """Most urgent first; within a rank the oldest moment first, then by name."""
    return sorted(judged, key=_key)


def counts(judged: Iterable[Judged]) -> dict[Filter, int]:
    counter: Counter[Filter] = Counter()
    for j in judged:
        counter.update(j.flags)
    return {f: counter.get(f, 0) for f in Filter}


def page_of(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int, int]:
    """The items of one page, the page (clamped) and the number of pages."""
    pages = max((len(items) + size - 1) // size, 1)
    page = min(max(page, 0), pages - 1)
    return list(items[page * size:(page + 1) * size]), page, pages
