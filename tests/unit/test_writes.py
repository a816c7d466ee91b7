"""The transaction policy of services/base.py: @writes commits on return, rolls back and
releases what was staged on error, and a call inside another joins it; @read_only inside
@writes ends nothing."""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, ServiceConfig, ServiceDeps, on_rollback, read_only, writes
from storage.files import LocalFileStore


class FakeSession:
    def __init__(self) -> None:
        self.info: dict[str, Any] = {}
        self.log: list[str] = []

    async def commit(self) -> None:
        self.log.append("commit")

    async def rollback(self) -> None:
        self.log.append("rollback")


class Box(BaseService):
    @writes
    async def save(self, fail: bool = False) -> str:
        self.session_log.append("save")

        async def release() -> None:
            self.session_log.append("released")

        on_rollback(self.session, release)
        if fail:
            raise ValueError("refused")
        return "saved"

    @writes
    async def outer(self, fail: bool = False) -> str:
        await self.save()
        await self.look()
        if fail:
            raise ValueError("refused")
        return "both"

    @read_only
    async def look(self) -> str:
        return "seen"

    @property
    def session_log(self) -> list[str]:
        return cast(FakeSession, self.session).log


def box(tmp_path: Any) -> tuple[Box, FakeSession]:
    session = FakeSession()
    deps = ServiceDeps(files=LocalFileStore(tmp_path), config=ServiceConfig())
    return Box(cast(AsyncSession, session), deps), session


async def test_a_write_commits_when_it_returns(tmp_path: Any) -> None:
    service, session = box(tmp_path)
    assert await service.save() == "saved"
    assert session.log == ["save", "commit"]
    assert session.info.get("writes_depth") == 0


async def test_a_failed_write_rolls_back_and_releases_what_it_staged(tmp_path: Any) -> None:
    service, session = box(tmp_path)
    with pytest.raises(ValueError):
        await service.save(fail=True)
    assert session.log == ["save", "rollback", "released"]
    # Nothing is left for the next call to release.
    assert await service.save() == "saved"
    assert session.log[-2:] == ["save", "commit"]


async def test_a_write_inside_a_write_joins_it(tmp_path: Any) -> None:
    service, session = box(tmp_path)
    assert await service.outer() == "both"
    assert session.log == ["save", "commit"]  # one commit, the outer call's
    service, session = box(tmp_path)
    with pytest.raises(ValueError):
        await service.outer(fail=True)
    assert session.log == ["save", "rollback", "released"]
