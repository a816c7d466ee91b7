"""User-facing text by key, per language, with user values escaped for HTML."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.texts import en

CATALOGS: dict[str, dict[str, str]] = {"en": en.TEXTS}
DEFAULT_LANGUAGE = "en"


class Raw(str):
    """Already-safe HTML, inserted without escaping."""


class Texts:
    def __init__(self, language: str = DEFAULT_LANGUAGE, tz: ZoneInfo | None = None) -> None:
        self.language = language if language in CATALOGS else DEFAULT_LANGUAGE
        self._catalog = CATALOGS[self.language]
        self.tz = tz or ZoneInfo("UTC")

    def __call__(self, key: str, **params: Any) -> str:
        template = self._catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
        return template.format(**{name: self._safe(value) for name, value in params.items()})

    def raw(self, key: str, **params: Any) -> Raw:
        return Raw(self(key, **params))

    def has(self, key: str) -> bool:
        return key in self._catalog or key in CATALOGS[DEFAULT_LANGUAGE]

    def _safe(self, value: Any) -> str:
        if isinstance(value, Raw):
            return value
        if isinstance(value, datetime):
            return self.dt(value)
        if value is None:
            return ""
        return html.escape(str(value), quote=False)

    def dt(self, moment: datetime) -> str:
        local = moment.astimezone(self.tz)
        return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")

    def date(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%d")


def language_of(code: str | None) -> str:
    base = (code or DEFAULT_LANGUAGE).split("-")[0].lower()
    return base if base in CATALOGS else DEFAULT_LANGUAGE
