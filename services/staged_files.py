"""When a stored file may be deleted: only when no row refers to it, asked of the database.

A file is streamed into the store first (staged) and its row is committed later, in another
update. Between the two, nothing but the conversation's state knows the key, and a failure
there is not proof that the row was not written (a commit whose answer was lost, a step
replayed after its state was not cleared). So no path deletes by assumption:

- every object put into the store gets its row in ``stored_files`` (state ``staged``), and
  every column that holds a file is a foreign key to that row's key;
- recording a row that refers to a staged file first attaches it (``attach_staged``): the
  row must still be there, and an old file's object too, else ``FileGone`` (the person is
  asked to send it again and nothing is recorded);
- a failure path deletes a staged file only if the database, asked right then, lets its
  ``staged`` row go (no row refers to it: the foreign keys make that exact); when the
  database cannot be asked, the file stays;
- the sweeper collects what is left: staged objects older than ``STAGED_FILE_TTL_HOURS``
  that no row refers to (abandoned conversations, expired state, a crash between upload
  and commit). The TTL is the margin for an upload whose commit is still to come.

A delete removes the row first, then the object: once the row is gone no row can refer to
the object (the foreign key), and a row committed meanwhile keeps its file (the delete of
its row fails or finds it attached). The sweeper runs in every replica at once: deleting an
object twice is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import structlog
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, read_only
from services.errors import FileGone
from services.vocabulary import FileState, StoredKind, UploadJobState
from storage.files import FileStore, ObjectInfo
from storage.repositories import stored_files, upload_jobs

log = structlog.get_logger("services.staged_files")

# The keys storage.files.new_key makes for uploads (a version, a feedback file under
# "feedback/", a thread comment's attachment under "threads/", a marker's report under
# "reports/"), and a local store's
# unfinished ".part": nothing else under the prefix (a backup written into the files
# bucket, anything put there by hand) is ever swept.
_STAGED = re.compile(r"(feedback/|threads/|reports/)?[A-Za-z0-9_-]{32}\.bin(\.part)?")


# The FSM data key of a conversation waiting on an upload job (services/uploads.py).
UPLOAD_JOB_KEY = "upload_job"
OPEN_JOB = (UploadJobState.QUEUED.value, UploadJobState.RUNNING.value,
            UploadJobState.STAGED.value)


def is_staged_key(prefix: str, key: str) -> bool:
    return key.startswith(prefix) and _STAGED.fullmatch(key[len(prefix):]) is not None


@dataclass(frozen=True)
class StagedFile:
    """A file in the store (its ``stored_files`` row: ``id``), as a service step needs it.

    A conversation keeps only ``id``: the step that records the file reads the rest back
    from the row it attaches (``attach_held``). ``telegram_file_id`` is Telegram's copy,
    kept only when it carries ``file_name``: Telegram shows a re-sent file under the name it
    was uploaded with, so a file we renamed (a DOCX sent as "x.pdf" is stored as "x.docx")
    is sent from our store instead.
    """

    key: str
    size: int
    sha256: str
    kind: str
    file_name: str
    telegram_file_id: str | None = None
    # When it was put into the store (ISO 8601, the service clock); the sweeper may take a
    # staged file after STAGED_FILE_TTL_HOURS.
    staged_at: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StagedFile:
        return cls(**data)

    def stamped(self, now: datetime) -> StagedFile:
        return replace(self, staged_at=now.isoformat())


def held_of(value: object) -> int | str | None:
    """The file a conversation or an upload job holds: its ``stored_files`` id, or (in a
    state written before issue 25, which held the whole file) its key; None: no file."""
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("id"), int):
            return int(value["id"])
        if isinstance(value.get("key"), str):
            return str(value["key"])
    return None


def pending_files(fsm_data: dict[str, Any]) -> list[int | str]:
    """The staged files an unfinished conversation holds (a version, a feedback file)."""
    return [held for name in ("staged", "feedback")
            if (held := held_of(fsm_data.get(name))) is not None]


async def register_staged(session: AsyncSession, staged: StagedFile, kind: StoredKind,
                          now: datetime) -> StagedFile:
    """A file just streamed into the store gets its row (``staged``), in the caller's
    transaction: the caller commits it before the file's id leaves the update. Returns the
    file with its row's id, the one thing a conversation keeps of it."""
    file_id = await stored_files.add(
        session, key=staged.key, kind=kind.value, name=staged.file_name, size=staged.size,
        sha256=staged.sha256, state=FileState.STAGED.value, now=now, format=staged.kind,
        telegram_file_id=staged.telegram_file_id)
    return replace(staged, id=file_id)


async def attach_held(session: AsyncSession, files: FileStore, file_id: int, now: datetime,
                      ttl_hours: float, holder: Callable[[Any], Select[int]] | None = None,
                      ) -> tuple[StagedFile, int | None]:
    """Before a row refers to a staged file (in that row's transaction): its row must still
    be there, and it becomes ``attached``; what the row says of the file comes back, so a
    conversation needs to hold nothing but the id. The store is asked only when the file is
    old enough for the sweeper (half its TTL, for the clocks' sake), so the usual step costs
    one statement. Gone: ``FileGone``, and the caller records nothing.

    With ``holder`` (given the key column, the id of the owner row holding it): that row's
    id when it is recorded already (a replayed step), from the same statement."""
    row, held = await stored_files.attach(session, file_id, holder)
    if row is None:
        raise FileGone()
    if now - row.created_at >= timedelta(hours=ttl_hours / 2) \
            and not await files.exists(row.key):
        raise FileGone()
    name = row.name or "file"
    return StagedFile(key=row.key, size=row.size or 0, sha256=row.sha256 or "",
                      kind=row.format or _format_of(name), file_name=name,
                      telegram_file_id=row.telegram_file_id,
                      staged_at=row.created_at.isoformat(), id=row.id), held


async def attach_staged(session: AsyncSession, files: FileStore, staged: StagedFile,
                        now: datetime, ttl_hours: float) -> StagedFile:
    """``attach_held`` for a file staged earlier in this very step (it knows its row)."""
    if staged.id is None:
        raise FileGone()  # never registered: nothing vouches for its object
    return (await attach_held(session, files, staged.id, now, ttl_hours))[0]


def _format_of(name: str) -> str:
    """A row staged before its format was kept: the stored name ends in it."""
    return "docx" if name.lower().endswith(".docx") else "pdf"


async def held_file_id(session: AsyncSession, value: object) -> int:
    """The id of the staged file a conversation or an upload job holds (``held_of``);
    unknown: ``FileGone`` (the person is asked to send it again)."""
    held = held_of(value)
    file_id = await stored_files.id_of(session, held) if isinstance(held, str) else held
    if file_id is None:
        raise FileGone()
    return file_id


async def discard_held(session: AsyncSession, files: FileStore, held: int | str) -> bool:
    """``discard_unreferenced`` for a file known by its id (or, in an older state, key)."""
    try:
        key = held if isinstance(held, str) else await stored_files.key_of(session, held)
    except Exception as exc:  # noqa: BLE001 - in doubt, keep the file: the sweeper decides
        log.warning("staged_file_kept", reason="check_failed", error_type=type(exc).__name__)
        await _quiet_rollback(session)
        return False
    return key is not None and await discard_unreferenced(session, files, key)


async def discard_unreferenced(session: AsyncSession, files: FileStore, key: str) -> bool:
    """Delete key's object unless a row refers to it; True when it was deleted.

    Meant for failure paths: never raises, and keeps the file whenever in doubt (the
    database cannot be asked, the store refuses); the sweeper gets it later. The row goes
    first (only a ``staged`` one that nothing refers to), then the object.
    """
    try:
        gone = await stored_files.forget(session, key)
        # End the change: the caller's transaction (if any) was rolled back already.
        await session.commit()
    except Exception as exc:  # noqa: BLE001 - in doubt (a row refers to it), keep the file
        log.warning("staged_file_kept", reason="check_failed", error_type=type(exc).__name__)
        await _quiet_rollback(session)
        return False
    if not gone:
        return False
    try:
        await files.delete(key)
    except Exception as exc:  # noqa: BLE001 - best effort; the sweeper tries again
        log.warning("staged_file_kept", reason="delete_failed", error_type=type(exc).__name__)
        return False
    return True


async def _quiet_rollback(session: AsyncSession) -> None:
    try:
        await session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; nothing to undo
        pass


class StagedFileService(BaseService):
    @read_only
    async def held_id(self, held: object) -> int:
        """The id of the staged file a conversation holds (``held_file_id``)."""
        return await held_file_id(self.session, held)

    @read_only
    async def sweep(self, now: datetime, ttl: timedelta,
                    on_deleted: Callable[[], None] = lambda: None) -> int:
        """Delete staged objects older than ``ttl`` that no row refers to; returns how many
        (``on_deleted`` is called for each, so a sweep cut short still counts its work).

        One page of the listing at a time: the page's keys are checked in one query, and
        each candidate is checked again right before its delete.
        """
        cutoff = now - ttl
        prefix = self.config.file_prefix
        swept = 0
        async for page in self.deps.files.pages(prefix):
            candidates = [obj.key for obj in page if _expired(obj, cutoff)
                          and is_staged_key(prefix, obj.key)]
            if not candidates:
                continue
            # Each page read apart: no transaction is held while the store is listed.
            referenced = await self._read(partial(stored_files.referenced_keys, self.session,
                                                  candidates))
            rows = await self._read(partial(stored_files.known, self.session, candidates))
            for key in candidates:
                # Only a staged file (or an object the table never heard of) is swept.
                if key in referenced or rows.get(key, FileState.STAGED.value) \
                        != FileState.STAGED.value:
                    continue
                if await discard_unreferenced(self.session, self.deps.files, key):
                    swept += 1
                    on_deleted()
        # Staged rows whose object is gone already (or lies outside the listing).
        leftovers = await self._read(partial(stored_files.staged_before, self.session, cutoff))
        for key in leftovers:
            await discard_unreferenced(self.session, self.deps.files, key)
        return swept


def _expired(obj: ObjectInfo, cutoff: datetime) -> bool:
    return obj.last_modified < cutoff


async def abandon_upload_job(session: AsyncSession, files: FileStore,
                             fsm_data: dict[str, Any], now: datetime) -> None:
    """The conversation waiting on a job ended (/cancel, another command): the job is
    cancelled (a running worker sees it at its next fenced write) and a staged file goes."""
    job_id = fsm_data.get(UPLOAD_JOB_KEY)
    if not isinstance(job_id, int):
        return
    job = await upload_jobs.get(session, job_id)
    if job is None or job.state not in OPEN_JOB:
        return
    staged = job.staged
    await upload_jobs.set_state(session, job_id, UploadJobState.CANCELLED.value,
                                only_from=OPEN_JOB, now=now)
    await session.commit()
    held = held_of(staged)
    if held is not None:
        await discard_held(session, files, held)
