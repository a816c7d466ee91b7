"""A student's /status and /history (with their meetings)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers import views
from handlers.assessment import released_lines
from handlers.checklist import open_block
from handlers.deadlines import deadlines_block
from handlers.filters import HasRole
from handlers.keyboards import markup, with_dashboard
from handlers.meetings import history_lines, meetings_block
from handlers.rename import rename_button
from services import lifecycle
from services.context import Services
from services.vocabulary import Phase, Role, ThesisStatus, VersionKind
from storage.models import User
from telegram.render import split_lines
from telegram.texts import Raw, Texts

TURNS = {
    ThesisStatus.SUBMITTED.value: "status.turn.supervisor",
    ThesisStatus.CHANGES_REQUESTED.value: "status.turn.student",
    ThesisStatus.APPROVED.value: "status.turn.approved",
    ThesisStatus.REJECTED.value: "status.turn.rejected",
    ThesisStatus.FINAL.value: "status.turn.final",
    ThesisStatus.DECLARATION.value: "status.turn.declaration",
    ThesisStatus.RELEASED.value: "status.turn.released",
}


async def status(message: Message, services: Services, user: User, t: Texts,
                 webapp_url: str | None = None) -> None:
    async with services.reads():
        view = await services.overview.status(user)
        met = await services.meetings.find_for(user)
    upcoming = deadlines_block(t, view.upcoming, view.now) + meetings_block(
        t, met, view.now, user)
    dashboard = with_dashboard(t, None, webapp_url)
    if view.thesis is None:
        await message.answer(t("status.none") + upcoming, reply_markup=dashboard)
        return
    phase = phase_line(t, view.thesis.status, view.thesis.stage)
    if view.latest is None:
        # Accepted for a topic: the thesis is there, nothing uploaded yet.
        key = "status.first.proposal" if view.thesis.stage == VersionKind.PROPOSAL.value \
            else "status.first.thesis"
        await message.answer(t(key, title=view.thesis.title) + phase + upcoming,
                             reply_markup=dashboard)
        return
    latest, review = view.latest.submission, view.latest.review
    review_text = t(f"decision.{review.decision}") if review else t("review.pending")
    turn = t(TURNS.get(view.thesis.status, "status.turn.supervisor"),
             since=latest.submitted_at, version=latest.version)
    items = open_block(t, view.open_items)
    promise = "\n" + t("promise.status", supervisor=view.promiser.full_name if view.promiser
                        else "—", at=view.promise.due_at) if view.promise else ""
    rename = with_dashboard(t, markup([[rename_button(t, user.id)]]), webapp_url)
    await message.answer(t(
        "status.view", title=view.thesis.title, status=t(f"thesis.{view.thesis.status}"),
        version=latest.version, at=latest.submitted_at, review=review_text, turn=Raw(turn))
        + phase + promise + items + upcoming, reply_markup=rename)


def phase_line(t: Texts, status: str, stage: str) -> str:
    """Proposal → writing → final, the current phase in bold."""
    current = lifecycle.phase_of(status, stage)
    parts = [t.raw("status.phase.current", phase=t(f"phase.{phase.value}")) if phase is current
             else t(f"phase.{phase.value}") for phase in Phase]
    return "\n" + t("status.phase", phases=Raw(" → ".join(parts)))


async def history(message: Message, services: Services, user: User, t: Texts) -> None:
    async with services.reads():
        _student, thesis, rows = await services.overview.history(user, user.id)
        facts = await services.overview.version_facts(thesis, rows)
        meetings = await services.meetings.find_for(user)
        # Nothing of the assessment before Release; after it, the grade and the reports.
        released = await services.assessment.released_to(user, thesis)
    for text, buttons in views.history(t, thesis, rows, facts.grade, facts.comments,
                                      changes=facts.changes, shared=facts.shared, own=True):
        await message.answer(text, reply_markup=buttons)
    if released is not None:
        await message.answer("\n".join([t("assess.history.header"),
                                         *released_lines(t, released)]))
    met = history_lines(t, meetings, services.meetings.now(), user)
    for chunk in split_lines(met) if met else []:
        await message.answer(chunk)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(HasRole(Role.STUDENT))
    router.message.register(status, Command("status"))
    router.message.register(history, Command("history"))
    return router
