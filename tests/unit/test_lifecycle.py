"""The status machine, every (status, event) pair: no database, no bot."""

from __future__ import annotations

import itertools

import pytest

from services import lifecycle
from services.errors import IllegalTransition, ThesisFinal
from services.lifecycle import Event
from services.vocabulary import ThesisStatus as S

# What each pair must do: the new status, or None for a refusal. Written out in full so that
# a new status or event fails here until someone decides what it does.
EXPECTED: dict[tuple[S, Event], S | None] = {
    (S.DRAFT, Event.SUBMIT): S.SUBMITTED,
    (S.DRAFT, Event.APPROVE): None,
    (S.DRAFT, Event.REQUEST_CHANGES): None,
    (S.DRAFT, Event.REJECT): None,
    (S.DRAFT, Event.FINALIZE): None,
    (S.DRAFT, Event.REOPEN): None,
    (S.SUBMITTED, Event.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Event.APPROVE): S.APPROVED,
    (S.SUBMITTED, Event.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, Event.REJECT): S.REJECTED,
    (S.SUBMITTED, Event.FINALIZE): None,
    (S.SUBMITTED, Event.REOPEN): None,
    (S.CHANGES_REQUESTED, Event.SUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, Event.APPROVE): None,
    (S.CHANGES_REQUESTED, Event.REQUEST_CHANGES): None,
    (S.CHANGES_REQUESTED, Event.REJECT): None,
    (S.CHANGES_REQUESTED, Event.FINALIZE): None,
    (S.CHANGES_REQUESTED, Event.REOPEN): None,
    (S.APPROVED, Event.SUBMIT): S.SUBMITTED,
    (S.APPROVED, Event.APPROVE): None,
    (S.APPROVED, Event.REQUEST_CHANGES): None,
    (S.APPROVED, Event.REJECT): None,
    (S.APPROVED, Event.FINALIZE): S.DECLARATION,
    (S.APPROVED, Event.REOPEN): None,
    (S.REJECTED, Event.SUBMIT): S.SUBMITTED,
    (S.REJECTED, Event.APPROVE): None,
    (S.REJECTED, Event.REQUEST_CHANGES): None,
    (S.REJECTED, Event.REJECT): None,
    (S.REJECTED, Event.FINALIZE): None,
    (S.REJECTED, Event.REOPEN): None,
    (S.FINAL, Event.SUBMIT): None,
    (S.FINAL, Event.APPROVE): None,
    (S.FINAL, Event.REQUEST_CHANGES): None,
    (S.FINAL, Event.REJECT): None,
    (S.FINAL, Event.FINALIZE): None,
    (S.FINAL, Event.REOPEN): S.CHANGES_REQUESTED,
    (S.FINAL, Event.RELEASE): S.RELEASED,
    (S.DECLARATION, Event.DECLARE): S.FINAL,
    (S.DECLARATION, Event.SUBMIT): S.SUBMITTED,
    (S.DECLARATION, Event.REOPEN): S.CHANGES_REQUESTED,
    (S.RELEASED, Event.REOPEN_RELEASE): S.FINAL,
}
# Everything else is refused (the new statuses and events added with the assessment).
for _pair in itertools.product(S, Event):
    EXPECTED.setdefault(_pair, None)


def test_every_pair_is_decided() -> None:
    assert set(EXPECTED) == set(itertools.product(S, Event))


@pytest.mark.parametrize(("status", "event"), list(itertools.product(S, Event)))
def test_every_pair(status: S, event: Event) -> None:
    expected = EXPECTED[(status, event)]
    assert lifecycle.allowed(status.value, event) is (expected is not None)
    if expected is not None:
        assert lifecycle.next_status(status.value, event) is expected
        return
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.next_status(status.value, event)
    assert refused.value.params == {"status": status.value, "event": event.value}


def test_a_final_thesis_refuses_uploads_in_its_own_words() -> None:
    with pytest.raises(ThesisFinal):
        lifecycle.next_status(S.FINAL.value, Event.SUBMIT)
    with pytest.raises(ThesisFinal):
        lifecycle.next_status(S.RELEASED.value, Event.SUBMIT)


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        lifecycle.next_status("archived", Event.SUBMIT)
    assert not lifecycle.allowed("archived", Event.SUBMIT)
