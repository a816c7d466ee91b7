"""The one place where routers are composed, in the order they are tried."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType


def get_routers() -> list[Router]:
    from handlers import (
        access,
        admin,
        assessment,
        chats,
        deadlines,
        defence,
        exports,
        fallback,
        files,
        invites,
        language,
        meetings,
        messaging,
        promises,
        questions,
        receipts,
        rename,
        review,
        roster,
        start,
        student,
        submit,
        supervisor,
        team,
        threads,
        topics,
    )
    from handlers.filters import Magic
    from handlers.start import LeaveStepOnCommand
    from telegram.render import RenderDomainErrors

    private = Router(name="private")
    # Before any router's filters: a command mid-step leaves the step, then runs.
    private.message.outer_middleware(LeaveStepOnCommand())
    private.message.filter(Magic(F.chat.type == ChatType.PRIVATE))
    private.callback_query.filter(Magic(F.message.chat.type == ChatType.PRIVATE))
    # Inner middlewares reach every nested router's handlers.
    private.message.middleware(RenderDomainErrors())
    private.callback_query.middleware(RenderDomainErrors())
    # access first (whoever may not act gets one line, whatever they send), then start (its
    # commands answer in any state), fallback last; in between each router takes its own
    # commands, buttons and conversation steps, so the busiest go first: every router tried
    # costs its filters' checks.
    private.include_routers(*(module.create_router() for module in (
        access, start, student, supervisor, review, team, assessment, defence, submit, invites,
        roster, deadlines, meetings, receipts, exports, admin, files, threads, messaging,
        promises, language, rename, topics, questions, fallback)))
    return [chats.create_router(), private]
