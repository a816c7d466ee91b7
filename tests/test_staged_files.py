"""Files are never deleted on a failure path, and abandoned uploads are swept: the services on
the real PostgreSQL and an S3 server, with database failures provoked inside recording."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.metrics import STAGED_FILES_SWEPT
from bot.workers.sweeper import StagedFileSweeper, SweeperConfig
from services.clock import ManualClock
from services.context import ServiceConfig, ServiceDeps, Services
from services.errors import CommentTooLong, DuplicateSubmission, FileGone
from services.staged_files import StagedFile, StagedFileService
from services.submissions import IncomingFile
from services.vocabulary import Decision
from storage import files as file_store
from storage.db import create_engine, create_session_factory
from storage.files import LocalFileStore, S3FileStore
from storage.models import OutboxMessage, Review, Submission, User
from storage.repositories import stored_files
from storage.repositories.reviews import Outcome
from tests import documents, people
from tests.conftest import bucket_keys
from tests.support.files import TTL, assert_files_consistent, bucket_objects


@dataclass
class World:
    db: str
    endpoint: str
    bucket: str
    sessions: async_sessionmaker[AsyncSession]
    deps: ServiceDeps

    async def run(self, call: Callable[[Services, AsyncSession], Awaitable[Any]]) -> Any:
        """One update's unit of work: a fresh session, as a redelivered update gets."""
        async with self.sessions() as session:
            return await call(Services(session, self.deps), session)

    async def user(self, user_id: int) -> User:
        async with self.sessions() as session:
            user = await session.get(User, user_id)
            assert user is not None
            return user

    async def count(self, model: type) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def consistent(self, swept_at: datetime | None = None) -> None:
        await assert_files_consistent(self.db, self.endpoint, self.bucket, swept_at=swept_at)


@pytest.fixture
async def world(db: str, s3_endpoint: str, bucket: str) -> AsyncIterator[World]:
    await people.seed(db)
    engine = create_engine(db)
    store = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
    deps = ServiceDeps(files=store, config=ServiceConfig(admin_ids=frozenset({1})))
    yield World(db, s3_endpoint, bucket, create_session_factory(engine), deps)
    await store.close()
    await engine.dispose()


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def incoming(data: bytes, name: str = "thesis.pdf") -> IncomingFile:
    return IncomingFile(chunks=chunks(data), file_name=name, declared_size=len(data),
                        telegram_file_id="BQAC" + name)


async def stage(world: World, user_id: int, data: bytes) -> StagedFile:
    student = await world.user(user_id)
    return await world.run(lambda s, _: s.submissions.stage(student, incoming(data)))  # type: ignore[no-any-return]


async def record(world: World, user_id: int, staged: StagedFile,
                 break_commit: Callable[[AsyncSession], None] | None = None) -> Submission:
    student = await world.user(user_id)

    async def call(services: Services, session: AsyncSession) -> Submission:
        if break_commit is not None:
            break_commit(session)
        result = await services.submissions.record(student, staged.id, title="Graphs",
                                                   note=None)
        return result.submission

    return await world.run(call)  # type: ignore[no-any-return]


def commit_fails_before(session: AsyncSession) -> None:
    """The database goes away as the transaction commits: nothing is written."""
    real = session.commit
    calls = {"n": 0}

    async def commit() -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("COMMIT", {}, ConnectionResetError("connection lost"))
        await real()

    session.commit = commit  # type: ignore[method-assign]


def commit_answer_lost(session: AsyncSession) -> None:
    """The commit happens, but its answer never comes back."""
    real = session.commit
    calls = {"n": 0}

    async def commit() -> None:
        calls["n"] += 1
        await real()
        if calls["n"] == 1:
            raise OperationalError("COMMIT", {}, ConnectionResetError("connection lost"))

    session.commit = commit  # type: ignore[method-assign]


async def test_a_database_failure_inside_recording_keeps_the_file(world: World) -> None:
    staged = await stage(world, people.ALICE, documents.pdf("blip"))
    with pytest.raises(OperationalError):
        await record(world, people.ALICE, staged, break_commit=commit_fails_before)
    assert await world.count(Submission) == 0
    assert staged.key in await bucket_keys(world.endpoint, world.bucket)
    # The step is redelivered with the same staged key: the version's file is there.
    version = await record(world, people.ALICE, staged)
    assert version.version == 1 and version.file_key == staged.key
    assert await world.count(Submission) == 1
    await world.consistent()


async def test_a_commit_whose_answer_is_lost_is_not_recorded_twice(world: World) -> None:
    staged = await stage(world, people.ALICE, documents.pdf("lost answer"))
    with pytest.raises(OperationalError):
        await record(world, people.ALICE, staged, break_commit=commit_answer_lost)
    again = await record(world, people.ALICE, staged)
    assert again.version == 1
    assert await world.count(Submission) == 1
    assert await world.count(OutboxMessage) == 1  # the supervisor hears of it once
    assert await bucket_keys(world.endpoint, world.bucket) == [staged.key]
    await world.consistent()


async def test_a_replayed_step_returns_the_same_version_and_keeps_its_file(
        world: World) -> None:
    staged = await stage(world, people.ALICE, documents.pdf("replayed"))
    first = await record(world, people.ALICE, staged)
    # The state was not cleared (a lost leave script, a Redis failover): the same /skip
    # comes again. It used to raise DuplicateSubmission and delete the committed file.
    replay = await record(world, people.ALICE, staged)
    assert (replay.id, replay.version) == (first.id, 1)
    assert await world.count(Submission) == 1
    assert await world.count(OutboxMessage) == 1
    assert await bucket_keys(world.endpoint, world.bucket) == [staged.key]
    # /cancel then, with the stale state: the file belongs to a version and stays.
    await world.run(lambda s, _: s.submissions.discard_pending({"staged": staged.id}))
    assert await bucket_keys(world.endpoint, world.bucket) == [staged.key]
    await world.consistent()


async def test_an_identical_file_is_refused_and_only_its_own_upload_goes(world: World) -> None:
    data = documents.pdf("same")
    kept = await stage(world, people.ALICE, data)
    await record(world, people.ALICE, kept)
    with pytest.raises(DuplicateSubmission):
        await stage(world, people.ALICE, data)
    assert await bucket_keys(world.endpoint, world.bucket) == [kept.key]
    await world.consistent()


async def test_cancel_discards_an_unrecorded_staged_file(world: World) -> None:
    staged = await stage(world, people.ALICE, documents.pdf("cancelled"))
    # The conversation holds the file's id only.
    await world.run(lambda s, _: s.submissions.discard_pending({"staged": staged.id}))
    assert await bucket_keys(world.endpoint, world.bucket) == []
    # A state written before issue 25 held the whole file: still let go of on /cancel.
    older = await stage(world, people.ALICE, documents.pdf("cancelled, older state"))
    await world.run(lambda s, _: s.submissions.discard_pending({"staged": older.to_dict()}))
    assert await bucket_keys(world.endpoint, world.bucket) == []


async def test_a_replayed_decision_with_feedback_keeps_its_file(world: World) -> None:
    version = await record(world, people.ALICE, await stage(world, people.ALICE,
                                                             documents.pdf("v1")))
    supervisor = await world.user(people.SUPERVISOR)
    feedback = await world.run(lambda s, _: s.reviews.stage_feedback(
        supervisor, version.id, incoming(documents.docx("notes"), "notes.docx")))

    async def decide(services: Services, _session: AsyncSession) -> Outcome | None:
        result = await services.reviews.decide(supervisor, version.id,
                                               Decision.CHANGES_REQUESTED, feedback=feedback.id)
        return result.review

    first = await world.run(decide)
    replay = await world.run(decide)
    assert first is not None and replay is not None and replay.id == first.id
    assert await world.count(Review) == 1
    assert await world.count(OutboxMessage) == 2  # the version's card, one decision notice
    assert feedback.key in await bucket_keys(world.endpoint, world.bucket)
    await world.consistent()


async def test_decide_keeps_the_feedback_file_when_the_database_fails(world: World) -> None:
    version = await record(world, people.ALICE, await stage(world, people.ALICE,
                                                             documents.pdf("v1")))
    supervisor = await world.user(people.SUPERVISOR)
    feedback = await world.run(lambda s, _: s.reviews.stage_feedback(
        supervisor, version.id, incoming(documents.docx("notes"), "notes.docx")))

    async def decide(services: Services, session: AsyncSession) -> Outcome | None:
        commit_fails_before(session)
        result = await services.reviews.decide(supervisor, version.id, Decision.APPROVED,
                                               feedback=feedback.id)
        return result.review

    with pytest.raises(OperationalError):
        await world.run(decide)
    assert feedback.key in await bucket_keys(world.endpoint, world.bucket)
    review = await world.run(lambda s, _: s.reviews.decide(
        supervisor, version.id, Decision.APPROVED, feedback=feedback.id))
    assert review.review.feedback_file_key == feedback.key
    await world.consistent()


async def sweep(world: World, now: datetime) -> int:
    return await world.run(  # type: ignore[no-any-return]
        lambda s, session: StagedFileService(session, world.deps).sweep(now, TTL))


async def test_the_sweep_removes_abandoned_uploads_and_nothing_else(world: World) -> None:
    recorded = await stage(world, people.ALICE, documents.pdf("recorded"))
    await record(world, people.ALICE, recorded)
    abandoned = await stage(world, people.BOB, documents.pdf("abandoned"))
    # Not an upload: never swept, however old (a backup in the files bucket, say).
    await world.deps.files.put_stream("theses/notes.txt", chunks(b"x"), "text/plain")
    await world.deps.files.put_stream("backups/20300101T000000Z/manifest.json", chunks(b"{}"),
                                      "application/json")
    await asyncio.sleep(1.1)  # S3 keeps whole seconds: the next upload is visibly younger
    young = await stage(world, people.BOB, documents.pdf("young"))
    modified = await bucket_objects(world.endpoint, world.bucket)

    # Nothing is old enough yet.
    assert await sweep(world, datetime.now(UTC)) == 0
    # Just past the TTL of the abandoned upload, before the young one's.
    swept_at = modified[abandoned.key] + TTL + timedelta(milliseconds=500)
    assert swept_at < modified[young.key] + TTL
    counted = STAGED_FILES_SWEPT._value.get()
    sweeper = StagedFileSweeper(world.sessions, world.deps, _FixedClock(swept_at),
                                SweeperConfig(ttl=TTL))
    assert await sweeper.run_once() == 1
    assert STAGED_FILES_SWEPT._value.get() - counted == 1
    left = set(await bucket_keys(world.endpoint, world.bucket))
    assert abandoned.key not in left
    assert {recorded.key, young.key, "theses/notes.txt",
            "backups/20300101T000000Z/manifest.json"} <= left
    await world.consistent(swept_at=swept_at)
    # Much later, the young upload goes too; the version's file never does.
    later = datetime.now(UTC) + 2 * TTL
    assert await sweep(world, later) == 1
    assert recorded.key in await bucket_keys(world.endpoint, world.bucket)
    await world.consistent(swept_at=later)


async def test_sweeps_side_by_side_delete_once_and_keep_what_is_referenced(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_store, "LIST_PAGE", 2)  # several pages
    recorded = await stage(world, people.ALICE, documents.pdf("kept"))
    await record(world, people.ALICE, recorded)
    abandoned = [await stage(world, people.BOB, documents.pdf(f"gone {i}")) for i in range(5)]
    later = datetime.now(UTC) + 2 * TTL
    counts = await asyncio.gather(*(sweep(world, later) for _ in range(3)))
    assert sum(counts) >= len(abandoned)
    assert await bucket_keys(world.endpoint, world.bucket) == [recorded.key]
    await world.consistent(swept_at=later)


async def test_a_version_committed_during_a_sweep_keeps_its_file(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    staged = await stage(world, people.ALICE, documents.pdf("late commit"))
    later = datetime.now(UTC) + 2 * TTL
    real = stored_files.known
    calls = {"n": 0}

    async def then_commit(session: AsyncSession, keys: Collection[str]) -> dict[str, str]:
        found = await real(session, keys)
        calls["n"] += 1
        if calls["n"] == 1:
            # The row is committed after the page was found unreferenced and staged, before
            # the delete: the delete of its stored_files row (the first step) refuses.
            await record(world, people.ALICE, staged)
        return found

    monkeypatch.setattr(stored_files, "known", then_commit)
    assert await sweep(world, later) == 0
    assert calls["n"] == 1
    assert await bucket_keys(world.endpoint, world.bucket) == [staged.key]
    await world.consistent()


async def test_the_local_store_lists_by_prefix_with_times(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          ) -> None:
    monkeypatch.setattr(file_store, "LIST_PAGE", 2)
    store = LocalFileStore(tmp_path / "files")
    for key in ("theses/a.bin", "theses/feedback/b.bin", "theses/c.bin", "other/d.bin"):
        await store.put_stream(key, chunks(b"abc"), "x")
    pages = [page async for page in store.pages("theses/")]
    assert [len(page) for page in pages] == [2, 1]
    listed = [obj for page in pages for obj in page]
    assert sorted(obj.key for obj in listed) == ["theses/a.bin", "theses/c.bin",
                                                 "theses/feedback/b.bin"]
    assert all(obj.size == 3 and abs((datetime.now(UTC) - obj.last_modified).total_seconds())
               < 60 for obj in listed)
    assert [obj.key for page in [p async for p in store.pages("")] for obj in page] == [
        "other/d.bin", "theses/a.bin", "theses/c.bin", "theses/feedback/b.bin"]


@dataclass
class _FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


async def test_a_thread_attachment_is_referenced_and_an_abandoned_one_is_swept(
        world: World) -> None:
    version = await record(world, people.ALICE, await stage(world, people.ALICE,
                                                            documents.pdf("v1")))
    supervisor = await world.user(people.SUPERVISOR)

    async def attach(data: bytes) -> StagedFile:
        return await world.run(lambda s, _: s.threads.stage_attachment(  # type: ignore[no-any-return]
            supervisor, version.id, incoming(data, "notes.pdf")))

    kept = await attach(documents.pdf("annotated"))
    await world.run(lambda s, _: s.threads.comment(supervisor, version.id, "See p. 3", kept))
    abandoned = await attach(documents.pdf("never sent"))
    assert kept.key.startswith("theses/threads/") and abandoned.key.startswith("theses/threads/")
    async with world.sessions() as session:
        assert await stored_files.referenced_keys(session, [kept.key, abandoned.key]) == {
            kept.key}
    later = datetime.now(UTC) + 2 * TTL
    assert await sweep(world, later) == 1
    left = set(await bucket_keys(world.endpoint, world.bucket))
    assert kept.key in left and abandoned.key not in left and version.file_key in left
    await world.consistent(swept_at=later)
    # A refused comment lets go of its file at once (nothing refers to it).
    refused = await attach(documents.pdf("too long"))
    with pytest.raises(CommentTooLong):
        await world.run(lambda s, _: s.threads.comment(supervisor, version.id, "x" * 4001,
                                                       refused))
    assert refused.key not in await bucket_keys(world.endpoint, world.bucket)


async def test_a_note_answered_after_the_sweep_records_nothing_dangling(world: World) -> None:
    # The student uploads, the bot asks for the note; the answer comes 25 hours later, and
    # the sweeper ran in between. Either the version's file is there, or nothing is
    # recorded and the student is asked to send the file again (FileGone's text).
    clock = ManualClock(datetime.now(UTC))
    world.deps = replace(world.deps, clock=clock,
                         config=replace(world.deps.config, staged_file_ttl_hours=24))
    staged = await stage(world, people.ALICE, documents.pdf("slow note"))
    kept = await stage(world, people.BOB, documents.pdf("quick note"))
    await record(world, people.BOB, kept)
    clock.advance(hours=25)
    assert await StagedFileSweeper(world.sessions, world.deps, clock,
                                   SweeperConfig(ttl=timedelta(hours=24))).run_once() == 1
    with pytest.raises(FileGone):
        await record(world, people.ALICE, staged)
    assert await world.count(Submission) == 1
    async with world.sessions() as session:
        kinds = (await session.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.chat_id == people.SUPERVISOR))).all()
    assert len(kinds) == 1  # Bob's card only: no card for a version without its file
    await world.consistent(swept_at=clock.now())
    # A file whose row is still there but whose object went (by hand, a lost bucket), old
    # enough for the store to be asked: refused as well, nothing recorded.
    lost = await stage(world, people.ALICE, documents.pdf("lost object"))
    await world.deps.files.delete(lost.key)
    clock.advance(hours=13)
    with pytest.raises(FileGone):
        await record(world, people.ALICE, lost)
    assert await world.count(Submission) == 1
