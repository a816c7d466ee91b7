"""Both file stores: streaming round trips, multipart sizes, and nothing left on failure."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aioboto3
import pytest

from storage.files import PART_SIZE, FileStore, LocalFileStore, S3FileStore
from tests.conftest import bucket_keys


async def chunks_of(data: bytes, size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


async def failing_after(count: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield os.urandom(1024 * 1024)
    raise RuntimeError("the sender went away")


@pytest.fixture(params=["s3", "local"])
async def store(request: pytest.FixtureRequest, s3_endpoint: str, bucket: str,
                tmp_path: Path) -> AsyncIterator[FileStore]:
    if request.param == "s3":
        s3 = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
        yield s3
        await s3.close()
    else:
        yield LocalFileStore(tmp_path / "files")


@pytest.mark.parametrize("size", [0, 1000, PART_SIZE, 3 * PART_SIZE + 12345])
async def test_round_trip(store: FileStore, size: int) -> None:
    data = os.urandom(size)
    assert await store.put_stream("theses/a.bin", chunks_of(data), "application/pdf") == size
    read = b"".join([chunk async for chunk in store.read("theses/a.bin")])
    assert hashlib.sha256(read).digest() == hashlib.sha256(data).digest()
    assert await store.exists("theses/a.bin")
    await store.delete("theses/a.bin")
    assert not await store.exists("theses/a.bin")
    await store.ping()


async def test_failure_leaves_nothing(store: FileStore, s3_endpoint: str, bucket: str,
                                      tmp_path: Path) -> None:
    for count in (2, 2 * PART_SIZE // (1024 * 1024) + 1):
        with pytest.raises(RuntimeError):
            await store.put_stream("theses/broken.bin", failing_after(count), "x")
        assert not await store.exists("theses/broken.bin")
    if isinstance(store, S3FileStore):
        assert await bucket_keys(s3_endpoint, bucket) == []
        async with aioboto3.Session().client("s3", endpoint_url=s3_endpoint,
                                             region_name="us-east-1") as s3:
            uploads = await s3.list_multipart_uploads(Bucket=bucket)
        assert uploads.get("Uploads", []) == []
    else:
        assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []


async def test_local_store_refuses_keys_outside_its_folder(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    with pytest.raises(Exception, match="escapes"):
        await store.put_stream("../outside.bin", chunks_of(b"x"), "x")
