"""Feedback as a conversation: a thread of comments on every version, and notes about a
student that only the supervisor side reads.

A comment reaches every other participant of the version's thread (the student and the
supervisor side) as an outbox notification about the version (ref ``submission:<id>``), so
a Telegram reply to it, like a reply to the decision notice or to the supervisor's card,
finds the version again through the outbox row of the replied message.

Who is on the supervisor side is decided in one place, ``supervisor_side``: the thesis
team of services/team.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, on_rollback, read_only, writes
from services.errors import CommentTooLong, DomainError, EmptyComment, NotAllowed, NotFound
from services.notifications import StudentMessage, ThreadComment, notify, submission_of_ref
from services.staged_files import StagedFile, attach_staged, discard_unreferenced
from services.submissions import IncomingFile, stage_stored
from services.team import members, recipients, role_of
from services.typed import words
from services.vocabulary import Role, StoredKind
from storage.models import Submission, SupervisorNote, Thesis, ThreadMessage, User
from storage.repositories import audit, outbox, theses, threads, users

COMMENT_MAX = 4000
NOTE_MAX = 4000
PAGE_SIZE = 5
# What a thread takes besides PDF/DOCX: a voice message, a photo (and the stored suffix).
MEDIA = {"voice": "ogg", "photo": "jpg"}
NOTES_SHOWN = 10


async def supervisor_side(session: AsyncSession, student: User) -> list[User]:
    """Everyone who supervises ``student``'s thesis: its active team (supervisor,
    co-supervisors, examiner; services/team.py), who take part in its threads, read the
    supervisor-only notes and are told of the student's comments."""
    return [member.user for member in recipients(await members(session, student.id))]


async def on_supervisor_side(session: AsyncSession, actor: User, student: User) -> bool:
    if actor.role == Role.ADMIN.value:
        return True
    return await role_of(session, actor, student.id) is not None


@dataclass(frozen=True)
class Target:
    submission: Submission
    thesis: Thesis
    student: User


@dataclass(frozen=True)
class CommentResult:
    comment: ThreadMessage
    target: Target
    recipients: int


@dataclass(frozen=True)
class AskResult:
    """Where a student's question went: the thread of ``version``, or (None) the team."""

    version: int | None
    recipients: int


@dataclass(frozen=True)
class ThreadEntry:
    comment: ThreadMessage
    author_name: str
    from_student: bool


@dataclass(frozen=True)
class ThreadPage:
    target: Target
    entries: list[ThreadEntry]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class NoteEntry:
    note: SupervisorNote
    author_name: str


def clean_text(raw: str | None, limit: int = COMMENT_MAX) -> str | None:
    text = words(raw)
    if len(text) > limit:
        raise CommentTooLong(max=limit, length=len(text))
    return text or None


class ThreadService(BaseService):
    # --- which version a message is about ---------------------------------------------

    @read_only
    async def replied_version(self, actor: User, message_id: int) -> int | None:
        """The version a bot message in ``actor``'s chat is about (a decision notice, a card,
        a thread comment), if it is one of ours and about a version."""
        row = await outbox.by_message(self.session, actor.id, message_id)
        return submission_of_ref(row.ref) if row is not None else None

    @read_only
    async def check_can_comment(self, actor: User, submission_id: int) -> Target:
        return await self._target(actor, submission_id)

    async def _target(self, actor: User, submission_id: int) -> Target:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, _review = found
        if actor.id != student.id and not await on_supervisor_side(self.session, actor,
                                                                   student):
            raise NotAllowed()
        return Target(submission, thesis, student)

    # --- commenting -------------------------------------------------------------------

    @read_only
    async def stage_attachment(self, actor: User, submission_id: int,
                               incoming: IncomingFile, media: str | None = None) -> StagedFile:
        """A PDF/DOCX going with a comment, stored like a feedback file; ``media``
        (``voice`` or ``photo``): a voice message or a photo, the comment itself."""
        if media is not None and media not in MEDIA:
            raise NotAllowed()
        # Streaming may take minutes: hold no transaction (and no connection) meanwhile.
        await self._read(partial(self._target, actor, submission_id))
        return await stage_stored(self.session, self.deps.files,
                                  self.config.file_prefix + "threads/", incoming,
                                  self.config.max_file_bytes, StoredKind.ATTACHMENT,
                                  self.clock.now(),
                                  (media, MEDIA[media]) if media is not None else None)

    @writes
    async def comment(self, actor: User, submission_id: int, text: str | None,
                      attachment: StagedFile | None = None,
                      seconds: int | None = None) -> CommentResult:
        """Record a comment and notify the thread's other participants, in one transaction.
        ``seconds``: a voice message's duration."""
        try:
            return await self._comment(actor, submission_id, text, attachment, seconds)
        except DomainError:
            # Refused: the file goes unless a row refers to it. On any other failure the
            # commit may have happened: the file stays (the sweeper decides later).
            if attachment is not None:
                on_rollback(self.session, partial(discard_unreferenced, self.session,
                                                  self.deps.files, attachment.key))
            raise

    async def _comment(self, actor: User, submission_id: int, raw: str | None,
                       attachment: StagedFile | None,
                       seconds: int | None = None) -> CommentResult:
        text = clean_text(raw)
        if text is None and attachment is None:
            raise EmptyComment()
        target = await self._target(actor, submission_id)
        if attachment is not None:
            recorded = await threads.by_file_key(self.session, attachment.key)
            if recorded is not None:
                # A replayed step: the comment is there already, and its notifications.
                if recorded.submission_id != submission_id or recorded.author_id != actor.id:
                    raise NotAllowed()
                return CommentResult(recorded, target, 0)
        now = self.clock.now()
        media = attachment.kind if attachment is not None and attachment.kind in MEDIA else None
        if attachment is not None:
            await attach_staged(self.session, self.deps.files, attachment,
                                now, self.config.staged_file_ttl_hours)
        comment = await threads.add(self.session, ThreadMessage(
            submission_id=submission_id, author_id=actor.id, body=text, created_at=now,
            file_key=attachment.key if attachment else None,
            file_name=attachment.file_name if attachment else None,
            telegram_file_id=attachment.telegram_file_id if attachment else None,
            media=media, media_seconds=seconds if media == "voice" else None,
            file_size=attachment.size if attachment else None))
        recipients = await self._recipients(actor, target.student)
        from_student = actor.id == target.student.id
        for recipient in recipients:
            notify(self.session, recipient.id, ThreadComment(
                submission_id=submission_id, comment_id=comment.id,
                author_name=actor.full_name, from_student=from_student,
                to_student=recipient.id == target.student.id,
                student_name=target.student.full_name, title=target.thesis.title,
                version=target.submission.version, text=text,
                file_id=attachment.telegram_file_id if attachment else None,
                file_name=attachment.file_name if attachment else None,
                file_key=attachment.key if attachment else None, media=media,
                seconds=comment.media_seconds, size=comment.file_size), now)
        audit.record(self.session, actor_id=actor.id, action="thread.comment",
                     object_type="submission", object_id=submission_id, at=now,
                     comment_id=comment.id)
        return CommentResult(comment, target, len(recipients))

    async def _recipients(self, actor: User, student: User) -> list[User]:
        """The thread's participants but the author; nobody deactivated is written to."""
        everyone = [student, *await supervisor_side(self.session, student)]
        seen: set[int] = {actor.id}
        recipients = []
        for person in everyone:
            if person.id in seen or person.deactivated_at is not None:
                continue
            seen.add(person.id)
            recipients.append(person)
        return recipients

    @writes
    async def ask_team(self, student: User, raw: str | None) -> AskResult:
        """A student's question typed outside any step: a comment on their latest version's
        thread, or, before any version, a message to every member of their team."""
        text = clean_text(raw)
        if text is None:
            raise EmptyComment()
        _thesis, latest = await theses.with_latest(self.session, student.id)
        if latest is not None:
            result = await self.comment(student, latest.submission.id, text)
            return AskResult(latest.submission.version, result.recipients)
        return await self._to_team(student, text)

    async def _to_team(self, student: User, text: str) -> AskResult:
        if student.role != Role.STUDENT.value:
            raise NotAllowed()
        now = self.clock.now()
        told = recipients(await members(self.session, student.id))
        for member in told:
            notify(self.session, member.user.id,
                   StudentMessage(student_name=student.full_name, text=text), now)
        audit.record(self.session, actor_id=student.id, action="team.message",
                     object_type="user", object_id=student.id, at=now)
        return AskResult(None, len(told))

    # --- reading ----------------------------------------------------------------------

    @read_only
    async def thread(self, actor: User, submission_id: int, page: int = 0) -> ThreadPage:
        target = await self._target(actor, submission_id)
        total = await threads.count(self.session, submission_id)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = min(max(page, 0), pages - 1)
        rows = await threads.page(self.session, submission_id, offset=page * PAGE_SIZE,
                                  limit=PAGE_SIZE)
        entries = [ThreadEntry(comment, author.full_name if author else "?",
                               comment.author_id == target.student.id)
                   for comment, author in rows]
        return ThreadPage(target, entries, page, pages, total)

    @read_only
    async def attachment(self, actor: User, comment_id: int) -> ThreadMessage:
        """A comment's file, for the thread's participants only."""
        comment = await threads.get(self.session, comment_id)
        if comment is None:
            raise NotFound()
        await self._target(actor, comment.submission_id)
        if comment.telegram_file_id is None:
            raise NotFound()
        return comment

    # --- supervisor-only notes --------------------------------------------------------

    async def _student_for_note(self, actor: User, student_id: int) -> User:
        student = await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        if not await on_supervisor_side(self.session, actor, student):
            raise NotAllowed()
        return student

    @read_only
    async def check_can_note(self, actor: User, student_id: int) -> User:
        return await self._student_for_note(actor, student_id)

    @writes
    async def add_note(self, actor: User, student_id: int, raw: str | None) -> User:
        text = clean_text(raw, NOTE_MAX)
        if text is None:
            raise EmptyComment()
        student = await self._student_for_note(actor, student_id)
        now = self.clock.now()
        threads.add_note(self.session, SupervisorNote(
            student_id=student.id, author_id=actor.id, body=text, created_at=now))
        return student

    @read_only
    async def notes(self, actor: User, student_id: int) -> list[NoteEntry]:
        """The newest notes about a student, for the supervisor side (never the student)."""
        await self._student_for_note(actor, student_id)
        return [NoteEntry(note, author.full_name if author else "?")
                for note, author in await threads.notes_of(self.session, student_id,
                                                           NOTES_SHOWN)]
