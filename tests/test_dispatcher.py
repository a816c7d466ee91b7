"""The dispatcher's shape: things that are easy to break without any test noticing."""

from __future__ import annotations

from aiogram import Router

from bot.config import load_settings
from bot.deps import build_deps
from bot.dispatcher import create_dispatcher


def _sync_callables(router: Router) -> list[str]:
    found = []
    for name, observer in router.observers.items():
        for flt in observer._handler.filters or []:  # router-level filters
            if not flt.awaitable:
                found.append(f"{router.name}.{name} filter {flt.callback!r}")
        for handler in observer.handlers:
            if not handler.awaitable:
                found.append(f"{router.name}.{name} handler {handler.callback!r}")
            found += [f"{router.name}.{name} {handler.callback.__name__} filter {f.callback!r}"
                      for f in handler.filters or [] if not f.awaitable]
    for sub in router.sub_routers:
        found += _sync_callables(sub)
    return found


def test_no_filter_or_handler_runs_in_a_thread(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # aiogram runs every synchronous filter or handler through asyncio.to_thread: a bare
    # State or F-expression costs a thread hop for each update it is tried against.
    settings = load_settings(telegram_bot_token="1:x", data_dir=tmp_path)
    dispatcher = create_dispatcher(settings, build_deps(settings))
    assert _sync_callables(dispatcher) == []


def test_two_dispatchers_can_coexist(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(telegram_bot_token="1:x", data_dir=tmp_path)
    first = create_dispatcher(settings, build_deps(settings))
    second = create_dispatcher(settings, build_deps(settings))
    assert first.sub_routers[0] is not second.sub_routers[0]
