"""Typed callback data; every pack stays well under Telegram's 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class ReviewAction(StrEnum):
    APPROVE = "a"
    CHANGES = "c"
    REJECT = "r"


class ReviewCb(CallbackData, prefix="rv"):
    action: ReviewAction
    submission_id: int


class FileCb(CallbackData, prefix="f"):
    submission_id: int
    feedback: bool = False


class InviteRevokeCb(CallbackData, prefix="ir"):
    invite_id: int


class QueuePageCb(CallbackData, prefix="qp"):
    page: int


class StudentCb(CallbackData, prefix="st"):
    student_id: int


class DeadlineTargetCb(CallbackData, prefix="dl"):
    """/deadline: the student picked (0 = all the supervisor's students)."""

    student_id: int


class MilestoneAction(StrEnum):
    MOVE = "m"
    DELETE = "d"


class MilestoneCb(CallbackData, prefix="ms"):
    action: MilestoneAction
    milestone_id: int
