"""Migration 0024 (issue 25): a version's decisions move into one table, with data.

Before it, three versions: v1 decided alone under 'any' (with a requested change pointing at
the outcome), v2 approved under 'all' by two members (two votes and an outcome whose comment
joins theirs), v3 waiting with one approval. After it: one row per person and version, the
outcome marked (and keeping its id), each feedback file once. Down again: the two tables as
they were."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.ops.migrate import alembic_config, downgrade, upgrade
from storage.db import create_engine
from tests.conftest import create_database, drop_database

REVISION = "0024"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _before() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    down = script.get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


@pytest.fixture(params=["postgresql", "sqlite"])
async def url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'decisions.sqlite3'}"
        return
    name = f"thesis_decisions_{os.getpid()}_{secrets.token_hex(3)}"
    created = await create_database(name)
    yield created
    await drop_database(name)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def _run(url: str, statements: list[tuple[str, dict[str, Any]]]) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for sql, params in statements:
                await conn.execute(text(sql), params)
    finally:
        await engine.dispose()


async def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(sql))).all()]
    finally:
        await engine.dispose()


def _when(value: Any) -> datetime:
    """A stored time, whichever way the dialect gives it back."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SEED: list[tuple[str, dict[str, Any]]] = [
    ("INSERT INTO users (id, role, full_name, language, reachable, created_at) VALUES"
     " (1, 'supervisor', 'Sam S', 'en', true, :t), (2, 'supervisor', 'Olga O', 'en', true, :t),"
     " (3, 'student', 'Alice A', 'en', true, :t)", {"t": T0}),
    ("INSERT INTO theses (id, student_id, title, status, approval_rule, latest_version,"
     " created_at, updated_at) VALUES (1, 3, 'Graphs', 'submitted', 'all', 3, :t, :t)",
     {"t": T0}),
    # Every file is a stored file (migration 0023).
    ("INSERT INTO stored_files (key, name, kind, state, created_at) VALUES"
     " ('theses/v1.bin', 'v1.pdf', 'version', 'attached', :t),"
     " ('theses/v2.bin', 'v2.pdf', 'version', 'attached', :t),"
     " ('theses/v3.bin', 'v3.pdf', 'version', 'attached', :t),"
     " ('theses/feedback/f1.bin', 'f1.docx', 'feedback', 'attached', :t),"
     " ('theses/feedback/f2.bin', 'f2.docx', 'feedback', 'attached', :t)", {"t": T0}),
    ("INSERT INTO submissions (id, thesis_id, version, file_key, file_name, file_kind,"
     " file_size, sha256, submitted_at) VALUES"
     " (11, 1, 1, 'theses/v1.bin', 'v1.pdf', 'pdf', 10, :sha, :t),"
     " (12, 1, 2, 'theses/v2.bin', 'v2.pdf', 'pdf', 10, :sha, :t),"
     " (13, 1, 3, 'theses/v3.bin', 'v3.pdf', 'pdf', 10, :sha, :t)",
     {"sha": "0" * 64, "t": T0}),
    # v1: Sam alone (the rule was 'any'), with a feedback file and a requested change.
    ("INSERT INTO reviews (id, submission_id, reviewer_id, decision, comment,"
     " feedback_file_key, feedback_file_name, grade, created_at) VALUES"
     " (101, 11, 1, 'changes_requested', 'Chapter 2', 'theses/feedback/f1.bin', 'f1.docx',"
     " NULL, :t)", {"t": _at(10)}),
    ("INSERT INTO checklist_items (id, thesis_id, review_id, text, position, state,"
     " created_at) VALUES (1, 1, 101, 'Expand chapter 2', 1, 'open', :t)", {"t": _at(10)}),
    # v2: Olga approves with a grade, Sam approves with a feedback file and decides.
    ("INSERT INTO review_votes (id, submission_id, member_id, decision, comment, grade,"
     " created_at) VALUES (201, 12, 2, 'approved', 'Fine by me', 90, :t)", {"t": _at(20)}),
    ("INSERT INTO review_votes (id, submission_id, member_id, decision, comment,"
     " feedback_file_key, feedback_file_name, created_at) VALUES"
     " (202, 12, 1, 'approved', 'Good', 'theses/feedback/f2.bin', 'f2.docx', :t)",
     {"t": _at(30)}),
    ("INSERT INTO reviews (id, submission_id, reviewer_id, decision, comment,"
     " feedback_file_key, feedback_file_name, grade, created_at) VALUES"
     " (102, 12, 1, 'approved', :joined, 'theses/feedback/f2.bin', 'f2.docx', 90, :t)",
     {"joined": "Olga O: Fine by me\nSam S: Good", "t": _at(30)}),
    # v3: Olga approved, Sam has not decided yet.
    ("INSERT INTO review_votes (id, submission_id, member_id, decision, comment, created_at)"
     " VALUES (203, 13, 2, 'approved', NULL, :t)", {"t": _at(40)}),
]

DECISIONS = ("SELECT id, submission_id, reviewer_id, decision, comment, feedback_file_key,"
             " grade, created_at, outcome_at FROM reviews ORDER BY submission_id, created_at")


async def test_decisions_move_into_one_table_and_back(url: str) -> None:
    await asyncio.to_thread(upgrade, url, _before())
    await _run(url, SEED)

    await asyncio.to_thread(upgrade, url, REVISION)
    rows = await _rows(url, DECISIONS)
    assert [(r[0] if r[2] == 1 else None, r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows] == [
        (101, 11, 1, "changes_requested", "Chapter 2", "theses/feedback/f1.bin", None),
        (None, 12, 2, "approved", "Fine by me", None, 90),
        # The outcome keeps its id and takes Sam's own words; the file is written once.
        (102, 12, 1, "approved", "Good", "theses/feedback/f2.bin", None),
        (None, 13, 2, "approved", None, None, None),
    ]
    outcomes = {r[1]: _when(r[8]) for r in rows if r[8] is not None}
    assert outcomes == {11: _at(10), 12: _at(30)}
    assert [_when(r[7]) for r in rows] == [_at(10), _at(20), _at(30), _at(40)]
    assert await _rows(url, "SELECT review_id FROM checklist_items") == [(101,)]
    keys = await _rows(url, "SELECT feedback_file_key FROM reviews"
                            " WHERE feedback_file_key IS NOT NULL ORDER BY 1")
    assert keys == [("theses/feedback/f1.bin",), ("theses/feedback/f2.bin",)]

    # One outcome per version, one decision per person and version.
    with pytest.raises(IntegrityError, match=r"(?i)unique|duplicate"):
        await _run(url, [("UPDATE reviews SET outcome_at = :t WHERE submission_id = 12",
                          {"t": _at(50)})])
    with pytest.raises(IntegrityError, match=r"(?i)unique|duplicate"):
        await _run(url, [("INSERT INTO reviews (submission_id, reviewer_id, decision,"
                          " created_at) VALUES (13, 2, 'rejected', :t)", {"t": _at(50)})])

    await asyncio.to_thread(downgrade, url, _before())
    reviews = await _rows(url, "SELECT id, submission_id, reviewer_id, decision, comment,"
                               " feedback_file_key, grade, created_at FROM reviews ORDER BY id")
    assert [r[:7] for r in reviews] == [
        (101, 11, 1, "changes_requested", "Chapter 2", "theses/feedback/f1.bin", None),
        (102, 12, 1, "approved", "Olga O: Fine by me\nSam S: Good", "theses/feedback/f2.bin",
         90),
    ]
    assert [_when(r[7]) for r in reviews] == [_at(10), _at(30)]
    votes = await _rows(url, "SELECT submission_id, member_id, decision, comment,"
                             " feedback_file_key, grade FROM review_votes"
                             " ORDER BY submission_id, member_id")
    # Under the rule 'all' (the thesis's rule now) v1's decision reads as Sam's vote too.
    assert votes == [
        (11, 1, "changes_requested", "Chapter 2", "theses/feedback/f1.bin", None),
        (12, 1, "approved", "Good", "theses/feedback/f2.bin", None),
        (12, 2, "approved", "Fine by me", None, 90),
        (13, 2, "approved", None, None, None),
    ]
    assert await _rows(url, "SELECT review_id FROM checklist_items") == [(101,)]

    # And up again: the same rows.
    await asyncio.to_thread(upgrade, url, REVISION)
    again = await _rows(url, DECISIONS)
    assert [(r[1], r[2], r[3], r[4], r[5], r[6], r[8] is not None) for r in again] == [
        (r[1], r[2], r[3], r[4], r[5], r[6], r[8] is not None) for r in rows]
