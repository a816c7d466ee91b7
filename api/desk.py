"""The review desk: anchored comments on a version, decisions from the Mini App, and the
Mini App's texts in the user's language.

- ``GET /api/versions/{id}/anchors``: the version's anchored comments (its student sees those
  sent; its team the drafts too) and the earlier ones as found in it; ``POST`` adds a draft
  (a supervisor or co-supervisor, on the version waiting for their decision);
  ``DELETE /api/anchors/{id}`` removes a draft (services/anchors.py).
- ``POST /api/versions/{id}/decision``: Approve, Request changes (with the drafts as the
  checklist) or Reject through services/reviews.py, as the chat's buttons do.
- ``GET /api/texts``: the Mini App's Fluent messages (``locales/<lang>/miniapp.ftl``) in the
  user's language, with English for what is not translated, and ``TIMEZONE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from aiohttp import web

from api.models import (
    AnchorIn,
    AnchorOut,
    AnchorsOut,
    DecisionIn,
    DecisionResultOut,
    DocumentOut,
    OkOut,
    SectionOut,
    TextsOut,
)
from api.routing import ApiError, Call, Endpoint
from api.versions import disposition
from locales import DIR as LOCALES_DIR
from services.anchors import AnchorView
from services.errors import DomainError, NotAllowed, NotFound
from services.vocabulary import Decision
from telegram.texts import DEFAULT_LANGUAGE, language_of

CATALOG = "miniapp.ftl"
# A well-formed request the thesis's state refuses (decided, superseded, not ready yet).
CONFLICT = 409


@contextmanager
def conflicts() -> Iterator[None]:
    """A domain refusal (but for not allowed / not found) as 409 Conflict."""
    try:
        yield
    except (NotAllowed, NotFound):
        raise
    except DomainError as error:
        raise ApiError(CONFLICT, error.code, error.code.replace("_", " ")) from None


def anchor_out(view: AnchorView) -> AnchorOut:
    return AnchorOut(
        id=view.id, submission_id=view.submission_id, version=view.version, page=view.page,
        quote=view.quote, comment=view.comment, rects=[list(r) for r in view.rects],
        author=view.author_name, sent=view.sent, open=view.open,
        located_state=view.located_state.value if view.located_state else None,
        located_page=view.located_page, located_version=view.located_version)


async def anchors_of(call: Call) -> AnchorsOut:
    found = await call.services.anchors.of_version(call.user, call.match("id"))
    return AnchorsOut(items=[anchor_out(v) for v in found.own],
                      located=[anchor_out(v) for v in found.located],
                      may_comment=found.may_comment)


async def add_anchor(call: Call) -> AnchorOut:
    body: AnchorIn = call.body
    with conflicts():
        view = await call.services.anchors.add(call.user, call.match("id"), page=body.page,
                                               quote=body.quote, comment=body.comment,
                                               rects=body.rects)
    return anchor_out(view)


async def delete_anchor(call: Call) -> OkOut:
    with conflicts():
        await call.services.anchors.delete(call.user, call.match("id"))
    return OkOut()


async def decide(call: Call) -> DecisionResultOut:
    body: DecisionIn = call.body
    with conflicts():
        result = await call.services.reviews.decide(
            call.user, call.match("id"), Decision(body.decision), comment=body.comment,
            grade=body.grade, keep_open=body.keep_open)
    items = 0
    if result.review is not None and body.decision is Decision.CHANGES_REQUESTED:
        items = await call.services.checklist.raised_by(result.review.id)
    return DecisionResultOut(decided=result.review is not None, decision=body.decision,
                             items=items)


@cache
def _ftl(language: str) -> str:
    path = LOCALES_DIR / language / CATALOG
    return path.read_text(encoding="utf-8") if path.exists() else ""


async def texts(call: Call) -> TextsOut:
    language = language_of(call.user.language)
    return TextsOut(language=language, timezone=call.services.deps.config.tz.key,
                    ftl=_ftl(language), fallback=_ftl(DEFAULT_LANGUAGE))


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", r"/api/versions/{id:\d+}/anchors", anchors_of,
             "A version's anchored comments, and earlier ones as found in it", AnchorsOut,
             roles=("its student", "its team", "admin"), errors=(401, 403, 404)),
    Endpoint("POST", r"/api/versions/{id:\d+}/anchors", add_anchor,
             "Comment on a passage (or a region) of the version waiting for a decision",
             AnchorOut, body=AnchorIn, roles=("supervisor", "co-supervisor", "admin"),
             errors=(400, 401, 403, 404, 409)),
    Endpoint("DELETE", r"/api/anchors/{id:\d+}", delete_anchor,
             "Delete an anchored comment not sent yet", OkOut,
             roles=("supervisor", "co-supervisor", "admin"), errors=(400, 401, 403, 404, 409)),
    Endpoint("POST", r"/api/versions/{id:\d+}/decision", decide,
             "Approve, request changes (with the anchored comments) or reject a version",
             DecisionResultOut, body=DecisionIn,
             roles=("supervisor", "co-supervisor", "admin"), errors=(400, 401, 403, 404, 409)),
    Endpoint("GET", "/api/texts", texts,
             "The Mini App's texts in the user's language, and the time zone", TextsOut),
)


async def changes_detail(call: Call) -> web.StreamResponse:
    """The detailed comparison (HTML) of a version with the one before, as a file."""
    with conflicts():
        detail = await call.services.comparisons.detail(call.user, call.match("id"))
    return web.Response(body=detail.content, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Content-Disposition": disposition(detail.file_name),
        "Cache-Control": "private, no-store"})


async def document_text(call: Call) -> DocumentOut:
    """A version's text with its headings (how the desk shows a DOCX)."""
    found = await call.services.comparisons.text_for(call.user, call.match("id"))
    if found is None:
        return DocumentOut(ready=False, pages=None, sections=[])
    return DocumentOut(ready=True, pages=found.pages, sections=[
        SectionOut(number=s.number, title=s.title, paragraphs=list(s.paragraphs))
        for s in found.sections])


ENDPOINTS = (*ENDPOINTS, Endpoint(
    "GET", r"/api/versions/{id:\d+}/text", document_text,
    "A version's text with its headings (sections of paragraphs)", DocumentOut,
    roles=("its student", "its team", "admin"), errors=(401, 403, 404)), Endpoint(
    "GET", r"/api/versions/{id:\d+}/changes", changes_detail,
    "What changed since the version before, in detail (an HTML file)", None,
    roles=("its student", "its team", "admin"), errors=(400, 401, 403, 404, 409)))
