"""Writing to people through the bot: ``/message`` to all of a supervisor's students, to a
filter of them (Silent, Overdue, No submission, Waiting) or to one; an admin to all
supervisors or everyone; a nudge to a silent student; and the answers.

One batch is a row per recipient in ``direct_messages`` (unique per batch and recipient)
and an outbox notification per row, written in one transaction: every recipient gets it
once, at the outbox's rate (``NOTIFY_RATE_PER_SECOND``), however often **Send** is pressed
or the update redelivered. Each message carries **💬 Answer**; an answer is a message of its
own, to the one who wrote, and can be answered again.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from services.base import BaseService, read_only, writes
from services.errors import NotAllowed, NotFound
from services.notifications import DirectMessageSent, notify
from services.overview import StudentLine, judge_students
from services.urgency import Filter, Judged
from services.vocabulary import Role
from storage.models import DirectMessage, User
from storage.repositories import users

BODY_MAX = 3500


class Audience(enum.StrEnum):
    ALL = "all"  # all my students
    WAITING = "waiting"
    OVERDUE = "overdue"
    SILENT = "silent"
    NO_SUBMISSION = "none"
    ONE = "one"
    SUPERVISORS = "supervisors"  # admins only
    EVERYONE = "everyone"  # admins only


SUPERVISOR_AUDIENCES = (Audience.ALL, Audience.SILENT, Audience.OVERDUE,
                        Audience.NO_SUBMISSION, Audience.WAITING)
ADMIN_AUDIENCES = (Audience.SUPERVISORS, Audience.EVERYONE)
_FILTERS = {Audience.ALL: Filter.ALL, Audience.WAITING: Filter.WAITING,
            Audience.OVERDUE: Filter.OVERDUE, Audience.SILENT: Filter.SILENT,
            Audience.NO_SUBMISSION: Filter.NO_SUBMISSION, Audience.ONE: Filter.ALL}


@dataclass(frozen=True)
class Draft:
    audience: Audience
    batch: str  # made once per draft: Send pressed twice sends once
    body: str | None = None
    file_id: str | None = None  # Telegram's copy of a file sent with it
    file_name: str | None = None
    student_id: int | None = None  # Audience.ONE


@dataclass(frozen=True)
class Sent:
    recipients: int
    already: bool = False  # this batch had been sent before


def clean_body(raw: str | None) -> str | None:
    text = (raw or "").strip()
    return text[:BODY_MAX] if text else None


class MessagingService(BaseService):
    @read_only
    async def audiences(self, sender: User) -> dict[Audience, int]:
        """Whom the sender may write to, with how many each reaches now."""
        if sender.role == Role.ADMIN.value:
            return {a: len(await self._recipients(sender, a, None)) for a in ADMIN_AUDIENCES}
        judged = await self._judged(sender)
        return {a: sum(_FILTERS[a] in j.flags for _line, j in judged)
                for a in SUPERVISOR_AUDIENCES}

    @read_only
    async def students(self, sender: User) -> list[User]:
        """The sender's students, most urgent first (for "one student")."""
        return [line.student for line, _ in await self._judged(sender)]

    @read_only
    async def count(self, sender: User, draft: Draft) -> int:
        return len(await self._recipients(sender, draft.audience, draft.student_id))

    @writes
    async def send(self, sender: User, draft: Draft) -> Sent:
        """Every recipient once: a row each and its notification, in one transaction."""
        done = await self.session.scalar(select(DirectMessage.id).where(
            DirectMessage.batch == draft.batch).limit(1))
        if done is not None:
            return Sent(0, already=True)
        people = await self._recipients(sender, draft.audience, draft.student_id)
        now = self.clock.now()
        return Sent(len(await self._deliver(sender, people, draft, now, reply_to=None)))

    @writes
    async def answer(self, sender: User, reply_to_id: int, body: str | None,
                     file_id: str | None = None, file_name: str | None = None,
                     batch: str | None = None) -> User:
        """An answer to a message the sender received: to the one who wrote it."""
        original = await self.session.get(DirectMessage, reply_to_id)
        if original is None or original.recipient_id != sender.id \
                or original.sender_id is None:
            raise NotFound()
        author = await users.get(self.session, original.sender_id)
        if author is None or author.deactivated_at is not None:
            raise NotAllowed()
        draft = Draft(Audience.ONE, batch or secrets.token_hex(8), clean_body(body), file_id,
                      file_name)
        await self._deliver(sender, [author], draft, self.clock.now(), reply_to=original.id)
        return author

    async def _deliver(self, sender: User, people: list[User], draft: Draft, now: datetime,
                       reply_to: int | None) -> list[DirectMessage]:
        rows = [DirectMessage(batch=draft.batch, sender_id=sender.id, recipient_id=person.id,
                              body=draft.body, telegram_file_id=draft.file_id,
                              file_name=draft.file_name, reply_to_id=reply_to, created_at=now)
                for person in people]
        self.session.add_all(rows)
        await self.session.flush()
        for row in rows:
            notify(self.session, row.recipient_id, DirectMessageSent(
                message_id=row.id, sender_name=sender.full_name, body=row.body,
                file_id=row.telegram_file_id, file_name=row.file_name,
                answer=reply_to is not None), now)
        return rows

    async def _recipients(self, sender: User, audience: Audience,
                          student_id: int | None) -> list[User]:
        if audience in ADMIN_AUDIENCES:
            if sender.role != Role.ADMIN.value:
                raise NotAllowed()
            roles = [Role.SUPERVISOR.value] if audience is Audience.SUPERVISORS \
                else [r.value for r in Role]
            return [u for u in await users.active_with_roles(self.session, roles)
                    if u.id != sender.id]
        judged = await self._judged(sender)
        wanted = _FILTERS[audience]
        found = [line.student for line, j in judged if wanted in j.flags
                 and (audience is not Audience.ONE or line.student.id == student_id)]
        if audience is Audience.ONE and not found:
            raise NotAllowed()
        # Each person once (a list of one team's students has no repeats), active ones only.
        return [s for s in found if s.deactivated_at is None]

    async def _judged(self, sender: User) -> list[tuple[StudentLine, Judged]]:
        if sender.role not in (Role.SUPERVISOR.value, Role.MEMBER.value):
            raise NotAllowed()
        return await judge_students(self.session, sender, self.clock.now(),
                                    self.config.silent_days)
