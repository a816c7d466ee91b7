"""Submitting thesis versions: check, stream to the file store, record, tell the supervisor."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services import checklist, lifecycle
from services.base import BaseService, after_commit, on_rollback, read_only, writes
from services.deadlines import attach_submission
from services.documents import DocumentSniffer, check_file_name, name_for_kind
from services.errors import (
    DomainError,
    DuplicateSubmission,
    EmptyFile,
    FileRemoved,
    FileTooLarge,
    InvalidTitle,
    NoProposalNeeded,
    NoSupervisor,
    NotAllowed,
    NotFound,
    NoThesis,
    ProposalFirst,
    StorageUnavailable,
)
from services.metrics import THESIS_SUBMISSIONS
from services.notifications import NewSubmission, ThesisRenamed, notify
from services.staged_files import (
    StagedFile,
    abandon_upload_job,
    attach_held,
    discard_held,
    discard_unreferenced,
    pending_files,
    register_staged,
)
from services.team import may_review, may_see, members, recipients, tell_all
from services.typed import words
from services.vocabulary import Role, StoredKind, ThesisStatus, VersionKind
from storage.files import FileStore, new_key
from storage.models import Submission, Thesis, User
from storage.repositories import audit, comparisons, theses, users

TITLE_MAX = 300
NOTE_MAX = 1000

# Told (bytes received and stored so far, bytes declared) after every chunk; may raise a
# DomainError (UploadCancelled) to stop the transfer, which then leaves nothing behind.
ProgressCallback = Callable[[int, int | None], Awaitable[None]]


@dataclass(frozen=True)
class IncomingFile:
    """A file on its way in: its bytes as they arrive and what the sender says of it."""

    chunks: AsyncIterator[bytes]
    file_name: str
    declared_size: int | None = None
    telegram_file_id: str | None = None
    telegram_file_name: str | None = None  # the name Telegram keeps with its copy


@dataclass(frozen=True)
class StoredFile:
    key: str
    file_name: str
    telegram_file_id: str | None
    size: int | None = None  # known for a version's file (range requests)


@dataclass(frozen=True)
class SubmissionResult:
    thesis: Thesis
    submission: Submission


def clean_title(raw: str | None) -> str:
    title = " ".join(words(raw).split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise InvalidTitle(max=TITLE_MAX)
    return title


def clean_note(raw: str | None) -> str | None:
    note = (raw or "").strip()
    return note[:NOTE_MAX] or None


def require_stage(thesis: Thesis | None, kind: VersionKind) -> None:
    """A proposal only while the thesis waits for one; a thesis version only after it."""
    stage = VersionKind(thesis.stage) if thesis is not None else VersionKind.THESIS
    if stage is kind:
        return
    if stage is VersionKind.PROPOSAL:
        raise ProposalFirst()
    raise NoProposalNeeded()


class SubmissionService(BaseService):
    @read_only
    async def begin(self, student: User,
                    kind: VersionKind = VersionKind.THESIS) -> Thesis | None:
        """Start a submission: the thesis (None means a title is needed first)."""
        self._require_student(student)
        # A deactivated supervisor still counts: the card then goes to the admins (_announce).
        if not any(member.decides for member in await members(self.session, student.id)):
            raise NoSupervisor()
        thesis = await self.thesis_of(student)
        require_stage(thesis, kind)
        if thesis is not None:
            lifecycle.next_status(thesis.status, lifecycle.Event.SUBMIT)
        return thesis

    @read_only
    async def thesis_of(self, student: User) -> Thesis | None:
        self._require_student(student)
        return await theses.by_student(self.session, student.id)

    def check_incoming(self, incoming: IncomingFile) -> None:
        """What can be refused before a byte is transferred: the declared size, the name."""
        check_incoming(incoming, self.config.max_file_bytes)

    @read_only
    async def stage(self, student: User, incoming: IncomingFile,
                    on_progress: ProgressCallback | None = None) -> StagedFile:
        """Stream the file into the store, checking and hashing it on the way (the
        handler's earlier calls ended their transactions: none is held meanwhile). Its
        stored_files row is written in the transaction that checks for a duplicate, ended
        with this call's (or the caller's ``reads``: one for the step). A row lost with a
        failed step is no harm: recording gives the file its row if its object is still
        there (``attach_staged``), and the sweeper takes an object without a row."""
        self._require_student(student)
        staged = (await stage_document(self.deps.files, self.config.file_prefix, incoming,
                                       self.config.max_file_bytes, on_progress)
                  ).stamped(self.clock.now())
        try:
            await self._refuse_duplicate(student, staged.sha256)
            return await register_staged(self.session, staged, StoredKind.VERSION,
                                         self.clock.now())
        except DomainError:
            await discard_unreferenced(self.session, self.deps.files, staged.key)
            raise

    async def _refuse_duplicate(self, student: User, sha256: str) -> None:
        _thesis, latest = await theses.with_latest(self.session, student.id)
        if latest is not None and latest.submission.sha256 == sha256:
            raise DuplicateSubmission(version=latest.submission.version)

    @writes
    async def discard_pending(self, fsm_data: dict[str, Any]) -> None:
        """An unfinished conversation is abandoned (/cancel): its staged files go, unless a
        row refers to them (the step was recorded but its state was not cleared)."""
        for held in pending_files(fsm_data):
            await discard_held(self.session, self.deps.files, held)
        await abandon_upload_job(self.session, self.deps.files, fsm_data, self.clock.now())

    @writes
    async def record(self, student: User, file_id: int, *, title: str | None,
                     note: str | None, addressed: Collection[int] = (),
                     kind: VersionKind = VersionKind.THESIS) -> SubmissionResult:
        """Create the version row and the supervisor's notification in one transaction;
        ``addressed``: the open requested changes the student says this version addresses.

        ``file_id``: the staged file's ``stored_files`` row, all the conversation holds of
        it. Idempotent on it: a step replayed after it was recorded gets the same result, with
        no second row and no second notification.
        """
        try:
            result = await self._record(student, file_id, title, clean_note(note), addressed,
                                        kind)
        except DomainError:
            # The conversation ends here (the handler clears it): the file is abandoned,
            # unless the database says a row refers to it. On any other failure (a
            # dependency; the commit may even have happened) the file stays: the step will
            # be redelivered or retried with the same staged key, and if the conversation
            # is abandoned after all, the sweeper collects it.
            on_rollback(self.session, partial(discard_held, self.session,
                                              self.deps.files, file_id))
            raise
        after_commit(self.session, THESIS_SUBMISSIONS.inc)
        return result

    async def _record(self, student: User, file_id: int, title: str | None,
                      note: str | None, addressed: Collection[int],
                      kind: VersionKind = VersionKind.THESIS) -> SubmissionResult:
        now = self.clock.now()
        thesis = await theses.by_student(self.session, student.id, lock=True)
        # Under the thesis lock, so a concurrent replay waits for the first commit: the file
        # is still there (else FileGone) and attached, and a version holding it already is
        # found by the same statement.
        staged, held = await attach_held(
            self.session, self.deps.files, file_id, now, self.config.staged_file_ttl_hours,
            holder=theses.holding)
        recorded = await self._already_recorded(thesis, held)
        if recorded is not None:
            return recorded
        require_stage(thesis, kind)
        if thesis is None:
            thesis = await theses.add(self.session, Thesis(
                student_id=student.id, title=clean_title(title), latest_version=0,
                status=ThesisStatus.DRAFT.value, created_at=now, updated_at=now))
        await self._refuse_duplicate(student, staged.sha256)
        thesis.status = lifecycle.next_status(thesis.status, lifecycle.Event.SUBMIT).value
        thesis.latest_version += 1
        thesis.updated_at = now
        submission = await theses.add_submission(self.session, Submission(
            thesis_id=thesis.id, version=thesis.latest_version, file_key=staged.key,
            file_name=staged.file_name, file_kind=staged.kind, file_size=staged.size,
            sha256=staged.sha256, telegram_file_id=staged.telegram_file_id, note=note,
            submitted_at=now, kind=kind.value))
        await self._attach_milestone(student, submission, now)
        comparisons.add_job(self.session, submission.id, now)  # what changed: its job
        marks = await checklist.address(self.session, thesis.id, submission.id, addressed)
        await self._announce(student, NewSubmission(
            submission_id=submission.id, student_name=student.full_name,
            title=thesis.title, version=submission.version, note=note,
            file_id=staged.telegram_file_id, file_key=staged.key,
            file_name=staged.file_name, submitted_at=now, checklist=marks,
            proposal=kind is VersionKind.PROPOSAL), now)
        audit.record(self.session, actor_id=student.id, action="submission.create",
                     object_type="submission", object_id=submission.id, at=now,
                     version=submission.version, sha256=staged.sha256, size=staged.size)
        return SubmissionResult(thesis, submission)

    async def _announce(self, student: User, card: NewSubmission, now: datetime) -> None:
        """Every active member of the team gets the card, only those who decide with its
        buttons. If nobody who decides is active (the supervisor is deactivated), the admins
        get it instead (they may decide on any version and see it in their /queue), saying
        why."""
        team = await members(self.session, student.id)
        told = recipients(team)
        for member in told:
            notify(self.session, member.user.id,
                   card.model_copy(update={"decides": member.decides}), now)
        if any(member.decides for member in told):
            return
        supervisor = next((m.user.full_name for m in team if m.decides), "?")
        held = card.model_copy(update={"deactivated_supervisor": supervisor})
        for admin in await users.active_admins(self.session, self.config.admin_ids):
            notify(self.session, admin.id, held, now)

    async def _already_recorded(self, thesis: Thesis | None,
                                held: int | None) -> SubmissionResult | None:
        if held is None:
            return None
        submission = await theses.submission(self.session, held)
        if thesis is None or submission is None or submission.thesis_id != thesis.id:
            raise NotAllowed()  # another student's key: never theirs to record
        return SubmissionResult(thesis, submission)

    async def _attach_milestone(self, student: User, submission: Submission,
                                now: datetime) -> None:
        await attach_submission(self.session, student.id, submission, now)

    @writes
    async def rename(self, actor: User, student_id: int, raw: str | None) -> Thesis:
        """A new title (the student, a deciding team member or an admin); everyone else on
        the thesis is told."""
        return await self._rename(actor, student_id, raw)

    async def _rename(self, actor: User, student_id: int, raw: str | None) -> Thesis:
        title = clean_title(raw)
        student = actor if actor.id == student_id else await users.get(self.session,
                                                                          student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        if actor.id != student.id and not await may_review(self.session, actor, student):
            raise NotAllowed()
        thesis = await theses.by_student(self.session, student.id, lock=True)
        if thesis is None:
            raise NoThesis()
        old, now = thesis.title, self.clock.now()
        if old == title:
            return thesis
        thesis.title, thesis.updated_at = title, now
        tell_all(self.session, student, await members(self.session, student.id),
                 ThesisRenamed(student_name=student.full_name, by_name=actor.full_name,
                               old_title=old, title=title), now, exclude=(actor.id,))
        audit.record(self.session, actor_id=actor.id, action="thesis.rename",
                     object_type="thesis", object_id=thesis.id, at=now, student_id=student.id)
        return thesis

    def _require_student(self, user: User) -> None:
        if user.role != Role.STUDENT.value:
            raise NotAllowed()

    @read_only
    async def file_for(self, actor: User, submission_id: int,
                       feedback: bool = False) -> StoredFile:
        """A version's file (or its feedback file), for its student, the members of their
        thesis team and admins only."""
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, review = found
        if not await may_see(self.session, actor, student):
            raise NotAllowed()
        # Retention deleted the thesis's files and cleared the keys (the rows stay).
        removed = FileRemoved() if thesis.anonymised_at is not None else NotFound()
        if not feedback:
            if submission.file_key is None:
                raise removed
            return StoredFile(submission.file_key, submission.file_name,
                              submission.telegram_file_id, submission.file_size)
        if review is None or review.feedback_file_key is None:
            raise removed
        return StoredFile(review.feedback_file_key, review.feedback_file_name or "feedback",
                          review.feedback_telegram_file_id)

    def open_file(self, stored: StoredFile) -> AsyncIterator[bytes]:
        """The bytes of a file ``file_for`` gave, streamed from the store."""
        return self.deps.files.read(stored.key)


def check_incoming(incoming: IncomingFile, max_bytes: int) -> None:
    """Refuse by the size the sender declares and by the name, before a byte is moved."""
    if incoming.declared_size is not None and incoming.declared_size > max_bytes:
        raise FileTooLarge(limit_mb=max_bytes // (1024 * 1024))
    if incoming.declared_size == 0:
        raise EmptyFile()
    check_file_name(incoming.file_name)


async def stage_document(files: FileStore, prefix: str, incoming: IncomingFile,
                         max_bytes: int,
                         on_progress: ProgressCallback | None = None) -> StagedFile:
    """Stream a PDF/DOCX into the store under a fresh key; nothing is left if it is refused.

    ``on_progress`` hears of each chunk once the store has taken it (it asked for the next),
    so its count is the downloaded and stored share together."""
    check_incoming(incoming, max_bytes)
    sniffer, digest = DocumentSniffer(), hashlib.sha256()
    key = new_key(prefix, "bin")

    async def measured() -> AsyncIterator[bytes]:
        async for chunk in incoming.chunks:
            sniffer.feed(chunk)
            if sniffer.size > max_bytes:
                raise FileTooLarge(limit_mb=max_bytes // (1024 * 1024))
            # hashlib lets go of the GIL on large buffers: hash beside the network I/O.
            await asyncio.to_thread(digest.update, chunk)
            yield chunk
            if on_progress is not None:
                await on_progress(sniffer.size, incoming.declared_size)

    await _put(files, key, measured())
    try:
        sniffed = sniffer.finish()
    except BaseException:
        await discard(files, key)
        raise
    file_name = name_for_kind(_safe_name(incoming.file_name), sniffed.kind)
    same_name = incoming.telegram_file_name == file_name
    return StagedFile(key=key, size=sniffed.size, sha256=digest.hexdigest(),
                      kind=sniffed.kind.value, file_name=file_name,
                      telegram_file_id=incoming.telegram_file_id if same_name else None)


async def _put(files: FileStore, key: str, chunks: AsyncIterator[bytes]) -> None:
    """Stream an upload into the store: a refusal on the way (too large) stays what it is,
    any other failure is the store's."""
    try:
        await files.put_stream(key, chunks, "application/octet-stream")
    except DomainError:
        raise
    except Exception as exc:
        raise StorageUnavailable() from exc


async def stage_media(files: FileStore, prefix: str, incoming: IncomingFile, max_bytes: int,
                      kind: str, suffix: str) -> StagedFile:
    """Stream a voice message or a photo (a thread comment) into the store under a fresh key,
    checked for its size only: Telegram made it, and it is relayed, never opened."""
    if incoming.declared_size is not None and incoming.declared_size > max_bytes:
        raise FileTooLarge(limit_mb=max_bytes // (1024 * 1024))
    digest, size = hashlib.sha256(), 0
    key = new_key(prefix, suffix)

    async def measured() -> AsyncIterator[bytes]:
        nonlocal size
        async for chunk in incoming.chunks:
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge(limit_mb=max_bytes // (1024 * 1024))
            digest.update(chunk)
            yield chunk

    await _put(files, key, measured())
    if size == 0:
        await discard(files, key)
        raise EmptyFile()
    return StagedFile(key=key, size=size, sha256=digest.hexdigest(), kind=kind,
                      file_name=f"{kind}.{suffix}", telegram_file_id=incoming.telegram_file_id)


async def stage_stored(session: AsyncSession, files: FileStore, prefix: str,
                       incoming: IncomingFile, max_bytes: int, kind: StoredKind,
                       now: datetime, media: tuple[str, str] | None = None) -> StagedFile:
    """``stage_document`` (or, with ``media`` = (kind, suffix), ``stage_media``), and the
    file's row (``staged``) in the caller's transaction (a ``@read_only`` staging call ends
    it). When the row cannot be written, the object goes: nothing else knows it."""
    staged = (await stage_document(files, prefix, incoming, max_bytes) if media is None
              else await stage_media(files, prefix, incoming, max_bytes, *media)).stamped(now)
    try:
        return await register_staged(session, staged, kind, now)
    except Exception as exc:
        await discard(files, staged.key)
        raise StorageUnavailable() from exc


async def discard(files: FileStore, key: str) -> None:
    """Delete an object this very call made and refused (its key never left the call, so no
    row can refer to it); anything else goes through staged_files.discard_unreferenced."""
    try:
        await files.delete(key)
    except Exception:  # noqa: BLE001 - best effort; the caller's error is what matters
        pass


def _safe_name(name: str) -> str:
    cleaned = "".join(ch for ch in (name or "") if ch.isprintable() and ch not in "/\\")
    return cleaned.strip()[:200] or "thesis"
