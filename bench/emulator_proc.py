"""The Bot API emulator in a process of its own, with a few control routes for the driver.

``python -m bench.emulator_proc --port P --token T --storage DIR``. It answers the bots'
API calls only; the driver posts updates to the bots' webhooks itself. Control routes:

- ``POST /_bench/users``  ``[[id, first_name], ...]``: register private chats.
- ``POST /_bench/file``   ``{"size": n, "name": "x.pdf"}``: a PDF of n bytes on disk;
  answers the Telegram ``Document`` for a message.
- ``POST /_bench/reset``: forget the recorded calls and messages (keeps its memory flat).
- ``GET  /_bench/last?chat=ID``: the text of the bot's newest message in a chat.
- ``GET  /_bench/counts``: bot messages per chat and calls per method since the last reset.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
from collections import Counter
from pathlib import Path
from typing import Any

from aiohttp import web

from tgemu import BotAPIEmulator

FILL = b"0123456789abcdef" * 65536  # 1 MiB


class AlwaysOpen(set[str]):
    """Callback queries posted by the driver never went through the emulator: accept
    answers to any of them."""

    def __contains__(self, item: object) -> bool:
        return True


def write_pdf(path: Path, size: int) -> None:
    head, trailer = b"%PDF-1.7\n%bench\n", b"\n%%EOF\n"
    left = size - len(head) - len(trailer)
    with path.open("wb") as handle:
        handle.write(head)
        while left > 0:
            chunk = FILL[: min(left, len(FILL))]
            handle.write(chunk)
            left -= len(chunk)
        handle.write(trailer)


def build(emu: BotAPIEmulator) -> web.Application:
    app = emu.app
    emu._open_callbacks = AlwaysOpen()

    async def users(request: web.Request) -> web.Response:
        for user_id, name in await request.json():
            emu.add_user(int(user_id), str(name))
        return web.json_response({"ok": True})

    async def make_file(request: web.Request) -> web.Response:
        body = await request.json()
        name = str(body.get("name", "thesis.pdf"))
        path = emu._new_disk_path(name)
        await asyncio.to_thread(write_pdf, path, int(body["size"]))
        stored = emu._register_file(path, name, "application/pdf", "documents",
                                    path.stat().st_size)
        return web.json_response(stored.as_document())

    async def reset(_request: web.Request) -> web.Response:
        emu.calls.clear()
        emu.callback_answers.clear()
        emu.updates.clear()
        for messages in emu._messages.values():
            messages.clear()
        gc.collect()
        return web.json_response({"ok": True})

    async def counts(_request: web.Request) -> web.Response:
        per_chat = {str(chat): sum(1 for m in messages if m.from_bot)
                    for chat, messages in emu._messages.items()}
        methods = Counter(name for name, _params in emu.calls)
        return web.json_response({"chats": {k: v for k, v in per_chat.items() if v},
                                  "methods": dict(methods)})

    async def last(request: web.Request) -> web.Response:
        chat = int(request.query["chat"])
        sent = [m for m in emu._messages.get(chat, []) if m.from_bot]
        return web.json_response({"text": sent[-1].content if sent else None})

    app.router.add_get("/_bench/last", last)
    app.router.add_post("/_bench/users", users)
    app.router.add_post("/_bench/file", make_file)
    app.router.add_post("/_bench/reset", reset)
    app.router.add_get("/_bench/counts", counts)
    app.router.add_get("/ready", lambda _r: _ok())
    return app


async def _ok() -> web.Response:
    return web.json_response({"ok": True})


async def main(args: Any) -> None:
    emu = BotAPIEmulator(token=args.token, storage_dir=args.storage, local_mode=args.local)
    build(emu)
    await emu.start(port=args.port)
    gc.collect()
    gc.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await emu.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--local", action="store_true")
    asyncio.run(main(parser.parse_args()))
