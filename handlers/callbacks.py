"""Typed callback data; every pack stays well under Telegram's 64 bytes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Row ids are 32-bit and user ids 64-bit: a forged bigger (or negative) number fails to
# unpack, so the button is answered as stale and the number never reaches the database.
RowId = Annotated[int, Field(ge=0, lt=2**31)]
UserId = Annotated[int, Field(ge=0, lt=2**63)]


class ReviewAction(StrEnum):
    APPROVE = "a"
    CHANGES = "c"
    REJECT = "r"


class ReviewCb(CallbackData, prefix="rv"):
    action: ReviewAction
    submission_id: RowId


class FileCb(CallbackData, prefix="f"):
    submission_id: RowId
    feedback: bool = False


class InviteRevokeCb(CallbackData, prefix="ir"):
    invite_id: RowId


class QueuePageCb(CallbackData, prefix="qp"):
    page: RowId


class StudentCb(CallbackData, prefix="st"):
    student_id: UserId


class DeadlineTargetCb(CallbackData, prefix="dl"):
    """/deadline: the student picked (0 = all the supervisor's students)."""

    student_id: UserId


class ThesisAction(StrEnum):
    FINAL = "f"
    REOPEN = "o"


class ThesisCb(CallbackData, prefix="th"):
    """A move on a student's whole thesis, from their view in /students."""

    action: ThesisAction
    student_id: UserId


class MilestoneAction(StrEnum):
    MOVE = "m"
    DELETE = "d"
    EXTEND = "e"


class MilestoneCb(CallbackData, prefix="ms"):
    action: MilestoneAction
    milestone_id: RowId


class PeoplePageCb(CallbackData, prefix="pp"):
    """/users: a page of the list of people."""

    page: RowId


class PersonCb(CallbackData, prefix="pn"):
    """/users: one person's view."""

    user_id: UserId


class AccessAction(StrEnum):
    DEACTIVATE = "d"
    REACTIVATE = "r"


class AccessCb(CallbackData, prefix="ac"):
    action: AccessAction
    user_id: UserId


class LanguageCb(CallbackData, prefix="lg"):
    """/language: the language chosen (a catalog's folder name, e.g. ``ru``)."""

    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
