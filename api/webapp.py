"""The Mini App's static files (webapp/) under /app/, with its security and cache headers.

There is no build step: at start-up every asset is read once, named after its content
(``app.js`` is served as ``/app/assets/app.<sha256[:12]>.js``) and kept in memory with its
gzip form. ``index.html`` names the hashed files, so an asset can be cached for a year
(``immutable``) and a new release is picked up as soon as ``index.html`` is, which is
revalidated on every open (``no-cache`` with an ETag).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

WEBAPP_DIR = Path(__file__).resolve().parents[1] / "webapp"
ASSETS = ("app.css", "app.js", "telegram.js", "vendor/chart.umd.min.js",
          "vendor/fluent-bundle.js", "desk.js", "desk.css", "vendor/pdf.min.mjs",
          "vendor/pdf.worker.min.mjs")
# Fetched only when a document is opened in the review desk (named in index.html's
# <meta name="desk-assets">, loaded by app.js on demand).
ON_DEMAND = ("desk.js", "desk.css", "vendor/pdf.min.mjs", "vendor/pdf.worker.min.mjs")
ASSET_REF = re.compile(r"\{\{asset:([\w./-]+)\}\}")
LONG_CACHE = "public, max-age=31536000, immutable"
# Telegram Web (web.telegram.org) shows a Mini App in an iframe; the phone and desktop
# clients in a web view. Nothing else may frame it.
FRAME_ANCESTORS = "'self' https://web.telegram.org"
# pdf.js runs its parser in a module worker loaded from our own origin (worker-src).
APP_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; font-src 'self'; worker-src 'self'; object-src 'none'; "
           "base-uri 'none'; "
           f"form-action 'none'; frame-ancestors {FRAME_ANCESTORS}")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
COMMON_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    cache_control: str


def _asset(body: bytes, name: str, cache_control: str) -> Asset:
    content_type = "text/javascript" if name.endswith(".mjs") else (
        mimetypes.guess_type(name)[0] or "application/octet-stream")
    if content_type.startswith("text/") or content_type.endswith("javascript"):
        content_type += "; charset=utf-8"
    digest = hashlib.sha256(body).hexdigest()
    return Asset(body, gzip.compress(body, 9, mtime=0), content_type, f'"{digest[:32]}"',
                 cache_control)


def hashed_name(name: str, body: bytes) -> str:
    stem, _, suffix = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(body).hexdigest()[:12]}.{suffix}"


class WebAppFiles:
    """Every file the Mini App serves, by URL path under /app/."""

    def __init__(self, root: Path = WEBAPP_DIR) -> None:
        self.files: dict[str, Asset] = {}
        names: dict[str, str] = {}
        for name in ASSETS:
            body = (root / name).read_bytes()
            names[name] = "assets/" + hashed_name(name, body)
            self.files[names[name]] = _asset(body, name, LONG_CACHE)

        def refer(match: re.Match[str]) -> str:
            return names[match.group(1)]

        index = ASSET_REF.sub(refer, (root / "index.html").read_text(encoding="utf-8"))
        self.files[""] = _asset(index.encode(), "index.html", "no-cache")
        self.names = names

    def transfer_size(self, on_demand: bool | None = None) -> int:
        """Bytes downloaded with gzip: index.html and every asset (on_demand=False: what a
        first open of the dashboard fetches; True: what opening a document adds)."""
        lazy = {self.names[name] for name in ON_DEMAND}
        return sum(len(asset.gzipped) for path, asset in self.files.items()
                   if on_demand is None or (path in lazy) == on_demand)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        asset = self.files.get(request.match_info.get("tail", ""))
        if asset is None:
            raise web.HTTPNotFound(text="not found", headers={"Cache-Control": "no-store"})
        headers = {"Content-Type": asset.content_type, "Cache-Control": asset.cache_control,
                   "ETag": asset.etag, "Vary": "Accept-Encoding"}
        if asset.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        body = asset.body
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, headers=headers)


def security_headers(path: str) -> dict[str, str] | None:
    """The headers of a Mini App or API answer (None: not ours)."""
    if path.startswith("/app"):
        return {**COMMON_HEADERS, "Content-Security-Policy": APP_CSP}
    if path.startswith("/api"):
        return {**COMMON_HEADERS, "Content-Security-Policy": API_CSP,
                "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
    return None


async def redirect_to_app(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/app/")
