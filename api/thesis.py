"""GET /api/thesis: the student's own thesis timeline (versions, decisions, comments, grades,
milestones), rendered the same way as a supervisor's view of one student."""

from __future__ import annotations

from typing import Literal

from api.me import person
from api.models import DecisionOut, MilestoneOut, ThesisOut, TimelineOut, VersionOut
from api.routing import Call, Endpoint
from services.dashboards import Timeline
from services.errors import NotAllowed
from services.vocabulary import Decision, Role, ThesisStatus
from storage.models import Milestone, Thesis
from storage.repositories.theses import VersionRow

VersionState = Literal["pending", "superseded", "decided"]


def file_url(submission_id: int, feedback: bool = False) -> str:
    return f"/api/versions/{submission_id}/file" + ("?feedback=true" if feedback else "")


def version_out(row: VersionRow, thesis: Thesis) -> VersionOut:
    submission, review = row.submission, row.review
    decision = None
    if review is not None:
        decision = DecisionOut(
            decision=Decision(review.decision), comment=review.comment, grade=review.grade,
            decided_at=review.created_at, feedback_file_name=review.feedback_file_name
            if review.feedback_file_key else None,
            feedback_url=file_url(submission.id, True) if review.feedback_file_key else None)
    state: VersionState = "decided" if review is not None else (
        "superseded" if submission.version < thesis.latest_version else "pending")
    return VersionOut(
        id=submission.id, version=submission.version, submitted_at=submission.submitted_at,
        file_name=submission.file_name, file_kind=submission.file_kind,
        file_size=submission.file_size, note=submission.note, state=state, decision=decision,
        file_url=file_url(submission.id))


def milestone_out(milestone: Milestone, timeline: Timeline) -> MilestoneOut:
    met_at = milestone.submitted_at
    return MilestoneOut(
        id=milestone.id, title=milestone.title, due_at=milestone.own_due_at,
        cohort_due_at=milestone.due_at, extended=milestone.own_due_at != milestone.due_at,
        met_at=met_at, met_by_version_id=milestone.submission_id,
        overdue=met_at is None and milestone.own_due_at < timeline.now)


def timeline_out(timeline: Timeline) -> TimelineOut:
    thesis = timeline.thesis
    return TimelineOut(
        student=person(timeline.student),
        supervisor=person(timeline.supervisor) if timeline.supervisor else None,
        thesis=ThesisOut(id=thesis.id, title=thesis.title, status=ThesisStatus(thesis.status),
                         latest_version=thesis.latest_version, created_at=thesis.created_at,
                         updated_at=thesis.updated_at) if thesis else None,
        versions=[version_out(row, thesis) for row in timeline.versions] if thesis else [],
        milestones=[milestone_out(m, timeline) for m in timeline.milestones],
        now=timeline.now)


async def own_thesis(call: Call) -> TimelineOut:
    if call.user.role != Role.STUDENT.value:
        # The chat's /status and /history are a student's commands.
        raise NotAllowed()
    return timeline_out(await call.services.dashboards.timeline(call.user, call.user.id))


ENDPOINTS = (
    Endpoint("GET", "/api/thesis", own_thesis, "The student's own thesis timeline", TimelineOut,
             roles=("student",)),
)
