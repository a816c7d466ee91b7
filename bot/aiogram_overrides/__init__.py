"""Every place where this bot replaces or reaches into an aiogram internal, in one package.

Each override leans on aiogram code that is not a public contract (method names, private
attributes, call order), so an aiogram upgrade can break it silently.
``tests/test_aiogram_overrides.py`` fails when the installed aiogram is outside
``TESTED_AIOGRAM``; upgrading means re-reading each module below against the new aiogram,
running the suite, then widening the range.

- ``fsm``: ``BufferedFSMContext`` and ``GatedFSM`` replace aiogram's FSM middleware and its
  event isolation; the gate (``bot/middlewares/gate.py``) takes the user's lock and reads and
  writes the state in its own Redis scripts. Relies on ``FSMContextMiddleware.
  resolve_event_context`` and on the ``state``/``raw_state``/``fsm_storage`` keys handlers
  receive.
- ``session``: ``BotApiSession`` overrides ``AiohttpSession.build_form_data`` (JSON bodies)
  and ``check_response`` (cached ``Response[T]`` models); relies on ``prepare_value``'s
  ``_dumps_json`` flag and on ``make_request`` posting what ``build_form_data`` returns.
- ``webhook``: ``StrictRequestHandler`` overrides ``SimpleRequestHandler.verify_secret`` and
  ``_handle_request`` (401/400 instead of 500); relies on ``_build_response_writer``.
- ``handlers/filters.py: Magic`` (left beside the filters the handlers import): evaluates a
  magic filter inline instead of through aiogram's ``asyncio.to_thread``.
- ``bot/dispatcher.py`` runs with ``disable_fsm=True`` and ``DisabledEventIsolation`` and
  registers ``GatedFSM`` by hand, after the error middleware (see docs/life-of-an-update.md).
"""

from __future__ import annotations

# [lowest, highest) aiogram version these overrides were written and tested for.
TESTED_AIOGRAM = ((3, 31), (3, 32))
