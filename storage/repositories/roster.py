"""Roster people and their personal links (invites with ``roster_person_id``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AssessmentScheme,
    AuditEntry,
    DeclarationText,
    Invite,
    RosterPerson,
    User,
)


async def known(session: AsyncSession, emails: Collection[str]) -> Sequence[RosterPerson]:
    """The people with these e-mails, and every supervisor (a student's supervisor may be
    named by a roster imported before), in one statement."""
    query = select(RosterPerson).where(or_(RosterPerson.email.in_(list(emails)),
                                           RosterPerson.role == "supervisor"))
    return (await session.scalars(query)).all()


async def users_named(session: AsyncSession, names: Collection[str],
                      roles: Collection[str]) -> Sequence[User]:
    """Users who joined without a roster row, by their lower-cased names (one statement)."""
    if not names:
        return []
    bound = select(RosterPerson.user_id).where(RosterPerson.user_id.is_not(None))
    query = select(User).where(func.lower(User.full_name).in_(list(names)),
                               User.role.in_(list(roles)), User.id.not_in(bound))
    return (await session.scalars(query)).all()


async def add_many(session: AsyncSession, rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Insert people in one statement; (id, e-mail) of each, in the given order."""
    if not rows:
        return []
    result = await session.execute(
        insert(RosterPerson).returning(RosterPerson.id, RosterPerson.email,
                                       sort_by_parameter_order=True), rows)
    return [(row.id, row.email) for row in result]


async def update_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Update people by id (one executemany)."""
    if rows:
        await session.execute(update(RosterPerson), rows)


async def add_links(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(Invite), rows)


async def get(session: AsyncSession, person_id: int, *, lock: bool = False,
              ) -> RosterPerson | None:
    query = select(RosterPerson).where(RosterPerson.id == person_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def of_user(session: AsyncSession, user_id: int) -> RosterPerson | None:
    return await session.scalar(select(RosterPerson).where(RosterPerson.user_id == user_id))


async def by_ids(session: AsyncSession, ids: Collection[int]) -> Sequence[RosterPerson]:
    if not ids:
        return []
    return (await session.scalars(select(RosterPerson).where(
        RosterPerson.id.in_(list(ids))))).all()


async def joined_students(session: AsyncSession) -> Sequence[RosterPerson]:
    return (await session.scalars(select(RosterPerson).where(
        RosterPerson.role == "student", RosterPerson.user_id.is_not(None)))).all()


async def counts(session: AsyncSession) -> tuple[int, int]:
    """(joined, pending)."""
    joined = func.count().filter(RosterPerson.user_id.is_not(None))
    pending = func.count().filter(RosterPerson.user_id.is_(None))
    row = (await session.execute(select(joined, pending))).one()
    return int(row[0]), int(row[1])


def _live(now: datetime) -> Any:
    return (Invite.revoked_at.is_(None), Invite.expires_at > now, Invite.uses < Invite.max_uses)


async def pending_with_links(session: AsyncSession, now: datetime, *, offset: int = 0,
                             limit: int | None = None,
                             ) -> list[tuple[RosterPerson, Invite | None]]:
    """Pending people by name, each with their live personal link (None: expired, revoked
    or never made), in one statement."""
    live = (select(Invite.roster_person_id, func.max(Invite.id).label("invite_id"))
            .where(Invite.roster_person_id.is_not(None), *_live(now))
            .group_by(Invite.roster_person_id).subquery())
    query = (select(RosterPerson, Invite)
             .outerjoin(live, live.c.roster_person_id == RosterPerson.id)
             .outerjoin(Invite, Invite.id == live.c.invite_id)
             .where(RosterPerson.user_id.is_(None))
             .order_by(RosterPerson.full_name, RosterPerson.id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return [(person, invite) for person, invite in await session.execute(query)]


async def revoke_links(session: AsyncSession, person_id: int, now: datetime) -> int:
    result = await session.execute(
        update(Invite).where(Invite.roster_person_id == person_id, Invite.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def first_run(session: AsyncSession) -> tuple[bool, bool, bool, bool, bool]:
    """What an admin's first-run checklist asks, read where each fact lives: a scheme, a
    statement, a roster, links handed out (their download, audited), a student."""
    row = (await session.execute(select(
        exists(select(AssessmentScheme.id)),
        exists(select(DeclarationText.language)),
        exists(select(RosterPerson.id)),
        exists(select(AuditEntry.id).where(AuditEntry.action == "roster.links")),
        exists(select(User.id).where(User.role == "student")),
    ))).one()
    return bool(row[0]), bool(row[1]), bool(row[2]), bool(row[3]), bool(row[4])
