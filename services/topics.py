"""Topics a supervisor advertises, and the catalogue everyone browses.

A topic has a code for its deep link (``https://t.me/<bot>?start=topic_<code>``); the open
ones are the catalogue (``/topics``, the Mini App). Applications for a topic, the interview
and the decision are services/applications.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from services.base import BaseService, read_only, writes
from services.errors import InvalidTopic, NotAllowed, NotFound
from services.typed import words
from services.vocabulary import TEAM_SIDE, Role, TopicState
from storage.models import Topic, User
from storage.repositories import audit, topics, users

# What a deep link's payload starts with to name a topic (the rest is its code).
LINK_PREFIX = "topic_"
TITLE_MAX = 300
TEXT_MAX = 3000
PLACES_MAX = 20
TAGS_MAX = 8
TAG_MAX = 24
PAGE_SIZE = 5
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# Words, digits and + . - only: a tag travels in a button's data (handlers/callbacks.py).
TAG = re.compile(r"^[\w+.-]{1,24}$")


def new_code() -> str:
    # 72 random bits in Telegram's start-payload alphabet; "topic_" + 12 characters.
    return secrets.token_urlsafe(9)


def code_of(payload: str | None) -> str | None:
    """The topic code of a deep link's payload (None: not a topic link)."""
    if payload and payload.startswith(LINK_PREFIX):
        return payload[len(LINK_PREFIX):].strip() or None
    return None


def clean_title(raw: str | None) -> str:
    title = " ".join(words(raw).split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise InvalidTopic(reason="topic_title", max=TITLE_MAX)
    return title


def clean_text(raw: str | None, *, optional: bool = False) -> str | None:
    text = words(raw).strip()
    if len(text) > TEXT_MAX or (not text and not optional):
        raise InvalidTopic(reason="topic_text", max=TEXT_MAX)
    return text or None


def clean_places(raw: str | int | None) -> int:
    try:
        places = int(str(raw).strip())
    except ValueError:
        raise InvalidTopic(reason="topic_places", max=PLACES_MAX) from None
    if not 1 <= places <= PLACES_MAX:
        raise InvalidTopic(reason="topic_places", max=PLACES_MAX)
    return places


def clean_language(raw: str | None) -> str:
    language = (raw or "").strip().lower()
    if not LANGUAGE.match(language):
        raise InvalidTopic(reason="topic_language")
    return language


def clean_tags(raw: str | None) -> list[str]:
    """Comma- or space-separated words, lower-case, without a leading #."""
    found: list[str] = []
    for part in re.split(r"[,\s]+", words(raw)):
        tag = part.strip().lstrip("#").lower()
        if tag and tag not in found:
            found.append(tag)
    if len(found) > TAGS_MAX or any(not TAG.match(tag) for tag in found):
        raise InvalidTopic(reason="topic_tags", max=TAGS_MAX, length=TAG_MAX)
    return found


@dataclass(frozen=True)
class TopicDraft:
    """A new topic as the supervisor gave it (already cleaned by the functions above)."""

    title: str
    description: str
    requirements: str | None
    places: int
    language: str
    tags: list[str] = field(default_factory=list)
    needs_proposal: bool = False


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    supervisor: User
    open_applications: int = 0
    accepted: int = 0
    # Whoever asks may edit it (its supervisor, an admin).
    own: bool = False

    @property
    def is_open(self) -> bool:
        return self.topic.state == TopicState.OPEN.value


@dataclass(frozen=True)
class TopicStats:
    """One supervisor's topics and what became of the applications for them."""

    supervisor_id: int
    supervisor: str
    topics: int
    applications: int
    accepted: int
    declined: int
    # From the application to its decision (accepted or declined, by anyone or the clock).
    days_to_decision: float | None

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted of the decided applications, in percent (None: nothing decided)."""
        decided = self.accepted + self.declined
        return round(100 * self.accepted / decided, 1) if decided else None


@dataclass(frozen=True)
class CataloguePage:
    items: list[tuple[Topic, str]]  # (topic, supervisor's name)
    total: int
    page: int
    pages: int
    tags: list[str]
    languages: list[str]


class TopicService(BaseService):
    def _require_supervisor(self, actor: User) -> None:
        if actor.role not in (Role.SUPERVISOR.value, Role.ADMIN.value) \
                or actor.deactivated_at is not None:
            raise NotAllowed()

    async def _owned(self, actor: User, topic_id: int, lock: bool = True) -> Topic:
        topic = await topics.get(self.session, topic_id, lock=lock)
        if topic is None:
            raise NotFound()
        if topic.supervisor_id != actor.id and actor.role != Role.ADMIN.value:
            raise NotAllowed()
        return topic

    @writes
    async def create(self, actor: User, draft: TopicDraft) -> Topic:
        self._require_supervisor(actor)
        now = self.clock.now()
        topic = await topics.add(self.session, Topic(
            code=new_code(), supervisor_id=actor.id, title=clean_title(draft.title),
            description=clean_text(draft.description) or "",
            requirements=clean_text(draft.requirements, optional=True),
            places=clean_places(draft.places), language=clean_language(draft.language),
            tags=list(draft.tags), needs_proposal=draft.needs_proposal, co_supervisors=[],
            state=TopicState.OPEN.value, created_at=now))
        audit.record(self.session, actor_id=actor.id, action="topic.create",
                     object_type="topic", object_id=topic.id, at=now, places=topic.places)
        return topic

    @writes
    async def edit(self, actor: User, topic_id: int, what: str, raw: str) -> Topic:
        """Change one field: title, description, requirements, places, language or tags."""
        topic = await self._owned(actor, topic_id)
        if what == "title":
            topic.title = clean_title(raw)
        elif what == "description":
            topic.description = clean_text(raw) or ""
        elif what == "requirements":
            topic.requirements = clean_text(raw, optional=True)
        elif what == "places":
            topic.places = clean_places(raw)
        elif what == "language":
            topic.language = clean_language(raw)
        elif what == "tags":
            topic.tags = clean_tags(raw)
        else:
            raise NotAllowed()
        audit.record(self.session, actor_id=actor.id, action="topic.edit",
                     object_type="topic", object_id=topic.id, at=self.clock.now(), field=what)
        return topic

    @writes
    async def set_state(self, actor: User, topic_id: int, state: TopicState) -> Topic:
        """Close or reopen (a second press changes nothing)."""
        topic = await self._owned(actor, topic_id)
        now = self.clock.now()
        if topic.state != state.value:
            topic.state = state.value
            topic.closed_at = now if state is TopicState.CLOSED else None
            audit.record(self.session, actor_id=actor.id, action=f"topic.{state.value}",
                         object_type="topic", object_id=topic.id, at=now)
        return topic

    @writes
    async def set_co_supervisors(self, actor: User, topic_id: int,
                                 usernames: list[str]) -> list[User]:
        """Name the topic's co-supervisors by their @usernames (people on the supervising
        side who have started the bot); they join the accepted student's team."""
        topic = await self._owned(actor, topic_id)
        found: list[User] = []
        for name in usernames:
            person = await users.by_username(self.session, name.lstrip("@"))
            if person is None or person.role not in TEAM_SIDE or person.id == topic.supervisor_id:
                raise InvalidTopic(reason="topic_co_supervisor", name=name.lstrip("@"))
            found.append(person)
        topic.co_supervisors = [person.id for person in found]
        return found

    @read_only
    async def mine(self, actor: User) -> list[tuple[Topic, int, int]]:
        self._require_supervisor(actor)
        return await topics.of_supervisor(self.session, actor.id)

    @read_only
    async def view(self, topic_id: int, viewer: User | None) -> TopicView:
        topic = await topics.get(self.session, topic_id)
        if topic is None:
            raise NotFound()
        return await self._view(topic, viewer)

    @read_only
    async def by_code(self, code: str, viewer: User | None) -> TopicView:
        topic = await topics.by_code(self.session, code)
        if topic is None:
            raise NotFound()
        return await self._view(topic, viewer)

    async def _view(self, topic: Topic, viewer: User | None) -> TopicView:
        supervisor = await users.get(self.session, topic.supervisor_id)
        if supervisor is None:
            raise NotFound()
        own = viewer is not None and (viewer.id == topic.supervisor_id
                                      or viewer.role == Role.ADMIN.value)
        waiting = accepted = 0
        if own:
            waiting = len(await topics.open_for_topic(self.session, topic.id))
            accepted = await topics.accepted_count(self.session, topic.id)
        return TopicView(topic, supervisor, waiting, accepted, own)

    @read_only
    async def catalogue(self, page: int = 0, *, tag: str | None = None,
                        language: str | None = None, word: str | None = None,
                        size: int = PAGE_SIZE) -> CataloguePage:
        # Searched as typed (the API's ``q``, the words after /topics), blanks collapsed.
        word = " ".join((word or "").split())[:50] or None
        items, total = await topics.catalogue(self.session, tag=tag, language=language,
                                              word=word, offset=max(page, 0) * size,
                                              limit=size)
        tags, languages = await topics.open_facets(self.session)
        pages = max((total + size - 1) // size, 1)
        return CataloguePage(items, total, min(max(page, 0), pages - 1), pages, tags,
                             languages)

    @read_only
    async def statistics(self, actor: User) -> list[TopicStats]:
        """Per supervisor (an admin: everyone; a supervisor: their own), for /stats and the
        export: topics, applications, accepted, declined, the time to a decision."""
        if actor.role not in (Role.ADMIN.value, *TEAM_SIDE):
            raise NotAllowed()
        rows = [TopicStats(*row) for row in await topics.statistics(self.session)]
        if actor.role == Role.ADMIN.value:
            return rows
        return [row for row in rows if row.supervisor_id == actor.id]

    def now(self) -> datetime:
        return self.clock.now()
