"""What retention (services/retention.py) reads and rewrites: the released theses past the
window, the files and comments of one thesis, and a person's id swapped for a pseudonym
in every column that refers to it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Anchor,
    Application,
    Assessment,
    AssessmentMark,
    AuditEntry,
    Base,
    Defence,
    DefenceMember,
    DirectMessage,
    ExaminerGrade,
    MeetingParticipant,
    OutboxMessage,
    Review,
    ReviewCard,
    Submission,
    SupervisorNote,
    Thesis,
    ThreadMessage,
    UploadJob,
    User,
    VersionComparison,
)


async def past_window(session: AsyncSession, cutoff: datetime,
                      ) -> Sequence[tuple[Thesis, Assessment, User]]:
    """Released theses released before ``cutoff`` and not anonymised yet, oldest first."""
    rows = await session.execute(
        select(Thesis, Assessment, User).join(Assessment, Assessment.thesis_id == Thesis.id)
        .join(User, User.id == Thesis.student_id)
        .where(Assessment.released_at.is_not(None), Assessment.released_at < cutoff,
               Thesis.anonymised_at.is_(None))
        .order_by(Assessment.released_at, Thesis.id))
    return [(t, a, u) for t, a, u in rows.all()]


async def submissions(session: AsyncSession, thesis_id: int) -> Sequence[Submission]:
    return (await session.scalars(select(Submission).where(Submission.thesis_id == thesis_id)
                                  .order_by(Submission.version))).all()


async def file_keys(session: AsyncSession, thesis_id: int, student_id: int) -> list[str]:
    """Every stored object of the thesis: versions, feedback files, comments' files,
    comparisons, the markers' and examiner's report files, the protocol; and the files the
    student sent or got in direct messages (Telegram's, not stored: none)."""
    versions = select(Submission.id).where(Submission.thesis_id == thesis_id)
    queries: list[Any] = [
        select(Submission.file_key).where(Submission.thesis_id == thesis_id),
        select(Review.feedback_file_key).where(Review.submission_id.in_(versions)),
        select(ThreadMessage.file_key).where(ThreadMessage.submission_id.in_(versions)),
        select(VersionComparison.html_key).where(VersionComparison.submission_id.in_(versions)),
        select(ExaminerGrade.report_file_key).where(ExaminerGrade.thesis_id == thesis_id),
        select(AssessmentMark.report_file_key).join(
            Assessment, Assessment.id == AssessmentMark.assessment_id)
        .where(Assessment.thesis_id == thesis_id),
        select(Assessment.protocol_key).where(Assessment.thesis_id == thesis_id),
        select(Application.cv_key).where(Application.applicant_id == student_id),
    ]
    found: list[str] = []
    for query in queries:
        found += [k for k in (await session.scalars(query)).all() if k and k not in found]
    return found


async def comment_count(session: AsyncSession, thesis_id: int, student_id: int) -> int:
    """Comments, notes, reports and minutes that retention replaces."""
    from sqlalchemy import func
    versions = select(Submission.id).where(Submission.thesis_id == thesis_id)
    counts = [
        select(func.count()).select_from(ThreadMessage)
        .where(ThreadMessage.submission_id.in_(versions), ThreadMessage.body.is_not(None)),
        select(func.count()).select_from(Review)
        .where(Review.submission_id.in_(versions), Review.comment.is_not(None)),
        select(func.count()).select_from(Submission)
        .where(Submission.thesis_id == thesis_id, Submission.note.is_not(None)),
        select(func.count()).select_from(Anchor).where(Anchor.submission_id.in_(versions)),
        select(func.count()).select_from(SupervisorNote)
        .where(SupervisorNote.student_id == student_id),
        select(func.count()).select_from(DirectMessage)
        .where((DirectMessage.sender_id == student_id)
               | (DirectMessage.recipient_id == student_id), DirectMessage.body.is_not(None)),
        select(func.count()).select_from(AssessmentMark)
        .join(Assessment, Assessment.id == AssessmentMark.assessment_id)
        .where(Assessment.thesis_id == thesis_id, AssessmentMark.report.is_not(None)),
        select(func.count()).select_from(Defence)
        .where(Defence.thesis_id == thesis_id, Defence.minutes.is_not(None)),
    ]
    return sum([int(await session.scalar(q) or 0) for q in counts])


REMOVED = "[removed by retention]"


async def scrub_thesis(session: AsyncSession, thesis_id: int, student_id: int) -> None:
    """Comments, notes, reports and minutes replaced; file references cleared (the objects
    are deleted by the caller); every number (marks, totals, sizes, SHA-256) kept."""
    versions = select(Submission.id).where(Submission.thesis_id == thesis_id)
    await session.execute(update(ThreadMessage).where(ThreadMessage.submission_id.in_(versions))
                          .values(body=REMOVED, file_key=None, file_name=None,
                                  telegram_file_id=None))
    # Every decision's words and file, one table (the votes and the outcome alike).
    await session.execute(update(Review).where(Review.submission_id.in_(versions))
                          .values(comment=None, feedback_file_key=None,
                                  feedback_file_name=None, feedback_telegram_file_id=None))
    await session.execute(update(Submission).where(Submission.thesis_id == thesis_id)
                          .values(note=None, telegram_file_id=None))
    await session.execute(update(Anchor).where(Anchor.submission_id.in_(versions))
                          .values(quote=REMOVED, comment=REMOVED))
    await session.execute(update(VersionComparison)
                          .where(VersionComparison.submission_id.in_(versions))
                          .values(html_key=None))
    await session.execute(update(SupervisorNote).where(SupervisorNote.student_id == student_id)
                          .values(body=REMOVED))
    await session.execute(update(DirectMessage)
                          .where((DirectMessage.sender_id == student_id)
                                 | (DirectMessage.recipient_id == student_id))
                          .values(body=REMOVED, telegram_file_id=None, file_name=None))
    await session.execute(update(MeetingParticipant)
                          .where(MeetingParticipant.student_id == student_id)
                          .values(correction=None))
    await session.execute(update(ExaminerGrade).where(ExaminerGrade.thesis_id == thesis_id)
                          .values(report=REMOVED, report_file_key=None, report_file_name=None,
                                  report_telegram_file_id=None))
    assessment = select(Assessment.id).where(Assessment.thesis_id == thesis_id)
    await session.execute(update(AssessmentMark)
                          .where(AssessmentMark.assessment_id.in_(assessment))
                          .values(report=REMOVED, report_file_key=None, report_file_name=None))
    await session.execute(update(Assessment).where(Assessment.thesis_id == thesis_id)
                          .values(protocol_key=None))
    defence = select(Defence.id).where(Defence.thesis_id == thesis_id)
    await session.execute(update(Defence).where(Defence.thesis_id == thesis_id)
                          .where(Defence.minutes.is_not(None)).values(minutes=REMOVED))
    await session.execute(update(DefenceMember).where(DefenceMember.defence_id.in_(defence),
                                                      DefenceMember.user_id.is_(None))
                          .values(name="External member"))


async def swap_user_id(session: AsyncSession, old: int, new: int, name: str,
                       at: datetime) -> None:
    """The person's Telegram id replaced by ``new`` everywhere it is referred to (every
    foreign key to users, the audit log's actor and the ids in its details), their name and
    username dropped; what was queued for their chat deleted."""
    person = await session.get(User, old)
    assert person is not None
    # Every column copied (so what is counted stays), the identifying ones replaced.
    kept = {c.key: getattr(person, c.key) for c in User.__table__.columns}
    kept.update(id=new, full_name=name, username=None, reachable=False,
                deactivated_at=person.deactivated_at or at)
    session.add(User(**kept))
    await session.flush()
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "users":  # the users table's own included
                column = fk.parent
                await session.execute(update(table).where(column == old).values(
                    {column.name: new}))
    await session.execute(update(UploadJob).where(UploadJob.chat_id == old).values(chat_id=new))
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == old))
    # Notifications to others that name them (a card, a confirmation), sent long ago: the
    # name as the JSON column holds it, quoted (non-ASCII escaped as json.dumps does).
    await session.execute(delete(OutboxMessage).where(
        OutboxMessage.payload.cast(String).contains(json.dumps(person.full_name))))
    await session.execute(delete(ReviewCard).where(ReviewCard.chat_id == old))
    # Their applications for topics (kept as numbers: who applied for what, the outcome).
    await session.execute(update(Application).where(Application.applicant_id == old)
                          .values(applicant_id=new, applicant_name=name,
                                  applicant_username=None, motivation=REMOVED, cv_key=None,
                                  cv_name=None, cv_telegram_file_id=None, reason=None))
    await session.execute(update(AuditEntry).where(AuditEntry.actor_id == old)
                          .values(actor_id=new))
    mentioned = await session.scalars(select(AuditEntry).where(
        AuditEntry.details.cast(String).contains(str(old))))
    for entry in mentioned.all():
        entry.details = _replaced(entry.details, old, new)
    session.expunge(person)
    await session.execute(delete(User).where(User.id == old))


def _replaced(value: Any, old: int, new: int, person: bool = False) -> Any:
    """``value`` with the person's id replaced where a key names a person (``…_id``,
    ``…_ids``, ``students``, ``id``), never in a number that only equals it (a total)."""
    if isinstance(value, dict):
        return {k: _replaced(v, old, new, _names_person(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, old, new, person) for v in value]
    if person and value == old and isinstance(value, int) and not isinstance(value, bool):
        return new
    return value


def _names_person(key: str) -> bool:
    return key == "id" or key.endswith(("_id", "_ids", "students", "_by"))


async def thesis(session: AsyncSession, thesis_id: int) -> Thesis:
    found = await session.get(Thesis, thesis_id, populate_existing=True)
    assert found is not None
    return found
