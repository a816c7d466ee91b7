"""Where thesis files live: S3 (streaming multipart, private) or a local folder.

Encryption at rest is the bucket's default (SSE-KMS, see infra/terraform/s3.tf): no write
names an algorithm, so the bucket's key applies instead of being overridden per object.
A store made with ``write_once=True`` never replaces an object (S3: ``If-None-Match: *``, which
the backups bucket's policy demands): backups use it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import aioboto3
from botocore.config import Config as BotoConfig

# S3's smallest part (but the last): with two parts in memory, an upload holds ~10 MiB.
PART_SIZE = 5 * 1024 * 1024
READ_CHUNK = 256 * 1024


ARCHIVED_CLASSES = {"GLACIER", "DEEP_ARCHIVE"}  # not readable until restored from the archive
# Objects per listing page (S3's own maximum): the listing never holds more than a page.
LIST_PAGE = 1000


class FileStoreError(Exception):
    """The file store could not complete an operation."""


class ObjectMissing(FileStoreError):
    """There is no object under the key (never stored, or deleted)."""


class ObjectExists(FileStoreError):
    """A write-once store was asked to replace an object."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    last_modified: datetime  # aware, UTC
    archived: bool = False  # in an archive storage class: not readable until restored


class FileStore(Protocol):
    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> int:
        """Store the chunks under key; returns the byte count. Nothing is left on failure."""

    def read(self, key: str) -> AsyncIterator[bytes]:
        """Yield the object's bytes in chunks."""

    def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Yield bytes ``start`` to ``end`` (inclusive) of the object, in chunks."""

    async def delete(self, key: str) -> None: ...

    def pages(self, prefix: str) -> AsyncIterator[list[ObjectInfo]]:
        """Every object under prefix with its last-modified time, a page at a time."""

    async def exists(self, key: str) -> bool: ...

    async def folders(self, prefix: str) -> list[str]:
        """The names one level below prefix (prefix ends with "/"), like ``ls``."""

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def new_key(prefix: str, suffix: str) -> str:
    """An unguessable object key (192 random bits) under prefix."""
    return f"{prefix}{secrets.token_urlsafe(24)}.{suffix}"


class LocalFileStore:
    def __init__(self, root: Path, *, write_once: bool = False) -> None:
        self._root = root.resolve()
        self._write_once = write_once

    def __str__(self) -> str:
        return str(self._root)

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root):
            raise FileStoreError("key escapes the store")
        return path

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        size = 0
        try:
            with partial.open("wb") as handle:
                async for chunk in chunks:
                    await asyncio.to_thread(handle.write, chunk)
                    size += len(chunk)
            if self._write_once:
                try:
                    os.link(partial, path)  # fails if path exists: never replaced
                except FileExistsError:
                    raise ObjectExists(f"{key} exists already") from None
                partial.unlink()
            else:
                os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    async def read(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        if not path.exists():
            raise ObjectMissing("no such object")
        with path.open("rb") as handle:
            while chunk := await asyncio.to_thread(handle.read, READ_CHUNK):
                yield chunk

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        path = self._path(key)
        if not path.exists():
            raise ObjectMissing("no such object")
        left = end - start + 1
        with path.open("rb") as handle:
            await asyncio.to_thread(handle.seek, start)
            while left > 0 and (chunk := await asyncio.to_thread(handle.read,
                                                                 min(READ_CHUNK, left))):
                left -= len(chunk)
                yield chunk

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    async def exists(self, key: str) -> bool:
        return self._path(key).exists()

    async def pages(self, prefix: str) -> AsyncIterator[list[ObjectInfo]]:
        # Keys are paths relative to the root; a prefix need not end at a folder ("a/b" lists
        # "a/b.bin" and "a/b/c.bin"), as in S3.
        folder_key = prefix.rpartition("/")[0]
        folder = self._path(folder_key) if folder_key else self._root
        page: list[ObjectInfo] = []
        for path in await asyncio.to_thread(_files_under, folder):
            key = path.relative_to(self._root).as_posix()
            if not key.startswith(prefix):
                continue
            try:
                stat = await asyncio.to_thread(path.stat)
            except FileNotFoundError:  # deleted since the walk
                continue
            page.append(ObjectInfo(key, stat.st_size,
                                   datetime.fromtimestamp(stat.st_mtime, UTC)))
            if len(page) >= LIST_PAGE:
                yield page
                page = []
        if page:
            yield page

    async def folders(self, prefix: str) -> list[str]:
        base = self._path(prefix)
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_dir())

    async def ping(self) -> None:
        self._root.mkdir(parents=True, exist_ok=True)
        if not os.access(self._root, os.W_OK):
            raise FileStoreError(f"{self._root} is not writable")

    async def close(self) -> None:
        return None


class S3FileStore:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None,
        region: str,
        session: aioboto3.Session | None = None,
        write_once: bool = False,
    ) -> None:
        self.bucket = bucket
        # If-None-Match: * on every object creation: S3 refuses to replace an existing key.
        self._condition: dict[str, str] = {"IfNoneMatch": "*"} if write_once else {}
        self._session = session or aioboto3.Session()
        self._client_kwargs: dict[str, Any] = {
            "region_name": region,
            "endpoint_url": endpoint_url,
            # Bounded so that a call gives up within the update's budget (45 s for all of it,
            # bot/middlewares/deadline.py): two attempts of at most 3 s + 10 s each.
            "config": BotoConfig(
                connect_timeout=3,
                read_timeout=10,
                retries={"total_max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path"} if endpoint_url else None,
            ),
        }
        self._stack = AsyncExitStack()
        self._client: Any = None
        self._lock = asyncio.Lock()

    def __str__(self) -> str:
        return f"s3://{self.bucket}"

    async def _s3(self) -> Any:
        # One long-lived client (connection pool) per process, created on first use.
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    client = self._session.client("s3", **self._client_kwargs)
                    self._client = await self._stack.enter_async_context(client)
        return self._client

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> int:
        """Multipart upload, one part on the wire while the next one is being received.

        At most two parts are in memory (the one uploading and the one filling), whatever
        the file's size; a failure aborts the upload so no object or part is left.
        """
        s3 = await self._s3()
        filling: list[bytes] = []
        filled = size = 0
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        uploading: asyncio.Task[dict[str, Any]] | None = None
        try:
            async for chunk in chunks:
                filling.append(chunk)
                filled += len(chunk)
                size += len(chunk)
                if filled < PART_SIZE:
                    continue
                if upload_id is None:
                    upload_id = await self._start_multipart(s3, key, content_type)
                if uploading is not None:
                    parts.append(await uploading)
                body, filling, filled = b"".join(filling), [], 0
                uploading = asyncio.create_task(
                    self._upload_part(s3, key, upload_id, len(parts) + 1, body))
                del body
            if upload_id is None:
                await s3.put_object(
                    Bucket=self.bucket, Key=key, Body=b"".join(filling),
                    ContentType=content_type, **self._condition,
                )
                return size
            if uploading is not None:
                parts.append(await uploading)
                uploading = None
            if filling:
                parts.append(await self._upload_part(s3, key, upload_id, len(parts) + 1,
                                                     b"".join(filling)))
            await s3.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": parts}, **self._condition,
            )
        except BaseException as exc:
            if uploading is not None:
                uploading.cancel()
                await asyncio.gather(uploading, return_exceptions=True)
            if upload_id is not None or not self._condition:
                # A write-once store never deletes: the object under key is not ours.
                await asyncio.shield(self._abort(s3, key, upload_id))
            if self._condition and _status(exc) == 412:
                raise ObjectExists(f"{key} exists already in {self}") from exc
            raise
        return size

    async def _start_multipart(self, s3: Any, key: str, content_type: str) -> str:
        response = await s3.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=content_type
        )
        return str(response["UploadId"])

    async def _upload_part(
        self, s3: Any, key: str, upload_id: str, number: int, body: bytes
    ) -> dict[str, Any]:
        response = await s3.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"ETag": response["ETag"], "PartNumber": number}

    async def _abort(self, s3: Any, key: str, upload_id: str | None) -> None:
        try:
            if upload_id is not None:
                await s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            else:
                await s3.delete_object(Bucket=self.bucket, Key=key)
        except Exception:  # noqa: BLE001 - the original error matters more than cleanup's
            pass

    async def read(self, key: str) -> AsyncIterator[bytes]:
        s3 = await self._s3()
        try:
            response = await s3.get_object(Bucket=self.bucket, Key=key)
        except Exception as exc:  # botocore's ClientError: NoSuchKey is a 404
            if _status(exc) == 404:
                raise ObjectMissing(f"no such object in {self}") from exc
            raise
        body = response["Body"]
        # Entering the body yields aiohttp's response, whose read() takes no size: read
        # through aiobotocore's StreamingBody and only use the context to release it.
        async with body:
            while chunk := await body.read(READ_CHUNK):
                yield chunk

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        s3 = await self._s3()
        response = await s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end}")
        body = response["Body"]
        async with body:
            while chunk := await body.read(READ_CHUNK):
                yield chunk

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self.bucket, Key=key)

    async def exists(self, key: str) -> bool:
        s3 = await self._s3()
        try:
            await s3.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:  # botocore raises ClientError with a 404 code
            if _status(exc) == 404:
                return False
            raise
        return True

    async def pages(self, prefix: str) -> AsyncIterator[list[ObjectInfo]]:
        s3 = await self._s3()
        paginator = s3.get_paginator("list_objects_v2")
        async for response in paginator.paginate(Bucket=self.bucket, Prefix=prefix,
                                                 PaginationConfig={"PageSize": LIST_PAGE}):
            page = [ObjectInfo(item["Key"], int(item["Size"]), _aware(item["LastModified"]),
                               item.get("StorageClass") in ARCHIVED_CLASSES)
                    for item in response.get("Contents", [])]
            if page:
                yield page

    async def folders(self, prefix: str) -> list[str]:
        s3 = await self._s3()
        names = []
        async for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            names += [c["Prefix"][len(prefix):].rstrip("/") for c in page.get("CommonPrefixes", [])]
        return sorted(names)

    async def ping(self) -> None:
        s3 = await self._s3()
        await s3.head_bucket(Bucket=self.bucket)

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(code) if code is not None else None
    return None


def _aware(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _files_under(folder: Path) -> list[Path]:
    """Every file below folder (none if it does not exist), sorted for a stable order."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


async def all_objects(store: FileStore, prefix: str = "") -> AsyncIterator[ObjectInfo]:
    """Every object under prefix, one at a time (the store lists them a page at a time)."""
    async for page in store.pages(prefix):
        for item in page:
            yield item
