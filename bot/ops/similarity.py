"""``python -m bot similarity-reindex``: the shared-text index rebuilt from stored texts.

Every version's stored text (version_texts) is fingerprinted again (services/similarity.py)
and its bands replace what the index had for it, a batch per transaction, so replicas go on
checking meanwhile (a version being checked sees the index as it is). The checks already
made stay as they are. Run it after a change of the index's parameters, or to repair it.
"""

from __future__ import annotations

import sys

import structlog

from bot.config import Settings
from bot.deps import create_file_store, service_config
from services.base import ServiceDeps
from services.shared_text import SharedTextService
from storage.db import create_engine, create_session_factory
from storage.repositories import similarity

log = structlog.get_logger("bot.ops.similarity")
BATCH = 50


async def reindex(settings: Settings) -> tuple[int, int]:
    """(versions indexed, band rows in the index)."""
    engine = create_engine(settings.effective_database_url)
    sessions = create_session_factory(engine)
    deps = ServiceDeps(files=create_file_store(settings), config=service_config(settings))
    after, total = 0, 0
    try:
        while True:
            async with sessions() as session:
                after, done = await SharedTextService(session, deps).reindex(after, BATCH)
            total += done
            if done < BATCH:
                break
        async with sessions() as session:
            bands, _versions = await similarity.size(session)
    finally:
        await engine.dispose()
    return total, bands


async def reindex_command(settings: Settings) -> int:
    versions, bands = await reindex(settings)
    log.info("similarity_reindexed", versions=versions, bands=bands)
    print(f"shared-text index rebuilt: {versions} versions, {bands} band rows",
          file=sys.stderr)
    return 0
