"""Comments anchored to a passage of a version (the review desk in the Mini App).

A supervisor or co-supervisor (anyone who decides versions, services/team.py) selects text
on a page of the version waiting for their decision, or marks a rectangle on a scan, and
writes a comment: the anchor keeps the version, the page, the quoted text and where it is
on the page (rectangles as fractions of the page). Until the version is decided anchors are
drafts, which their team sees and may delete.

**Request changes** (from the desk or the chat card, services/reviews.py) sends the drafts
with the comment's own items: each becomes a checklist item reading
``p. 12 «…quoted text…» — comment`` (services/checklist.py), which the student ticks at
the next /submit as any other. The anchors of a version are for its student and team only
(services/team.may_see); the student sees those sent.

When the next version arrives, the comparison worker locates every open anchored item in it
(services/relocate.py, in its child process) and stores per anchor "unchanged", "changed" or
"removed" with the new page: the supervisors' card of that version and the desk show it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, read_only, writes
from services.checklist import ITEMS_MAX
from services.errors import AlreadyReviewed, InvalidAnchor, NotAllowed, NotFound, Superseded
from services.team import may_review, may_see
from services.vocabulary import PassageState, Role
from storage.models import Anchor, ChecklistItem, Submission, User
from storage.repositories import anchors, theses, users

QUOTE_MAX = 2000
COMMENT_MAX = 1000
RECTS_MAX = 64
PAGE_MAX = 5000
# How much of the quote the checklist item shows.
ITEM_QUOTE_MAX = 80


@dataclass(frozen=True)
class AnchorView:
    id: int
    submission_id: int
    version: int
    page: int
    quote: str
    comment: str
    rects: tuple[tuple[float, float, float, float], ...]
    author_name: str | None
    sent: bool
    open: bool  # its checklist item is open (a draft: True)
    located_state: PassageState | None
    located_page: int | None
    located_version: int | None


@dataclass(frozen=True)
class VersionAnchors:
    own: tuple[AnchorView, ...]
    # Earlier versions' anchors, as found in this version.
    located: tuple[AnchorView, ...]
    may_comment: bool


def short_quote(quote: str, limit: int = ITEM_QUOTE_MAX) -> str:
    words = " ".join(quote.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def item_text(page: int, quote: str, comment: str) -> str:
    """The checklist item of an anchored comment, as the chat shows it."""
    quoted = short_quote(quote)
    where = f"p. {page} «{quoted}»" if quoted else f"p. {page}"
    return f"{where} — {comment}"


def clean_rects(raw: Sequence[Sequence[float]]) -> tuple[tuple[float, float, float, float], ...]:
    if len(raw) > RECTS_MAX:
        raise InvalidAnchor()
    rects = []
    for rect in raw:
        if len(rect) != 4 or not all(isinstance(v, int | float) and math.isfinite(v)
                                     for v in rect):
            raise InvalidAnchor()
        x, y, w, h = (float(v) for v in rect)
        if not (0 <= x <= 1 and 0 <= y <= 1 and 0 < w <= 1 and 0 < h <= 1):
            raise InvalidAnchor()
        rects.append((round(x, 5), round(y, 5), round(w, 5), round(h, 5)))
    return tuple(rects)


def _view(anchor: Anchor, item: ChecklistItem | None, version: int,
          names: dict[int, str], located_version: int | None = None) -> AnchorView:
    return AnchorView(
        id=anchor.id, submission_id=anchor.submission_id, version=version, page=anchor.page,
        quote=anchor.quote, comment=anchor.comment,
        rects=tuple((r[0], r[1], r[2], r[3]) for r in anchor.rects),
        author_name=names.get(anchor.author_id) if anchor.author_id else None,
        sent=anchor.checklist_item_id is not None,
        open=item is None or item.state == "open",
        located_state=PassageState(anchor.located_state) if anchor.located_state else None,
        located_page=anchor.located_page,
        located_version=located_version if anchor.located_state else None)


async def drafts_as_items(session: AsyncSession, submission_id: int,
                          first_position: int) -> tuple[tuple[str, ...], dict[int, int]]:
    """Request changes: the version's drafts as checklist item texts, and the position each
    draft's item will have (the comment's own items come first)."""
    texts: list[str] = []
    positions: dict[int, int] = {}
    for anchor in await anchors.drafts(session, submission_id):
        if first_position + len(texts) > ITEMS_MAX:
            break
        positions[anchor.id] = first_position + len(texts)
        texts.append(item_text(anchor.page, anchor.quote, anchor.comment))
    return tuple(texts), positions


async def link_items(session: AsyncSession, review_id: int, positions: dict[int, int]) -> None:
    await anchors.link(session, review_id, positions)


class AnchorService(BaseService):
    @read_only
    async def of_version(self, actor: User, submission_id: int) -> VersionAnchors:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, review = found
        if not await may_see(self.session, actor, student):
            raise NotAllowed()
        is_student = actor.id == student.id
        rows = await anchors.of_submission(self.session, submission_id)
        located = await anchors.located_in(self.session, submission_id)
        author_ids = {a.author_id for a, _i in rows if a.author_id} | {
            a.author_id for a, _i, _v in located if a.author_id}
        names = await self._names(author_ids)
        own = tuple(_view(a, item, submission.version, names) for a, item in rows
                    if not is_student or a.checklist_item_id is not None)
        found_here = tuple(_view(a, item, version, names, submission.version)
                           for a, item, version in located)
        may_comment = (not is_student and review is None
                       and submission.version == thesis.latest_version
                       and await may_review(self.session, actor, student))
        return VersionAnchors(own, found_here, may_comment)

    @writes
    async def add(self, actor: User, submission_id: int, *, page: int, quote: str,
                  comment: str, rects: Sequence[Sequence[float]]) -> AnchorView:
        """A draft comment on a passage of the version waiting for the actor's decision."""
        submission, _student = await self._decidable(actor, submission_id)
        text = " ".join(quote.split())
        note = comment.strip()
        if not 1 <= page <= PAGE_MAX or len(text) > QUOTE_MAX:
            raise InvalidAnchor()
        if not note or len(note) > COMMENT_MAX:
            raise InvalidAnchor()
        boxes = clean_rects(rects)
        if not text and not boxes:
            raise InvalidAnchor()  # neither a passage nor a region
        anchor = anchors.add(self.session, Anchor(
            submission_id=submission_id, author_id=actor.id, page=page, quote=text,
            comment=note, rects=[list(r) for r in boxes], created_at=self.clock.now()))
        await self.session.flush()
        return _view(anchor, None, submission.version, {actor.id: actor.full_name})

    @writes
    async def delete(self, actor: User, anchor_id: int) -> None:
        """A draft is deleted by its team (before it is sent)."""
        anchor = await anchors.get(self.session, anchor_id)
        if anchor is None:
            raise NotFound()
        await self._decidable(actor, anchor.submission_id)
        if not await anchors.delete_draft(self.session, anchor_id):
            raise InvalidAnchor()

    async def _decidable(self, actor: User, submission_id: int) -> tuple[Submission, User]:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, review = found
        if actor.role == Role.STUDENT.value or not await may_review(self.session, actor,
                                                                       student):
            raise NotAllowed()
        if review is not None:
            raise AlreadyReviewed(reviewer_name="", at=review.created_at,
                                  decision=review.decision)
        if submission.version < thesis.latest_version:
            raise Superseded(version=thesis.latest_version)
        return submission, student

    async def _names(self, ids: set[int]) -> dict[int, str]:
        names: dict[int, str] = {}
        for user_id in ids:
            user = await users.get(self.session, user_id)
            if user is not None:
                names[user_id] = user.full_name
        return names
