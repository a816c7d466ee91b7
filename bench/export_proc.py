"""One export measured in a process of its own, so that its RSS is the export's alone.

``python -m bench.export_proc table --db URL``: the admin's CSV and XLSX export of the whole
database (the bot's ``ExportService.tables``), timed, with the peak RSS growth over the
process's RSS just before it.

``python -m bench.export_proc zip --db URL --s3 URL --bucket NAME --theses N --size BYTES``:
puts N theses with one version of SIZE bytes each into an empty database and the bucket,
then times a plain copy (every object read from the store, bytes dropped) against the
latest-versions ZIP streamed from the store (``ExportService.stream``, bytes dropped), with
the ZIP's peak RSS growth.

Prints one JSON line with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.infra import AWS_ENV, RssSampler, proc_status, reset_peak
from services.base import ServiceConfig, ServiceDeps
from services.exports import ExportService
from services.vocabulary import Role
from storage.db import create_engine, create_session_factory
from storage.files import S3FileStore, new_key
from storage.models import StoredFile, Submission, Thesis, User

for _key, _value in AWS_ENV.items():
    os.environ.setdefault(_key, _value)

ADMIN = 1


class _Measure:
    """Peak RSS growth of what runs inside, over the RSS when it starts."""

    def __enter__(self) -> _Measure:
        self.pid = os.getpid()
        reset_peak(self.pid)
        self.before = proc_status(self.pid)["VmRSS"]
        self.sampler = RssSampler(self.pid)
        self.sampler.__enter__()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        self.sampler.__exit__(None, None, None)
        after = proc_status(self.pid)
        self.growth = max(after["VmHWM"], self.sampler.peak) - self.before


async def table(db: str) -> dict[str, Any]:
    engine = create_engine(db)
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        deps = ServiceDeps(files=S3FileStore("unused", endpoint_url=None, region="us-east-1"),
                           config=ServiceConfig())
        async with create_session_factory(engine)() as session:
            admin = await session.get(User, ADMIN)
            assert admin is not None and admin.role == Role.ADMIN.value
            await session.commit()
            with _Measure() as took:
                paths = await ExportService(session, deps).tables(admin, folder)
        sizes = {p.name: p.stat().st_size for p in paths}
        with (folder / "versions.csv").open() as handle:
            rows = sum(1 for _ in handle) - 1
        return {"seconds": took.seconds, "growth": took.growth, "rss_before": took.before,
                "rows": rows, "sizes": sizes}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        await engine.dispose()


async def _payload(size: int) -> AsyncIterator[bytes]:
    block = secrets.token_bytes(256 * 1024)
    left = size
    while left > 0:
        yield block[:left]
        left -= len(block)


async def zipped(db: str, s3: str, bucket: str, theses: int, size: int) -> dict[str, Any]:
    engine = create_engine(db)
    store = S3FileStore(bucket, endpoint_url=s3, region="us-east-1")
    deps = ServiceDeps(files=store, config=ServiceConfig())
    now = datetime.now(UTC)
    keys = []
    try:
        async with create_session_factory(engine)() as session, session.begin():
            session.add(User(id=ADMIN, role=Role.ADMIN.value, full_name="Bench Admin",
                             created_at=now))
            for n in range(theses):
                key = new_key("bench-zip/", "bin")
                await store.put_stream(key, _payload(size), "application/pdf")
                keys.append(key)
                student = User(id=10_000 + n, role=Role.STUDENT.value,
                               full_name=f"Student {n:04d}", created_at=now)
                session.add(student)
                await session.flush()
                thesis = Thesis(student_id=student.id, title=f"A thesis on topic {n}",
                                status="submitted", latest_version=1, created_at=now,
                                updated_at=now)
                session.add(thesis)
                await session.flush()
                session.add(StoredFile(key=key, name="thesis.pdf", kind="version", size=size,
                                       state="attached", created_at=now))
                session.add(Submission(thesis_id=thesis.id, version=1, file_key=key,
                                       file_name="thesis.pdf", file_kind="pdf", file_size=size,
                                       sha256="0" * 64, submitted_at=now))
        # Warm both paths (connections, code) once on one object.
        async for _chunk in store.read(keys[0]):
            pass
        copy_times, zip_times, growths, total = [], [], [], 0
        for rep in range(3):
            # Alternated, and measured alike (the RSS sampler runs during both).
            for which in ("copy", "zip") if rep % 2 == 0 else ("zip", "copy"):
                if which == "copy":
                    with _Measure() as took:
                        for key in keys:
                            async for _chunk in store.read(key):
                                pass
                    copy_times.append(took.seconds)
                    continue
                async with create_session_factory(engine)() as session:
                    admin = await session.get(User, ADMIN)
                    assert admin is not None
                    exports = ExportService(session, deps)
                    archive = await exports.latest(admin)
                    with _Measure() as took:
                        total = 0
                        async for chunk in exports.stream(archive):
                            total += len(chunk)
                zip_times.append(took.seconds)
                growths.append(took.growth)
        return {"copy": statistics.median(copy_times), "zip": statistics.median(zip_times),
                "growth": max(growths), "bytes": total, "files": len(keys), "size": size}
    finally:
        for key in keys:
            await store.delete(key)
        await store.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export_proc")
    parser.add_argument("what", choices=("table", "zip"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--s3", default="")
    parser.add_argument("--bucket", default="")
    parser.add_argument("--theses", type=int, default=200)
    parser.add_argument("--size", type=int, default=512 * 1024)
    args = parser.parse_args(argv)
    if args.what == "table":
        result = asyncio.run(table(args.db))
    else:
        result = asyncio.run(zipped(args.db, args.s3, args.bucket, args.theses, args.size))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
