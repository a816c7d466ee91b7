"""The HTTP side: the aiohttp server answering ``/bot<token>/<method>`` and ``/file/...``."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any, Self

import aiohttp
from aiohttp import web

from .records import ApiError, JSONDict
from .state import EmulatorState
from .wire import MB, Upload, coerce, read_multipart_parts


class Server(EmulatorState):
    """Serving the Bot API over HTTP on loopback, and the emulator's lifecycle."""

    # ------------------------------------------------------------------ lifecycle

    @property
    def app(self) -> web.Application:
        """A standalone aiohttp application serving only the emulator routes."""
        if self._app is None:
            # Large limit: JSON/urlencoded bodies are read whole; files use streamed multipart.
            self._app = web.Application(client_max_size=64 * MB)
            self.add_routes(self._app)
        return self._app

    def add_routes(self, app: web.Application, prefix: str = "") -> None:
        """Attach the Bot API routes to another aiohttp application."""
        app.router.add_route("*", prefix + "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", prefix + "/file/bot{token}/{path:.+}", self._handle_file)

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server (for ``TelegramAPIServer.from_base``)."""
        if self._base_url is None:
            raise RuntimeError("emulator is not started")
        return self._base_url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        """Serve on host:port (0 picks a free port)."""
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._base_url = f"http://{bound_host}:{bound_port}"
        return self

    async def stop(self) -> None:
        """Stop serving, cancel webhook deliveries and remove temporary files."""
        self._closing = True
        self._notify()  # wake long polls so shutdown is not held up
        for task in list(self._delivery_tasks):
            task.cancel()
        if self._delivery_tasks:
            await asyncio.gather(*self._delivery_tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._base_url = None
        if self._owns_storage:
            await asyncio.to_thread(shutil.rmtree, self.storage_dir, True)

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP layer

    @staticmethod
    def _json(payload: JSONDict, status: int = 200) -> web.Response:
        return web.json_response(payload, status=status)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        odd = self.take_odd_answer(request.match_info["method"])
        try:
            params, uploads = await self._read_params(request)
            result = await self.call(request.match_info["method"], params, uploads)
        except ApiError as exc:
            if odd is not None and odd.body is not None:
                return web.Response(status=odd.status, body=odd.body,
                                    content_type=odd.content_type)
            return self._json(exc.payload(), exc.status)
        if odd is not None and odd.body is not None:
            return web.Response(status=odd.status, body=odd.body, content_type=odd.content_type)
        if odd is not None and odd.mangle is not None:
            return self._json(odd.mangle({"ok": True, "result": result}), odd.status)
        return self._json({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.disk_path is None or not stored.disk_path.exists():
            return self._json(ApiError(404, "Not Found").payload(), 404)
        if self.download_rate:
            return await self._serve_slowly(request, stored.disk_path, stored.mime_type)
        # FileResponse streams from disk (sendfile), so 100+ MB files never sit in memory.
        return web.FileResponse(
            stored.disk_path,
            headers={"Content-Type": stored.mime_type or "application/octet-stream"},
        )

    async def _serve_slowly(self, request: web.Request, path: Path,
                            mime_type: str | None) -> web.StreamResponse:
        """Stream a file in small pieces, paced to ``download_rate`` bytes per second."""
        assert self.download_rate
        piece = 64 * 1024
        size = (await asyncio.to_thread(path.stat)).st_size
        response = web.StreamResponse(headers={
            "Content-Type": mime_type or "application/octet-stream",
            "Content-Length": str(size)})
        await response.prepare(request)
        try:
            with open(path, "rb") as handle:  # noqa: ASYNC230 - read in a thread below
                while chunk := await asyncio.to_thread(handle.read, piece):
                    await response.write(chunk)
                    await asyncio.sleep(len(chunk) / self.download_rate)
            await response.write_eof()
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            pass  # the client went away (cancelled, or killed): as Telegram, say nothing
        return response

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        raw: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        ctype = request.content_type
        if request.body_exists:
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON object expected")
                raw.update(body)
            elif ctype.startswith("multipart/"):
                await self._read_multipart(request, raw, uploads)
            elif ctype == "application/x-www-form-urlencoded":
                form = await request.post()
                raw.update({k: v for k, v in form.items() if isinstance(v, str)})
        return {k: coerce(k, v) for k, v in raw.items()}, uploads

    async def _read_multipart(
        self, request: web.Request, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> None:
        await read_multipart_parts(
            await request.multipart(), raw, uploads, self._new_disk_path, self.max_upload_bytes
        )

