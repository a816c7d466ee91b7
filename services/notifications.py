"""Messages the bot sends on its own initiative go through the outbox.

They are written in the caller's transaction, so a notification exists if and only if
the change that caused it was committed; ``bot/workers/outbox.py`` delivers them.

Each kind has a frozen, typed payload: a misspelt or missing field fails where the
notification is made (in the service's tests), not minutes later in a background sender.
The sender parses a row back with ``parse``; a row that does not parse is malformed (an
unknown kind, or written by code that disagrees with this schema) and is failed with the
reason, never retried.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories import outbox

OUTBOX_WRITTEN = "outbox_written"

# Stored as ``datetime.isoformat()`` (what rows written before the schema hold too).
Moment = Annotated[datetime, PlainSerializer(lambda moment: moment.isoformat(), return_type=str)]


class Kind(StrEnum):
    NEW_SUBMISSION = "new_submission"
    DECISION = "decision"
    DEADLINE_SET = "deadline_set"
    DEADLINE_MOVED = "deadline_moved"
    DEADLINE_REMINDER = "deadline_reminder"
    DEADLINE_OVERDUE = "deadline_overdue"
    STUDENT_OVERDUE = "student_overdue"
    REVIEW_DIGEST = "review_digest"
    STUDENT_UNREACHABLE = "student_unreachable"
    ACCESS_DEACTIVATED = "access_deactivated"
    ACCESS_REACTIVATED = "access_reactivated"
    THESIS_FINAL = "thesis_final"
    THESIS_REOPENED = "thesis_reopened"
    MILESTONE_EXTENDED = "milestone_extended"
    MILESTONE_DELETED = "milestone_deleted"
    TEAM_JOINED = "team_joined"
    TEAM_LEFT = "team_left"
    EXAMINER_GRADED = "examiner_graded"
    THREAD_COMMENT = "thread_comment"
    MEETING_INVITED = "meeting_invited"
    MEETING_ANSWERED = "meeting_answered"
    MEETING_REMINDER = "meeting_reminder"
    MEETING_NOTES_REQUEST = "meeting_notes_request"
    MEETING_RECORD = "meeting_record"
    MEETING_AGREED = "meeting_agreed"
    MEETING_CORRECTION = "meeting_correction"
    MEETING_MOVED = "meeting_moved"
    MEETING_CANCELLED = "meeting_cancelled"
    DECLARATION_REQUESTED = "declaration_requested"
    MARKING_REQUESTED = "marking_requested"
    MARKS_DISAGREE = "marks_disagree"
    GRADE_PROPOSED = "grade_proposed"
    ASSESSMENT_AGREED = "assessment_agreed"
    THIRD_MARKER_NEEDED = "third_marker_needed"
    ASSESSMENT_RELEASED = "assessment_released"
    SHARED_TEXT_ALERT = "shared_text_alert"
    PERSON_JOINED = "person_joined"
    DIRECT_MESSAGE = "direct_message"
    PROMISE_MADE = "promise_made"
    PROMISE_PASSED = "promise_passed"
    PROMISE_ESCALATED = "promise_escalated"
    SILENT_DIGEST = "silent_digest"
    SILENT_ADMIN_DIGEST = "silent_admin_digest"
    STUDENT_MESSAGE = "student_message"
    EXAMINER_FINAL = "examiner_final"
    THESIS_RENAMED = "thesis_renamed"
    DEFENCE_INVITED = "defence_invited"
    DEFENCE_ANSWERED = "defence_answered"
    GRADE_REOPENED = "grade_reopened"
    APPLICATION_RECEIVED = "application_received"
    APPLICATION_ACCEPTED = "application_accepted"
    APPLICATION_DECLINED = "application_declined"
    APPLICATION_REMINDER = "application_reminder"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    INTERVIEW_PROPOSED = "interview_proposed"
    INTERVIEW_SET = "interview_set"


class _Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Payload(_Schema):
    kind: ClassVar[Kind]

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def ref(self) -> str | None:
        """What this notification is about, to find its message again (see outbox.ref)."""
        return None


class _AboutSubmission:
    submission_id: int

    def ref(self) -> str | None:
        return submission_ref(self.submission_id)


def submission_ref(submission_id: int) -> str:
    return f"submission:{submission_id}"


def submission_of_ref(ref: str | None) -> int | None:
    """The version a notification is about, from its ref (None: not about a version)."""
    kind, _, value = (ref or "").partition(":")
    return int(value) if kind == "submission" and value.isdigit() else None


class ChecklistMark(_Schema):
    """A requested change as the supervisor's card shows it: addressed by the version?"""

    text: str
    addressed: bool


class NewSubmission(_AboutSubmission, Payload):
    kind = Kind.NEW_SUBMISSION
    submission_id: int
    student_name: str
    title: str
    version: int
    note: str | None
    file_id: str | None  # Telegram's copy, if it carries file_name
    file_name: str
    submitted_at: Moment
    # Sent from the store under file_name when there is no file_id (rows written before
    # the file_key was kept have neither, and go as text).
    file_key: str | None = None
    # Sent to the admins instead: the student's supervisor (this name) is deactivated.
    deactivated_supervisor: str | None = None
    # False for a member who does not decide versions (the examiner): a card without buttons.
    decides: bool = True
    # The open requested changes when the version came, ticked by the student.
    checklist: tuple[ChecklistMark, ...] = ()
    # A version of the proposal (the thesis waits for it to be accepted).
    proposal: bool = False


class DecisionMade(_AboutSubmission, Payload):
    kind = Kind.DECISION
    submission_id: int
    decision: str
    title: str
    version: int
    comment: str | None
    grade: int | None
    reviewer_name: str
    feedback_file_id: str | None
    feedback_file_name: str | None
    feedback_file_key: str | None = None
    # Requested changes: raised by this decision, and still open from earlier rounds.
    items: tuple[str, ...] = ()
    carried: tuple[str, ...] = ()
    # A comment or grade added to an approval after its notice went out (issue 27).
    addition: bool = False
    # A decision on the proposal (accepted: the writing begins).
    proposal: bool = False


class DeadlineSet(Payload):
    kind = Kind.DEADLINE_SET
    milestone_id: int
    title: str
    due_at: Moment
    supervisor_name: str


class DeadlineMoved(Payload):
    kind = Kind.DEADLINE_MOVED
    milestone_id: int
    title: str
    due_at: Moment
    old_due_at: Moment
    supervisor_name: str


class DeadlineReminder(Payload):
    kind = Kind.DEADLINE_REMINDER
    milestone_id: int
    title: str
    due_at: Moment
    left: str


class DeadlineOverdue(Payload):
    kind = Kind.DEADLINE_OVERDUE
    milestone_id: int
    title: str
    due_at: Moment


class OverdueItem(_Schema):
    student_name: str
    title: str
    due_at: Moment


class StudentOverdue(Payload):
    kind = Kind.STUDENT_OVERDUE
    items: tuple[OverdueItem, ...]


class DigestItem(_Schema):
    submission_id: int
    student_name: str
    title: str
    version: int
    submitted_at: Moment


class ReviewDigest(Payload):
    kind = Kind.REVIEW_DIGEST
    items: tuple[DigestItem, ...]
    total: int
    sla_days: int
    # This member's review promises due in the last 30 days (services/promises.py).
    promises_kept: int = 0
    promises_broken: int = 0


class StudentUnreachable(Payload):
    kind = Kind.STUDENT_UNREACHABLE
    student_name: str


class AccessDeactivated(Payload):
    kind = Kind.ACCESS_DEACTIVATED


class AccessReactivated(Payload):
    kind = Kind.ACCESS_REACTIVATED


class ThesisFinal(Payload):
    kind = Kind.THESIS_FINAL
    title: str
    version: int
    supervisor_name: str


class ExaminerFinal(Payload):
    """To the examiner: the thesis they grade is final (the notice carries Grade)."""

    kind = Kind.EXAMINER_FINAL
    student_id: int
    student_name: str
    title: str
    version: int


class ThesisRenamed(Payload):
    """To the student and the team (but whoever renamed it): the thesis has a new title."""

    kind = Kind.THESIS_RENAMED
    student_name: str
    by_name: str
    old_title: str
    title: str


class SharedTextAlert(Payload):
    """To the examiner when a thesis is final and its final version shares more text with
    other theses than SIMILARITY_ALERT_PERCENT (services/shared_text.tell_examiners)."""

    kind = Kind.SHARED_TEXT_ALERT
    submission_id: int
    student_name: str
    title: str
    version: int
    percent: float
    source_title: str | None = None
    source_year: int | None = None


class ThesisReopened(Payload):
    kind = Kind.THESIS_REOPENED
    title: str
    version: int
    supervisor_name: str
    reason: str | None


class MilestoneExtended(Payload):
    kind = Kind.MILESTONE_EXTENDED
    milestone_id: int
    title: str
    due_at: Moment
    common_due_at: Moment
    supervisor_name: str


class MilestoneDeleted(Payload):
    kind = Kind.MILESTONE_DELETED
    milestone_id: int
    title: str
    due_at: Moment
    supervisor_name: str


class TeamJoined(Payload):
    """Someone joined a thesis team: told to the student and the other members."""

    kind = Kind.TEAM_JOINED
    student_name: str
    member_name: str
    role: str


class TeamLeft(Payload):
    """Someone was removed from a thesis team: told to them, the student and the rest."""

    kind = Kind.TEAM_LEFT
    student_name: str
    member_name: str
    role: str
    removed_by: str


class ExaminerGraded(Payload):
    kind = Kind.EXAMINER_GRADED
    student_name: str
    title: str
    examiner_name: str
    grade: int
class ThreadComment(_AboutSubmission, Payload):
    """A comment in a version's thread, to one participant (the student or a supervisor)."""

    kind = Kind.THREAD_COMMENT
    submission_id: int
    comment_id: int
    author_name: str
    from_student: bool
    to_student: bool
    student_name: str
    title: str
    version: int
    text: str | None
    file_id: str | None
    file_name: str | None
    # From the store when Telegram's copy cannot be used; a voice message or a photo is
    # relayed as one ("voice", "photo"), with its duration or size.
    file_key: str | None = None
    media: str | None = None
    seconds: int | None = None
    size: int | None = None


class StudentMessage(Payload):
    """A student's question typed outside any step, before any version (with a version it
    is a ThreadComment): to each active member of their thesis team."""

    kind = Kind.STUDENT_MESSAGE
    student_name: str
    text: str


class MeetingInvited(Payload):
    """To a student: a new meeting, answered with Confirm / Can't make it."""

    kind = Kind.MEETING_INVITED
    meeting_id: int
    title: str
    starts_at: Moment
    place: str | None
    supervisor_name: str
    group: bool


class MeetingAnswered(Payload):
    kind = Kind.MEETING_ANSWERED
    meeting_id: int
    title: str
    starts_at: Moment
    student_name: str
    answer: str


class MeetingReminder(Payload):
    kind = Kind.MEETING_REMINDER
    meeting_id: int
    title: str
    starts_at: Moment
    place: str | None
    left: str


class MeetingNotesRequest(Payload):
    """To the supervisor after the meeting: its notes and action items, please."""

    kind = Kind.MEETING_NOTES_REQUEST
    meeting_id: int
    title: str
    starts_at: Moment


class MeetingRecord(Payload):
    """To a student: the meeting's record, answered with Agree or a correction."""

    kind = Kind.MEETING_RECORD
    meeting_id: int
    title: str
    starts_at: Moment
    supervisor_name: str
    notes: str
    items: tuple[str, ...]


class MeetingAgreed(Payload):
    kind = Kind.MEETING_AGREED
    meeting_id: int
    title: str
    student_name: str


class MeetingCorrection(Payload):
    kind = Kind.MEETING_CORRECTION
    meeting_id: int
    title: str
    student_name: str
    correction: str


class MeetingMoved(Payload):
    kind = Kind.MEETING_MOVED
    meeting_id: int
    title: str
    starts_at: Moment
    old_starts_at: Moment
    place: str | None
    supervisor_name: str


class MeetingCancelled(Payload):
    kind = Kind.MEETING_CANCELLED
    meeting_id: int
    title: str
    starts_at: Moment
    supervisor_name: str


class DeclarationRequested(Payload):
    """To the student: confirm the authorship statement (the admin's own text for their
    language, if any, else the catalog's) before the thesis is final."""

    kind = Kind.DECLARATION_REQUESTED
    title: str
    version: int
    supervisor_name: str
    statements: dict[str, str]


class MarkingRequested(Payload):
    """To a marker: the thesis is final (or they were appointed third marker): **Grade**."""

    kind = Kind.MARKING_REQUESTED
    student_id: int
    student_name: str
    title: str
    third: bool


class MarkSet(_Schema):
    marker_name: str
    role: str
    marks: dict[str, float]
    total: float


class MarksDisagree(Payload):
    """To the markers: every mark is in, outside the tolerance; both sets side by side."""

    kind = Kind.MARKS_DISAGREE
    student_id: int
    student_name: str
    title: str
    tolerance: float
    sets: list[MarkSet]
    days: int


class GradeProposed(Payload):
    kind = Kind.GRADE_PROPOSED
    student_id: int
    student_name: str
    title: str
    proposer_name: str
    total: float


class AssessmentAgreed(Payload):
    """To the markers and whoever releases: the agreed grade (**Release** for the latter)."""

    kind = Kind.ASSESSMENT_AGREED
    student_id: int
    student_name: str
    title: str
    total: float
    grade: int
    scale: str
    how: str
    may_release: bool


class ThirdMarkerNeeded(Payload):
    kind = Kind.THIRD_MARKER_NEEDED
    student_id: int
    student_name: str
    title: str
    days: int


class ReportLine(_Schema):
    marker_name: str
    role: str
    text: str | None
    file_name: str | None


class AssessmentReleased(Payload):
    """To the student, only at Release: the grade, the components and the reports."""

    kind = Kind.ASSESSMENT_RELEASED
    title: str
    total: float
    grade: int
    scale: str
    components: dict[str, float]
    reports: list[ReportLine]
class PersonJoined(Payload):
    """Someone joined through an invite: told to whoever made it (a student's supervisor,
    the admin who invited a supervisor)."""

    kind = Kind.PERSON_JOINED
    name: str
    role: str


class DirectMessageSent(Payload):
    """A message written through the bot (/message, a nudge) or an answer to one; the
    recipient may answer it (💬 Answer)."""

    kind = Kind.DIRECT_MESSAGE
    message_id: int
    sender_name: str
    body: str | None
    file_id: str | None = None  # Telegram's copy of a file sent with it
    file_name: str | None = None
    answer: bool = False  # an answer to a message the recipient wrote

    def ref(self) -> str | None:
        return f"message:{self.message_id}"


class PromiseMade(_AboutSubmission, Payload):
    """To the student: their supervisor promises a decision on the version by ``due_at``."""

    kind = Kind.PROMISE_MADE
    submission_id: int
    version: int
    title: str
    supervisor_name: str
    due_at: Moment


class PromisePassed(_AboutSubmission, Payload):
    """To the supervisor who promised: the promise passed without a decision."""

    kind = Kind.PROMISE_PASSED
    submission_id: int
    version: int
    student_name: str
    title: str
    due_at: Moment


class PromiseEscalated(_AboutSubmission, Payload):
    """A day later, to the co-supervisors (or the admins): still no decision."""

    kind = Kind.PROMISE_ESCALATED
    submission_id: int
    version: int
    student_name: str
    title: str
    due_at: Moment
    supervisor_name: str


class SilentItem(_Schema):
    student_id: int
    student_name: str
    days: int  # since their last version, comment or meeting


class SilentDigest(Payload):
    """Monday: a supervisor's silent students, each with Nudge."""

    kind = Kind.SILENT_DIGEST
    items: tuple[SilentItem, ...]
    total: int
    silent_days: int


class SilentCount(_Schema):
    supervisor_name: str
    silent: int
    students: int


class SilentAdminDigest(Payload):
    """Monday, to the admins: how many silent students each supervisor has."""

    kind = Kind.SILENT_ADMIN_DIGEST
    rows: tuple[SilentCount, ...]
    total: int
    silent_days: int


class DefenceInvited(Payload):
    """To each participant with a chat: the defence (scheduled or moved), **Confirm** /
    **Can't make it**; the minute-taker also gets **Record minutes**."""

    kind = Kind.DEFENCE_INVITED
    defence_id: int
    student_name: str
    title: str
    starts_at: Moment
    place: str
    committee: list[str]
    minute_taker_name: str
    minute_taker: bool
    student: bool


class DefenceAnswered(Payload):
    """To whoever scheduled the defence: a participant confirmed or declined."""

    kind = Kind.DEFENCE_ANSWERED
    defence_id: int
    title: str
    student_name: str
    starts_at: Moment
    name: str
    answer: str


class GradeReopened(Payload):
    """A released grade reopened by an admin: to the student (told why, nothing more) and
    to the markers (who agree again: **Propose a grade**)."""

    kind = Kind.GRADE_REOPENED
    student_id: int
    student_name: str
    title: str
    by_name: str
    reason: str
    to_student: bool


class ApplicationReceived(Payload):
    """To the topic's supervisor: the application card (Accept, Decline, Interview)."""

    kind = Kind.APPLICATION_RECEIVED
    application_id: int
    topic_title: str
    applicant_name: str
    applicant_username: str | None = None
    motivation: str
    open_for_topic: int = 1
    cv_file_key: str | None = None
    cv_file_name: str | None = None
    cv_file_id: str | None = None


class ApplicationAccepted(Payload):
    """To the applicant. Every payload told to an applicant, who may not be registered,
    carries ``language``: the outbox renders it in the language they applied in."""

    kind = Kind.APPLICATION_ACCEPTED
    topic_title: str
    supervisor_name: str
    needs_proposal: bool = False
    language: str | None = None


class ApplicationDeclined(Payload):
    """To the applicant: a template's words (``reason_key``) or the supervisor's own."""

    kind = Kind.APPLICATION_DECLINED
    topic_title: str
    supervisor_name: str
    reason_key: str | None = None
    reason: str | None = None
    language: str | None = None


class ApplicationReminder(Payload):
    """To the supervisor: an application waits, and is declined on its own on ``due``."""

    kind = Kind.APPLICATION_REMINDER
    application_id: int
    topic_title: str
    applicant_name: str
    due: Moment


class ApplicationWithdrawn(Payload):
    """To a supervisor: an application of theirs closed without them (declined on its own
    after the waiting time, or the applicant was accepted for another topic)."""

    kind = Kind.APPLICATION_WITHDRAWN
    topic_title: str
    applicant_name: str
    why: str  # "accepted_elsewhere" or "expired"


class InterviewProposed(Payload):
    """To the applicant: the interview's times, one button each."""

    kind = Kind.INTERVIEW_PROPOSED
    application_id: int
    topic_title: str
    supervisor_name: str
    slots: tuple[Moment, ...]
    language: str | None = None


class InterviewSet(Payload):
    kind = Kind.INTERVIEW_SET
    application_id: int
    topic_title: str
    applicant_name: str
    starts_at: Moment


PAYLOADS: dict[Kind, type[Payload]] = {cls.kind: cls for cls in Payload.__subclasses__()}


class MalformedPayload(Exception):
    """An outbox row that no schema reads: it will never be sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(kind: str, data: dict[str, Any]) -> Payload:
    try:
        schema = PAYLOADS[Kind(kind)]
    except ValueError:
        raise MalformedPayload(f"unknown kind {kind!r}") from None
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '-'}: {e['msg']}"
                             for e in exc.errors()[:5])
        raise MalformedPayload(f"{kind}: {problems}") from None


def notify(session: AsyncSession, chat_id: int, payload: Payload, now: datetime,
           at: datetime | None = None) -> None:
    """``at``: held until then (the quiet period after Approve, services/reviews.py)."""
    outbox.add(session, chat_id=chat_id, kind=payload.kind.value, payload=payload.dump(),
               now=now, ref=payload.ref(), at=at)
    # Lets the update middleware wake the sender right after commit instead of at its next poll.
    session.info[OUTBOX_WRITTEN] = True
