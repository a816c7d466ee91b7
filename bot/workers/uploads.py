"""The upload worker: receives the files too big for the webhook's deadline, in every replica.

A file above ``BACKGROUND_UPLOAD_MB`` (hundreds of MB from a self-hosted Bot API server) is
recorded by the handler as an upload job and acknowledged; here a worker claims the job
(SKIP LOCKED, like the outbox) with a lease of ``UPLOAD_LEASE_SECONDS`` renewed every third
of it while the file streams, so a replica that dies mid-stream loses the job within one
lease and another replica takes it over from the start (its partial upload was never an
object: an S3 multipart upload is only an object once completed). The file is staged by the
same ``stage_document`` as in the foreground, with the same progress message (adopted from
the job) and the same ``/cancel`` flag. The outcome is written on the job, fenced by the
claim's attempt, and only the owner of that write edits the message: the note prompt, or
the refusal. The conversation itself is continued by the student's next message, which picks
the staged file up from the job (``services/uploads.py``): the worker never writes the FSM.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import uploads
from services.base import ServiceDeps
from services.clock import Clock
from services.errors import DomainError, UploadGaveUp
from services.staged_files import StagedFile, discard_unreferenced
from services.submissions import IncomingFile, SubmissionService
from services.uploads import Claimed
from storage.repositories import users
from telegram.files import stream_file
from telegram.progress import ProgressKit, Upload
from telegram.render import error_text
from telegram.texts import Texts, language_of

log = structlog.get_logger("bot.uploads")


@dataclass(frozen=True)
class UploadWorkerConfig:
    lease: timedelta = timedelta(seconds=15)
    poll_seconds: float = 1.0
    concurrency: int = 2
    max_attempts: int = 3


class LeaseLost(Exception):
    """Our claim on the job ran out (we stalled) or the job was cancelled: stop, say nothing."""


class UploadWorker:
    def __init__(self, bot: Bot, session_factory: async_sessionmaker[AsyncSession],
                 services: ServiceDeps, clock: Clock, progress: ProgressKit,
                 config: UploadWorkerConfig | None = None) -> None:
        self._bot = bot
        self._sessions = session_factory
        self._services = services
        self._clock = clock
        self._progress = progress
        self.config = config or UploadWorkerConfig()
        self._wake = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                claimed = False
                if len(self._running) < self.config.concurrency:
                    try:
                        claimed = await self.run_once()
                    except Exception as exc:  # noqa: BLE001 - survive a database outage
                        log.warning("upload_claim_failed", error_type=type(exc).__name__)
                if not claimed:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.config.poll_seconds):
                            await _first(self._wake.wait(), stop.wait())
        finally:
            # Stopping: the jobs in hand are given back at once (see _work), not in a lease.
            for task in list(self._running):
                task.cancel()
            await asyncio.gather(*self._running, return_exceptions=True)

    async def run_once(self) -> bool:
        """Claim one job and start receiving it; False when none is due."""
        async with self._sessions() as session, session.begin():
            job = await uploads.claim(session, self._clock.now(), self.config.lease)
        if job is None:
            return False
        task = asyncio.create_task(self._work(job), name=f"upload-job-{job.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return True

    # ------------------------------------------------------------------ one job

    async def _work(self, job: Claimed) -> None:
        log.info("upload_job_claimed", job=job.id, attempt=job.attempt)
        lost = asyncio.Event()
        renewal = asyncio.create_task(self._renew(job, lost), name=f"upload-lease-{job.id}")
        try:
            await self._receive(job, lost)
        except LeaseLost:
            log.warning("upload_job_lost", job=job.id, attempt=job.attempt)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                async with self._sessions() as session, session.begin():
                    await uploads.release(session, job, self._clock.now())
            raise
        except Exception as exc:  # noqa: BLE001 - the lease runs out and the job is retried
            log.warning("upload_job_interrupted", job=job.id, attempt=job.attempt,
                        error_type=type(exc).__name__)
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal

    async def _renew(self, job: Claimed, lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self.config.lease.total_seconds() / 3)
            try:
                async with self._sessions() as session, session.begin():
                    ours = await uploads.renew(session, job, self._clock.now(),
                                               self.config.lease)
            except Exception as exc:  # noqa: BLE001 - try again at the next beat
                log.warning("upload_lease_renewal_failed", error_type=type(exc).__name__)
                continue
            if not ours:
                lost.set()
                return

    async def _receive(self, job: Claimed, lost: asyncio.Event) -> None:
        async with self._sessions() as session:
            student = await users.get(session, job.student_id)
        if student is None:
            return
        t = Texts(language_of(student.language), self._services.config.tz)
        if job.attempt > self.config.max_attempts:
            await self._outcome_failed(job, UploadGaveUp(), t, None)
            return
        incoming = IncomingFile(chunks=stream_file(self._bot, job.telegram_file_id),
                                file_name=job.file_name, declared_size=job.declared_size,
                                telegram_file_id=job.telegram_file_id)
        async with self._progress.upload(
                self._bot, job.chat_id, student.id, job.source_message_id, t,
                job.declared_size, key="progress.background",
                adopt=job.progress_message_id) as upload:

            async def on_progress(done: int, total: int | None) -> None:
                if lost.is_set():
                    raise LeaseLost()
                await upload.on_progress(done, total)

            try:
                async with self._sessions() as session:
                    staged = await SubmissionService(session, self._services).stage(
                        student, incoming, on_progress)
            except LeaseLost:
                await upload.progress.detach()
                raise
            except DomainError as error:
                await self._outcome_failed(job, error, t, upload)
                return
            await self._outcome_staged(job, staged, t, upload)

    async def _outcome_staged(self, job: Claimed, staged: StagedFile, t: Texts,
                              upload: Upload) -> None:
        async with self._sessions() as session:
            async with session.begin():
                ours = await uploads.staged(session, job, staged, self._clock.now())
            if not ours:
                # Taken over or cancelled meanwhile: this copy is nobody's.
                await discard_unreferenced(session, self._services.files, staged.key)
        if not ours:
            await self._tell_if_cancelled(job, t, upload)
            return
        log.info("upload_job_staged", job=job.id, attempt=job.attempt, size=staged.size)
        await upload.finish(t("submit.ask_note"))

    async def _outcome_failed(self, job: Claimed, error: DomainError, t: Texts,
                              upload: Upload | None) -> None:
        async with self._sessions() as session, session.begin():
            ours = await uploads.failed(session, job, error, self._clock.now())
        if not ours:
            if upload is not None:
                await self._tell_if_cancelled(job, t, upload)
            return
        log.info("upload_job_failed", job=job.id, code=error.code)
        if upload is not None:
            await upload.progress.fail(error_text(t, error))
        elif job.progress_message_id is not None:
            progress = self._progress.open(self._bot, job.chat_id, lambda _step: "", show=True)
            progress.message_id = job.progress_message_id
            await progress.fail(error_text(t, error))

    async def _tell_if_cancelled(self, job: Claimed, t: Texts, upload: Upload) -> None:
        """The student left the step (/cancel) while we streamed: we were the last owner, so
        the message is ours to end; taken over by another worker, it is theirs."""
        async with self._sessions() as session:
            state = await uploads.state_of(session, job.id)
        if state == uploads.State.CANCELLED.value:
            await upload.progress.fail(t("error.upload_cancelled"))
        else:
            await upload.progress.detach()


async def _first(*awaitables: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
