"""The thesis status machine: the one table of legal moves."""

from __future__ import annotations

from enum import StrEnum

from services.errors import IllegalTransition
from storage.models import ThesisStatus


class Event(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


S = ThesisStatus
TRANSITIONS: dict[tuple[ThesisStatus, Event], ThesisStatus] = {
    (S.DRAFT, Event.SUBMIT): S.SUBMITTED,
    # A newer version replaces one still waiting: the review moves to the newest.
    (S.SUBMITTED, Event.SUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, Event.SUBMIT): S.SUBMITTED,
    (S.REJECTED, Event.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Event.APPROVE): S.APPROVED,
    (S.SUBMITTED, Event.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, Event.REJECT): S.REJECTED,
}


def next_status(current: str, event: Event) -> ThesisStatus:
    try:
        return TRANSITIONS[(ThesisStatus(current), event)]
    except (KeyError, ValueError):
        raise IllegalTransition(status=current, event=event.value) from None
