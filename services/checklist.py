"""Requested changes as a checklist.

When a supervisor requests changes, every line of the comment that starts with ``-``, ``•``,
``*`` or a number (``1.`` / ``1)``) followed by a space becomes an item; the other lines
stay the comment. At the next /submit the student ticks what the new version addresses;
the supervisor's card of that version shows the marks ("Addressed 2/3").

What the next decision on that version does to the items that were open:

- **Approve** closes them all, unless the supervisor answers **Keep open** to the question
  asked when some item would stay open (**Close them** / **Keep open**): then it closes
  those the version addresses and the others carry over to the next version.
- **Request changes** closes those the version addresses; the others either stay open and
  carry over to the next round with the new items (**Keep open items**, also what /skip
  means) or are closed too (**Close all**). The question is asked only when some item
  would stay open.
- **Reject** leaves them as they are.

The parsing rule is pure (unit-tested in tests/unit/test_checklist.py); the rest runs in the
caller's transaction (a decision, a submission) or as read-only views.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, read_only
from services.notifications import ChecklistMark
from services.vocabulary import Decision, Role
from storage.models import ChecklistItem, User
from storage.repositories import checklist, theses

# Telegram allows 100 buttons a message: the toggles and Done must fit.
ITEMS_MAX = 30
LABEL_MAX = 32
_ITEM = re.compile(r"^\s*(?:[-•*]|\d{1,3}[.)])\s+(?P<text>\S.*?)\s*$")


@dataclass(frozen=True)
class Parsed:
    comment: str | None
    items: tuple[str, ...]


def parse(comment: str | None) -> Parsed:
    """Split a comment into its checklist items and the rest (the comment that stays).

    Items keep their order; past ``ITEMS_MAX`` the lines stay in the comment. A marker must
    be followed by a space, so "1.5 pages" or "*emphasis*" stay text.
    """
    items: list[str] = []
    rest: list[str] = []
    for line in (comment or "").splitlines():
        match = _ITEM.match(line)
        if match is not None and len(items) < ITEMS_MAX:
            items.append(match.group("text"))
        else:
            rest.append(line)
    text = "\n".join(rest).strip()
    # Blank lines left where the items were are squeezed to one.
    text = re.sub(r"\n{3,}", "\n\n", text)
    return Parsed(text or None, tuple(items))


def first_words(text: str, limit: int = LABEL_MAX) -> str:
    """An item's first words for its button, cut at a word boundary when it is long."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def marks_of(items: Sequence[ChecklistItem], submission_id: int) -> tuple[ChecklistMark, ...]:
    return tuple(ChecklistMark(text=item.text,
                               addressed=item.addressed_submission_id == submission_id)
                 for item in items)


async def address(session: AsyncSession, thesis_id: int, submission_id: int,
                  item_ids: Collection[int]) -> tuple[ChecklistMark, ...]:
    """A new version: the open items the student ticked are addressed by it. Returns every
    open item with its mark (for the supervisor's card)."""
    await checklist.set_addressed(session, thesis_id, item_ids, submission_id)
    items = await checklist.open_items(session, thesis_id)
    wanted = set(item_ids)
    return tuple(ChecklistMark(text=item.text, addressed=item.id in wanted) for item in items)


@dataclass(frozen=True)
class Settled:
    marks: tuple[ChecklistMark, ...]  # the items open when the version came, with marks
    carried: tuple[str, ...]  # still open after the decision (besides the new items)


async def settle(session: AsyncSession, thesis_id: int, submission_id: int,
                 decision: Decision, keep_open: bool, now: datetime) -> Settled:
    """What a decision on ``submission_id`` does to the items open before it (see above)."""
    items = await checklist.open_items(session, thesis_id)
    marks = marks_of(items, submission_id)
    if decision is Decision.REJECTED:
        return Settled(marks, ())
    if not keep_open:
        await checklist.close(session, [item.id for item in items], now)
        return Settled(marks, ())
    addressed = [item.id for item in items if item.addressed_submission_id == submission_id]
    await checklist.close(session, addressed, now)
    return Settled(marks, tuple(item.text for item in items
                                if item.addressed_submission_id != submission_id))


def raise_items(session: AsyncSession, thesis_id: int, review_id: int,
                items: Sequence[str], now: datetime) -> None:
    checklist.add(session, thesis_id=thesis_id, review_id=review_id, texts=items, now=now)


@dataclass(frozen=True)
class OpenItem:
    id: int
    text: str


class ChecklistService(BaseService):
    @read_only
    async def open_for(self, student: User) -> list[OpenItem]:
        """A student's open items (for /status and the question at /submit)."""
        if student.role != Role.STUDENT.value:
            return []
        thesis = await theses.by_student(self.session, student.id)
        if thesis is None:
            return []
        return [OpenItem(item.id, item.text)
                for item in await checklist.open_items(self.session, thesis.id)]

    @read_only
    async def raised_by(self, review_id: int) -> int:
        """How many items a decision raised."""
        return await checklist.count_of_review(self.session, review_id)
