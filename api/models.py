"""Request and response models of the Mini App's API: validated both ways, and the source of
``/api/openapi.json``. Built from the services' plain results, never from ORM objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

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


# --- a thesis timeline -----------------------------------------------------------------

class DecisionOut(Model):
    decision: Decision
    comment: str | None
    grade: int | None
    decided_at: datetime
    feedback_file_name: str | None = Field(
        description="A file the supervisor attached, downloadable at feedback_url")
    feedback_url: str | None


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


class TimelineOut(Model):
    student: PersonOut
    supervisor: PersonOut | None
    thesis: ThesisOut | None
    versions: list[VersionOut]
    milestones: list[MilestoneOut]
    now: datetime


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
