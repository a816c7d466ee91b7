"""Outbox payload schemas: a wrong field fails where the notification is made, and every
kind round-trips through the row and renders. Pure: no database, no emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.notifications import (
    PAYLOADS,
    AccessDeactivated,
    AccessReactivated,
    ApplicationAccepted,
    ApplicationDeclined,
    ApplicationReceived,
    ApplicationReminder,
    ApplicationWithdrawn,
    AssessmentAgreed,
    AssessmentReleased,
    DeadlineMoved,
    DeadlineOverdue,
    DeadlineReminder,
    DeadlineSet,
    DecisionMade,
    DeclarationRequested,
    DefenceAnswered,
    DefenceInvited,
    DigestItem,
    DirectMessageSent,
    ExaminerFinal,
    ExaminerGraded,
    GradeProposed,
    GradeReopened,
    InterviewProposed,
    InterviewSet,
    Kind,
    MalformedPayload,
    MarkingRequested,
    MarksDisagree,
    MarkSet,
    MeetingAgreed,
    MeetingAnswered,
    MeetingCancelled,
    MeetingCorrection,
    MeetingInvited,
    MeetingMoved,
    MeetingNotesRequest,
    MeetingRecord,
    MeetingReminder,
    MilestoneDeleted,
    MilestoneExtended,
    NewSubmission,
    OverdueItem,
    Payload,
    PersonJoined,
    PromiseEscalated,
    PromiseMade,
    PromisePassed,
    ReportLine,
    ReviewDigest,
    SharedTextAlert,
    SilentAdminDigest,
    SilentCount,
    SilentDigest,
    SilentItem,
    StudentMessage,
    StudentOverdue,
    StudentUnreachable,
    TeamJoined,
    TeamLeft,
    ThesisFinal,
    ThesisRenamed,
    ThesisReopened,
    ThirdMarkerNeeded,
    ThreadComment,
    parse,
)
from telegram.notifications import StoredDocument, render
from telegram.texts import Texts

AT = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
SAMPLES: list[Payload] = [
    NewSubmission(submission_id=1, student_name="Alice", title="T", version=2, note="n",
                  file_id="F", file_name="t.pdf", submitted_at=AT),
    DecisionMade(submission_id=1, decision="approved", title="T", version=2, comment=None,
                 grade=90, reviewer_name="Sam", feedback_file_id=None, feedback_file_name=None),
    DeadlineSet(milestone_id=1, title="Outline", due_at=AT, supervisor_name="Sam"),
    DeadlineMoved(milestone_id=1, title="Outline", due_at=AT, old_due_at=AT,
                  supervisor_name="Sam"),
    DeadlineReminder(milestone_id=1, title="Outline", due_at=AT, left="1d"),
    DeadlineOverdue(milestone_id=1, title="Outline", due_at=AT),
    StudentOverdue(items=(OverdueItem(student_name="Bob", title="Outline", due_at=AT),)),
    ReviewDigest(items=(DigestItem(submission_id=1, student_name="Bob", title="T", version=1,
                                   submitted_at=AT),), total=3, sla_days=3),
    StudentUnreachable(student_name="Alice"),
    AccessDeactivated(),
    AccessReactivated(),
    ThesisFinal(title="T", version=2, supervisor_name="Sam"),
    SharedTextAlert(submission_id=3, student_name="Alice", title="T", version=2, percent=12.5,
                    source_title="Graphs", source_year=2025),
    ThesisReopened(title="T", version=2, supervisor_name="Sam", reason="more data"),
    MilestoneExtended(milestone_id=1, title="Outline", due_at=AT, common_due_at=AT,
                      supervisor_name="Sam"),
    MilestoneDeleted(milestone_id=1, title="Outline", due_at=AT, supervisor_name="Sam"),
    TeamJoined(student_name="Alice", member_name="Cora", role="co_supervisor"),
    PersonJoined(name="Alice A", role="student"),
    DirectMessageSent(message_id=1, sender_name="Sam", body="How is it going?"),
    DirectMessageSent(message_id=2, sender_name="Alice", body=None, file_id="F",
                      file_name="draft.pdf", answer=True),
    PromiseMade(submission_id=1, version=2, title="T", supervisor_name="Sam", due_at=AT),
    PromisePassed(submission_id=1, version=2, student_name="Alice", title="T", due_at=AT),
    PromiseEscalated(submission_id=1, version=2, student_name="Alice", title="T", due_at=AT,
                     supervisor_name="Sam"),
    SilentDigest(items=(SilentItem(student_id=201, student_name="Alice", days=20),), total=1,
                 silent_days=14),
    SilentAdminDigest(rows=(SilentCount(supervisor_name="Sam", silent=1, students=30),),
                      total=1, silent_days=14),
    TeamLeft(student_name="Alice", member_name="Cora", role="co_supervisor",
             removed_by="Sam"),
    ExaminerGraded(student_name="Alice", title="T", examiner_name="Eve", grade=88),
    ThreadComment(submission_id=1, comment_id=1, author_name="Alice", from_student=True,
                  to_student=False, student_name="Alice", title="T", version=2,
                  text="Done <b>1</b>", file_id=None, file_name=None),
    StudentMessage(student_name="Alice", text="What next <b>now</b>?"),
    ExaminerFinal(student_id=1, student_name="Alice", title="T", version=3),
    ThesisRenamed(student_name="Alice", by_name="Sam", old_title="/skip", title="Graphs"),
    ApplicationReceived(application_id=1, topic_title="Graphs", applicant_name="Alice",
                        applicant_username="alice", motivation="I like graphs",
                        open_for_topic=2, cv_file_key="theses/cv.bin", cv_file_name="cv.pdf"),
    ApplicationAccepted(topic_title="Graphs", supervisor_name="Sam", needs_proposal=True,
                        language="ru"),
    ApplicationDeclined(topic_title="Graphs", supervisor_name="Sam", reason_key="filled",
                        language="ru"),
    ApplicationReminder(application_id=1, topic_title="Graphs", applicant_name="Alice",
                        due=AT),
    ApplicationWithdrawn(topic_title="Graphs", applicant_name="Alice", why="expired"),
    InterviewProposed(application_id=1, topic_title="Graphs", supervisor_name="Sam",
                      slots=(AT,), language="en"),
    InterviewSet(application_id=1, topic_title="Graphs", applicant_name="Alice", starts_at=AT),
    MeetingInvited(meeting_id=1, title="Plan", starts_at=AT, place="Room 1",
                   supervisor_name="Sam", group=True),
    MeetingAnswered(meeting_id=1, title="Plan", starts_at=AT, student_name="Alice",
                    answer="declined"),
    MeetingReminder(meeting_id=1, title="Plan", starts_at=AT, place=None, left="1h"),
    MeetingNotesRequest(meeting_id=1, title="Plan", starts_at=AT),
    MeetingRecord(meeting_id=1, title="Plan", starts_at=AT, supervisor_name="Sam",
                  notes="Went well", items=("Draft chapter 3",)),
    MeetingAgreed(meeting_id=1, title="Plan", student_name="Alice"),
    MeetingCorrection(meeting_id=1, title="Plan", student_name="Alice", correction="No"),
    MeetingMoved(meeting_id=1, title="Plan", starts_at=AT, old_starts_at=AT, place=None,
                 supervisor_name="Sam"),
    MeetingCancelled(meeting_id=1, title="Plan", starts_at=AT, supervisor_name="Sam"),
    DeclarationRequested(title="T", version=2, supervisor_name="Sam",
                         statements={"ru": "Заявляю"}),
    MarkingRequested(student_id=201, student_name="Alice", title="T", third=False),
    MarksDisagree(student_id=201, student_name="Alice", title="T", tolerance=10, days=7,
                  sets=[MarkSet(marker_name="Sam", role="supervisor",
                                marks={"Content": 90}, total=90),
                        MarkSet(marker_name="Eve", role="examiner",
                                marks={"Content": 60}, total=60)]),
    GradeProposed(student_id=201, student_name="Alice", title="T", proposer_name="Sam",
                  total=75),
    AssessmentAgreed(student_id=201, student_name="Alice", title="T", total=78.5, grade=4,
                     scale="2-5", how="computed", may_release=True),
    ThirdMarkerNeeded(student_id=201, student_name="Alice", title="T", days=7),
    DefenceInvited(defence_id=1, student_name="Alice", title="T", starts_at=AT,
                   place="Room 1", committee=["Sam", "Dr. Out <b>Side</b>"],
                   minute_taker_name="Sam", minute_taker=True, student=False),
    DefenceAnswered(defence_id=1, title="T", student_name="Alice", starts_at=AT, name="Eve",
                    answer="declined"),
    GradeReopened(student_id=201, student_name="Alice", title="T", by_name="Ada",
                  reason="A <b>mistake</b>", to_student=True),
    AssessmentReleased(title="T", total=78.5, grade=79, scale="0-100",
                       components={"Content": 80, "Method": 77},
                       reports=[ReportLine(marker_name="Eve", role="examiner",
                                           text="Solid <b>work</b>", file_name=None)]),
]


def test_every_kind_has_a_schema_and_a_sample() -> None:
    assert set(PAYLOADS) == set(Kind)
    assert {sample.kind for sample in SAMPLES} == set(Kind)


def test_a_renamed_field_fails_when_the_notification_is_made() -> None:
    with pytest.raises(ValidationError, match="student"):
        StudentUnreachable(student=  # type: ignore[call-arg]
                           "Alice")
    with pytest.raises(ValidationError, match="due_at"):
        DeadlineSet(milestone_id=1, title="x", due=AT,  # type: ignore[call-arg]
                    supervisor_name="Sam")


def test_payloads_are_frozen() -> None:
    payload = StudentUnreachable(student_name="Alice")
    with pytest.raises(ValidationError):
        payload.student_name = "Mallory"  # type: ignore[misc]


@pytest.mark.parametrize("payload", SAMPLES, ids=[s.kind.value for s in SAMPLES])
def test_each_kind_round_trips_and_renders(payload: Payload) -> None:
    data = payload.dump()
    assert all(not isinstance(value, datetime) for value in data.values())  # JSON-safe
    assert parse(payload.kind.value, data) == payload
    assert render(parse(payload.kind.value, data), Texts("en")).text.strip()


def test_moments_are_stored_as_isoformat() -> None:
    # Rows written before the schema hold isoformat strings; both read the same.
    assert DeadlineOverdue(milestone_id=1, title="x", due_at=AT).dump()["due_at"] == \
        AT.isoformat()


@pytest.mark.parametrize(("kind", "data", "reason"), [
    ("carrier_pigeon", {}, "unknown kind"),
    ("student_unreachable", {}, "student_name"),
    ("student_unreachable", {"student_name": "A", "extra": 1}, "extra"),
    ("deadline_overdue", {"milestone_id": 1, "title": "x", "due_at": "soon"}, "due_at"),
])
def test_a_row_no_schema_reads_is_malformed(kind: str, data: dict[str, Any],
                                             reason: str) -> None:
    with pytest.raises(MalformedPayload, match=reason):
        parse(kind, data)


def test_a_card_whose_telegram_copy_has_another_name_is_sent_from_the_store() -> None:
    t = Texts("en")
    card = NewSubmission(submission_id=1, student_name="Alice", title="T", version=1, note=None,
                         file_id=None, file_key="theses/k.bin", file_name="x.docx",
                         submitted_at=AT)
    assert render(parse(card.kind, card.dump()), t).document == \
        StoredDocument("theses/k.bin", "x.docx")
    same = card.model_copy(update={"file_id": "F"})
    assert render(same, t).document == "F"
    # Rows written before the key was kept: text only, as they were.
    old = {k: v for k, v in card.dump().items() if k != "file_key"}
    assert render(parse(card.kind, old), t).document is None
    feedback = DecisionMade(submission_id=1, decision="rejected", title="T", version=1,
                            comment="c", grade=None, reviewer_name="Sam",
                            feedback_file_id=None, feedback_file_name="notes.docx",
                            feedback_file_key="theses/f.bin")
    assert render(feedback, t).document == StoredDocument("theses/f.bin", "notes.docx")


def test_a_card_for_the_admins_says_the_supervisor_is_deactivated() -> None:
    card = NewSubmission(submission_id=1, student_name="Alice", title="T", version=1, note=None,
                         file_id="F", file_name="t.pdf", submitted_at=AT,
                         deactivated_supervisor="Sam <S>")
    text = render(parse(card.kind, card.dump()), Texts("en")).text
    assert text.startswith("⚠️") and "Sam &lt;S&gt; is deactivated" in text
