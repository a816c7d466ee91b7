"""Backups against the real PostgreSQL and a moto S3 server: round trips byte for byte,
listing, refusals, secrets, and ``migrate --backup`` (abort, success, failing migration)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aioboto3
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

import bot.ops.migrate as migrate_module
from bot.config import Settings, load_settings
from bot.ops import backup
from bot.ops.migrate import alembic_config, current_revision, migrate_command, upgrade, verify
from storage.db import create_engine, create_session_factory
from storage.models import (
    AuditEntry,
    Base,
    Invite,
    Milestone,
    OutboxMessage,
    Review,
    Submission,
    Thesis,
    User,
)
from tests.conftest import BUCKET_KMS_KEY, create_bucket, create_database, drop_database
from tests.support.files import stored

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Pw-" + secrets.token_hex(8)  # trust auth: the server ignores it, we must hide it


# --- fixtures and helpers ----------------------------------------------------------------

SESSION = aioboto3.Session()  # one session: it caches botocore's parsed service models


def s3_client(endpoint: str) -> Any:
    return SESSION.client("s3", endpoint_url=endpoint, region_name="us-east-1")


async def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    async with s3_client(endpoint) as s3:
        response = await s3.list_objects_v2(Bucket=bucket)
        return sorted(obj["Key"] for obj in response.get("Contents", []))


@pytest.fixture
async def backup_bucket(s3_endpoint: str) -> str:
    return await create_bucket(s3_endpoint, "backups")  # SSE-KMS by default, as in terraform


@pytest.fixture
async def fresh_db() -> AsyncIterator[str]:
    """A database of our own, migrated to head (restores drop and recreate its schema)."""
    name = f"thesis_backup_{os.getpid()}_{secrets.token_hex(3)}"
    url = await create_database(name)
    await asyncio.to_thread(upgrade, url)
    yield url
    await drop_database(name)


@pytest.fixture
async def empty_db() -> AsyncIterator[str]:
    """A database with no schema at all."""
    name = f"thesis_empty_{os.getpid()}_{secrets.token_hex(3)}"
    url = await create_database(name)
    yield url
    await drop_database(name)


def make_settings(tmp_path: Path, **values: Any) -> Settings:
    values.setdefault("data_dir", tmp_path / "data")
    return load_settings(log_format="console", **values)


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ, DATA_DIR=str(settings.data_dir), LOG_FORMAT="console")
    for name in ("database_url", "s3_bucket", "s3_endpoint_url", "s3_backup_bucket"):
        value = getattr(settings, name)
        if value:
            env[name.upper()] = str(value)
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def fake_tool(folder: Path, name: str, script: str) -> str:
    """A PATH that puts a shell script called name first."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


BLOBS = {  # the objects seed()'s rows refer to
    "theses/v1.pdf": secrets.token_bytes(300_000),
    "theses/v2.pdf": secrets.token_bytes(1_200_000),
    "feedback/r1 ünïcode & space.docx": b"PK\x03\x04" + secrets.token_bytes(5000),
}
UNREFERENCED = {  # staged uploads that never became a version or a feedback file
    "theses/empty.txt": b"",
    "theses/abandoned.pdf": secrets.token_bytes(7000),
}


async def seed(url: str) -> None:
    """Users, an invite, a thesis, submissions, a review, a milestone, outbox and audit rows."""
    now = datetime.now(UTC).replace(microsecond=0)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as s, s.begin():
            s.add_all([
                User(id=1, role="admin", full_name="Ada Admin", username="ada"),
                User(id=2, role="supervisor", full_name="Sam Supervisor", language="de"),
            ])
            await s.flush()
            s.add(User(id=3, role="student", full_name="Zoë Ünïcode", invited_by_id=2,
                       reachable=False))
            s.add(Invite(code="inv-" + secrets.token_hex(4), role="student", created_by=2,
                         max_uses=3, uses=1, expires_at=now + timedelta(days=14)))
            await s.flush()
            thesis = Thesis(student_id=3, title="On backups, 'quotes' and\ttabs",
                            status="changes_requested", latest_version=2)
            s.add(thesis)
            await s.flush()
            subs = []
            for version, key in ((1, "theses/v1.pdf"), (2, "theses/v2.pdf")):
                blob = BLOBS[key]
                s.add(stored(key))
                sub = Submission(thesis_id=thesis.id, version=version, file_key=key,
                                 file_name=f"thesis-v{version}.pdf", file_kind="pdf",
                                 file_size=len(blob), sha256=hashlib.sha256(blob).hexdigest(),
                                 note="line one\nline two ✓" if version == 2 else None)
                s.add(sub)
                subs.append(sub)
            s.add(stored("feedback/r1 ünïcode & space.docx", "feedback"))
            await s.flush()
            s.add(Review(submission_id=subs[0].id, reviewer_id=2, decision="changes_requested",
                         comment="Chapter 2:\n\\ backslash, NULL-ish 'N'",
                         feedback_file_key="feedback/r1 ünïcode & space.docx",
                         feedback_file_name="r1.docx", grade=None,
                         outcome_at=datetime.now(UTC)))
            s.add(Milestone(supervisor_id=2, student_id=3, title="Draft", due_at=now,
                            submission_id=subs[1].id, submitted_at=now))
            s.add(OutboxMessage(chat_id=3, kind="review", payload={"text": "hi", "n": [1, 2]}))
            s.add(AuditEntry(actor_id=2, action="review", object_type="submission",
                             object_id=str(subs[0].id), details={"grade": None, "ok": True}))
    finally:
        await engine.dispose()


async def put_blobs(endpoint: str, bucket: str, blobs: dict[str, bytes]) -> None:
    async with s3_client(endpoint) as s3:
        for key, body in blobs.items():
            await s3.put_object(Bucket=bucket, Key=key, Body=body)


async def bucket_contents(endpoint: str, bucket: str, prefix: str = "") -> dict[str, bytes]:
    async with s3_client(endpoint) as s3:
        found = {}
        listing = await s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        for item in listing.get("Contents", []):
            response = await s3.get_object(Bucket=bucket, Key=item["Key"])
            found[item["Key"]] = await response["Body"].read()
        return found


async def snapshot(url: str) -> dict[str, Any]:
    """Every row of every model table (ordered by key), and PostgreSQL sequence positions."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows: dict[str, Any] = {}
            for table in Base.metadata.sorted_tables:
                result = await conn.execute(select(table).order_by(*table.primary_key.columns))
                rows[table.name] = [tuple(r) for r in result]
            if conn.dialect.name == "postgresql":
                rows["<sequences>"] = (await conn.execute(text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public' ORDER BY 1"))).all()
            rows["<revision>"] = await conn.run_sync(
                lambda c: c.exec_driver_sql("SELECT version_num FROM alembic_version").all())
            return rows
    finally:
        await engine.dispose()


async def tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            ))).scalars())
    finally:
        await engine.dispose()


async def execute(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def damage(url: str) -> None:
    """Changes a restore must undo, including a table the backup does not know."""
    await execute(
        url,
        "DELETE FROM reviews",
        "UPDATE theses SET title = 'overwritten'",
        "INSERT INTO users (id, role, full_name, language, reachable) "
        "VALUES (99, 'student', 'Intruder', 'en', true)",
        "CREATE TABLE junk (id int)",
        "SELECT setval('audit_log_id_seq', 500)",
    )


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


# --- the round trip ------------------------------------------------------------------------

@pytest.mark.parametrize("destination", ["s3", "local"])
async def test_backup_restore_round_trip(
        destination: str, fresh_db: str, bucket: str, backup_bucket: str, s3_endpoint: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(
        tmp_path, database_url=fresh_db, s3_bucket=bucket, s3_endpoint_url=s3_endpoint,
        s3_backup_bucket=backup_bucket if destination == "s3" else None)
    await seed(fresh_db)
    await put_blobs(s3_endpoint, bucket, BLOBS | UNREFERENCED)
    rows_before = await snapshot(fresh_db)
    files_before = await bucket_contents(s3_endpoint, bucket)
    assert files_before == BLOBS | UNREFERENCED

    assert await backup.backup_command(settings) == 0
    captured = capsys.readouterr()
    backup_id = captured.out.strip()
    assert backup.BACKUP_ID.match(backup_id), captured

    # The layout and the manifest.
    prefix = f"backups/{backup_id}/"
    expected_keys = {prefix + "database.dump", prefix + "manifest.json",
                     *(f"{prefix}files/{key}" for key in BLOBS)}
    if destination == "s3":
        stored = await bucket_contents(s3_endpoint, backup_bucket)
        assert not (settings.data_dir / "backups" / backup_id).exists()  # staging cleaned up
    else:
        root = settings.data_dir
        stored = {p.relative_to(root).as_posix(): p.read_bytes()
                  for p in (root / "backups" / backup_id).rglob("*") if p.is_file()}
    assert set(stored) == expected_keys  # the unreferenced objects are left out
    for key, body in BLOBS.items():
        assert stored[f"{prefix}files/{key}"] == body
    manifest = json.loads(stored[prefix + "manifest.json"])
    dump = stored[prefix + "database.dump"]
    assert dump.startswith(b"PGDMP")  # custom format
    assert manifest["id"] == backup_id and manifest["kind"] == "full"
    assert manifest["database"]["sha256"] == hashlib.sha256(dump).hexdigest()
    assert manifest["database"]["url"] == make_url(fresh_db).render_as_string(True)
    head = ScriptDirectory.from_config(alembic_config(fresh_db)).get_current_head()
    assert manifest["alembic_revision"] == head
    counts = manifest["database"]["row_counts"]
    assert counts["users"] == 3 and counts["submissions"] == 2 and counts["reviews"] == 1
    assert counts["theses"] == 1 and counts["alembic_version"] == 1
    assert manifest["files"]["count"] == len(BLOBS)
    assert manifest["files"]["bytes"] == sum(map(len, BLOBS.values()))
    assert {o["key"]: o["sha256"] for o in manifest["files"]["objects"]} == {
        key: hashlib.sha256(body).hexdigest() for key, body in BLOBS.items()}
    if destination == "s3":  # the backups bucket's default key encrypts every object
        async with s3_client(s3_endpoint) as s3:
            for key in expected_keys:
                head_object = await s3.head_object(Bucket=backup_bucket, Key=key)
                assert head_object.get("SSEKMSKeyId") == BUCKET_KMS_KEY, key

    # The listing shows it.
    assert await backup.list_command(settings) == 0
    listing = capsys.readouterr().out
    assert backup_id in listing and "full" in listing

    # Damage the database and the files, then restore.
    await damage(fresh_db)
    async with s3_client(s3_endpoint) as s3:
        await s3.delete_object(Bucket=bucket, Key="theses/v1.pdf")
        await s3.put_object(Bucket=bucket, Key="theses/v2.pdf", Body=b"corrupted")
        await s3.put_object(Bucket=bucket, Key="theses/stray.pdf", Body=b"not in backup")
    assert await snapshot(fresh_db) != rows_before

    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 0, \
        capsys.readouterr()
    assert "rows verified" in capsys.readouterr().out
    assert await snapshot(fresh_db) == rows_before
    assert "junk" not in await tables(fresh_db)
    assert await bucket_contents(s3_endpoint, bucket) == BLOBS
    async with s3_client(s3_endpoint) as s3:  # restored objects: the bucket's KMS default
        head_object = await s3.head_object(Bucket=bucket, Key="theses/v1.pdf")
        assert head_object.get("ServerSideEncryption") == "aws:kms"
        assert head_object.get("SSEKMSKeyId") == BUCKET_KMS_KEY
    assert (await verify(fresh_db))["ok"]

    if destination == "local":
        return  # the rest does not depend on where the backup lives
    # The worst case: the database is gone. Drop it, recreate it empty, restore into it.
    name = str(make_url(fresh_db).database)
    await drop_database(name)
    await create_database(name)
    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 0, \
        capsys.readouterr()
    assert await snapshot(fresh_db) == rows_before
    # The application can write again: sequences continue after the restored rows.
    await execute(fresh_db, "INSERT INTO audit_log (action, object_type, object_id, details) "
                            "VALUES ('restore', 'backup', 'x', '{}')")


async def test_sqlite_and_local_files_round_trip(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The embedded default: SQLite in DATA_DIR, files and backups in local folders."""
    settings = make_settings(tmp_path)
    url = settings.effective_database_url
    assert url.startswith("sqlite")
    await asyncio.to_thread(upgrade, url)
    await seed(url)
    files = settings.data_dir / "files"
    for key, body in (BLOBS | UNREFERENCED).items():
        (files / key).parent.mkdir(parents=True, exist_ok=True)
        (files / key).write_bytes(body)
    (files / "theses" / "upload.pdf.part").write_bytes(b"in progress")  # not an object yet
    rows_before = await snapshot(url)

    assert await backup.backup_command(settings) == 0
    backup_id = capsys.readouterr().out.strip()
    folder = settings.data_dir / "backups" / backup_id
    assert (folder / "database.sqlite3").is_file() and (folder / "manifest.json").is_file()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["backend"] == "sqlite"
    assert manifest["files"]["count"] == len(BLOBS)
    copied = {p.relative_to(folder / "files").as_posix()
              for p in (folder / "files").rglob("*") if p.is_file()}
    assert copied == set(BLOBS)  # referenced by a row: yes; staged and abandoned: no

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM reviews"))
        await conn.execute(text("UPDATE users SET full_name = 'x'"))
    await engine.dispose()
    (files / "theses" / "v1.pdf").unlink()
    (files / "theses" / "v2.pdf").write_bytes(b"changed")
    (files / "stray.bin").write_bytes(b"stray")

    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 0, \
        capsys.readouterr()
    assert await snapshot(url) == rows_before
    restored = {p.relative_to(files).as_posix(): p.read_bytes()
                for p in files.rglob("*") if p.is_file() and not p.name.endswith(".part")}
    assert restored == BLOBS


# --- failures are clean ------------------------------------------------------------------

async def test_restore_is_all_or_nothing(
        fresh_db: str, bucket: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, database_url=fresh_db, s3_bucket=bucket,
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    await seed(fresh_db)
    await put_blobs(s3_endpoint, bucket, BLOBS)
    assert await backup.backup_command(settings) == 0
    backup_id = capsys.readouterr().out.strip()
    await damage(fresh_db)
    damaged = await snapshot(fresh_db)

    # psql fails at the very end, after the schema was emptied and the dump applied:
    # everything is rolled back, files are not touched.
    monkeypatch.setenv("PATH", fake_tool(
        tmp_path / "bin", "psql", 'exec /usr/bin/psql "$@" --command="SELECT 1/0"\n'))
    await put_blobs(s3_endpoint, bucket, {"theses/stray.pdf": b"stray"})
    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 1
    err = capsys.readouterr().err
    assert "restore failed" in err and "division by zero" in err and "not changed" in err
    assert [line for line in err.splitlines() if "failed" in line] == [last_line(err)]
    assert await snapshot(fresh_db) == damaged
    assert "junk" in await tables(fresh_db)
    assert "theses/stray.pdf" in await bucket_keys(s3_endpoint, bucket)
    monkeypatch.undo()

    # A dump that does not match its manifest is refused before anything changes.
    async with s3_client(s3_endpoint) as s3:
        await s3.put_object(Bucket=backup_bucket, Key=f"backups/{backup_id}/database.dump",
                            Body=b"PGDMP not really")
    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 1
    assert "sha256" in capsys.readouterr().err
    assert await snapshot(fresh_db) == damaged

    # Unknown and malformed ids.
    assert await backup.restore_command(settings, "20200101T000000Z", assume_yes=True) == 1
    assert "no complete backup" in capsys.readouterr().err
    assert await backup.restore_command(settings, "../../etc", assume_yes=True) == 1
    assert "not a backup id" in capsys.readouterr().err


async def backup_then_damage(settings: Settings, capsys: pytest.CaptureFixture[str]
                             ) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A full backup of seed() and BLOBS; then the database is damaged. Returns the id, the
    manifest and the damaged rows."""
    assert settings.database_url and settings.s3_bucket and settings.s3_endpoint_url
    await seed(settings.database_url)
    await put_blobs(settings.s3_endpoint_url, settings.s3_bucket, BLOBS)
    assert await backup.backup_command(settings) == 0
    backup_id = capsys.readouterr().out.strip()
    stored = await bucket_contents(settings.s3_endpoint_url, str(settings.s3_backup_bucket),
                                   f"backups/{backup_id}/manifest.json")
    await damage(settings.database_url)
    return backup_id, json.loads(stored[f"backups/{backup_id}/manifest.json"]), \
        await snapshot(settings.database_url)


async def test_crafted_manifest_is_refused(
        fresh_db: str, bucket: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Whoever can add objects to the backups bucket can write a manifest: a restore accepts
    only the names a backup writes, and checksums for every object."""
    settings = make_settings(tmp_path, database_url=fresh_db, s3_bucket=bucket,
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    backup_id, genuine, damaged = await backup_then_damage(settings, capsys)
    files_before = await bucket_contents(s3_endpoint, bucket)

    def object_named(key: str) -> Any:
        def craft(m: dict[str, Any]) -> None:
            m["files"]["objects"][0]["key"] = key
        return craft

    def dump_named(name: str) -> Any:
        def craft(m: dict[str, Any]) -> None:
            m["database"]["file"] = name
        return craft

    def without_checksum(m: dict[str, Any]) -> None:
        del m["files"]["objects"][1]["sha256"]

    def old_format(m: dict[str, Any]) -> None:
        m["format"] = 1

    crafts = {
        "../x": (object_named("../x"), "'../x' is not a relative key"),
        "/etc/passwd": (object_named("/etc/passwd"), "'/etc/passwd' is not a relative key"),
        "theses/../../x": (object_named("theses/../../x"), "is not a relative key"),
        "dump /etc/passwd": (dump_named("/etc/passwd"), "'/etc/passwd' is not database.dump"),
        "dump ../x": (dump_named("../database.dump"), "is not database.dump"),
        "no sha256": (without_checksum, "has no sha256"),
        "format 1": (old_format, "format 1"),
    }
    key = f"backups/{backup_id}/manifest.json"
    for name, (craft, reason) in crafts.items():
        crafted = json.loads(json.dumps(genuine))
        craft(crafted)
        async with s3_client(s3_endpoint) as s3:
            await s3.put_object(Bucket=backup_bucket, Key=key, Body=json.dumps(crafted).encode())
        assert await backup.restore_command(settings, backup_id, assume_yes=True) == 1, name
        err = capsys.readouterr().err
        assert "manifest.json refused" in err and reason in err, (name, err)
        assert "nothing was restored" in err
        assert await snapshot(fresh_db) == damaged, name
        assert await bucket_contents(s3_endpoint, bucket) == files_before, name
    assert not (tmp_path / "x").exists() and not (tmp_path / "data" / "x").exists()

    # The genuine manifest still restores.
    async with s3_client(s3_endpoint) as s3:
        await s3.put_object(Bucket=backup_bucket, Key=key, Body=json.dumps(genuine).encode())
    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 0, \
        capsys.readouterr()


async def test_object_not_matching_its_sha256_is_refused(
        fresh_db: str, bucket: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(tmp_path, database_url=fresh_db, s3_bucket=bucket,
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    backup_id, _manifest, damaged = await backup_then_damage(settings, capsys)
    async with s3_client(s3_endpoint) as s3:  # same size, other bytes: only the hash tells
        await s3.delete_object(Bucket=bucket, Key="theses/v1.pdf")
        await s3.put_object(Bucket=backup_bucket, Key=f"backups/{backup_id}/files/theses/v2.pdf",
                            Body=secrets.token_bytes(len(BLOBS["theses/v2.pdf"])))
    files_before = await bucket_contents(s3_endpoint, bucket)

    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 1
    err = capsys.readouterr().err
    assert "files/theses/v2.pdf" in err and "sha256" in err and "nothing was restored" in err
    assert await snapshot(fresh_db) == damaged  # the database was not touched
    assert await bucket_contents(s3_endpoint, bucket) == files_before  # nor the files


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_restore_confirmation(
        fresh_db: str, bucket: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No terminal and no --yes: refused. On a terminal: only the backup id confirms."""
    settings = make_settings(tmp_path, database_url=fresh_db, s3_bucket=bucket,
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    await seed(fresh_db)
    assert await backup.backup_command(settings) == 0
    backup_id = capsys.readouterr().out.strip()
    await damage(fresh_db)
    damaged = await snapshot(fresh_db)

    result = run_cli("restore", backup_id, env=cli_env(settings))
    assert result.returncode == 2, result
    assert "--yes" in result.stderr and "Traceback" not in result.stderr
    assert await snapshot(fresh_db) == damaged

    monkeypatch.setattr(sys, "stdin", FakeTerminal("yes\n"))
    assert await backup.restore_command(settings, backup_id) == 1
    captured = capsys.readouterr()
    assert "REPLACES the database" in captured.err and "cancelled" in captured.err
    assert await snapshot(fresh_db) == damaged

    monkeypatch.setattr(sys, "stdin", FakeTerminal(backup_id + "\n"))
    assert await backup.restore_command(settings, backup_id) == 0, capsys.readouterr()
    assert "junk" not in await tables(fresh_db)


async def test_password_never_on_command_line_or_in_output(
        tmp_path: Path, fresh_db: str, backup_bucket: str, s3_endpoint: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = make_url(fresh_db)
    with_password = parsed.set(password=PASSWORD).render_as_string(hide_password=False)
    log = tmp_path / "pg_dump.log"
    monkeypatch.setenv("PATH", fake_tool(tmp_path / "bin", "pg_dump", (
        f'echo "argv: $*" >> {log}\n'
        f'[ "$PGPASSWORD" = "{PASSWORD}" ] && echo "password via env" >> {log}\n'
        'exec /usr/bin/pg_dump "$@"\n')))
    settings = make_settings(tmp_path, database_url=with_password,
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)

    backup_id = await backup.backup_database_for_migration(settings)
    recorded = log.read_text()
    assert "password via env" in recorded and PASSWORD not in recorded.split("\n")[0]
    assert PASSWORD not in recorded.replace("password via env", "")
    stored = await bucket_contents(s3_endpoint, backup_bucket)
    manifest = json.loads(stored[f"backups/{backup_id}/manifest.json"])
    assert manifest["kind"] == "database" and manifest["files"] is None
    assert PASSWORD not in json.dumps(manifest) and "***" in manifest["database"]["url"]

    assert await backup.list_command(settings) == 0
    missing = parsed.set(password=PASSWORD, database="no_such_db_" + secrets.token_hex(3))
    failing = make_settings(tmp_path, database_url=missing.render_as_string(False),
                            s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    assert await backup.backup_command(failing) == 1
    captured = capsys.readouterr()
    assert "backup failed" in captured.err
    assert PASSWORD not in captured.out + captured.err


def test_libpq_env_from_sqlalchemy_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "elsewhere")
    monkeypatch.setenv("PGPORT", "1")
    env = backup.libpq_env("postgresql+asyncpg://app:p%40ss@db.internal:6543/thesis?ssl=require")
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"], env["PGPASSWORD"],
            env["PGSSLMODE"]) == ("db.internal", "6543", "app", "thesis", "p@ss", "require")
    env = backup.libpq_env("postgresql://app@/thesis?host=/run/postgresql")
    assert env["PGHOST"] == "/run/postgresql" and "PGPORT" not in env
    assert "PGPASSWORD" not in env


# --- migrate --backup ------------------------------------------------------------------------

async def test_migrate_backup_aborts_when_the_dump_fails(
        empty_db: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(tmp_path, database_url=empty_db, s3_endpoint_url=s3_endpoint,
                             s3_backup_bucket=backup_bucket)
    path = fake_tool(tmp_path / "bin", "pg_dump",
                     'echo "pg_dump: error: simulated failure" >&2\nexit 1\n')
    result = run_cli("migrate", "--backup", env=cli_env(settings, PATH=path))
    assert result.returncode == 1, result
    assert "backup failed, migration not started" in result.stderr
    assert "simulated failure" in result.stderr and "Traceback" not in result.stderr
    assert "upgrading" not in result.stdout
    assert await current_revision(empty_db) is None and await tables(empty_db) == []
    assert await bucket_keys(s3_endpoint, backup_bucket) == []  # nothing half-written
    assert not any((settings.data_dir / "backups").iterdir())

    # Same when the database does not exist at all.
    missing = make_url(empty_db).set(database="no_such_db_" + secrets.token_hex(3))
    settings = make_settings(tmp_path, database_url=missing.render_as_string(False),
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    assert await migrate_command(settings, backup=True) == 1
    captured = capsys.readouterr()
    assert "backup failed, migration not started" in captured.err
    assert "does not exist" in captured.err and "upgrading" not in captured.out


async def test_migrate_backup_then_upgrade(
        empty_db: str, bucket: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(tmp_path, database_url=empty_db, s3_bucket=bucket,
                             s3_endpoint_url=s3_endpoint, s3_backup_bucket=backup_bucket)
    await put_blobs(s3_endpoint, bucket, {"theses/keep.pdf": b"keep me"})
    result = run_cli("migrate", "--backup", env=cli_env(settings))
    assert result.returncode == 0, result
    backup_id = result.stdout.split("backup taken: ")[1].split()[0]
    head = ScriptDirectory.from_config(alembic_config(empty_db)).get_current_head()
    assert await current_revision(empty_db) == head
    stored = await bucket_contents(s3_endpoint, backup_bucket)
    manifest = json.loads(stored[f"backups/{backup_id}/manifest.json"])
    assert manifest["reason"] == "pre-migration" and manifest["alembic_revision"] is None
    assert not any(key.startswith(f"backups/{backup_id}/files/") for key in stored)

    # Restoring the pre-migration backup returns to the old schema and leaves files alone.
    assert await backup.restore_command(settings, backup_id, assume_yes=True) == 0, \
        capsys.readouterr()
    assert "files untouched" in capsys.readouterr().out
    assert await tables(empty_db) == [] and await current_revision(empty_db) is None
    assert await bucket_keys(s3_endpoint, bucket) == ["theses/keep.pdf"]


async def test_failed_migration_leaves_the_schema_and_names_the_backup(
        fresh_db: str, backup_bucket: str, s3_endpoint: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    await seed(fresh_db)
    head = ScriptDirectory.from_config(alembic_config(fresh_db)).get_current_head()
    scripts = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", scripts,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_doomed.py").write_text(f'''
"""a migration that fails halfway"""
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("doomed", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("users", sa.Column("doomed", sa.Text))
    op.execute("UPDATE users SET full_name = 'overwritten'")
    op.execute("SELECT 1/0")


def downgrade():
    pass
''')
    real_config = migrate_module.alembic_config

    def doomed_config(database_url: str) -> Any:
        config = real_config(database_url)
        config.set_main_option("script_location", str(scripts))
        return config

    monkeypatch.setattr(migrate_module, "alembic_config", doomed_config)
    before = await snapshot(fresh_db)
    tables_before = await tables(fresh_db)
    settings = make_settings(tmp_path, database_url=fresh_db, s3_endpoint_url=s3_endpoint,
                             s3_backup_bucket=backup_bucket)

    assert await migrate_command(settings, backup=True) == 1
    captured = capsys.readouterr()
    backup_id = captured.out.split("backup taken: ")[1].split()[0]
    assert "migration failed" in captured.err and "division by zero" in captured.err
    assert f"unchanged, at {head}" in captured.err
    assert f"python -m bot restore {backup_id}" in captured.err
    assert await snapshot(fresh_db) == before
    assert await tables(fresh_db) == tables_before
    assert await current_revision(fresh_db) == head
    keys = await bucket_keys(s3_endpoint, backup_bucket)
    assert f"backups/{backup_id}/manifest.json" in keys
