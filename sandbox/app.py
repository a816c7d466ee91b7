"""``python -m bot sandbox``: the whole product in a browser, without Telegram.

The real bot runs (polling) against the built-in Bot API emulator; a small aiohttp app serves a
Telegram-like page where several people chat with the bot at once. The page talks to the
emulator's "user side" through the JSON endpoints below and receives new and edited messages as
Server-Sent Events fed by ``emulator.subscribe()``.

Endpoints (all under the page's origin; POSTs need the ``X-Sandbox: 1`` header):

- ``GET  /``                              the page (``static/index.html``)
- ``GET  /static/{name}``                 its CSS and JavaScript
- ``GET  /api/state``                     bot, people (with roles and menus) and every message
- ``GET  /api/events``                    Server-Sent Events: message, edit, delete, toast, people,
                                          chat_action (the bot's sendChatAction)
- ``POST /api/people``                    add a person ``{first_name, last_name}``
- ``POST /api/people/{id}``               rename a person
- ``POST /api/chats/{id}/text``           the person sends ``{text}``
- ``POST /api/chats/{id}/document``       the person sends a file (multipart ``file``, ``caption``)
- ``POST /api/chats/{id}/click``          the person presses ``{message_id, callback_data}``
- ``GET  /api/files/{file_id}``           download a file of any message
- ``GET  /api/webapp/{id}``               where the Mini App opens for a person: its URL with
                                          the init data Telegram would sign for them
- ``*    /miniapp/{path}``                the bot's own HTTP app (the Mini App under
                                          ``/miniapp/app/``, its API under ``/miniapp/api/``),
                                          proxied so that the page can show it in a frame
                                          under the page's origin (its CSP allows no other)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp
import structlog
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import select

from bot.config import ConfigError, Settings
from bot.logging import setup_logging
from bot.ops.migrate import upgrade
from bot.runners import BotProcess
from storage.models import User
from tgemu import BotAPIEmulator, launch_hash

log = structlog.get_logger("sandbox")

STATIC = Path(__file__).resolve().parent / "static"
BOT_USERNAME = "thesis_sandbox_bot"
BOT_NAME = "Thesis Supervisor"
ADMIN_ID = 1001
FIRST_NEW_ID = 5001
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
REFRESH_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0

JSONDict = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Person:
    id: int
    first_name: str
    last_name: str | None = None
    intended: str | None = None  # the role the sample cast is meant to play
    language_code: str = "en"  # the language of their Telegram app

    def to_dict(self) -> JSONDict:
        return {"id": self.id, "first_name": self.first_name, "last_name": self.last_name,
                "name": f"{self.first_name} {self.last_name or ''}".strip(),
                "intended": self.intended, "language_code": self.language_code}


DEFAULT_PEOPLE: tuple[Person, ...] = (
    Person(ADMIN_ID, "Ada", "Admin", "admin"),
    Person(2001, "Sam", "Turing", "supervisor"),
    Person(2002, "Grace", "Hopper", "supervisor"),
    Person(3001, "Alice", "Student", "student"),
    Person(3002, "Bob", "Student", "student"),
    Person(3003, "Carol", "Student", "student"),
    # Her Telegram app is in Russian: the bot speaks Russian to her (/language changes it).
    Person(3004, "Дарья", "Иванова", "student", "ru"),
)


def _reply_to(value: object) -> int | None:
    """A message id the person replies to (anything else: not a reply)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def message_view(data: JSONDict) -> JSONDict:
    """What the page needs of one recorded message (``RecordedMessage.to_dict()``)."""
    text = data.get("text")
    caption = data.get("caption")
    document = data.get("document")
    media = data.get("media") or {}
    markup = data.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    buttons = [
        [{key: button[key] for key in ("text", "callback_data", "url", "web_app")
          if key in button}
         for button in row]
        for row in (rows or [])
    ]
    kind, media_file = None, None
    if data.get("photo"):
        kind = "photo"
        media_file = (data["photo"][-1] or {}).get("file_id")
    elif media:
        kind = next(iter(media))
        found = media.get(kind)
        media_file = found.get("file_id") if isinstance(found, dict) else None
    return {
        "id": data["message_id"],
        "chat_id": data["chat_id"],
        "from_bot": data["from_bot"],
        "date": data["date"],
        "text": text if text is not None else caption,
        "entities": data.get("entities") or [],
        "document": (
            {key: document.get(key) for key in ("file_id", "file_name", "file_size", "mime_type")}
            if document else None
        ),
        "media_kind": kind,
        "media_file_id": media_file,
        "buttons": buttons,
        "reply_to": data.get("reply_to_message_id"),
        "edited": bool(data.get("edits")),
        "edit_date": data.get("edit_date"),
        "deleted": bool(data.get("deleted")),
    }


@dataclass
class Sandbox:
    """The emulator, the bot against it and the page; build it with :func:`start_sandbox`."""

    settings: Settings
    emulator: BotAPIEmulator
    process: BotProcess
    host: str
    port: int = 0
    people: dict[int, Person] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    menus: dict[int, list[JSONDict]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _listeners: set[asyncio.Queue[JSONDict | None]] = field(default_factory=set)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _queries: dict[str, int] = field(default_factory=dict)
    _queue: asyncio.Queue[JSONDict] | None = None
    _stopped: bool = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ people and state

    def add_person(self, first_name: str, last_name: str | None = None,
                   person_id: int | None = None, intended: str | None = None,
                   language_code: str = "en") -> Person:
        if person_id is None:
            person_id = max([FIRST_NEW_ID - 1, *self.people]) + 1
        person = Person(person_id, first_name, last_name or None, intended, language_code)
        self.people[person_id] = person
        # Re-registering keeps the transcript; later updates carry the new name.
        self.emulator.add_user(person_id, first_name, last_name or None,
                               language_code=language_code)
        return person

    def people_view(self) -> list[JSONDict]:
        return [{**person.to_dict(), "role": self.roles.get(person.id),
                 "commands": self.menus.get(person.id, [])}
                for person in self.people.values()]

    def state(self) -> JSONDict:
        snapshot = self.emulator.snapshot()
        messages = {
            str(person_id): [message_view(m) for m in snapshot["messages"].get(str(person_id), [])]
            for person_id in self.people
        }
        return {"bot": {"username": self.emulator.bot_username,
                        "name": self.emulator.bot_first_name},
                "admin_id": ADMIN_ID, "people": self.people_view(), "messages": messages}

    def _menu_of(self, chat_id: int) -> list[JSONDict]:
        scopes = (json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True),
                  json.dumps({"type": "all_private_chats"}, sort_keys=True),
                  json.dumps({"type": "default"}, sort_keys=True))
        for scope in scopes:
            for (key, _lang), commands in self.emulator.commands.items():
                if key == scope:
                    return [{"command": str(c.get("command")),
                             "description": str(c.get("description", ""))} for c in commands]
        return []

    async def refresh_people(self) -> bool:
        """Re-read roles (from the database) and command menus; True when anything changed."""
        roles: dict[int, str] = {}
        if self.people:
            async with self.process.deps.session_factory() as session:
                rows = await session.execute(
                    select(User.id, User.role).where(User.id.in_(list(self.people))))
                roles = {int(user_id): str(role) for user_id, role in rows.all()}
        menus = {person_id: self._menu_of(person_id) for person_id in self.people}
        changed = roles != self.roles or menus != self.menus
        self.roles, self.menus = roles, menus
        return changed

    # ------------------------------------------------------------------ events

    def broadcast(self, event: JSONDict) -> None:
        for queue in list(self._listeners):
            queue.put_nowait(event)

    def broadcast_people(self) -> None:
        self.broadcast({"type": "people", "people": self.people_view()})

    async def _pump(self) -> None:
        """Forward emulator events to every page, as the page wants them."""
        assert self._queue is not None
        while True:
            event = await self._queue.get()
            kind = event.get("type")
            if kind in ("message", "edit", "delete") and event.get("message"):
                self.broadcast({"type": kind, "chat_id": event["chat_id"],
                                "message": message_view(event["message"])})
            elif kind == "chat_action":
                # "sending a file…" under the chat's name, as Telegram's clients show it.
                self.broadcast({"type": "chat_action", "chat_id": event["chat_id"],
                                "action": event.get("action") or ""})
            elif kind == "callback_answer":
                chat_id = self._queries.pop(str(event.get("callback_query_id")), None)
                if event.get("text") and chat_id is not None:
                    self.broadcast({"type": "toast", "chat_id": chat_id, "text": event["text"],
                                    "alert": bool(event.get("show_alert"))})

    async def _refresher(self) -> None:
        """Roles and menus change behind the page's back (database, setMyCommands)."""
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                if await self.refresh_people():
                    self.broadcast_people()
            except Exception:  # a hiccup must not stop the refresher
                log.warning("refresh_failed", exc_info=True)

    # ------------------------------------------------------------------ HTTP

    def create_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024,
                              middlewares=[self._guard])
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/people", self._add_person)
        app.router.add_post("/api/people/{person_id:-?\\d+}", self._rename_person)
        app.router.add_post("/api/chats/{chat_id:-?\\d+}/text", self._send_text)
        app.router.add_post("/api/chats/{chat_id:-?\\d+}/document", self._send_document)
        app.router.add_post("/api/chats/{chat_id:-?\\d+}/photo", self._send_photo)
        app.router.add_post("/api/chats/{chat_id:-?\\d+}/voice", self._send_voice)
        app.router.add_post("/api/chats/{chat_id:-?\\d+}/click", self._click)
        app.router.add_get("/api/files/{file_id}", self._file)
        app.router.add_get("/api/webapp/{chat_id:-?\\d+}", self._webapp)
        app.router.add_route("*", "/miniapp/{tail:.*}", self._miniapp)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # Loopback only, but any web site could still POST here: insist on a header a
        # cross-site form cannot set, and on our own host name (no DNS rebinding).
        host = (request.host or "").rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "localhost", "::1", self.host):
            raise web.HTTPForbidden(text="unknown host")
        # The Mini App's own calls (proxied to the bot) carry its bearer token instead.
        if request.method == "POST" and request.headers.get("X-Sandbox") != "1" \
                and not request.path.startswith("/miniapp/"):
            raise web.HTTPForbidden(text="missing X-Sandbox header")
        try:
            return await handler(request)
        except _BadRequest as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def _state(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.state())

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream", "Cache-Control": "no-store",
            "X-Accel-Buffering": "no"})
        queue: asyncio.Queue[JSONDict | None] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            await response.prepare(request)
            # The page fetches /api/state once this arrives, so nothing falls in between.
            await response.write(b"retry: 1000\nevent: ready\ndata: {}\n\n")
            while not self._stopped:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                if event is None:
                    break
                await response.write(f"data: {json.dumps(event)}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self._listeners.discard(queue)
        return response

    async def _json_body(self, request: web.Request) -> JSONDict:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise _BadRequest("expected a JSON object") from None
        if not isinstance(body, dict):
            raise _BadRequest("expected a JSON object")
        return body

    def _person(self, request: web.Request, key: str = "chat_id") -> Person:
        person = self.people.get(int(request.match_info[key]))
        if person is None:
            raise web.HTTPNotFound(text="no such person")
        return person

    @staticmethod
    def _names(body: JSONDict) -> tuple[str, str | None]:
        first = str(body.get("first_name") or "").strip()[:64]
        last = str(body.get("last_name") or "").strip()[:64] or None
        if not first:
            raise _BadRequest("first_name is required")
        return first, last

    async def _add_person(self, request: web.Request) -> web.StreamResponse:
        first, last = self._names(await self._json_body(request))
        person = self.add_person(first, last)
        self.broadcast_people()
        return web.json_response({"ok": True, "person": person.to_dict()})

    async def _rename_person(self, request: web.Request) -> web.StreamResponse:
        person = self._person(request, "person_id")
        first, last = self._names(await self._json_body(request))
        self.add_person(first, last, person.id, person.intended, person.language_code)
        self.broadcast_people()
        return web.json_response({"ok": True, "person": self.people[person.id].to_dict()})

    async def _send_text(self, request: web.Request) -> web.StreamResponse:
        person = self._person(request)
        body = await self._json_body(request)
        text = str(body.get("text") or "")
        if not text.strip():
            raise _BadRequest("text is empty")
        sent = await self.emulator.send_text(person.id, text[:4096],
                                             reply_to_message_id=_reply_to(body.get("reply_to")))
        return web.json_response({"ok": True, "message_id": sent["message_id"]})

    async def _send_document(self, request: web.Request) -> web.StreamResponse:
        return await self._send_upload(request, "document")

    async def _send_photo(self, request: web.Request) -> web.StreamResponse:
        return await self._send_upload(request, "photo")

    async def _send_voice(self, request: web.Request) -> web.StreamResponse:
        return await self._send_upload(request, "voice")

    async def _send_upload(self, request: web.Request, kind: str) -> web.StreamResponse:
        """A file from the page, sent by the person as a document, a photo or a voice
        message (optionally as a reply to one of the chat's messages)."""
        person = self._person(request)
        reply_to: int | None = None
        duration = 1
        try:
            reader = await request.multipart()
        except (ValueError, AssertionError):
            raise _BadRequest("expected multipart/form-data") from None
        caption: str | None = None
        upload: tuple[Path, str, str | None] | None = None
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="sandbox-upload-"))
        try:
            while (part := await reader.next()) is not None:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                if part.name == "caption":
                    caption = (await part.text()).strip()[:1024] or None
                elif part.name == "reply_to":
                    reply_to = _reply_to((await part.text()).strip())
                elif part.name == "duration":
                    text = (await part.text()).strip()
                    duration = min(max(int(float(text)), 1), 3600) \
                        if text.replace(".", "", 1).isdigit() else 1
                elif part.name == "file" and upload is None:
                    name = Path(part.filename or "document").name or "document"
                    target = folder / "upload"
                    size = 0
                    sink = await asyncio.to_thread(_open_for_write, target)
                    try:
                        while chunk := await part.read_chunk(256 * 1024):
                            size += len(chunk)
                            if size > MAX_UPLOAD_BYTES:
                                raise _BadRequest("file is too large for the sandbox")
                            await asyncio.to_thread(sink.write, chunk)
                    finally:
                        await asyncio.to_thread(sink.close)
                    content_type = part.headers.get("Content-Type")
                    if content_type in (None, "", "application/octet-stream"):
                        content_type = None
                    upload = (target, name, content_type)
            if upload is None:
                raise _BadRequest("no file in the request")
            path, name, mime = upload
            if kind == "photo":
                sent = await self.emulator.send_photo(person.id, path, caption,
                                                      reply_to_message_id=reply_to)
            elif kind == "voice":
                sent = await self.emulator.send_voice(person.id, path, duration,
                                                      reply_to_message_id=reply_to)
            else:
                sent = await self.emulator.send_document(person.id, path, name, mime_type=mime,
                                                         caption=caption,
                                                         reply_to_message_id=reply_to)
        finally:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        return web.json_response({"ok": True, "message_id": sent["message_id"]})

    async def _click(self, request: web.Request) -> web.StreamResponse:
        person = self._person(request)
        body = await self._json_body(request)
        message_id, data = body.get("message_id"), body.get("callback_data")
        if not isinstance(message_id, int) or not isinstance(data, str) or not data:
            raise _BadRequest("message_id (int) and callback_data (str) are required")
        try:
            message = self.emulator.message(person.id, message_id)
        except AssertionError:
            raise web.HTTPNotFound(text="no such message") from None
        if message.deleted:
            raise _BadRequest("the message was deleted")
        offered = {b.get("callback_data") for row in message.buttons for b in row}
        if data not in offered:
            # The keyboard changed (e.g. removed after a decision) since the page drew it.
            raise _BadRequest("this button is no longer there")
        query_id = await self.emulator.click(person.id, message_id, data)
        self._queries[query_id] = person.id
        return web.json_response({"ok": True, "callback_query_id": query_id})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        try:
            stored = self.emulator.file(file_id)
            path = self.emulator.file_path_on_disk(file_id)
        except KeyError:
            raise web.HTTPNotFound(text="no such file") from None
        name = stored.file_name or Path(stored.file_path).name
        disposition = "inline" if request.query.get("inline") else "attachment"
        quoted = urllib.parse.quote(name, safe="")
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
        headers = {
            "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; "
                                   f"filename*=UTF-8''{quoted}",
            "Content-Type": stored.mime_type or "application/octet-stream",
            "X-Content-Type-Options": "nosniff",
        }
        return web.FileResponse(path, headers=headers)

    # ------------------------------------------------------------------ the Mini App

    async def _webapp(self, request: web.Request) -> web.StreamResponse:
        """Opening the Mini App as this person: Telegram would sign their init data with the
        bot's token; the emulator does the same with its own."""
        person = self._person(request)
        init_data = self.emulator.web_app_init_data(person.id)
        return web.json_response({"ok": True,
                                  "url": f"/miniapp/app/#{launch_hash(init_data)}"})

    async def _miniapp(self, request: web.Request) -> web.StreamResponse:
        assert self.process.port is not None
        target = f"http://127.0.0.1:{self.process.port}/{request.match_info['tail']}"
        headers = {name: value for name, value in request.headers.items()
                   if name.lower() in PROXIED_REQUEST_HEADERS}
        body = await request.read() if request.can_read_body else None
        async with aiohttp.ClientSession(auto_decompress=False) as http, http.request(
                request.method, target, params=request.query, data=body, headers=headers,
                allow_redirects=False) as upstream:
            payload = await upstream.read()
            kept = {name: value for name, value in upstream.headers.items()
                    if name.lower() not in HOP_BY_HOP}
            location = kept.get("Location")
            if location and location.startswith("/"):
                kept["Location"] = "/miniapp" + location
            return web.Response(status=upstream.status, body=payload, headers=kept)

    # ------------------------------------------------------------------ lifecycle

    async def _serve(self, port: int) -> None:
        self._runner = web.AppRunner(self.create_app(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for queue in list(self._listeners):
            queue.put_nowait(None)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._queue is not None:
            self.emulator.unsubscribe(self._queue)
        if self._runner is not None:
            await self._runner.cleanup()
        await self.process.stop()
        await self.emulator.stop()
        log.info("sandbox_stopped")


PROXIED_REQUEST_HEADERS = frozenset({"authorization", "content-type", "accept",
                                     "accept-encoding", "if-none-match"})
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length",
                        "server", "date"})


def _open_for_write(path: Path) -> BinaryIO:
    return path.open("wb")


class _BadRequest(Exception):
    """A page request the sandbox cannot act on (answered with 400 and the reason)."""


# The sandbox makes a fixed id (ADMIN_ID) an admin and its bot claims any outbox row it finds:
# pointed at a real database, Redis or bucket it would give a real Telegram id admin rights and
# "deliver" production notifications to the emulator. It runs on the embedded defaults only.
PRODUCTION_SETTINGS = {"DATABASE_URL": "database_url", "REDIS_URL": "redis_url",
                       "S3_BUCKET": "s3_bucket"}


def refuse_production_settings(settings: Settings) -> None:
    """ConfigError naming every production storage setting that is set (values never shown)."""
    named = [env for env, attr in PRODUCTION_SETTINGS.items() if getattr(settings, attr)]
    if named:
        raise ConfigError(
            f"the sandbox runs on its own SQLite, local files and in-memory state and refuses "
            f"{', '.join(named)}: unset {'it' if len(named) == 1 else 'them'} to start it")


def sandbox_settings(settings: Settings, emulator: BotAPIEmulator,
                     page_url: str | None = None, http_port: int = 0) -> Settings:
    """The given settings (embedded defaults: see refuse_production_settings) pointed at the
    emulator, with the Mini App on when the page's URL is known (it is proxied there)."""
    admins = list(dict.fromkeys([*settings.admin_ids, ADMIN_ID]))
    return settings.model_copy(update={
        "telegram_bot_token": SecretStr(emulator.token),
        "telegram_api_url": emulator.base_url,
        "telegram_api_local": False,
        "bot_mode": "polling",
        "webhook_base_url": None,
        "admin_ids": admins,
        # The bot's own /health, /ready, /metrics and calendar feeds: on loopback, on a port
        # chosen before it starts, so that the links it hands out name it (never port 0).
        "http_host": "127.0.0.1",
        "http_port": http_port,
        # The Mini App under the page's own origin (see Sandbox._miniapp); a key of this run.
        "webapp_url": f"{page_url}/miniapp/app/" if page_url else None,
        "jwt_secret_key": SecretStr(secrets.token_urlsafe(32)) if page_url else None,
    })


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


async def start_sandbox(settings: Settings, port: int | None = None,
                        host: str = "127.0.0.1") -> Sandbox:
    """Migrate, start the emulator, the bot against it and the page; returns the running set."""
    refuse_production_settings(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade, settings.effective_database_url)
    bot_id = 7_000_000_000 + secrets.randbelow(10**9)
    token = f"{bot_id}:{secrets.token_urlsafe(26)}"
    # Chats live in memory only, so the files of an earlier run's chats are unreachable.
    telegram_dir = settings.data_dir / "sandbox-telegram"
    await asyncio.to_thread(shutil.rmtree, telegram_dir, True)
    emulator = BotAPIEmulator(token, bot_username=BOT_USERNAME, bot_first_name=BOT_NAME,
                              storage_dir=telegram_dir)
    await emulator.start("127.0.0.1", 0)
    process: BotProcess | None = None
    page_port = settings.sandbox_port if port is None else port
    if page_port == 0:
        # The bot must know the page's URL (its Mini App buttons point there) before the page
        # is served: choose the port now.
        with socket.socket() as probe:
            probe.bind((host, 0))
            page_port = int(probe.getsockname()[1])
    try:
        process = BotProcess(sandbox_settings(settings, emulator, f"http://{host}:{page_port}",
                                              _free_port("127.0.0.1")))
        sandbox = Sandbox(settings=process.settings, emulator=emulator, process=process,
                          host=host)
        for person in DEFAULT_PEOPLE:
            sandbox.add_person(person.first_name, person.last_name, person.id, person.intended,
                               person.language_code)
        sandbox._queue = emulator.subscribe()
        await process.start()
        await sandbox.refresh_people()
        sandbox._tasks = [asyncio.create_task(sandbox._pump(), name="sandbox-pump"),
                          asyncio.create_task(sandbox._refresher(), name="sandbox-refresh")]
        await sandbox._serve(page_port)
    except BaseException:
        if process is not None:
            with contextlib.suppress(Exception):
                await process.stop()
        await emulator.stop()
        raise
    log.info("sandbox_started", url=sandbox.url, bot_http_port=process.port)
    return sandbox


async def run_sandbox(settings: Settings, port: int | None = None) -> int:
    """``python -m bot sandbox``: serve until SIGINT/SIGTERM."""
    refuse_production_settings(settings)  # before anything is created or logged
    setup_logging(settings.log_level, "console")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        sandbox = await start_sandbox(settings, port=port)
    except OSError as exc:
        wanted = settings.sandbox_port if port is None else port
        print(f"cannot start the sandbox on 127.0.0.1:{wanted}: {exc.strerror or exc}\n"
              "choose another port with --port N or SANDBOX_PORT", file=sys.stderr)
        return 1
    print(f"\nThesis Supervisor sandbox: open {sandbox.url} in your browser "
          f"(Ctrl+C to stop)\n", flush=True)
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await sandbox.stop()
    return 0
