"""The overrides of aiogram internals (bot/aiogram_overrides) were written against a range of
aiogram versions; outside it they may break silently, so this test fails first."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from aiogram.client.session.base import BaseSession
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.webhook.aiohttp_server import BaseRequestHandler

from bot.aiogram_overrides import TESTED_AIOGRAM


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def test_installed_aiogram_is_the_one_the_overrides_were_tested_with() -> None:
    installed = _release(version("aiogram"))
    lowest, highest = TESTED_AIOGRAM
    assert lowest <= installed < highest, (
        f"aiogram {version('aiogram')} is outside {lowest}..{highest}: re-read every module "
        "of bot/aiogram_overrides against it, run the suite, then widen TESTED_AIOGRAM")


def test_the_internals_the_overrides_lean_on_are_there() -> None:
    assert "_dumps_json" in inspect.signature(BaseSession.prepare_value).parameters
    assert callable(getattr(FSMContextMiddleware, "resolve_event_context", None))
    for name in ("_handle_request", "_build_response_writer", "verify_secret"):
        assert callable(getattr(BaseRequestHandler, name, None)), name
