"""Issue 26, item 6: every route the app serves (read from the aiohttp app itself, webhook
mode with the Mini App on) is reachable through the shipped nginx config and the Kubernetes
ingress, both parsed from their files; only /metrics and /ready stay inside on purpose.
nginx's own location choice is followed: exact match, then the longest prefix (``^~`` stops
there), then the first matching regular expression, else the longest prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.config import load_settings
from bot.deps import build_deps
from bot.web import create_web_app

ROOT = Path(__file__).resolve().parents[1]
NGINX = ROOT / "infra" / "nginx" / "conf.d" / "thesis-supervisor.conf"
INGRESS = ROOT / "infra" / "k8s" / "ingress.yaml"
# Served, and kept from the public entry on purpose (Prometheus and the orchestrator reach
# the app's port directly; /ready names failing dependencies).
INTERNAL = {"/metrics", "/ready"}
SAMPLE = {"token": "A" * 43, "id": "1", "tail": "index.html", "page": "student", "lang": "en",
          "image": "student-help.png"}


@dataclass
class Location:
    modifier: str  # "=", "^~", "~", "~*" or ""
    pattern: str
    body: str
    methods: set[str] | None = field(default=None)  # limit_except: only these (+HEAD)

    @property
    def passes(self) -> bool:
        """Proxied to the app, or redirected as the app would (``/app`` → ``/app/``)."""
        return "proxy_pass" in self.body or re.search(r"return\s+30[178]\s+/", self.body) \
            is not None

    def allows(self, method: str) -> bool:
        if self.methods is None:
            return True
        return method in self.methods or (method == "HEAD" and "GET" in self.methods)


def nginx_locations(text: str) -> list[Location]:
    """The locations of the HTTPS server block (the one that proxies)."""
    servers = text.split("server {")
    https = next(s for s in servers if "listen 443" in s)
    found = []
    for match in re.finditer(r"location\s+(=|\^~|~\*|~)?\s*(\S+)\s*\{", https):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(https[i], 0)
            i += 1
        body = https[match.end():i - 1]
        limit = re.search(r"limit_except\s+([A-Z ]+)\{", body)
        methods = set(limit.group(1).split()) if limit else None
        found.append(Location(match.group(1) or "", match.group(2), body, methods))
    return found


def choose(locations: list[Location], path: str) -> Location | None:
    for loc in locations:
        if loc.modifier == "=" and loc.pattern == path:
            return loc
    prefixes = [loc for loc in locations if loc.modifier in ("", "^~")
                and path.startswith(loc.pattern)]
    longest = max(prefixes, key=lambda loc: len(loc.pattern), default=None)
    if longest is not None and longest.modifier == "^~":
        return longest
    for loc in locations:
        if loc.modifier in ("~", "~*") and re.search(
                loc.pattern, path, re.IGNORECASE if loc.modifier == "~*" else 0):
            return loc
    return longest


def app_routes() -> set[tuple[str, str]]:
    """(method, a concrete path) of every route of the app, as it is built to run."""
    settings = load_settings(
        telegram_bot_token="123456:" + "x" * 35, bot_mode="webhook",
        webhook_base_url="https://bot.example.edu", webhook_secret="s" * 32,
        webapp_url="https://bot.example.edu/app/", jwt_secret_key="k" * 40,
        database_url="sqlite+aiosqlite:///:memory:")
    from aiogram import Bot, Dispatcher

    app = create_web_app(settings, build_deps(settings), dispatcher=Dispatcher(),
                         bot=Bot(settings.require_token()))
    routes = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        for name, value in SAMPLE.items():
            path = re.sub(r"\{" + name + r"(:[^}]*)?\}", value, path)
        assert "{" not in path, path
        if route.method != "HEAD":
            routes.add((route.method, path))
    return routes


def test_every_public_route_passes_through_nginx() -> None:
    routes = app_routes()
    paths = {path for _method, path in routes}
    # What the app serves: the webhook, the API, the Mini App, calendars and exports.
    for expected in ("/telegram/webhook", "/api/me", "/app/index.html",
                     "/calendar/" + SAMPLE["token"] + ".ics",
                     "/export/" + SAMPLE["token"] + ".zip", "/guide/student",
                     "/guide/en/img/student-help.png"):
        assert expected in paths, sorted(paths)
    locations = nginx_locations(NGINX.read_text())
    unreachable = []
    for method, path in sorted(routes):
        loc = choose(locations, path)
        reachable = loc is not None and loc.passes and loc.allows(method)
        if path in INTERNAL:
            assert loc is not None and not ("allow" not in loc.body and reachable), path
            continue
        if not reachable:
            unreachable.append((method, path, loc.pattern if loc else None))
    assert not unreachable, unreachable
    for prefix in ("/calendar/", "/export/", "/guide/"):
        [loc] = [loc for loc in locations if loc.pattern == prefix]
        assert loc.methods == {"GET"} and "limit_req zone=" in loc.body, prefix


def test_every_public_route_passes_through_the_ingress() -> None:
    ingress = yaml.safe_load(INGRESS.read_text())
    paths = [(p["pathType"], p["path"]) for rule in ingress["spec"]["rules"]
             for p in rule["http"]["paths"]]

    def routed(path: str) -> bool:
        for kind, pattern in paths:
            if kind == "Exact" and path == pattern:
                return True
            if kind == "Prefix" and (path == pattern.rstrip("/") or path.startswith(
                    pattern.rstrip("/") + "/")):
                return True
        return False

    missing = sorted({path for _method, path in app_routes()
                      if path not in INTERNAL and not routed(path)})
    assert not missing, missing
    assert not any(routed(path) for path in INTERNAL)
