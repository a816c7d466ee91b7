"""The whole timeline of a thesis, beyond its versions and milestones (services/dashboards.py):
what changed in each version, the requested changes with their state, every thread message
in full, the examiner's grade, meetings, and the thesis declared final or reopened. For
whoever may see the thesis (services/team.may_see); supervisor-only notes are never here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from services.base import BaseService, read_only
from services.compare_jobs import ChangeView, ComparisonService
from services.errors import NotAllowed, NotFound
from services.team import may_see
from services.vocabulary import Role
from storage.models import Meeting, User
from storage.repositories import history, meetings, theses, users


@dataclass(frozen=True)
class Message:
    author: str | None
    from_student: bool
    at: datetime
    body: str | None
    file_name: str | None
    # A voice message ("voice", with its seconds) or a photo ("photo"), with its size.
    media: str | None = None
    seconds: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class Item:
    text: str
    open: bool
    addressed_version: int | None


@dataclass(frozen=True)
class Move:
    action: str  # finalize | reopen
    at: datetime
    by: str | None


@dataclass(frozen=True)
class ExaminerView:
    grade: int
    report: str | None
    by: str | None
    at: datetime


@dataclass(frozen=True)
class History:
    changes: dict[int, ChangeView] = field(default_factory=dict)  # by submission id
    threads: dict[int, list[Message]] = field(default_factory=dict)  # by submission id
    items: dict[int, list[Item]] = field(default_factory=dict)  # by review id
    examiner: ExaminerView | None = None
    meetings: list[Meeting] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)


class HistoryService(BaseService):
    @read_only
    async def of_student(self, actor: User, student_id: int) -> History:
        student = actor if actor.id == student_id else await users.get(self.session,
                                                                        student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        if not await may_see(self.session, actor, student):
            raise NotAllowed()
        thesis, rows = await theses.with_versions(self.session, student_id)
        if thesis is None:
            return History(meetings=await meetings.of_student(self.session, student_id))
        versions = [(row.submission.id, row.submission.version) for row in rows]
        changes = await ComparisonService(self.session, self.deps).of_versions(versions)
        threads: dict[int, list[Message]] = defaultdict(list)
        for message, name, role in await history.thread_messages(
                self.session, [sid for sid, _v in versions]):
            threads[message.submission_id].append(Message(
                name, role == Role.STUDENT.value, message.created_at, message.body,
                message.file_name, message.media, message.media_seconds, message.file_size))
        items: dict[int, list[Item]] = defaultdict(list)
        for item, addressed in await history.checklist_items(self.session, thesis.id):
            items[item.review_id].append(Item(item.text, item.state == "open", addressed))
        graded = await history.examiner_grade(self.session, thesis.id)
        examiner = ExaminerView(graded[0].grade, graded[0].report, graded[1],
                                graded[0].created_at) if graded else None
        moves = [Move(entry.action.split(".", 1)[1], entry.created_at, name)
                 for entry, name in await history.moves(self.session, thesis.id)]
        return History(changes, dict(threads), dict(items), examiner,
                       await meetings.of_student(self.session, student_id), moves)
