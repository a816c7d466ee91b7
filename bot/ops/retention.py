"""``python -m bot retention [--dry-run]``: released theses past RETENTION_YEARS anonymised.

The dry run prints what the real run would do, thesis by thesis (the student's name and
Telegram id to be replaced, the count of comments to be removed, the files to be deleted)
and changes nothing. The real run does it one thesis at a time (its files, then its rows in
one transaction: services/retention.py) and logs each step; it is safe to run again (a
thesis done is not listed, one interrupted is). Run it from a scheduled job, e.g. monthly.
"""

from __future__ import annotations

import sys
from typing import TextIO

import structlog

from bot.config import Settings
from bot.deps import create_file_store, service_config
from services.base import ServiceDeps
from services.clock import Clock, SystemClock
from services.retention import RetentionItem, RetentionService, cutoff, delete_files
from storage.db import create_engine, create_session_factory

log = structlog.get_logger("bot.ops.retention")


def describe(item: RetentionItem) -> str:
    return (f"thesis {item.thesis_id} \"{item.title}\" released "
            f"{item.released_at.date().isoformat()}: anonymise student {item.student_name} "
            f"(Telegram id {item.student_id}), {item.comments} comments/notes/reports; "
            f"delete {len(item.files)} files")


async def run_retention(settings: Settings, dry_run: bool, clock: Clock | None = None,
                        out: TextIO | None = None) -> list[RetentionItem]:
    """What was (or, in a dry run, would be) anonymised."""
    out = out or sys.stdout
    clock = clock or SystemClock()
    years = settings.retention_years
    engine = create_engine(settings.effective_database_url)
    sessions = create_session_factory(engine)
    files = create_file_store(settings)
    deps = ServiceDeps(files=files, config=service_config(settings), clock=clock)
    try:
        async with sessions() as session:
            items = await RetentionService(session, deps).due(years)
        mode = "dry run, nothing changed" if dry_run else "anonymising"
        print(f"retention: RETENTION_YEARS={years}, released before "
              f"{cutoff(clock.now(), years).date().isoformat()}: {len(items)} theses "
              f"({mode})", file=out)
        for item in items:
            print(describe(item), file=out)
            if dry_run:
                continue
            deleted = await delete_files(files, item)
            log.info("retention_files_deleted", thesis_id=item.thesis_id, files=deleted)
            async with sessions() as session:
                new_id = await RetentionService(session, deps).anonymise(item, years)
            log.info("retention_anonymised", thesis_id=item.thesis_id,
                     comments=item.comments, pseudonymous_id=new_id)
            print(f"  done: thesis {item.thesis_id} anonymised (now id {new_id})", file=out)
    finally:
        await files.close()
        await engine.dispose()
    return items


async def retention_command(settings: Settings, dry_run: bool) -> int:
    await run_retention(settings, dry_run)
    return 0
