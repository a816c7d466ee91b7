"""Both file stores: streaming round trips, multipart sizes, and nothing left on failure."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aioboto3
import pytest

from storage.files import (
    PART_SIZE,
    FileStore,
    LocalFileStore,
    ObjectExists,
    S3FileStore,
    all_objects,
)
from tests.conftest import BUCKET_KMS_KEY, bucket_keys


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


async def test_listing_by_prefix(store: FileStore) -> None:
    for key in ("backups/20260101T000000Z/a.bin", "backups/20260101T000000Z/files/t/b.pdf",
                "backups/20260102T000000Z/manifest.json", "theses/c.pdf"):
        await store.put_stream(key, chunks_of(key.encode()), "x")
    found = {o.key: o.size async for o in all_objects(store, "backups/20260101T000000Z/")}
    assert found == {"backups/20260101T000000Z/a.bin": 30,
                     "backups/20260101T000000Z/files/t/b.pdf": 38}
    assert {o.key async for o in all_objects(store, "theses/")} == {"theses/c.pdf"}
    assert len([o async for o in all_objects(store)]) == 4
    assert await store.folders("backups/") == ["20260101T000000Z", "20260102T000000Z"]
    assert await store.folders("nothing/") == []


@pytest.mark.parametrize("size", [10, PART_SIZE + 10])
async def test_write_once_store_never_replaces(s3_endpoint: str, bucket: str, tmp_path: Path,
                                               size: int) -> None:
    s3 = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1", write_once=True)
    stores: list[FileStore] = [s3, LocalFileStore(tmp_path / "files", write_once=True)]
    try:
        for store in stores:
            original = os.urandom(size)
            await store.put_stream("backups/x/manifest.json", chunks_of(original), "x")
            with pytest.raises(ObjectExists):
                await store.put_stream("backups/x/manifest.json", chunks_of(os.urandom(size)),
                                       "x")
            kept = b"".join([c async for c in store.read("backups/x/manifest.json")])
            assert kept == original, store
    finally:
        await s3.close()
    assert [p.name for p in (tmp_path / "files" / "backups" / "x").iterdir()] == ["manifest.json"]


@pytest.mark.parametrize("size", [10, PART_SIZE + 10])
async def test_objects_take_the_buckets_default_encryption(s3_endpoint: str, bucket: str,
                                                            size: int) -> None:
    """No write names an algorithm: the bucket's KMS default applies (not AES256 over it)."""
    store = S3FileStore(bucket, endpoint_url=s3_endpoint, region="us-east-1")
    try:
        await store.put_stream("theses/k.pdf", chunks_of(os.urandom(size)), "application/pdf")
    finally:
        await store.close()
    async with aioboto3.Session().client("s3", endpoint_url=s3_endpoint,
                                         region_name="us-east-1") as client:
        head = await client.head_object(Bucket=bucket, Key="theses/k.pdf")
    assert head.get("ServerSideEncryption") == "aws:kms"
    assert head.get("SSEKMSKeyId") == BUCKET_KMS_KEY
