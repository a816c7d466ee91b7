"""Request and response models of the Mini App's API: validated both ways, and the source of
``/api/openapi.json``. Built from the services' plain results, never from ORM objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.urgency import Filter
from services.vocabulary import Decision, Role, ThesisStatus


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Query(BaseModel):
    """Query parameters: exactly those the OpenAPI document declares; an unknown one is a 400
    (what the document says, and what an independent fuzzer holds the API to)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- errors and auth -------------------------------------------------------------------

class ErrorBody(Model):
    code: str = Field(description="Stable machine-readable reason, e.g. invalid_token")
    message: str


class ErrorOut(Model):
    error: ErrorBody


class LoginIn(Model):
    init_data: str = Field(min_length=1, max_length=8192,
                           description="Telegram.WebApp.initData, as Telegram gave it")


class TokenOut(Model):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds the token stays valid")


# --- people ----------------------------------------------------------------------------

class PersonOut(Model):
    id: int
    name: str
    username: str | None = None


class MeOut(Model):
    id: int
    role: Role
    name: str
    username: str | None
    language: str
    supervisor: PersonOut | None = None
    # The path of the person's guide (/guide/<page>?lang=…), on this app.
    guide: str


# --- a thesis timeline -----------------------------------------------------------------

class DecisionOut(Model):
    decision: Decision
    comment: str | None
    grade: int | None
    decided_at: datetime
    feedback_file_name: str | None = Field(
        description="A file the supervisor attached, downloadable at feedback_url")
    feedback_url: str | None


class ChangesOut(Model):
    """What changed since the version before (None fields: not known, e.g. no text layer)."""

    base_version: int
    no_text: bool
    pages_delta: int | None = None
    words_added: int = 0
    words_removed: int = 0
    changed_share: float = 0.0
    sections_added: list[str] = Field(default_factory=list)
    sections_changed: list[str] = Field(default_factory=list)
    sections_removed: list[str] = Field(default_factory=list)
    detail_url: str | None = Field(default=None,
                                   description="The detailed comparison (HTML), if made")
    passages_changed: int = 0
    passages_unchanged: int = 0
    passages_removed: int = 0


class ThreadMessageOut(Model):
    author: str | None
    from_student: bool
    at: datetime
    body: str | None
    file_name: str | None
    media: str | None = Field(default=None, description="voice or photo (else a PDF/DOCX)")
    seconds: int | None = Field(default=None, description="A voice message's duration")
    size: int | None = Field(default=None, description="The attachment's size in bytes")


class ChecklistItemOut(Model):
    text: str
    open: bool
    addressed_version: int | None


class VersionOut(Model):
    id: int
    version: int
    submitted_at: datetime
    file_name: str
    file_kind: str
    file_size: int
    note: str | None
    state: Literal["pending", "superseded", "decided"]
    decision: DecisionOut | None
    file_url: str = Field(description="GET it with the same bearer token")
    changes: ChangesOut | None = None
    thread: list[ThreadMessageOut] = Field(default_factory=list)
    checklist: list[ChecklistItemOut] = Field(
        default_factory=list, description="The changes its decision requested, with state")


class MilestoneOut(Model):
    id: int
    title: str
    due_at: datetime = Field(description="The student's own due time (their extension if any)")
    cohort_due_at: datetime
    extended: bool
    met_at: datetime | None
    met_by_version_id: int | None
    overdue: bool


class ThesisOut(Model):
    id: int
    title: str
    status: ThesisStatus
    latest_version: int
    created_at: datetime
    updated_at: datetime


class ExaminerGradeOut(Model):
    grade: int
    report: str | None
    examiner: str | None
    graded_at: datetime


class MeetingOut(Model):
    id: int
    title: str
    starts_at: datetime
    place: str | None
    notes: str | None


class ThesisMoveOut(Model):
    action: Literal["finalize", "reopen"]
    at: datetime
    by: str | None


class TimelineOut(Model):
    student: PersonOut
    supervisor: PersonOut | None
    thesis: ThesisOut | None
    versions: list[VersionOut]
    milestones: list[MilestoneOut]
    now: datetime
    examiner_grade: ExaminerGradeOut | None = None
    meetings: list[MeetingOut] = Field(default_factory=list)
    moves: list[ThesisMoveOut] = Field(default_factory=list,
                                       description="Declared final, reopened")


# --- students, queue, stats --------------------------------------------------------------

class StudentsQuery(Query):
    page: int = Field(default=0, ge=0, le=100_000)
    page_size: int = Field(default=50, ge=1, le=200)
    status: ThesisStatus | None = None
    filter: Filter | None = Field(default=None, description=(
        "A supervisor's filter as in /students: waiting, overdue, silent, none (no "
        "submission), all"))


Urgency = Literal["waiting", "overdue", "silent", "none", "rest"]


class StudentOut(Model):
    id: int
    name: str
    username: str | None
    reachable: bool
    active: bool
    title: str | None
    status: ThesisStatus | None
    latest_version: int | None
    latest_submitted_at: datetime | None
    days_waiting: int | None = Field(description="Days the latest version waits for a decision")
    urgency: Urgency | None = Field(default=None, description=(
        "A supervisor's table: why the student comes where they do (most urgent first)"))
    silent_days: int | None = Field(default=None, description=(
        "Days without a version, comment or meeting, when that is SILENT_DAYS or more"))
    overdue_since: datetime | None = Field(default=None, description=(
        "The earliest own due time of an overdue open milestone"))


class SubmissionPointOut(Model):
    student_id: int
    version: int
    submitted_at: datetime


class StudentsOut(Model):
    items: list[StudentOut]
    submissions: list[SubmissionPointOut] = Field(
        description="Every version of this page's students, for the submissions chart")
    page: int
    pages: int
    total: int
    page_size: int
    counts: dict[str, int] | None = Field(default=None, description=(
        "A supervisor's table: how many students each filter holds (waiting, overdue, "
        "silent, none, all)"))


class PageQuery(Query):
    page: int = Field(default=0, ge=0, le=100_000)


class QueueItemOut(Model):
    submission_id: int
    student: PersonOut
    title: str
    version: int
    submitted_at: datetime
    waiting_hours: float
    file_url: str


class QueueOut(Model):
    items: list[QueueItemOut]
    page: int
    pages: int
    total: int


class WeekCount(Model):
    week: date = Field(description="Monday of the week (UTC)")
    count: int


class BucketCount(Model):
    bucket: str
    count: int


class SupervisorWaiting(Model):
    supervisor: PersonOut
    waiting: int


class StatsOut(Model):
    users_by_role: dict[str, int]
    theses_by_status: dict[str, int]
    submissions_this_week: int
    median_review_hours: float | None
    submissions_per_week: list[WeekCount]
    review_turnaround: list[BucketCount] = Field(
        description="Decisions of the last 90 days by time from upload to decision")
    waiting_by_supervisor: list[SupervisorWaiting]


class FileQuery(Query):
    feedback: bool = Field(default=False, description="The supervisor's feedback file instead")


# --- the review desk ---------------------------------------------------------------------

PassageStateOut = Literal["unchanged", "changed", "removed"]


class AnchorIn(Model):
    page: int = Field(ge=1, le=5000, description="1-based page of the version's PDF")
    quote: str = Field(default="", max_length=2000,
                       description="The selected text (empty for a region of a scan)")
    comment: str = Field(min_length=1, max_length=1000)
    rects: list[Annotated[list[Annotated[float, Field(ge=0, le=1)]],
                          Field(min_length=4, max_length=4)]] = Field(
        default_factory=list, max_length=64,
        description="Where on the page: [x, y, width, height] as fractions of its size")


class AnchorOut(Model):
    id: int
    submission_id: int
    version: int
    page: int
    quote: str
    comment: str
    rects: list[list[float]]
    author: str | None
    sent: bool = Field(description="Sent with Request changes as a checklist item")
    open: bool = Field(description="Its checklist item is still open (a draft: true)")
    located_state: PassageStateOut | None = Field(
        description="In the version it was looked for in: unchanged, changed or removed")
    located_page: int | None
    located_version: int | None


class AnchorsOut(Model):
    items: list[AnchorOut] = Field(description="The anchored comments of this version")
    located: list[AnchorOut] = Field(
        description="Earlier versions' open anchored comments, as found in this version")
    may_comment: bool


class DecisionIn(Model):
    decision: Decision
    comment: str | None = Field(default=None, max_length=4000)
    grade: int | None = Field(default=None, ge=0, le=100)
    keep_open: bool | None = Field(
        default=None, description="Earlier open items the version does not address stay "
        "open (default: yes after Request changes, no after Approve)")


class DecisionResultOut(Model):
    decided: bool = Field(description="False while, under the rule 'all', approvals are missing")
    decision: Decision
    items: int = Field(description="Checklist items raised (anchored comments included)")


class OkOut(Model):
    ok: bool = True


class TextsOut(Model):
    language: str
    timezone: str = Field(description="TIMEZONE: every date and time is shown in it")
    ftl: str = Field(description="The Mini App's Fluent messages in this language")
    fallback: str = Field(description="The same in English, for a message not translated")


class SectionOut(Model):
    number: str
    title: str
    paragraphs: list[str]


class DocumentOut(Model):
    ready: bool = Field(description="False until the version's text has been read")
    pages: int | None
    sections: list[SectionOut]


# --- the assessment scheme ------------------------------------------------------------------

class ComponentIO(Model):
    name: str = Field(min_length=1, max_length=40, pattern=r"^[^,;\n]*\S[^,;\n]*$",
                      description="Component name (no comma or semicolon)")
    weight: int = Field(ge=1, le=100)


class SchemeIn(Model):
    components: list[ComponentIO] = Field(min_length=1, max_length=8,
                                          description="Weights add up to 100")
    scale: Literal["0-100", "1-5", "2-5"] = "0-100"
    tolerance: float = Field(default=10, ge=0, le=100,
                             description="Largest difference of the markers' totals agreed "
                                         "automatically, in percentage points")
    release: Literal["admin", "supervisor"] = "admin"


class SchemeOut(Model):
    version: int = Field(description="0: none defined yet (the default applies)")
    components: list[ComponentIO]
    defence_component: str | None = Field(
        description="The component the defence's minute-taker records (Defence/Защита)")
    scale: Literal["0-100", "1-5", "2-5"]
    tolerance: float
    release: Literal["admin", "supervisor"]
    text: str = Field(description="The scheme as /scheme reads it")


# --- topics (the catalogue) ----------------------------------------------------------------

class TopicsQuery(Query):
    page: int = Field(default=0, ge=0, le=100_000)
    tag: str | None = Field(default=None, max_length=24,
                            description="Only topics with this tag (none matches: no topics)")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$",
                                 description="Only topics written in this language")
    q: str | None = Field(default=None, max_length=50,
                          description="A word in the title, description or tags")


class TopicOut(Model):
    id: int
    title: str
    supervisor: str
    description: str
    requirements: str | None
    places: int
    language: str
    tags: list[str]
    needs_proposal: bool
    start: str = Field(description="The deep link's start parameter: t.me/<bot>?start=…")


class TopicsOut(Model):
    items: list[TopicOut]
    total: int
    page: int
    pages: int
    tags: list[str] = Field(description="Every tag of the open topics (the filters)")
    languages: list[str]


class RosterProblemOut(Model):
    row: int = Field(description="the spreadsheet's row number (the header is row 1)")
    reason: str = Field(description="unknown_supervisor, duplicate, bad_email, title_too_long, "
                        "no_name or bad_role")


class RosterPreviewOut(Model):
    """What importing a roster would do (preview), or did (import)."""

    supervisors: int = Field(description="pending supervisors created")
    students: int = Field(description="pending students created")
    updated: int = Field(description="pending people whose row changed")
    unchanged: int = Field(description="rows already imported as they are")
    problems: list[RosterProblemOut]
    imported: bool
