"""Uploads received in the background: a file too big to receive within the webhook's
deadline (hundreds of MB from a self-hosted Bot API server) becomes an upload job.

The handler records the job (once per document message) and moves the conversation to the
note step with the job's id in its FSM data: the FSM is written only through the gate, so
the worker never touches it. The worker (``bot/workers/uploads.py``) claims the job with a
lease renewed while it streams, stages the file with the same ``stage_document`` as the
foreground path, keeps the staged file *on the job*, and edits the progress message into
the note prompt. The student's next message (the note, or /skip) picks the staged file up
from the job: still arriving, they are told so and the step stays; refused or given up,
they are told why and the step ends. Every write after a claim is fenced by the claim's
attempt number, so a worker that stalled past its lease changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, read_only, writes
from services.errors import (
    DomainError,
    NotAllowed,
    NotFound,
    UploadCancelled,
    UploadStillArriving,
    domain_error,
)
from services.staged_files import UPLOAD_JOB_KEY, StagedFile, held_file_id
from services.submissions import IncomingFile
from services.vocabulary import UploadJobState
from storage.models import UploadJob, User
from storage.repositories import upload_jobs

State = UploadJobState
JOB_KEY = UPLOAD_JOB_KEY  # the FSM data key of a conversation waiting on a job


@dataclass(frozen=True)
class Claimed:
    """What a worker needs of a job it claimed (plain values: the session is gone)."""

    id: int
    attempt: int
    student_id: int
    chat_id: int
    source_message_id: int
    telegram_file_id: str
    file_name: str
    declared_size: int | None
    progress_message_id: int | None


class UploadJobService(BaseService):
    @writes
    async def enqueue(self, student: User, chat_id: int, source_message_id: int,
                      incoming: IncomingFile, progress_message_id: int | None) -> UploadJob:
        """Record the job durably; a redelivered update gets the job already recorded."""
        assert incoming.telegram_file_id is not None
        now = self.clock.now()
        job = await upload_jobs.add_once(self.session, dict(
            student_id=student.id, chat_id=chat_id, source_message_id=source_message_id,
            telegram_file_id=incoming.telegram_file_id, file_name=incoming.file_name[:256],
            declared_size=incoming.declared_size, progress_message_id=progress_message_id,
            state=State.QUEUED.value, attempts=0, created_at=now, updated_at=now))
        return job

    @read_only
    async def staged_for_note(self, student: User, job_id: int) -> int:
        """The staged file a note goes with (its ``stored_files`` id); why not, as a domain
        error."""
        job = await upload_jobs.get(self.session, job_id)
        if job is None:
            raise NotFound()
        if job.student_id != student.id:
            raise NotAllowed()
        if job.state in (State.QUEUED.value, State.RUNNING.value):
            raise UploadStillArriving()
        if job.state == State.STAGED.value and job.staged is not None:
            # {"id": …}; a job staged before issue 25 kept the whole file (its key).
            return await held_file_id(self.session, job.staged)
        if job.state == State.CANCELLED.value:
            raise UploadCancelled()
        raise domain_error(job.error_code or "upload_gave_up", job.error_params or {})

    @writes
    async def used(self, job_id: int) -> None:
        """The version was recorded from the job's file."""
        await upload_jobs.set_state(self.session, job_id, State.USED.value,
                                    only_from=(State.STAGED.value,), now=self.clock.now())


# --- the worker's side: each call runs in the caller's transaction ------------------------

async def claim(session: AsyncSession, now: datetime, lease: timedelta) -> Claimed | None:
    job = await upload_jobs.claim(session, now, lease)
    if job is None:
        return None
    return Claimed(job.id, job.attempts, job.student_id, job.chat_id, job.source_message_id,
                   job.telegram_file_id, job.file_name, job.declared_size,
                   job.progress_message_id)


async def state_of(session: AsyncSession, job_id: int) -> str | None:
    job = await upload_jobs.get(session, job_id)
    return None if job is None else job.state


async def renew(session: AsyncSession, job: Claimed, now: datetime, lease: timedelta) -> bool:
    """Extend our lease; False: the job is no longer ours (taken over, or cancelled)."""
    return await upload_jobs.update_claimed(session, job.id, job.attempt,
                                            lease_until=now + lease, updated_at=now)


async def staged(session: AsyncSession, job: Claimed, file: StagedFile, now: datetime) -> bool:
    return await upload_jobs.update_claimed(
        session, job.id, job.attempt, state=State.STAGED.value,
        staged={"id": file.id},
        lease_until=None, updated_at=now)


async def failed(session: AsyncSession, job: Claimed, error: DomainError,
                 now: datetime) -> bool:
    state = State.CANCELLED if isinstance(error, UploadCancelled) else State.FAILED
    return await upload_jobs.update_claimed(
        session, job.id, job.attempt, state=state.value, error_code=error.code,
        error_params={k: v for k, v in error.params.items()
                      if isinstance(v, (str, int, float, bool))},
        lease_until=None, updated_at=now)


async def release(session: AsyncSession, job: Claimed, now: datetime) -> bool:
    """Give the job back at once (this replica is stopping): another takes it over."""
    return await upload_jobs.update_claimed(session, job.id, job.attempt, lease_until=now,
                                            updated_at=now)
