"""GET /api/thesis: the student's own thesis timeline (versions, decisions, comments, grades,
milestones), rendered the same way as a supervisor's view of one student."""

from __future__ import annotations

from typing import Literal

from api.me import person
from api.models import (
    ChangesOut,
    ChecklistItemOut,
    DecisionOut,
    ExaminerGradeOut,
    MeetingOut,
    MilestoneOut,
    ThesisMoveOut,
    ThesisOut,
    ThreadMessageOut,
    TimelineOut,
    VersionOut,
)
from api.routing import Call, Endpoint
from services.compare_jobs import ChangeView
from services.dashboards import Timeline
from services.errors import NotAllowed
from services.history import History
from services.vocabulary import Decision, PassageState, Role, ThesisStatus
from storage.models import Milestone, Thesis
from storage.repositories.theses import VersionRow

VersionState = Literal["pending", "superseded", "decided"]


def file_url(submission_id: int, feedback: bool = False) -> str:
    return f"/api/versions/{submission_id}/file" + ("?feedback=true" if feedback else "")


def changes_out(view: ChangeView | None, submission_id: int) -> ChangesOut | None:
    if view is None:
        return None
    counts = {state: sum(p.state is state for p in view.passages) for state in PassageState}
    out = ChangesOut(base_version=view.base_version, no_text=view.no_text,
                     detail_url=f"/api/versions/{submission_id}/changes"
                     if view.has_detail else None,
                     passages_changed=counts[PassageState.CHANGED],
                     passages_unchanged=counts[PassageState.UNCHANGED],
                     passages_removed=counts[PassageState.REMOVED])
    if view.summary is None:
        return out
    summary = view.summary
    return out.model_copy(update={
        "pages_delta": summary.pages_delta, "words_added": summary.words_added,
        "words_removed": summary.words_removed, "changed_share": summary.changed_share,
        "sections_added": list(summary.sections_added),
        "sections_changed": list(summary.sections_changed),
        "sections_removed": list(summary.sections_removed)})


def version_out(row: VersionRow, thesis: Thesis, extra: History | None = None) -> VersionOut:
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
    extra = extra or History()
    return VersionOut(
        id=submission.id, version=submission.version, submitted_at=submission.submitted_at,
        file_name=submission.file_name, file_kind=submission.file_kind,
        file_size=submission.file_size, note=submission.note, state=state, decision=decision,
        file_url=file_url(submission.id),
        changes=changes_out(extra.changes.get(submission.id), submission.id),
        thread=[ThreadMessageOut(author=m.author, from_student=m.from_student, at=m.at,
                                 body=m.body, file_name=m.file_name, media=m.media,
                                 seconds=m.seconds, size=m.size)
                for m in extra.threads.get(submission.id, [])],
        checklist=[ChecklistItemOut(text=i.text, open=i.open,
                                    addressed_version=i.addressed_version)
                   for i in extra.items.get(review.id, [])] if review is not None else [])


def milestone_out(milestone: Milestone, timeline: Timeline) -> MilestoneOut:
    met_at = milestone.submitted_at
    return MilestoneOut(
        id=milestone.id, title=milestone.title, due_at=milestone.own_due_at,
        cohort_due_at=milestone.due_at, extended=milestone.own_due_at != milestone.due_at,
        met_at=met_at, met_by_version_id=milestone.submission_id,
        overdue=met_at is None and milestone.own_due_at < timeline.now)


def timeline_out(timeline: Timeline, extra: History | None = None) -> TimelineOut:
    thesis = timeline.thesis
    extra = extra or History()
    graded = extra.examiner
    return TimelineOut(
        examiner_grade=ExaminerGradeOut(grade=graded.grade, report=graded.report,
                                        examiner=graded.by, graded_at=graded.at)
        if graded else None,
        meetings=[MeetingOut(id=m.id, title=m.title, starts_at=m.starts_at, place=m.place,
                             notes=m.notes) for m in extra.meetings],
        moves=[ThesisMoveOut(action="finalize" if m.action == "finalize" else "reopen",
                             at=m.at, by=m.by) for m in extra.moves],
        student=person(timeline.student),
        supervisor=person(timeline.supervisor) if timeline.supervisor else None,
        thesis=ThesisOut(id=thesis.id, title=thesis.title, status=ThesisStatus(thesis.status),
                         latest_version=thesis.latest_version, created_at=thesis.created_at,
                         updated_at=thesis.updated_at) if thesis else None,
        versions=[version_out(row, thesis, extra) for row in timeline.versions]
        if thesis else [],
        milestones=[milestone_out(m, timeline) for m in timeline.milestones],
        now=timeline.now)


async def own_thesis(call: Call) -> TimelineOut:
    if call.user.role != Role.STUDENT.value:
        # The chat's /status and /history are a student's commands.
        raise NotAllowed()
    return timeline_out(await call.services.dashboards.timeline(call.user, call.user.id),
                        await call.services.history.of_student(call.user, call.user.id))


ENDPOINTS = (
    Endpoint("GET", "/api/thesis", own_thesis, "The student's own thesis timeline", TimelineOut,
             roles=("student",)),
)
