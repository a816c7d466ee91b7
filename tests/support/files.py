"""The file invariant, checked after every fault test: every file_key in submissions,
reviews and thread comments exists in the bucket, and (after a sweep) no unreferenced object is older than the
staged-file TTL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aioboto3
from sqlalchemy import select

from services.staged_files import is_staged_key
from storage.db import create_engine
from storage.models import StoredFile
from storage.repositories.stored_files import owner_columns

TTL = timedelta(hours=24)


async def bucket_objects(endpoint: str, bucket: str) -> dict[str, datetime]:
    """Every object of the bucket with its last-modified time."""
    found: dict[str, datetime] = {}
    async with aioboto3.Session().client("s3", endpoint_url=endpoint,
                                         region_name="us-east-1") as s3:
        async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[item["Key"]] = item["LastModified"].astimezone(UTC)
    return found


async def referenced_keys(db_url: str) -> set[str]:
    """Every key a row holds (each owner column, found from its foreign key to
    stored_files)."""
    engine = create_engine(db_url)
    found: set[str] = set()
    try:
        async with engine.connect() as conn:
            for column in owner_columns():
                found |= {key for key in (await conn.execute(
                    select(column).where(column.is_not(None)))).scalars().all()}
    finally:
        await engine.dispose()
    return found


async def assert_files_consistent(db_url: str, endpoint: str, bucket: str, *,
                                  swept_at: datetime | None = None,
                                  ttl: timedelta = TTL, prefix: str = "theses/") -> None:
    """Every referenced file is in the bucket; with ``swept_at`` (the ``now`` of a sweep
    that just ran), no unreferenced upload older than ``ttl`` at that moment is left (other
    objects, a backup in the bucket say, are not uploads and are never swept)."""
    objects = await bucket_objects(endpoint, bucket)
    referenced = await referenced_keys(db_url)
    missing = referenced - objects.keys()
    assert not missing, f"rows refer to files that are not in the bucket: {sorted(missing)}"
    if swept_at is not None:
        stale = [key for key, modified in objects.items()
                 if key not in referenced and modified < swept_at - ttl
                 and is_staged_key(prefix, key)]
        assert not stale, f"unreferenced objects older than the TTL after a sweep: {stale}"


def stored(key: str, kind: str = "version") -> StoredFile:
    """The row a test's own object key needs before an owner row may hold it (the owners'
    key columns are foreign keys to stored_files.key)."""
    return StoredFile(key=key, kind=kind, state="attached", created_at=datetime.now(UTC))


def stored_values(*keys: str, kind: str = "version") -> list[dict[str, object]]:
    """The same, for a Core insert of several keys."""
    return [{"key": key, "kind": kind, "state": "attached"} for key in keys]
