"""Topics and the applications for them (services/topics.py, services/applications.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.vocabulary import OPEN_APPLICATION, ApplicationState, TopicState
from storage.models import Application, Topic, User

_OPEN = [state.value for state in OPEN_APPLICATION]


async def add(session: AsyncSession, topic: Topic) -> Topic:
    session.add(topic)
    await session.flush()
    return topic


async def get(session: AsyncSession, topic_id: int, lock: bool = False) -> Topic | None:
    query = select(Topic).where(Topic.id == topic_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def by_code(session: AsyncSession, code: str) -> Topic | None:
    return await session.scalar(select(Topic).where(Topic.code == code))


async def of_supervisor(session: AsyncSession, supervisor_id: int,
                        ) -> list[tuple[Topic, int, int]]:
    """A supervisor's topics, newest first, with their open and accepted applications."""
    open_count = func.count(Application.id).filter(Application.state.in_(_OPEN))
    accepted = func.count(Application.id).filter(
        Application.state == ApplicationState.ACCEPTED.value)
    rows = await session.execute(
        select(Topic, open_count, accepted)
        .outerjoin(Application, Application.topic_id == Topic.id)
        .where(Topic.supervisor_id == supervisor_id)
        .group_by(Topic.id).order_by(Topic.created_at.desc(), Topic.id.desc()))
    return [(topic, int(o), int(a)) for topic, o, a in rows]


def _catalogue(tag: str | None, language: str | None, word: str | None):  # type: ignore[no-untyped-def]
    query = (select(Topic, User.full_name).join(User, User.id == Topic.supervisor_id)
             .where(Topic.state == TopicState.OPEN.value, User.deactivated_at.is_(None)))
    if language:
        query = query.where(Topic.language == language)
    if tag:
        # Tags are stored lower-case as a JSON list: matched as a quoted element.
        query = query.where(cast(Topic.tags, String).ilike(f'%"{_escape(tag)}"%',
                                                           escape="\\"))
    if word:
        pattern = f"%{_escape(word)}%"
        query = query.where(or_(Topic.title.ilike(pattern, escape="\\"),
                                Topic.description.ilike(pattern, escape="\\"),
                                cast(Topic.tags, String).ilike(pattern, escape="\\")))
    return query


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def catalogue(session: AsyncSession, *, tag: str | None, language: str | None,
                    word: str | None, offset: int, limit: int,
                    ) -> tuple[list[tuple[Topic, str]], int]:
    """Open topics of active supervisors, newest first: a page of them and how many match."""
    query = _catalogue(tag, language, word)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(query.order_by(Topic.created_at.desc(), Topic.id.desc())
                                 .offset(offset).limit(limit))
    return [(topic, name) for topic, name in rows], int(total or 0)


async def open_facets(session: AsyncSession) -> tuple[list[str], list[str]]:
    """The tags and languages of the open topics (the catalogue's filter buttons)."""
    rows = (await session.execute(select(Topic.tags, Topic.language)
                                  .where(Topic.state == TopicState.OPEN.value))).all()
    tags = sorted({tag for found, _ in rows for tag in (found or [])})
    languages = sorted({language for _, language in rows})
    return tags, languages


# --- applications --------------------------------------------------------------------------

async def add_application(session: AsyncSession, application: Application) -> Application:
    session.add(application)
    await session.flush()
    return application


async def application(session: AsyncSession, application_id: int,
                      lock: bool = False) -> Application | None:
    query = select(Application).where(Application.id == application_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def open_of(session: AsyncSession, applicant_id: int) -> Sequence[Application]:
    return (await session.scalars(
        select(Application).where(Application.applicant_id == applicant_id,
                                  Application.state.in_(_OPEN))
        .order_by(Application.id))).all()


async def open_for_topic(session: AsyncSession, topic_id: int) -> Sequence[Application]:
    return (await session.scalars(
        select(Application).where(Application.topic_id == topic_id,
                                  Application.state.in_(_OPEN))
        .order_by(Application.id))).all()


async def accepted_count(session: AsyncSession, topic_id: int) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(Application)
        .where(Application.topic_id == topic_id,
               Application.state == ApplicationState.ACCEPTED.value)) or 0)


async def waiting_since(session: AsyncSession, before: datetime,
                        after: datetime | None = None) -> list[tuple[int, datetime]]:
    """Open applications that came before ``before`` (and after ``after``), oldest first."""
    query = select(Application.id, Application.created_at).where(
        Application.state.in_(_OPEN), Application.created_at <= before)
    if after is not None:
        query = query.where(Application.created_at > after)
    rows = await session.execute(query.order_by(Application.created_at))
    return [(int(row_id), created_at) for row_id, created_at in rows]


async def close_if_open(session: AsyncSession, application_id: int, state: ApplicationState,
                        now: datetime, **values: object) -> bool:
    """Decide an application still open; False when it was decided already (by a press, or
    another replica's clock): exactly once."""
    result = await session.execute(
        update(Application).where(Application.id == application_id,
                                  Application.state.in_(_OPEN))
        .values(state=state.value, decided_at=now, **values)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def statistics(session: AsyncSession) -> list[tuple[int, str, int, int, int, int,
                                                          float | None]]:
    """Per supervisor: (id, name, topics, applications, accepted, declined, mean days to a
    decision)."""
    days = func.avg(func.extract("epoch", Application.decided_at - Application.created_at)
                    ) / 86400.0
    apps = (select(Topic.supervisor_id.label("sid"),
                   func.count(Application.id).label("applications"),
                   func.count(Application.id).filter(
                       Application.state == ApplicationState.ACCEPTED.value).label("accepted"),
                   func.count(Application.id).filter(
                       Application.state == ApplicationState.DECLINED.value).label("declined"),
                   days.label("days"))
            .join(Application, Application.topic_id == Topic.id)
            .group_by(Topic.supervisor_id).subquery())
    topics_count = (select(Topic.supervisor_id.label("sid"), func.count().label("topics"))
                    .group_by(Topic.supervisor_id).subquery())
    rows = await session.execute(
        select(User.id, User.full_name, topics_count.c.topics,
               func.coalesce(apps.c.applications, 0), func.coalesce(apps.c.accepted, 0),
               func.coalesce(apps.c.declined, 0), apps.c.days)
        .join(topics_count, topics_count.c.sid == User.id)
        .outerjoin(apps, apps.c.sid == User.id)
        .order_by(User.full_name, User.id))
    return [(int(i), str(n), int(t), int(a), int(c), int(d),
             float(x) if x is not None else None) for i, n, t, a, c, d, x in rows]
