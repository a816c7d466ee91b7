"""Where backups and files live, as file stores (storage.files), and moving objects between.

Backups go to the backups bucket (``S3_BACKUP_BUCKET``) or, without one, to
``DATA_DIR/backups/<id>/``; the files are wherever the bot keeps them (``S3_BUCKET`` or
``DATA_DIR/files``). The backups store is write-once: a backup only ever adds new keys, so it
can neither overwrite another backup nor be tricked into it (see infra/terraform/s3.tf).
Objects are copied as streams through this process, hashed on the way (sha256), never with a
server-side copy: the backups bucket's policy refuses writes without ``If-None-Match``, which
CopyObject cannot send.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.ops.backup.errors import BackupError
from bot.ops.backup.manifest import BACKUP_ID, PREFIX
from storage.files import (
    READ_CHUNK,
    FileStore,
    LocalFileStore,
    ObjectInfo,
    S3FileStore,
    all_objects,
)

COPY_CONCURRENCY = 8  # below botocore's pool of 10 connections per client


@dataclass
class Places:
    backups: FileStore
    files: FileStore
    staging_root: Path  # DATA_DIR/backups: dumps are written here first
    local: bool  # the backups store is staging_root's parent itself

    def staging(self, backup_id: str) -> Path:
        return self.staging_root / backup_id

    def where(self) -> str:
        return str(self.staging_root) if self.local else str(self.backups)


@contextlib.asynccontextmanager
async def open_places(settings: Settings) -> AsyncIterator[Places]:
    if settings.s3_backup_bucket and settings.s3_backup_bucket == settings.s3_bucket:
        raise BackupError("S3_BACKUP_BUCKET must not be the files bucket S3_BUCKET")
    session: Any = None
    if settings.s3_bucket or settings.s3_backup_bucket:
        import aioboto3

        session = aioboto3.Session()  # shared: it caches botocore's parsed service models

    def bucket(name: str, *, write_once: bool = False) -> S3FileStore:
        return S3FileStore(name, endpoint_url=settings.s3_endpoint_url,
                           region=settings.s3_region, session=session, write_once=write_once)

    data_dir = settings.data_dir.resolve()
    backups: FileStore = (bucket(settings.s3_backup_bucket, write_once=True)
                          if settings.s3_backup_bucket
                          # keys backups/<id>/... land in DATA_DIR/backups/<id>/
                          else LocalFileStore(data_dir, write_once=True))
    # As bot.deps.create_file_store: the store the bot writes thesis files to.
    files: FileStore = (bucket(settings.s3_bucket) if settings.s3_bucket
                        else LocalFileStore(data_dir / "files"))
    try:
        yield Places(backups, files, data_dir / PREFIX.rstrip("/"),
                     local=not settings.s3_backup_bucket)
    finally:
        await backups.close()
        await files.close()


async def list_ids(store: FileStore) -> list[str]:
    return [name for name in await store.folders(PREFIX) if BACKUP_ID.match(name)]


async def has_prefix(store: FileStore, prefix: str) -> bool:
    async for _ in all_objects(store, prefix):
        return True
    return False


async def listing(store: FileStore, prefix: str = "") -> dict[str, ObjectInfo]:
    return {item.key: item async for item in all_objects(store, prefix)}


async def read_bytes(store: FileStore, key: str) -> bytes | None:
    if not await store.exists(key):
        return None
    return b"".join([chunk async for chunk in store.read(key)])


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def write_bytes(store: FileStore, key: str, data: bytes) -> None:
    await store.put_stream(key, _once(data), "application/json")


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
            yield chunk


async def upload(store: FileStore, key: str, path: Path) -> None:
    await store.put_stream(key, _file_chunks(path), "application/octet-stream")


async def download(store: FileStore, key: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as handle:
            async for chunk in store.read(key):
                await asyncio.to_thread(handle.write, chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class Mismatch(BackupError):
    """An object's bytes do not hash to what the manifest recorded."""


async def _hashed(chunks: AsyncIterator[bytes], digest: Any, expected: str | None,
                  what: str) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        digest.update(chunk)
        yield chunk
    # Raised before the last chunk is handed on completes the write: the store then
    # aborts it, so a corrupted object is never put in place.
    if expected is not None and digest.hexdigest() != expected:
        raise Mismatch(f"{what} does not match the sha256 in the manifest")


async def copy(src: FileStore, src_key: str, dst: FileStore, dst_key: str, *,
               expected: str | None = None) -> tuple[int, str]:
    """Stream one object across; returns its size and sha256 (checked against expected)."""
    digest = hashlib.sha256()
    size = await dst.put_stream(dst_key, _hashed(src.read(src_key), digest, expected, src_key),
                                "application/octet-stream")
    return size, digest.hexdigest()


async def sha256_of(store: FileStore, key: str) -> str:
    digest = hashlib.sha256()
    async for chunk in store.read(key):
        digest.update(chunk)
    return digest.hexdigest()


async def each(items: Iterable[Any], fn: Callable[[Any], Awaitable[None]],
               limit: int = COPY_CONCURRENCY) -> None:
    """fn over items, limit at a time; the first failure stops the rest and is raised."""
    iterator = iter(items)

    async def worker() -> None:
        for item in iterator:  # shared: each item goes to exactly one worker
            await fn(item)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(limit):
                group.create_task(worker())
    except BaseExceptionGroup as group_error:
        first: BaseException = group_error
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None


async def discard(places: Places, backup_id: str, prefix: str) -> None:
    """Best effort after a failed backup: in production the application role may not delete
    in the backups bucket, and a backup without manifest.json is listed as incomplete."""
    shutil.rmtree(places.staging(backup_id), ignore_errors=True)
    if places.local:
        return
    with contextlib.suppress(Exception):
        keys = list(await listing(places.backups, prefix))
        await each(keys, places.backups.delete)
