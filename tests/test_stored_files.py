"""Issue 25, stored files: one stored_files row per object, every file-holding column a
foreign key to it. Migration 0023 gives every key already held its row (and every such
object is in the bucket), a feedback file or a thread attachment that is gone when its step
is recorded gets a polite "send it again" and nothing half-recorded, and an export leaves a
missing object out with a line in MISSING.txt instead of failing."""

from __future__ import annotations

import asyncio
import io
import json
import os
import secrets
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aioboto3
import pytest
from alembic.script import ScriptDirectory
from redis.asyncio import Redis
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ops.migrate import alembic_config, downgrade, upgrade
from services.clock import ManualClock
from services.context import ServiceConfig, ServiceDeps, Services
from services.errors import FileGone
from services.staged_files import StagedFileService
from services.submissions import IncomingFile
from services.vocabulary import Decision, FileState, StoredKind
from storage.db import create_engine, create_session_factory
from storage.files import S3FileStore
from storage.models import Review, StoredFile, Submission, Thesis, ThreadMessage, User
from storage.repositories.stored_files import owner_columns
from tests import documents, people
from tests.conftest import (
    REDIS_URL,
    BotFactory,
    Harness,
    bucket_keys,
    create_bucket,
    create_database,
    drop_database,
)
from tests.support.conversation import latest_card, onboard, submit
from tests.support.files import bucket_objects
from tests.test_calendar_exports import documents_after, seed_versions

REVISION = "0023"


def _before() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    down = script.get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


# --- the migration -------------------------------------------------------------------------

# A row with a key in every owner table, as the database holds them before 0023.
SEED = [
    "INSERT INTO users (id, role, full_name, language, reachable) VALUES "
    "(100, 'supervisor', 'Sam', 'en', TRUE), (201, 'student', 'Alice', 'en', TRUE)",
    "INSERT INTO theses (id, student_id, title, status, approval_rule, latest_version) "
    "VALUES (1, 201, 'Graphs', 'submitted', 'any', 2)",
    "INSERT INTO submissions (id, thesis_id, version, file_key, file_name, file_kind, "
    "file_size, sha256) VALUES (1, 1, 1, 'theses/v1.bin', 'v1.pdf', 'pdf', 3, 'aa'), "
    "(2, 1, 2, 'theses/v2.bin', 'v2.pdf', 'pdf', 3, 'bb')",
    "INSERT INTO reviews (submission_id, reviewer_id, decision, feedback_file_key, "
    "feedback_file_name) VALUES (1, 100, 'changes_requested', 'theses/feedback/f.bin', "
    "'notes.pdf')",
    "INSERT INTO review_votes (submission_id, member_id, decision, feedback_file_key, "
    "feedback_file_name) VALUES (1, 100, 'changes_requested', 'theses/feedback/f.bin', "
    "'notes.pdf')",
    "INSERT INTO examiner_grades (thesis_id, examiner_id, grade, report_file_key, "
    "report_file_name) VALUES (1, 100, 80, 'theses/reports/e.bin', 'exam.pdf')",
    "INSERT INTO thread_messages (submission_id, author_id, file_key, file_name) "
    "VALUES (2, 100, 'theses/threads/t.bin', 'see.pdf')",
    "INSERT INTO version_comparisons (submission_id, status, attempts, html_key) "
    "VALUES (2, 'done', 1, 'theses/comparisons/c.html')",
    "INSERT INTO version_similarity (submission_id, chunks, html_key) "
    "VALUES (2, 0, 'theses/comparisons/s.html')",
    "INSERT INTO assessment_schemes (id, version, components, scale, tolerance, releaser) "
    "VALUES (1, 1, '[]', 'percent', 10, 'admin')",
    "INSERT INTO assessments (id, thesis_id, scheme_id, state, protocol_key) "
    "VALUES (1, 1, 1, 'released', 'theses/protocols/p.pdf')",
    "INSERT INTO assessment_marks (assessment_id, marker_id, role, marks, total, "
    "report_file_key, report_file_name) VALUES (1, 100, 'supervisor', '{}', 70, "
    "'theses/reports/m.bin', 'marks.pdf')",
    "INSERT INTO topics (id, code, supervisor_id, title, description, places, language, tags, "
    "co_supervisors, state) VALUES (1, 'graphs', 100, 'Graphs', 'About graphs', 1, 'en', "
    "'[]', '[]', 'open')",
    "INSERT INTO applications (topic_id, applicant_id, applicant_name, language, motivation, "
    "state, cv_key, cv_name) VALUES (1, 201, 'Alice', 'en', 'I like graphs', 'open', "
    "'theses/cv.bin', 'cv.pdf')",
]
KEYS = {"theses/v1.bin": "version", "theses/v2.bin": "version",
        "theses/feedback/f.bin": "feedback", "theses/reports/e.bin": "report",
        "theses/threads/t.bin": "attachment", "theses/comparisons/c.html": "comparison",
        "theses/comparisons/s.html": "similarity", "theses/protocols/p.pdf": "protocol",
        "theses/reports/m.bin": "report", "theses/cv.bin": "cv"}


async def _execute(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(query))).all()]
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_migration_gives_every_key_its_row_and_every_object_is_in_the_bucket(
        s3_endpoint: str, backend: str, tmp_path: Path) -> None:
    name = f"thesis_files_{os.getpid()}_{secrets.token_hex(3)}"
    url = await create_database(name) if backend == "postgresql" else \
        f"sqlite+aiosqlite:///{tmp_path / 'files.sqlite3'}"
    bucket = await create_bucket(s3_endpoint, "migrate")
    counts = ("SELECT (SELECT count(*) FROM reviews), (SELECT count(*) FROM review_votes), "
              "(SELECT count(*) FROM thread_messages), (SELECT count(*) FROM assessment_marks), "
              "(SELECT count(*) FROM version_comparisons)")
    try:
        await asyncio.to_thread(upgrade, url, _before())
        await _execute(url, *SEED)
        async with aioboto3.Session().client("s3", endpoint_url=s3_endpoint,
                                             region_name="us-east-1") as s3:
            for key in KEYS:
                await s3.put_object(Bucket=bucket, Key=key, Body=b"abc")

        await asyncio.to_thread(upgrade, url, REVISION)
        # The owners' rows all stay (SQLite copies the tables: their children must survive).
        assert await _rows(url, counts) == [(1, 1, 1, 1, 1)]
        rows = await _rows(url, "SELECT key, kind, state, name, size, sha256 FROM stored_files")
        assert {key: kind for key, kind, *_ in rows} == KEYS
        assert {state for _k, _kind, state, *_ in rows} == {FileState.ATTACHED.value}
        by_key = {row[0]: row for row in rows}
        assert by_key["theses/v2.bin"][3:] == ("v2.pdf", 3, "bb")
        assert by_key["theses/feedback/f.bin"][3] == "notes.pdf"
        # Every object a row refers to is in the bucket (the bucket-presence check).
        in_bucket = await bucket_objects(s3_endpoint, bucket)
        assert set(by_key) <= in_bucket.keys()
        # The owners' keys are foreign keys now: an unknown key is refused.
        with pytest.raises(IntegrityError):
            await _execute(url, "INSERT INTO thread_messages (submission_id, file_key) "
                                "VALUES (2, 'theses/threads/unknown.bin')")

        # Down: the owners keep every key; up again: the same rows (the fill is idempotent).
        await asyncio.to_thread(downgrade, url, _before())
        kept = await _rows(url, "SELECT file_key FROM submissions UNION "
                                "SELECT feedback_file_key FROM reviews UNION "
                                "SELECT html_key FROM version_comparisons UNION "
                                "SELECT protocol_key FROM assessments")
        assert {key for (key,) in kept} == {"theses/v1.bin", "theses/v2.bin",
                                            "theses/feedback/f.bin",
                                            "theses/comparisons/c.html",
                                            "theses/protocols/p.pdf"}
        assert await _rows(url, counts) == [(1, 1, 1, 1, 1)]
        await asyncio.to_thread(upgrade, url, REVISION)
        again = await _rows(url, "SELECT key, kind, state, name, size, sha256 FROM stored_files")
        assert sorted(again) == sorted(rows)
        await asyncio.to_thread(upgrade, url, "head")
    finally:
        if backend == "postgresql":
            await drop_database(name)


# --- the file is gone when its step is recorded ------------------------------------------

async def _delete_object(endpoint: str, bucket: str, key: str) -> None:
    async with aioboto3.Session().client("s3", endpoint_url=endpoint,
                                         region_name="us-east-1") as s3:
        await s3.delete_object(Bucket=bucket, Key=key)


async def _stored(db: str, kind: StoredKind) -> list[StoredFile]:
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(StoredFile).where(
                StoredFile.kind == kind.value).order_by(StoredFile.id))).all())
    finally:
        await engine.dispose()


async def _count(db: str, model: type) -> int:
    engine = create_engine(db)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(model)))
                       .scalar_one())
    finally:
        await engine.dispose()


async def _conversation_data(harness: Harness, user_id: int) -> dict[str, Any]:
    """The FSM data the bot keeps in Redis for this person's chat."""
    redis = Redis.from_url(REDIS_URL)
    try:
        bot_id = harness.emu.token.split(":")[0]
        raw = await redis.get(f"fsm:{bot_id}:{user_id}:{user_id}:default:data")
    finally:
        await redis.aclose()
    return dict(json.loads(raw)) if raw else {}


async def test_a_waiting_note_step_holds_only_the_files_id(
        make_bot: BotFactory, db: str) -> None:
    """Issue 25: between the upload and the note the conversation holds the stored file's
    id, nothing else of it; the note records the version from the row."""
    harness = await make_bot()
    _admin, _supervisor, alice, _bob = await onboard(harness)
    assert "title" in await alice.say("/submit")
    await alice.say("Graphs")
    assert "note" in (await alice.upload(documents.pdf("v1"), "thesis.pdf"))[-1].content
    [row] = await _stored(db, StoredKind.VERSION)
    data = await _conversation_data(harness, alice.id)
    assert data["staged"] == row.id and row.state == FileState.STAGED.value
    assert row.key not in json.dumps(data) and row.name not in json.dumps(data)
    assert "Version 1 received" in await alice.say("/skip")
    [attached] = await _stored(db, StoredKind.VERSION)
    assert attached.state == FileState.ATTACHED.value
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session:
            version = (await session.scalars(select(Submission))).one()
    finally:
        await engine.dispose()
    assert (version.file_key, version.file_name, version.sha256) == (
        row.key, "thesis.pdf", row.sha256)


async def test_a_feedback_file_is_recorded_with_its_decision_and_attached(
        make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str) -> None:
    harness = await make_bot()
    _admin, supervisor, alice, _bob = await onboard(harness)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    card = await latest_card(harness, supervisor, 1)
    await supervisor.click("Reject", message_id=card.message_id)
    # Reject asks only for the comment (issue 27): the annotated file is recorded at once.
    answers = await supervisor.upload(documents.pdf("annotated"), "annotated.pdf",
                                      caption="See notes")
    assert any("Recorded" in m.content for m in answers)
    [feedback] = await _stored(db, StoredKind.FEEDBACK)
    assert feedback.state == FileState.ATTACHED.value and feedback.name == "annotated.pdf"
    assert feedback.key in await bucket_keys(s3_endpoint, bucket)
    assert await _count(db, Review) == 1


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _incoming(data: bytes, name: str) -> IncomingFile:
    return IncomingFile(chunks=_chunks(data), file_name=name, declared_size=len(data))


@dataclass
class World:
    """Services on the real database and bucket, a moved clock, Alice's version 1."""

    sessions: async_sessionmaker[AsyncSession]
    deps: ServiceDeps
    clock: ManualClock
    sam: User
    version: Submission


@pytest.fixture
async def world(db: str, bucket: str, s3_endpoint: str) -> AsyncIterator[World]:
    await people.seed(db)
    engine = create_engine(db)
    store = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
    sessions = create_session_factory(engine)
    clock = ManualClock(datetime.now(UTC))
    deps = ServiceDeps(files=store, config=ServiceConfig(admin_ids=frozenset({1})),
                       clock=clock)
    try:
        async with sessions() as session:
            alice = await session.get(User, people.ALICE)
            sam = await session.get(User, people.SUPERVISOR)
            assert alice is not None and sam is not None
            services = Services(session, deps)
            staged = await services.submissions.stage(alice, _incoming(documents.pdf("v1"),
                                                                      "v1.pdf"))
            version = (await services.submissions.record(alice, staged.id, title="Graphs",
                                                         note=None)).submission
        yield World(sessions, deps, clock, sam, version)
    finally:
        await store.close()
        await engine.dispose()


async def test_a_feedback_file_gone_before_its_decision_records_nothing(
        world: World, db: str, bucket: str, s3_endpoint: str) -> None:
    sessions, deps, sam, version = world.sessions, world.deps, world.sam, world.version
    async with sessions() as session:
        feedback = await Services(session, deps).reviews.stage_feedback(
            sam, version.id, _incoming(documents.pdf("annotated"), "annotated.pdf"))
    [row] = await _stored(db, StoredKind.FEEDBACK)
    assert row.state == FileState.STAGED.value
    # Half a day later the decision is recorded, and the file is gone meanwhile.
    assert feedback.key is not None
    await _delete_object(s3_endpoint, bucket, feedback.key)
    world.clock.advance(hours=13)
    async with sessions() as session:
        with pytest.raises(FileGone):
            await Services(session, deps).reviews.decide(
                sam, version.id, Decision.REJECTED, comment="See notes",
                feedback=feedback.id)
    # Nothing half-recorded: no decision, the version still waits, the row is gone.
    assert await _count(db, Review) == 0
    assert await _stored(db, StoredKind.FEEDBACK) == []
    async with sessions() as session:
        assert (await session.get(Submission, version.id)) is not None
        status = (await session.scalars(select(Thesis.status).where(
            Thesis.student_id == people.ALICE))).one()
    assert status == "submitted"
    # Sent again, it is recorded and attached.
    async with sessions() as session:
        services = Services(session, deps)
        again = await services.reviews.stage_feedback(
            sam, version.id, _incoming(documents.pdf("annotated again"), "annotated.pdf"))
        await services.reviews.decide(sam, version.id, Decision.REJECTED,
                                      comment="See notes", feedback=again.id)
    [attached] = await _stored(db, StoredKind.FEEDBACK)
    assert attached.state == FileState.ATTACHED.value
    assert attached.key in await bucket_keys(s3_endpoint, bucket)
    assert await _count(db, Review) == 1


async def test_a_thread_attachment_whose_row_was_swept_records_no_comment(
        world: World, db: str, bucket: str, s3_endpoint: str) -> None:
    sessions, deps, clock = world.sessions, world.deps, world.clock
    sam, version = world.sam, world.version
    async with sessions() as session:
        attachment = await Services(session, deps).threads.stage_attachment(
            sam, version.id, _incoming(documents.pdf("notes"), "notes.pdf"))
    # The sweeper took it (row and object) before the comment was recorded.
    clock.advance(hours=30)
    async with sessions() as session:
        assert await StagedFileService(session, deps).sweep(
            clock.now(), timedelta(hours=24)) == 1
    async with sessions() as session:
        with pytest.raises(FileGone):
            await Services(session, deps).threads.comment(sam, version.id, "See p. 3",
                                                          attachment)
    assert await _count(db, ThreadMessage) == 0
    assert attachment.key not in await bucket_keys(s3_endpoint, bucket)
    # Every object a row refers to is in the bucket.
    async with sessions() as session:
        held = set()
        for column in owner_columns():
            held |= {k for k in (await session.scalars(
                select(column).where(column.is_not(None)))).all()}
    assert held == {version.file_key}
    assert held <= set(await bucket_keys(s3_endpoint, bucket))
    assert await _count(db, Submission) == 1


# --- an export with a missing object -------------------------------------------------------

async def test_the_latest_versions_zip_leaves_a_missing_object_out_and_says_so(
        make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str) -> None:
    await people.seed(db)
    harness = await make_bot(clock=ManualClock(people.START), flood_rate=1000)
    store = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
    files = await seed_versions(db, store, harness.settings.s3_prefix)
    await store.close()
    engine = create_engine(db)
    async with create_session_factory(engine)() as session:
        bob_key = (await session.scalars(select(Submission.file_key).where(
            Submission.file_name == "b1.pdf"))).one()
    await engine.dispose()
    await _delete_object(s3_endpoint, bucket, bob_key)
    sam = harness.chat(people.SUPERVISOR, "Sam", "Supervisor")
    await sam.say("/export")
    before = sam.bot_count
    await sam.click("🗂 Latest versions (ZIP)", expect=0)
    [zdoc] = await documents_after(sam, before, 1)
    archive = zipfile.ZipFile(io.BytesIO(harness.emu.file_bytes(zdoc.document["file_id"])))
    assert archive.namelist() == ["Alice A/v2-Graphs.pdf", "MISSING.txt"]
    assert archive.read("Alice A/v2-Graphs.pdf") == files["a2"]
    report = archive.read("MISSING.txt").decode()
    assert "no longer in the file store" in report and "Bob B/v1-Trees.pdf" in report
