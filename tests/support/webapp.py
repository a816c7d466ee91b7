"""A small university for the Mini App's tests, written straight into the database and the
bucket, and logging in to the API as Telegram would have the Mini App do it."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from services.vocabulary import Role, TeamRole
from storage.db import create_engine, create_session_factory
from storage.files import S3FileStore
from storage.models import Milestone, Review, Submission, Thesis, ThesisMember, User
from tests.documents import pdf
from tests.support.files import stored
from tgemu import BotAPIEmulator

ADMIN = 1  # in ADMIN_IDS of the test bot, never registered before logging in
SAM, GRACE = 100, 300  # supervisors
ALICE, BOB, CAROL = 201, 202, 301  # Alice and Bob are Sam's students, Carol is Grace's
STRANGER = 999
ALICE_TITLE = "Graph <Neural> Networks & Cats"
CAROL_TITLE = "Secret Carol Thesis on Compilers"
CAROL_COMMENT = "Carol's private feedback"
JWT_KEY = "test-jwt-key-" + "k" * 32


@dataclass(frozen=True)
class Seeded:
    alice_v1: int
    alice_v2: int
    carol_v1: int
    alice_v1_bytes: bytes


def webapp_settings(base_url: str = "http://127.0.0.1/app/") -> dict[str, Any]:
    return {"webapp_url": base_url, "jwt_secret_key": JWT_KEY}


def register(emu: BotAPIEmulator) -> None:
    for user_id, first, last in ((ADMIN, "Ada", "Admin"), (SAM, "Sam", "Supervisor"),
                                 (GRACE, "Grace", "Hopper"), (ALICE, "Alice", "A"),
                                 (BOB, "Bob", "B"), (CAROL, "Carol", "C"),
                                 (STRANGER, "Eve", "Stranger")):
        emu.add_user(user_id, first, last)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def seed_university(db_url: str, bucket: str, s3_endpoint: str) -> Seeded:
    """Sam supervises Alice (two versions: changes requested with a comment and a grade,
    then one waiting since three days, and a milestone) and Bob (no thesis); Grace
    supervises Carol (one approved version)."""
    now = datetime.now(UTC)
    files = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
    alice_bytes = pdf("alice version one")
    keys = []
    for data in (alice_bytes, pdf("alice version two"), pdf("carol version one")):
        key = f"theses/{secrets.token_hex(16)}.bin"
        await files.put_stream(key, _chunks(data), "application/octet-stream")
        keys.append((key, data))
    await files.close()
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            for user_id, name, role, supervisor in (
                    (SAM, "Sam Supervisor", Role.SUPERVISOR, None),
                    (GRACE, "Grace Hopper", Role.SUPERVISOR, None),
                    (ALICE, "Alice A", Role.STUDENT, SAM), (BOB, "Bob B", Role.STUDENT, SAM),
                    (CAROL, "Carol C", Role.STUDENT, GRACE)):
                session.add(User(id=user_id, role=role.value, full_name=name, language="en",
                                 invited_by_id=supervisor, created_at=now - timedelta(days=60)))
                await session.flush()
                if supervisor is not None:
                    # As registration writes it: the student's team begins with the supervisor.
                    session.add(ThesisMember(student_id=user_id, user_id=supervisor,
                                             role=TeamRole.SUPERVISOR.value, created_at=now))
            alice = Thesis(student_id=ALICE, title=ALICE_TITLE, status="submitted",
                           latest_version=2, created_at=now - timedelta(days=20),
                           updated_at=now - timedelta(days=3))
            carol = Thesis(student_id=CAROL, title=CAROL_TITLE, status="approved",
                           latest_version=1, created_at=now - timedelta(days=9),
                           updated_at=now - timedelta(days=8))
            session.add_all([alice, carol])
            await session.flush()
            versions = []
            for thesis, version, (key, data), days in ((alice, 1, keys[0], 20),
                                                       (alice, 2, keys[1], 3),
                                                       (carol, 1, keys[2], 9)):
                session.add(stored(key))
                submission = Submission(
                    thesis_id=thesis.id, version=version, file_key=key,
                    file_name=f"thesis-v{version}.pdf", file_kind="pdf", file_size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), note="first full draft"
                    if version == 1 else None, submitted_at=now - timedelta(days=days))
                session.add(submission)
                await session.flush()
                versions.append(submission)
            session.add_all([
                Review(submission_id=versions[0].id, reviewer_id=SAM,
                       decision="changes_requested", comment="Expand chapter 2, please.",
                       grade=71, created_at=now - timedelta(days=18),
                       outcome_at=now - timedelta(days=18)),
                Review(submission_id=versions[2].id, reviewer_id=GRACE, decision="approved",
                       comment=CAROL_COMMENT, grade=95, created_at=now - timedelta(days=8),
                       outcome_at=now - timedelta(days=8)),
                Milestone(supervisor_id=SAM, student_id=ALICE, title="Literature review",
                          due_at=now - timedelta(days=19), submission_id=versions[0].id,
                          submitted_at=now - timedelta(days=20),
                          created_at=now - timedelta(days=30)),
                Milestone(supervisor_id=SAM, student_id=ALICE, title="Full draft",
                          due_at=now + timedelta(days=14), created_at=now - timedelta(days=5)),
            ])
    finally:
        await engine.dispose()
    return Seeded(versions[0].id, versions[1].id, versions[2].id, alice_bytes)


_ips = itertools.count(1)


def fresh_ip() -> str:
    """A public address of its own, so that one test's logins never meet the rate limit."""
    n = next(_ips)
    return f"203.0.{n // 250 % 250}.{n % 250 + 1}"


async def login(http: aiohttp.ClientSession, base: str, init_data: str,
                ip: str | None = None) -> aiohttp.ClientResponse:
    async with http.post(f"{base}/api/auth/login", json={"init_data": init_data},
                         headers={"X-Forwarded-For": ip or fresh_ip()}) as response:
        await response.read()
        return response


async def token_for(http: aiohttp.ClientSession, base: str, emu: BotAPIEmulator,
                    user_id: int) -> str:
    async with http.post(f"{base}/api/auth/login",
                         json={"init_data": emu.web_app_init_data(user_id)},
                         headers={"X-Forwarded-For": fresh_ip()}) as response:
        body = await response.json()
        assert response.status == 200, body
        return str(body["access_token"])


