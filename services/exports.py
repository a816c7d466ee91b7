"""Exports a department can use: tables (CSV and XLSX), the latest versions as a ZIP, and a
person's own data (``/mydata``).

Scope: a supervisor exports their students, an admin everyone. Rows are streamed from the
database (``yield_per``) into the writers, so memory stays flat whatever the number of
versions; the XLSX is written by openpyxl in write-only mode (rows go to disk as they come).
ZIPs are produced as a stream: each file is read from the store a chunk at a time into a
non-seekable ``zipfile`` writer (stored, with data descriptors) and every chunk handed on at
once, so an archive is never whole in memory or on disk. Every export is audited.
"""

from __future__ import annotations

import asyncio
import csv
import enum
import hashlib
import io
import json
import secrets
import zipfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import Select, and_, inspect, select
from sqlalchemy.orm import aliased

from services.access import revoked
from services.assessment import EXPORT_COLUMNS as ASSESSMENT_COLUMNS
from services.assessment import export_rows as assessment_export_rows
from services.assessment import own_data as own_assessment_data
from services.base import BaseService, read_only, writes
from services.meetings import MeetingService, MeetingView
from services.submissions import ProgressCallback
from services.team import scope_of, students_on_teams_of
from services.topics import TopicService
from services.vocabulary import Role, TeamRole
from storage.files import FileStore, ObjectMissing
from storage.models import (
    AuditEntry,
    Base,
    CalendarToken,
    ChecklistItem,
    ExaminerGrade,
    ExportLink,
    Invite,
    Milestone,
    MilestoneExtension,
    Review,
    Submission,
    Thesis,
    ThesisMember,
    User,
    VersionSimilarity,
)
from storage.repositories import audit, links, meetings, users
from storage.repositories.reviews import outcome_of, said_grade

if TYPE_CHECKING:
    # openpyxl (with numpy, lxml and Pillow) is ~28 MiB of modules: imported by the export
    # that writes a workbook, not by every replica at start (issue 33).
    from openpyxl import Workbook

log = structlog.get_logger("services.exports")

BATCH = 2000
# Any query of rows (SQLAlchemy 2.1 types a select by its columns).
Query = Select[*tuple[Any, ...]]
CHUNK = 256 * 1024
VERSION_COLUMNS = ("student_id", "student", "username", "supervisor", "thesis", "status",
                   "version", "submitted_at", "file_name", "size_bytes", "decision", "grade",
                   "reviewed_at", "milestone", "due_at", "on_time", "checklist_items",
                   "examiner_grade", "shared_text_percent")
MEETING_COLUMNS = ("meeting_id", "title", "starts_at", "place", "student_id", "student",
                   "answer", "agreed_at", "correction", "notes", "action_items")
STUDENT_COLUMNS = ("student_id", "student", "username", "supervisor", "registered_at",
                   "active")
THESIS_COLUMNS = ("student_id", "student", "title", "status", "versions", "examiner_grade",
                  "updated_at")
TOPIC_COLUMNS = ("supervisor", "topics", "applications", "accepted", "declined",
                 "acceptance_rate_percent", "mean_days_to_decision")
TABLE_FILES = ("versions.csv", "meetings.csv", "assessments.csv", "export.xlsx")
# OWASP's rule for CSV injection: a cell starting with one of these is read as a formula by
# Excel, LibreOffice or Google Sheets; a leading apostrophe keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel opens a CSV as UTF-8 (Cyrillic names intact) only after a byte order mark.
CSV_ENCODING = "utf-8-sig"


class ExportKind(enum.StrEnum):
    TABLE = "table"
    LATEST = "latest"
    MYDATA = "mydata"


@dataclass(frozen=True)
class ZipEntry:
    name: str
    key: str | None  # in the file store; None for ``data`` or ``path``
    size: int
    data: bytes | None = None
    sha256: str | None = None
    path: Path | None = None  # a file of ours on disk (a table made for a download link)


# The archive's report of the files it could not include (their objects are gone from the
# file store): the last entry, one line per file left out.
MISSING_NAME = "MISSING.txt"
MISSING_HEAD = "Files left out of this archive: they are no longer in the file store.\n"


@dataclass(frozen=True)
class Archive:
    """A ZIP to stream: what goes in and about how big it will be. ``missing``: the
    entries already known to be gone (the stream adds those it finds gone)."""

    file_name: str
    entries: list[ZipEntry]
    missing: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        # Stored, not compressed: the files plus headers (local, descriptor, central).
        return sum(e.size + 2 * len(e.name.encode()) + 150 for e in self.entries) + 100


def safe_part(text: str, limit: int = 80) -> str:
    """A name fit for a path inside an archive: no separators, no control characters."""
    cleaned = "".join(ch if ch.isprintable() and ch not in '/\\:*?"<>|' else "_"
                      for ch in text).strip(" .")
    return cleaned[:limit] or "_"


def _iso(moment: datetime | None, tz: Any) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes") if moment else ""


def _local(moment: datetime | None, tz: Any) -> datetime | None:
    # Spreadsheets have no time zones: local wall time, the zone in the header.
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet runs: text starting like a formula gets an
    apostrophe in front (OWASP); anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Sequence[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


def checklist_cell(items: Sequence[tuple[str, str]]) -> str | None:
    """The items a decision requested, one per line with its state: "1. [open] text"."""
    if not items:
        return None
    return "\n".join(f"{n}. [{state}] {text}" for n, (text, state) in enumerate(items, 1))


def on_time(submitted_at: datetime, due_at: datetime | None) -> str:
    if due_at is None:
        return ""
    return "on time" if submitted_at <= due_at else "late"


def row_dict(row: Base) -> dict[str, Any]:
    """A model row as JSON-ready values."""
    values: dict[str, Any] = {}
    for attr in inspect(row).mapper.column_attrs:
        value = getattr(row, attr.key)
        values[attr.key] = value.isoformat() if isinstance(value, datetime) else value
    return values


class _Sink(io.RawIOBase):
    """The non-seekable file ``zipfile`` writes to: it keeps what was written until taken."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        return len(chunk)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


async def stream_archive(files: FileStore, archive: Archive,
                         stamp: tuple[int, int, int, int, int, int],
                         on_progress: ProgressCallback | None = None,
                         ) -> AsyncIterator[bytes]:
    """The archive's bytes, a chunk at a time, read from the store as they go out.

    ``on_progress(done, total)`` hears of each entry once it is in the archive (and of
    ``(0, total)`` before the first one): a count of files, not of bytes."""
    sink = _Sink()
    total = len(archive.entries)
    if on_progress is not None:
        await on_progress(0, total)
    missing = list(archive.missing)
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive_file:
        for done, entry in enumerate(archive.entries, start=1):
            reader: AsyncIterator[bytes] | None = None
            first = b""
            if entry.data is None and entry.path is None:
                # A stored object: its first chunk is read before its entry begins, so one
                # that is gone is left out (and reported) instead of ending the archive.
                assert entry.key is not None
                reader = aiter(files.read(entry.key))
                try:
                    first = await anext(reader, b"")
                except ObjectMissing:
                    log.warning("export_object_missing", entry=entry.name)
                    missing.append(entry.name)
                    if on_progress is not None:
                        await on_progress(done, total)
                    continue
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = entry.size
            with archive_file.open(info, "w", force_zip64=entry.size >= 2**31) as dest:
                if entry.data is not None:
                    dest.write(entry.data)
                elif entry.path is not None:
                    with entry.path.open("rb") as handle:
                        while chunk := await asyncio.to_thread(handle.read, CHUNK):
                            dest.write(chunk)
                            if data := sink.take():
                                yield data
                else:
                    assert reader is not None
                    dest.write(first)
                    async for chunk in reader:
                        dest.write(chunk)
                        if data := sink.take():
                            yield data
            if data := sink.take():
                yield data
            if on_progress is not None:
                await on_progress(done, total)
        if missing:
            report = (MISSING_HEAD + "".join(f"{name}\n" for name in missing)).encode()
            archive_file.writestr(zipfile.ZipInfo(MISSING_NAME, date_time=stamp), report)
    if data := sink.take():
        yield data


class ExportService(BaseService):
    # --- who sees what ------------------------------------------------------------------

    def scope_of(self, actor: User) -> int | None:
        """The team member whose students are exported (None: everyone, for an admin)."""
        return scope_of(actor)

    # --- tables -------------------------------------------------------------------------

    @writes
    async def tables(self, actor: User, folder: Path) -> list[Path]:
        """versions.csv, meetings.csv and export.xlsx of the actor's scope, written into
        ``folder`` (an existing, empty folder). Every cell is neutralised (no formula runs
        when it is opened) and the CSVs start with a byte order mark."""
        scope = self.scope_of(actor)
        tz = self.config.tz
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        counts: dict[str, int] = {}
        sheet = workbook.create_sheet("Students")
        sheet.append([*STUDENT_COLUMNS[:-2], f"registered_at ({tz.key})", "active"])
        counts["students"] = await self._rows(self._students_query(scope), sheet.append,
                                              lambda r: safe_row([r[0], r[1], r[2], r[3],
                                                                  _local(r[4], tz),
                                                                  r[5] is None]))
        sheet = workbook.create_sheet("Theses")
        sheet.append([*THESIS_COLUMNS[:-1], f"updated_at ({tz.key})"])
        counts["theses"] = await self._rows(self._theses_query(scope), sheet.append,
                                            lambda r: safe_row([*r[:6], _local(r[6], tz)]))
        sheet = workbook.create_sheet("Versions")
        sheet.append(list(VERSION_COLUMNS))
        checklists = await self._checklists(scope)
        with (folder / "versions.csv").open("w", newline="",
                                            encoding=CSV_ENCODING) as handle:
            writer = csv.writer(handle)
            writer.writerow(VERSION_COLUMNS)

            def version(row: Sequence[Any]) -> list[Any]:
                cells = safe_row(self._version_cells(row, checklists))
                writer.writerow([_iso(c, tz) if isinstance(c, datetime) else
                                 ("" if c is None else c) for c in cells])
                return [_local(c, tz) if isinstance(c, datetime) else c for c in cells]

            counts["versions"] = await self._rows(self._versions_query(scope),
                                                  sheet.append, version)
        sheet = workbook.create_sheet("Meetings")
        sheet.append(list(MEETING_COLUMNS))
        with (folder / "meetings.csv").open("w", newline="",
                                            encoding=CSV_ENCODING) as handle:
            writer_m = csv.writer(handle)
            writer_m.writerow(MEETING_COLUMNS)
            count = 0
            for cells in await self._meeting_rows(scope):
                cells = safe_row(cells)
                writer_m.writerow([_iso(c, tz) if isinstance(c, datetime) else
                                   ("" if c is None else c) for c in cells])
                sheet.append([_local(c, tz) if isinstance(c, datetime) else c
                              for c in cells])
                count += 1
            counts["meetings"] = count
        counts["assessments"] = await self._assessments(scope, folder, workbook)
        counts["topics"] = await self._topics(actor, workbook)
        await asyncio.to_thread(workbook.save, folder / "export.xlsx")
        await self._audit(actor, ExportKind.TABLE, scope, **counts)
        return [folder / name for name in TABLE_FILES]

    async def _topics(self, actor: User, workbook: Workbook) -> int:
        """The Topics sheet: per supervisor, topics, applications, acceptance rate and the
        mean days from an application to its decision (services/topics.py)."""
        sheet = workbook.create_sheet("Topics")
        sheet.append(list(TOPIC_COLUMNS))
        rows = await TopicService(self.session, self.deps).statistics(actor)
        for row in rows:
            sheet.append(safe_row([row.supervisor, row.topics, row.applications, row.accepted,
                                   row.declined, row.acceptance_rate,
                                   None if row.days_to_decision is None
                                   else round(row.days_to_decision, 2)]))
        return len(rows)

    async def _assessments(self, scope: int | None, folder: Path, workbook: Workbook) -> int:
        """Every component mark of every marker, the agreed total and grade (assessments.csv
        and the Assessments sheet); marks still blind are left out."""
        tz = self.config.tz
        student_ids = None if scope is None else list((await self.session.scalars(
            self._in_scope(select(User.id).where(User.role == Role.STUDENT.value),
                           scope))).all())
        rows = await assessment_export_rows(self.session, student_ids)
        sheet = workbook.create_sheet("Assessments")
        sheet.append(list(ASSESSMENT_COLUMNS))
        with (folder / "assessments.csv").open("w", newline="",
                                               encoding=CSV_ENCODING) as handle:
            writer = csv.writer(handle)
            writer.writerow(ASSESSMENT_COLUMNS)
            for cells in rows:
                cells = safe_row(cells)
                writer.writerow([_iso(c, tz) if isinstance(c, datetime) else
                                 ("" if c is None else c) for c in cells])
                sheet.append([_local(c, tz) if isinstance(c, datetime) else c for c in cells])
        return len(rows)

    async def _checklists(self, scope: int | None) -> dict[int, list[tuple[str, str]]]:
        """The requested changes of every decision in scope, by review, in their order."""
        query = self._in_scope(
            select(ChecklistItem.review_id, ChecklistItem.text, ChecklistItem.state)
            .join(Thesis, Thesis.id == ChecklistItem.thesis_id)
            .join(User, User.id == Thesis.student_id)
            .order_by(ChecklistItem.review_id, ChecklistItem.position), scope)
        found: dict[int, list[tuple[str, str]]] = {}
        for review_id, text, state in (await self.session.execute(query)).all():
            found.setdefault(review_id, []).append((text, state))
        return found

    async def _rows(self, query: Query, append: Any, cells: Any) -> int:
        count = 0
        result = await self.session.stream(query.execution_options(yield_per=BATCH))
        async for batch in result.partitions(BATCH):
            for row in batch:
                append(cells(row))
            count += len(batch)
        return count

    def _in_scope(self, query: Query, scope: int | None) -> Query:
        # Whose students these are is the team's answer (services/team.py).
        return query if scope is None else query.where(User.id.in_(
            select(ThesisMember.student_id).where(ThesisMember.user_id == scope)))

    @staticmethod
    def _with_supervisor(query: Query, sup: Any) -> Query:
        """Join the team's supervisor (the user ``sup``) of each student ``User``."""
        head = aliased(ThesisMember)
        return (query.outerjoin(head, and_(head.student_id == User.id,
                                           head.role == TeamRole.SUPERVISOR.value))
                .outerjoin(sup, sup.id == head.user_id))

    def _students_query(self, scope: int | None) -> Query:
        sup = aliased(User)
        return self._in_scope(
            self._with_supervisor(
                select(User.id, User.full_name, User.username, sup.full_name, User.created_at,
                       User.deactivated_at), sup)
            .where(User.role == Role.STUDENT.value).order_by(User.id), scope)

    def _theses_query(self, scope: int | None) -> Query:
        return self._in_scope(
            select(User.id, User.full_name, Thesis.title, Thesis.status, Thesis.latest_version,
                   ExaminerGrade.grade, Thesis.updated_at)
            .join(User, User.id == Thesis.student_id)
            .outerjoin(ExaminerGrade, ExaminerGrade.thesis_id == Thesis.id)
            .order_by(Thesis.id), scope)

    def _versions_query(self, scope: int | None) -> Query:
        sup = aliased(User)
        head = aliased(ThesisMember)
        extension = aliased(MilestoneExtension)
        return self._in_scope(
            select(User.id, User.full_name, User.username, sup.full_name, Thesis.title,
                   Thesis.status, Submission.version, Submission.submitted_at,
                   Submission.file_name, Submission.file_size, Review.decision, said_grade(),
                   Review.outcome_at, Milestone.title, Milestone.due_at, extension.due_at,
                   Review.id, ExaminerGrade.grade, VersionSimilarity.percent)
            .select_from(Submission)
            .join(Thesis, Thesis.id == Submission.thesis_id)
            .join(User, User.id == Thesis.student_id)
            .outerjoin(head, and_(head.student_id == User.id,
                                  head.role == TeamRole.SUPERVISOR.value))
            .outerjoin(sup, sup.id == head.user_id)
            .outerjoin(Review, outcome_of(Submission.id))
            .outerjoin(ExaminerGrade, ExaminerGrade.thesis_id == Thesis.id)
            .outerjoin(VersionSimilarity, VersionSimilarity.submission_id == Submission.id)
            .outerjoin(Milestone, Milestone.id == Submission.milestone_id)
            .outerjoin(extension, and_(extension.milestone_id == Milestone.id,
                                       extension.student_id == User.id))
            .order_by(Submission.thesis_id, Submission.version), scope)

    @staticmethod
    def _version_cells(row: Sequence[Any],
                       checklists: dict[int, list[tuple[str, str]]]) -> list[Any]:
        (student_id, student, username, supervisor, title, status, version, submitted_at,
         file_name, size, decision, grade, reviewed_at, milestone, common_due, own_due,
         review_id, examiner_grade, shared) = row
        due = own_due or common_due
        return [student_id, student, username, supervisor, title, status, version,
                submitted_at, file_name, size, decision or "pending", grade, reviewed_at,
                milestone, due, on_time(submitted_at, due),
                checklist_cell(checklists.get(review_id, [])), examiner_grade,
                round(shared, 1) if shared is not None else None]

    async def _meeting_rows(self, scope: int | None) -> list[list[Any]]:
        student_ids = None if scope is None else [
            s.id for s in await students_on_teams_of(self.session, scope)]
        views = await MeetingService(self.session, self.deps).views(
            await meetings.of_students(self.session, student_ids))
        rows = []
        for view in views:
            items = "; ".join(i.text for i in view.items)
            m = view.meeting
            for a in view.attendees:
                if student_ids is not None and a.student.id not in student_ids:
                    continue
                rows.append([m.id, m.title, m.starts_at, m.place, a.student.id,
                             a.student.full_name, a.participant.answer, a.participant.agreed_at,
                             a.participant.correction, m.notes, items])
        return rows

    # --- the latest versions ------------------------------------------------------------

    @writes
    async def latest(self, actor: User) -> Archive:
        """The latest file of each thesis in scope, as ``<student>/<vN>-<title>.<ext>``."""
        scope = self.scope_of(actor)
        query = self._in_scope(
            select(User.id, User.full_name, Thesis.title, Submission.version,
                   Submission.file_key, Submission.file_kind, Submission.file_size,
                   Submission.sha256)
            .select_from(Thesis)
            .join(Submission, and_(Submission.thesis_id == Thesis.id,
                                   Submission.version == Thesis.latest_version,
                                   Submission.kind == Thesis.stage))
            .join(User, User.id == Thesis.student_id).order_by(User.full_name, User.id), scope)
        rows = (await self.session.execute(query)).all()
        names: dict[str, int] = {}
        for _id, name, *_rest in rows:
            names[name] = names.get(name, 0) + 1
        entries = []
        for student_id, name, title, version, key, kind, size, sha in rows:
            folder = safe_part(name if names[name] == 1 else f"{name} ({student_id})")
            entries.append(ZipEntry(f"{folder}/v{version}-{safe_part(title)}.{kind}", key,
                                    size, sha256=sha))
        await self._audit(actor, ExportKind.LATEST, scope, files=len(entries))
        stamp = self.clock.now().astimezone(self.config.tz).strftime("%Y-%m-%d")
        return Archive(f"latest-versions-{stamp}.zip", entries)

    def stream(self, archive: Archive,
               on_progress: ProgressCallback | None = None) -> AsyncIterator[bytes]:
        """The archive's bytes, a chunk at a time, read from the store as they go out (no
        database: ``stream_archive``)."""
        now = self.clock.now().astimezone(self.config.tz)
        stamp = (now.year, now.month, now.day, now.hour, now.minute, now.second)
        return stream_archive(self.deps.files, archive, stamp, on_progress)

    # --- a person's own data ------------------------------------------------------------

    @writes
    async def mydata(self, user: User) -> Archive:
        """Everything held about ``user``: their rows as JSON and their own files."""
        data, files = await self._own_rows(user)
        body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
        entries = [ZipEntry("data.json", None, len(body), data=body)]
        entries += files
        await self._audit(user, ExportKind.MYDATA, user.id, files=len(files))
        return Archive(f"my-data-{user.id}.zip", entries)

    async def _own_rows(self, user: User) -> tuple[dict[str, Any], list[ZipEntry]]:
        session = self.session
        data: dict[str, Any] = {"user": row_dict(user)}
        files: list[ZipEntry] = []
        thesis = await session.scalar(select(Thesis).where(Thesis.student_id == user.id))
        data["thesis"] = row_dict(thesis) if thesis else None
        subs = list((await session.scalars(
            select(Submission).where(Submission.thesis_id == thesis.id)
            .order_by(Submission.version))).all()) if thesis else []
        data["submissions"] = [row_dict(s) for s in subs]
        for s in subs:
            files.append(ZipEntry(f"files/v{s.version}-{safe_part(s.file_name, 120)}",
                                  s.file_key, s.file_size, sha256=s.sha256))
        # Decisions on their versions (what was said about them; ``outcome_at`` marks the one
        # that decided each), and those they wrote.
        sub_ids = [s.id for s in subs]
        about = list((await session.scalars(select(Review).where(
            Review.submission_id.in_(sub_ids)).order_by(Review.id))).all()) if sub_ids else []
        data["reviews_of_my_versions"] = [row_dict(r) for r in about]
        written = list((await session.scalars(select(Review).where(
            Review.reviewer_id == user.id).order_by(Review.id))).all())
        data["reviews_i_wrote"] = [row_dict(r) for r in written]
        for r in written:
            if r.feedback_file_key:
                files.append(ZipEntry(
                    f"feedback/{r.id}-{safe_part(r.feedback_file_name or 'feedback', 120)}",
                    r.feedback_file_key, await self._size(r.feedback_file_key) or 0))
        data["milestones"] = [row_dict(m) for m in (await session.scalars(select(Milestone).where(
            (Milestone.student_id == user.id) | (Milestone.supervisor_id == user.id))
            .order_by(Milestone.id))).all()]
        data["milestone_extensions"] = [row_dict(e) for e in (await session.scalars(
            select(MilestoneExtension).where(MilestoneExtension.student_id == user.id))).all()]
        data["meetings"] = await self._own_meetings(user)
        data["assessment"] = await own_assessment_data(session, user)
        protocol = data["assessment"].pop("protocol_key")
        if protocol:
            files.append(ZipEntry("assessment/protocol.pdf", protocol,
                                  await self._size(protocol) or 0))
        data["invites_i_created"] = [row_dict(i) for i in (await session.scalars(
            select(Invite).where(Invite.created_by == user.id).order_by(Invite.id))).all()]
        token = await session.scalar(select(CalendarToken).where(
            CalendarToken.user_id == user.id))
        # That a calendar feed exists, not its secret.
        data["calendar_feed"] = {"created_at": token.created_at.isoformat()} if token else None
        data["my_actions"] = [row_dict(a) for a in (await session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == user.id)
            .order_by(AuditEntry.id))).all()]
        return data, files

    async def _own_meetings(self, user: User) -> list[dict[str, Any]]:
        views: list[MeetingView] = await MeetingService(self.session, self.deps).find_for(user)
        found = []
        for view in views:
            meeting = row_dict(view.meeting)
            meeting["action_items"] = [i.text for i in view.items]
            if user.role == Role.STUDENT.value:
                # Their own answer only: the other attendees' rows are theirs.
                mine = [a.participant for a in view.attendees if a.student.id == user.id]
                meeting["my_participation"] = row_dict(mine[0]) if mine else None
            else:
                meeting["participants"] = [row_dict(a.participant) for a in view.attendees]
            found.append(meeting)
        return found

    async def _size(self, key: str) -> int | None:
        """The object's size (None: it is gone; the stream then leaves it out)."""
        size = 0
        try:
            async for chunk in self.deps.files.read(key):
                size += len(chunk)
        except ObjectMissing:
            return None
        return size

    # --- links for what is too big for Telegram -------------------------------------------

    def too_big(self, size: int) -> bool:
        return size > self.config.upload_limit_bytes

    @writes
    async def link(self, actor: User, kind: ExportKind) -> tuple[str, datetime]:
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        expires = now + timedelta(hours=self.config.export_link_ttl_hours)
        await links.drop_expired_exports(self.session, now)
        links.add(self.session, ExportLink(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), actor_id=actor.id,
            kind=kind.value, expires_at=expires, created_at=now))
        audit.record(self.session, actor_id=actor.id, action="export.link",
                     object_type="export", object_id=kind.value, at=now,
                     expires_at=expires.isoformat())
        base = self.config.public_base_url.rstrip("/")
        return f"{base}/export/{token}.zip", expires

    @read_only
    async def redeem(self, token: str) -> tuple[User, ExportKind] | None:
        """Who made this download link and for what; None once expired or unknown."""
        row = await links.export_by_hash(
            self.session, hashlib.sha256(token.encode()).hexdigest(), self.clock.now())
        actor = await users.get(self.session, row.actor_id) if row else None
        # The chat's question (services/access.revoked): deactivated, or an admin no longer
        # in ADMIN_IDS, and the link is dead like an unknown one.
        if row is None or actor is None or revoked(actor, self.config) is not None:
            return None
        return actor, ExportKind(row.kind)

    @writes
    async def archive_for(self, actor: User, kind: ExportKind, folder: Path) -> Archive:
        """What a download link serves: the same export, made now."""
        if kind is ExportKind.LATEST:
            return await self.latest(actor)
        if kind is ExportKind.MYDATA:
            return await self.mydata(actor)
        paths = await self.tables(actor, folder)
        return Archive("export.zip", [ZipEntry(p.name, None, p.stat().st_size, path=p)
                                      for p in paths])

    # --- the audit ----------------------------------------------------------------------

    async def _audit(self, actor: User, kind: ExportKind, scope: int | None,
                     **details: Any) -> None:
        audit.record(self.session, actor_id=actor.id, action=f"export.{kind.value}",
                     object_type="export", object_id="all" if scope is None else scope,
                     at=self.clock.now(), **details)
