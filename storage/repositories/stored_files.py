"""The stored objects (``stored_files``): the only ground on which an object may be deleted.

Every column that holds a file is a foreign key to ``stored_files.key``; the owners are found
from those keys (``owner_columns``), so a new kind of file is covered by declaring its column
with ``storage.models._file_ref``, not by remembering a list here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Select, delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import FileState
from storage.models import Base, StoredFile

STAGED, ATTACHED = FileState.STAGED.value, FileState.ATTACHED.value


def owner_columns() -> list[Column[Any]]:
    """Every column of every table that refers to a stored object (its foreign keys)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == StoredFile.__tablename__:
                found.append(fk.parent)
    return sorted(found, key=lambda c: (c.table.name, c.name))


def _referenced() -> ColumnElement[bool]:
    """True for a stored_files row that some owner row refers to."""
    return or_(*(exists().where(column == StoredFile.key) for column in owner_columns()))


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def add(session: AsyncSession, *, key: str, kind: str, name: str | None,
              size: int | None, sha256: str | None, state: str, now: datetime,
              format: str | None = None, telegram_file_id: str | None = None) -> int:
    """The store holds a new object: its row, and its id (a replay finds the row there
    already: its id then costs a second statement)."""
    added = await session.scalar(_insert(session)(StoredFile).values(
        key=key, kind=kind, name=name, size=size, sha256=sha256, state=state,
        format=format, telegram_file_id=telegram_file_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["key"]).returning(StoredFile.id))
    if added is None:
        added = await session.scalar(select(StoredFile.id).where(StoredFile.key == key))
    assert added is not None
    return int(added)


async def attach(session: AsyncSession, file_id: int,
                 holder: Callable[[Any], Select[int]] | None = None,
                 ) -> tuple[StoredFile | None, int | None]:
    """A row is about to refer to a staged object: it is attached now (the sweeper never
    takes it again), and the row comes back (None: the sweeper took it). With ``holder``
    (given the key column, the id of an owner row holding that key), that row's id, read in
    the same statement: a replayed step finds its row without a read of its own."""
    returning: list[Any] = [StoredFile]
    if holder is not None:
        returning.append(holder(StoredFile.key).correlate(StoredFile).scalar_subquery())
    row = (await session.execute(
        update(StoredFile).where(StoredFile.id == file_id).values(state=ATTACHED)
        .returning(*returning).execution_options(synchronize_session=False))).first()
    if row is None:
        return None, None
    return row[0], (row[1] if holder is not None else None)


async def key_of(session: AsyncSession, file_id: int) -> str | None:
    return await session.scalar(select(StoredFile.key).where(StoredFile.id == file_id))


async def id_of(session: AsyncSession, key: str) -> int | None:
    return await session.scalar(select(StoredFile.id).where(StoredFile.key == key))


async def get(session: AsyncSession, key: str) -> StoredFile | None:
    return await session.scalar(select(StoredFile).where(StoredFile.key == key))


async def referenced_keys(session: AsyncSession, keys: Collection[str]) -> set[str]:
    """The keys among ``keys`` that some row refers to."""
    if not keys:
        return set()
    query = select(StoredFile.key).where(StoredFile.key.in_(list(keys)), _referenced())
    return set((await session.scalars(query)).all())


async def is_referenced(session: AsyncSession, key: str) -> bool:
    return key in await referenced_keys(session, (key,))


async def known(session: AsyncSession, keys: Collection[str]) -> dict[str, str]:
    """The keys among ``keys`` that have a row, with its state."""
    if not keys:
        return {}
    rows = await session.execute(select(StoredFile.key, StoredFile.state)
                                 .where(StoredFile.key.in_(list(keys))))
    return {key: state for key, state in rows.all()}


async def forget(session: AsyncSession, key: str) -> bool:
    """Delete the row of a staged object that nothing refers to; True when it is gone (or was
    never there). The foreign keys make this the safe first step of a delete: once the row
    is gone no row can refer to the object, and a row committed meanwhile keeps it."""
    if await session.scalar(select(StoredFile.state).where(StoredFile.key == key)) is None:
        return True
    result = await session.execute(delete(StoredFile).where(
        StoredFile.key == key, StoredFile.state == STAGED, ~_referenced()))
    return bool(getattr(result, "rowcount", 0))


async def drop(session: AsyncSession, key: str) -> None:
    """Delete the row of an object its owner replaced (a protocol made again): nothing
    refers to it any more."""
    await session.execute(delete(StoredFile).where(StoredFile.key == key, ~_referenced()))


async def retire(session: AsyncSession, keys: Collection[str]) -> None:
    """Delete the rows of objects retention deleted (services/retention.py). The caller has
    cleared every owner column first: a row still referring to one makes the foreign key
    refuse, and the whole transaction with it."""
    if keys:
        await session.execute(delete(StoredFile).where(StoredFile.key.in_(list(keys))))


async def staged_before(session: AsyncSession, cutoff: datetime,
                        limit: int = 500) -> Sequence[str]:
    """Staged rows older than ``cutoff`` that nothing refers to (the sweeper's candidates
    whose object may already be gone)."""
    return (await session.scalars(
        select(StoredFile.key).where(StoredFile.state == STAGED,
                                     StoredFile.created_at < cutoff, ~_referenced())
        .order_by(StoredFile.created_at).limit(limit))).all()
