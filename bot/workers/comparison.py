"""The comparison worker: what changed since the last version, in every replica.

A loop like the outbox sender's: it claims due jobs (SKIP LOCKED, a lease, every write
fenced by the claim's attempt: services/compare_jobs.py), copies the version's file (and
the previous one's, when its text is not stored yet) from the store into a private
temporary folder, and has a child process of ``bot/isolation.ChildPool`` extract and
compare them under ``DIFF_TIMEOUT_SECONDS`` and ``DIFF_MEMORY_MB``. Nothing of it runs on
the event loop: the loop only waits on the child's pipe.

Then the cards: each supervisor's card of the version (found through the outbox rows
about it) is edited to carry the summary and a 🔍 What changed button; the review buttons
stay. A card not sent yet is waited for (the job comes back every few seconds, for at most
``edit_window``); a card whose version was decided meanwhile is left as the decision made
it (the edit holds the thesis row's lock, which a decision takes too).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.isolation import ChildPool, JobFailed, Limits
from services.base import ServiceDeps
from services.clock import Clock
from services.compare_jobs import Cards, ComparisonService, Job, Outcome, Plan, html_prefix
from services.metrics import VERSION_COMPARE_FAILURES
from services.notifications import MalformedPayload, NewSubmission, parse
from services.relocate import Located
from services.shared_text import CANDIDATES, SharedOutcome, SharedTextService, nothing_shared
from services.text_diff import Summary
from services.vocabulary import ComparisonStatus
from storage.files import new_key
from telegram.notifications import card_with_changes
from telegram.texts import Texts, language_of

log = structlog.get_logger("bot.workers.comparison")
CHUNK = 256 * 1024


@dataclass(frozen=True)
class ComparisonConfig:
    limits: Limits = field(default_factory=Limits)
    pool_size: int = 1
    poll_seconds: float = 2.0
    # How soon a job waiting for its cards to be sent looks again, and for how long.
    edit_retry_seconds: float = 2.0
    edit_window: timedelta = timedelta(minutes=15)
    # Claims of one job before it is given up (its workers died, or the store kept failing).
    max_attempts: int = 5
    backoff_seconds: float = 30.0

    @property
    def lease(self) -> timedelta:
        # Outlasts the child's time limit and the copies around it.
        return timedelta(seconds=2 * self.limits.timeout_seconds + 60)


class ComparisonWorker:
    def __init__(self, bot: Bot, session_factory: async_sessionmaker[AsyncSession],
                 deps: ServiceDeps, clock: Clock, texts: Texts,
                 config: ComparisonConfig | None = None, pool: ChildPool | None = None) -> None:
        self._bot = bot
        self._sessions = session_factory
        self._deps = deps
        self._clock = clock
        self._t = texts
        self.config = config or ComparisonConfig()
        self.pool = pool or ChildPool(self.config.pool_size, self.config.limits)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    handled = await self.run_once()
                except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
                    log.warning("comparison_cycle_failed", error_type=type(exc).__name__)
                    handled = 0
                if handled == 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_either(self._wake, stop),
                                               self.config.poll_seconds)
        finally:
            await self.pool.close()

    async def run_once(self) -> int:
        """Claim as many due jobs as there are children and handle them; how many."""
        async with self._sessions() as session:
            jobs = await ComparisonService(session, self._deps).claim(
                self._clock.now(), self.pool.size, self.config.lease)
        await asyncio.gather(*(self._handle(job) for job in jobs))
        return len(jobs)

    async def _handle(self, job: Job) -> None:
        try:
            if job.status == ComparisonStatus.RUNNING.value:
                if job.attempt > self.config.max_attempts:
                    await self._service_call(lambda s: s.give_up(job, "gave_up"))
                    return
                if not await self._compute(job):
                    return
            await self._edit_cards(job)
        except Exception as exc:  # noqa: BLE001 - one job must not stop the others
            log.warning("comparison_job_failed", submission_id=job.submission_id,
                        error_type=type(exc).__name__)
            at = self._clock.now() + timedelta(seconds=self.config.backoff_seconds)
            error = type(exc).__name__
            with contextlib.suppress(Exception):
                await self._service_call(lambda s: s.retry(job, at, error))

    async def _compute(self, job: Job) -> bool:
        """Extract and compare in a child; True when the cards are to be edited."""
        async with self._sessions() as session:
            plan = await ComparisonService(session, self._deps).plan(job)
        if plan is None:
            return False
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="compare-"))
        try:
            outcome = await self._outcome(plan, folder)
        finally:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        async with self._sessions() as session:
            stored = await ComparisonService(session, self._deps).store(job, plan, outcome)
        if not stored:
            for key in (outcome.html_key, outcome.shared.html_key if outcome.shared else None):
                if key is not None:
                    with contextlib.suppress(Exception):
                        await self._deps.files.delete(key)  # made by us, never referred to
        shown = outcome.shared is not None and outcome.shared.summary is not None
        log.info("comparison_done", submission_id=plan.submission_id, version=plan.version,
                 reason=outcome.reason, stored=stored, shared_text=shown)
        return stored and (plan.version >= 2 or shown)

    async def _outcome(self, plan: Plan, folder: Path) -> Outcome:
        request: dict[str, object] = {
            "submission_id": plan.submission_id,
            "new_path": str(await self._copy(plan.file_key, folder / "new")),
            "new_kind": plan.file_kind, "new_version": plan.version, "title": plan.title,
            "old_version": plan.base_version, "old_kind": plan.base_file_kind,
            "old_text_path": None, "old_path": None, "old_reason": plan.base_reason,
            "out_dir": str(folder),
            "anchors": [{"id": a.id, "page": a.page, "quote": a.quote} for a in plan.anchors]}
        if plan.base_text is not None:
            path = folder / "old.json"
            await asyncio.to_thread(path.write_text, plan.base_text, "utf-8")
            request["old_text_path"] = str(path)
        elif plan.base_file_key is not None and plan.base_reason is None:
            request["old_path"] = str(await self._copy(plan.base_file_key, folder / "old"))
        try:
            answer = await self.pool.run(request)
        except JobFailed as exc:
            log.warning("comparison_child_failed", submission_id=plan.submission_id,
                        reason=exc.reason)
            return Outcome(text=None, summary=None, html_key=None, reason=exc.reason)
        text = await asyncio.to_thread(Path(answer["text_path"]).read_text, "utf-8") \
            if answer.get("text_path") else None
        html_key = None
        if answer.get("html_path"):
            html_key = new_key(html_prefix(self._deps.config.file_prefix), "html")
            await self._deps.files.put_stream(html_key, _chunks(Path(answer["html_path"])),
                                              "text/html; charset=utf-8")
        summary = Summary.from_dict(answer["summary"]) if answer.get("summary") else None
        shared = await self._shared(plan, folder, answer) if text is not None else None
        return Outcome(text=text, summary=summary, html_key=html_key,
                       reason=answer.get("reason"), pages=answer.get("pages"),
                       words=int(answer.get("words") or 0), shared=shared,
                       located=tuple(Located.from_dict(raw)
                                     for raw in answer.get("located") or ()))

    async def _shared(self, plan: Plan, folder: Path, answer: dict[str, Any]
                      ) -> SharedOutcome | None:
        """Text shared with other theses: the candidates the index proposes for the
        version's fingerprint, matched passage by passage in a child (services/similarity).
        A check that fails leaves the version in the index, unchecked."""
        if not answer.get("fingerprint_path"):
            return None
        found = json.loads(await asyncio.to_thread(
            Path(answer["fingerprint_path"]).read_text, "utf-8"))
        chunks = [int(value) for value in found["chunks"]]
        windows = [int(value) for value in found["windows"]]
        async with self._sessions() as session:
            sources = await SharedTextService(session, self._deps).candidates(
                plan.submission_id, windows)
        if not sources:
            # Nothing in the index resembles it: no passage to look for.
            return SharedOutcome(chunks=chunks, summary=nothing_shared(int(found["words"])),
                                 html_key=None, reason=None)
        path = folder / "candidates.jsonl"
        await asyncio.to_thread(path.write_text,
                                "".join(source.to_json() + "\n" for source in sources), "utf-8")
        try:
            result = await self.pool.run({
                "task": "similarity", "submission_id": plan.submission_id,
                "text_path": answer["text_path"],
                "candidates_path": str(path), "title": plan.title, "version": plan.version,
                "out_dir": str(folder)})
        except JobFailed as exc:
            log.warning("shared_text_child_failed", submission_id=plan.submission_id,
                        reason=exc.reason)
            VERSION_COMPARE_FAILURES.labels(reason=("shared_" + exc.reason)[:32]).inc()
            return SharedOutcome(chunks=chunks, summary=None, html_key=None,
                                 reason=exc.reason)
        html_key = None
        if result.get("html_path"):
            html_key = new_key(html_prefix(self._deps.config.file_prefix), "html")
            await self._deps.files.put_stream(html_key, _chunks(Path(result["html_path"])),
                                              "text/html; charset=utf-8")
        summary = result.get("summary")
        if isinstance(summary, dict):  # as small as the child was told to make it
            summary["sources"] = list(summary.get("sources") or [])[:CANDIDATES]
        return SharedOutcome(chunks=chunks, summary=summary if isinstance(summary, dict)
                             else None, html_key=html_key, reason=None)

    async def _copy(self, key: str, path: Path) -> Path:
        handle = await asyncio.to_thread(path.open, "wb")
        try:
            async for chunk in self._deps.files.read(key):
                await asyncio.to_thread(handle.write, chunk)
        finally:
            await asyncio.to_thread(handle.close)
        return path

    async def _edit_cards(self, job: Job) -> None:
        async with self._sessions() as session:
            cards, edited = await ComparisonService(session, self._deps).edit_cards(
                job, self._edit)
        now = self._clock.now()
        done = cards.decided or cards.unsent == 0 \
            or now - job.created_at > self.config.edit_window
        again = now + timedelta(seconds=self.config.edit_retry_seconds)
        await self._service_call(lambda s: s.edited(job, edited, done=done, again_at=again))

    async def _edit(self, cards: Cards) -> list[int]:
        """Edit each sent card; the ids of those done with (edited, or never editable)."""
        done: list[int] = []
        for row in cards.rows:
            try:
                payload = parse(row.kind, row.payload)
            except MalformedPayload:
                done.append(row.id)
                continue
            if not isinstance(payload, NewSubmission) or row.message_id is None:
                done.append(row.id)
                continue
            texts = self._t.for_language(language_of(cards.languages.get(row.chat_id)))
            message = card_with_changes(texts, payload, cards.view, cards.shared)
            try:
                if message.document is not None:
                    await self._bot.edit_message_caption(
                        chat_id=row.chat_id, message_id=row.message_id, caption=message.text,
                        reply_markup=message.markup)
                else:
                    await self._bot.edit_message_text(
                        message.text, chat_id=row.chat_id, message_id=row.message_id,
                        reply_markup=message.markup)
            except (TelegramBadRequest, TelegramForbiddenError) as exc:
                # Not modified, deleted, too old, blocked: nothing more to do with it.
                log.info("comparison_card_not_edited", outbox_id=row.id, detail=str(exc)[:80],
                         error_type=type(exc).__name__)
            done.append(row.id)
        return done

    async def _service_call(self, call: Callable[[ComparisonService], Awaitable[None]]) -> None:
        async with self._sessions() as session:
            await call(ComparisonService(session, self._deps))


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk


async def _either(first: asyncio.Event, second: asyncio.Event) -> None:
    tasks = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
