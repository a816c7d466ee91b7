"""Bulk-loaded data sets (INSERT ... SELECT generate_series), never through the bot.

Shape: one admin, ``supervisors`` supervisors and ``per_supervisor`` students each. Student
``j`` belongs to supervisor ``j % supervisors + 1`` (a supervisor's students are spread over
the whole table, as they would be after years of sign-ups) and has index ``k = j //
supervisors`` in that cohort. Everything about a student follows from ``k`` alone, so the
first supervisor and its students look the same in a small and a large data set: only the
amount of everyone else's data differs.

- ``k < with_thesis``: a thesis with ``1 + k % max_versions`` versions; status from ``k % 10``
  (0-3 submitted and waiting, 4-6 changes requested, 7-8 approved, 9 rejected). Every
  version but a waiting latest one has a review.
- otherwise: no thesis yet (``/submit`` asks for a title).
- with ``outbox``: one sent notification per version, as years of use leave behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from services.notifications import DecisionMade, NewSubmission, Payload, parse

ADMIN_ID = 1
SUP_BASE = 1_000_000
STU_BASE = 2_000_000


@dataclass(frozen=True)
class Shape:
    supervisors: int
    per_supervisor: int
    with_thesis: int
    max_versions: int = 20
    outbox: bool = False

    @property
    def students(self) -> int:
        return self.supervisors * self.per_supervisor

    def supervisor_id(self, number: int) -> int:
        """Supervisor 1..supervisors."""
        return SUP_BASE + number

    def student_id(self, supervisor: int, k: int) -> int:
        """The k-th student of supervisor ``supervisor`` (1-based)."""
        return STU_BASE + k * self.supervisors + (supervisor - 1)

    def students_of(self, supervisor: int) -> list[int]:
        return [self.student_id(supervisor, k) for k in range(self.per_supervisor)]

    @staticmethod
    def k_status(k: int) -> str:
        r = k % 10
        return ("submitted" if r < 4 else "changes_requested" if r < 7
                else "approved" if r < 9 else "rejected")

    def versions(self, k: int) -> int:
        return 1 + k % self.max_versions if k < self.with_thesis else 0


def _payload_sql(template: Payload, **columns: str) -> tuple[str, str]:
    """An outbox payload built by the code's own model (``services/notifications.py``): the
    template's JSON with ``columns`` (SQL expressions, one per model field) set per row.
    Returns the SQL expression (with ``$1`` for the template) and the template's JSON."""
    fields = type(template).model_fields
    unknown = sorted(set(columns) - set(fields))
    if unknown:
        raise ValueError(f"{template.kind}: no such payload field(s) {unknown}")
    pairs = ", ".join(f"'{name}', {expr}" for name, expr in columns.items())
    return (f"($1::jsonb || jsonb_build_object({pairs}))::json",
            json.dumps(template.dump()))


async def check_payloads(conn: asyncpg.Connection, kind: str) -> None:
    """The sender must read what the fixtures wrote: one row of ``kind`` parsed back."""
    raw = await conn.fetchval("SELECT payload::text FROM outbox WHERE kind = $1 "
                              "ORDER BY id LIMIT 1", kind)
    if raw is not None:
        parse(kind, json.loads(raw))  # raises MalformedPayload


_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
NEW_SUBMISSION = NewSubmission(
    submission_id=1, student_name="Student", title="A thesis", version=1, note=None,
    file_id="BQAC", file_name="thesis.pdf", submitted_at=_EPOCH, file_key="theses/1-1")
DECISION = DecisionMade(
    submission_id=1, decision="approved", title="Benchmark thesis", version=1,
    comment="Notice", grade=90, reviewer_name="Bench Supervisor", feedback_file_id=None,
    feedback_file_name=None)


def _status_sql(k: str) -> str:
    return (f"CASE WHEN ({k}) % 10 < 4 THEN 'submitted' "
            f"WHEN ({k}) % 10 < 7 THEN 'changes_requested' "
            f"WHEN ({k}) % 10 < 9 THEN 'approved' ELSE 'rejected' END")


async def load(dsn: str, shape: Shape) -> dict[str, int]:
    n, students = shape.supervisors, shape.students
    k = f"(j / {n})"
    conn = await asyncpg.connect(dsn)
    try:
        # Generated rows are consistent by construction: skip the per-row FK triggers.
        await conn.execute("SET session_replication_role = replica")
        await conn.execute(
            "INSERT INTO users (id, role, full_name, language, reachable, created_at) "
            f"VALUES ({ADMIN_ID}, 'admin', 'Bench Admin', 'en', true, now())")
        await conn.execute(
            "INSERT INTO users (id, role, full_name, language, reachable, created_at) "
            f"SELECT {SUP_BASE} + i, 'supervisor', 'Supervisor ' || i, 'en', true, "
            "now() - interval '900 days' "
            f"FROM generate_series(1, {n}) i")
        await conn.execute(
            "INSERT INTO users (id, role, full_name, language, invited_by_id, reachable, "
            "created_at) "
            f"SELECT {STU_BASE} + j, 'student', 'Student ' || lpad(j::text, 7, '0'), 'en', "
            f"{SUP_BASE} + (j % {n}) + 1, true, now() - interval '800 days' "
            f"FROM generate_series(0, {students - 1}) j")
        # Each student's team begins with their supervisor (as registration writes it).
        await conn.execute(
            "INSERT INTO thesis_members (student_id, user_id, role, created_at) "
            "SELECT id, invited_by_id, 'supervisor', created_at FROM users "
            "WHERE role = 'student'")
        await conn.execute(
            "INSERT INTO theses (id, student_id, title, status, latest_version, created_at, "
            "updated_at) "
            f"SELECT j + 1, {STU_BASE} + j, 'A thesis on topic ' || j, {_status_sql(k)}, "
            f"1 + {k} % {shape.max_versions}, now() - interval '700 days', now() "
            f"FROM generate_series(0, {students - 1}) j WHERE {k} < {shape.with_thesis}")
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence('theses', 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM theses), false)")
        # Each version's file is a stored file first (its key is a foreign key to it).
        await conn.execute(
            "INSERT INTO stored_files (key, name, kind, size, sha256, state, created_at) "
            "SELECT 'theses/' || t.id || '-' || v, 'thesis.pdf', 'version', 100000 + v, "
            "md5(t.id || '-' || v) || md5(v || '-' || t.id), 'attached', now() "
            "FROM theses t, generate_series(1, t.latest_version) v")
        # Versions in time order, as they arrive: one thesis's versions are far apart.
        await conn.execute(
            "INSERT INTO submissions (thesis_id, version, file_key, file_name, file_kind, "
            "file_size, sha256, telegram_file_id, submitted_at) "
            "SELECT t.id, v, 'theses/' || t.id || '-' || v, 'thesis.pdf', 'pdf', 100000 + v, "
            "md5(t.id || '-' || v) || md5(v || '-' || t.id), 'BQAC' || t.id || '_' || v, "
            "now() - ((t.latest_version - v) * interval '9 days') - t.id * interval '1 second'"
            " - interval '1 hour' "
            "FROM theses t, generate_series(1, t.latest_version) v "
            "ORDER BY 9")
        await conn.execute(
            "INSERT INTO reviews (submission_id, reviewer_id, decision, comment, grade, "
            "created_at, outcome_at) "
            "SELECT s.id, u.invited_by_id, "
            "CASE WHEN s.version < t.latest_version THEN 'changes_requested' "
            "ELSE t.status END, 'Comments on version ' || s.version, "
            "CASE WHEN s.version = t.latest_version AND t.status = 'approved' THEN 90 END, "
            "s.submitted_at + interval '1 day', s.submitted_at + interval '1 day' "
            "FROM submissions s JOIN theses t ON t.id = s.thesis_id "
            "JOIN users u ON u.id = t.student_id "
            "WHERE NOT (t.status = 'submitted' AND s.version = t.latest_version) "
            "ORDER BY s.id")
        if shape.outbox:
            payload, template = _payload_sql(
                NEW_SUBMISSION, submission_id="s.id", student_name="u.full_name",
                title="t.title", version="s.version", file_id="s.telegram_file_id",
                file_key="s.file_key", submitted_at="to_json(s.submitted_at)")
            await conn.execute(
                "INSERT INTO outbox (chat_id, kind, payload, status, attempts, "
                "next_attempt_at, created_at, sent_at, ref) "
                f"SELECT u.invited_by_id, 'new_submission', {payload}, 'sent', 1, "
                "s.submitted_at, s.submitted_at, s.submitted_at, 'submission:' || s.id "
                "FROM submissions s JOIN theses t ON t.id = s.thesis_id "
                "JOIN users u ON u.id = t.student_id ORDER BY s.id", template)
            await check_payloads(conn, "new_submission")
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("VACUUM ANALYZE")
        counts = {}
        for table in ("users", "thesis_members", "theses", "submissions", "reviews", "outbox"):
            counts[table] = int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
        return counts
    finally:
        await conn.close()


async def latest_submission_id(dsn: str, student_id: int) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(
            "SELECT s.id FROM submissions s JOIN theses t ON t.id = s.thesis_id "
            "AND s.version = t.latest_version WHERE t.student_id = $1", student_id))
    finally:
        await conn.close()


async def queue_outbox(dsn: str, chat_ids: list[int], per_chat: int) -> int:
    """``per_chat`` pending decision notices for every chat, chats interleaved (a blast
    to everyone, as a deadline reminder is). Returns the number of rows."""
    rows = [(chat, i) for i in range(per_chat) for chat in chat_ids]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE TEMP TABLE blast (chat_id bigint, n int)")
        await conn.copy_records_to_table("blast", records=rows)
        payload, template = _payload_sql(DECISION, submission_id="n + 1", version="n + 1",
                                         comment="'Notice ' || n")
        await conn.execute(
            "INSERT INTO outbox (chat_id, kind, payload, status, attempts, next_attempt_at, "
            "created_at, ref) "
            f"SELECT chat_id, 'decision', {payload}, 'pending', 0, now(), now(), "
            "'submission:' || (n + 1) FROM blast ORDER BY n, chat_id", template)
        await check_payloads(conn, "decision")
    finally:
        await conn.close()
    return len(rows)


async def outbox_summary(dsn: str) -> dict[str, object]:
    conn = await asyncpg.connect(dsn)
    try:
        by_status = {r["status"]: r["n"] for r in await conn.fetch(
            "SELECT status, count(*) AS n FROM outbox WHERE kind = 'decision' "
            "GROUP BY status")}
        span = await conn.fetchrow(
            "SELECT min(sent_at) AS first, max(sent_at) AS last, count(*) AS n FROM outbox "
            "WHERE kind = 'decision' AND status = 'sent'")
        return {"by_status": by_status, "first": span["first"], "last": span["last"],
                "sent": span["n"]}
    finally:
        await conn.close()


async def clear_outbox(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM outbox WHERE kind = 'decision'")
    finally:
        await conn.close()
