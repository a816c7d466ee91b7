"""The thesis status machine: the one table of legal moves."""

from __future__ import annotations

from enum import StrEnum

from services.errors import IllegalTransition, ThesisFinal
from services.vocabulary import Phase, ThesisStatus, VersionKind


class Event(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    # The supervisor declares the thesis finished, or takes that back.
    FINALIZE = "finalize"
    REOPEN = "reopen"
    # The student confirms the authorship declaration: only then is the thesis final.
    DECLARE = "declare"
    # The agreed grade is released to the student: the thesis is archived, read-only.
    RELEASE = "release"
    # A released assessment reopened (recorded, with a reason) to change the grade.
    REOPEN_RELEASE = "reopen_release"


S = ThesisStatus
TRANSITIONS: dict[tuple[ThesisStatus, Event], ThesisStatus] = {
    (S.DRAFT, Event.SUBMIT): S.SUBMITTED,
    # A newer version replaces one still waiting: the review moves to the newest.
    (S.SUBMITTED, Event.SUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, Event.SUBMIT): S.SUBMITTED,
    (S.REJECTED, Event.SUBMIT): S.SUBMITTED,
    # Approve approves a version, not the thesis: the next chapter or draft may follow.
    (S.APPROVED, Event.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Event.APPROVE): S.APPROVED,
    (S.SUBMITTED, Event.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, Event.REJECT): S.REJECTED,
    # Only a thesis whose latest version is approved can be declared final, and only once
    # the student has confirmed the authorship declaration.
    (S.APPROVED, Event.FINALIZE): S.DECLARATION,
    (S.DECLARATION, Event.DECLARE): S.FINAL,
    # A new version instead of the declaration: the review moves to it.
    (S.DECLARATION, Event.SUBMIT): S.SUBMITTED,
    (S.DECLARATION, Event.REOPEN): S.CHANGES_REQUESTED,
    (S.FINAL, Event.REOPEN): S.CHANGES_REQUESTED,
    (S.FINAL, Event.RELEASE): S.RELEASED,
    (S.RELEASED, Event.REOPEN_RELEASE): S.FINAL,
}
# Illegal moves that deserve their own words rather than the generic refusal.
REFUSALS: dict[tuple[ThesisStatus, Event], type[IllegalTransition]] = {
    (S.FINAL, Event.SUBMIT): ThesisFinal,
    (S.RELEASED, Event.SUBMIT): ThesisFinal,
}


def next_status(current: str, event: Event) -> ThesisStatus:
    try:
        status = ThesisStatus(current)
    except ValueError:
        raise IllegalTransition(status=current, event=event.value) from None
    moved = TRANSITIONS.get((status, event))
    if moved is None:
        refusal = REFUSALS.get((status, event), IllegalTransition)
        raise refusal(status=current, event=event.value)
    return moved


def allowed(current: str, event: Event) -> bool:
    """Whether ``event`` is a legal move from ``current`` (to offer a button or not)."""
    try:
        return (ThesisStatus(current), event) in TRANSITIONS
    except ValueError:
        return False


# The thesis is final from the declaration on (the writing is over).
FINAL_STATUSES = frozenset({S.DECLARATION, S.FINAL, S.RELEASED})


def phase_of(status: str, stage: str) -> Phase:
    """Proposal (a topic's proposal not yet accepted) → writing → final."""
    if stage == VersionKind.PROPOSAL.value:
        return Phase.PROPOSAL
    if status in FINAL_STATUSES:
        return Phase.FINAL
    return Phase.WRITING
