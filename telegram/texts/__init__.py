"""User-facing text by key, per language, from the Fluent catalogs in ``locales/<lang>/``.

The code asks for ``t("submit.ask_title", max=200)``; the catalog's message id is the key with
its dots as hyphens (``submit-ask_title``), Fluent ids cannot hold dots (``message_id``).
Parameters are escaped for HTML (``Raw`` is inserted as it is), so user text renders
literally; ints and floats become Fluent numbers (plural variants select on them; no digit
grouping, so ids and years print as they are); datetimes become the language's date pattern
(``format-datetime`` in ``common.ftl``) in the configured time zone. A key the language lacks
falls back to English; a key no catalog has, or a parameter the text needs and was not
given, raises ``KeyError``: a bug, never papered over.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fluent.runtime import FluentBundle
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

from locales import DIR as LOCALES_DIR

DEFAULT_LANGUAGE = "en"
# Longer parameter values are put into the formatted text, not through Fluent (see __call__):
# a selector ({ $x -> … }) only ever sees the shorter ones.
LONG_VALUE = 1000
_MARKER = re.compile("\0([0-9]+)\0")


def message_id(key: str) -> str:
    """The Fluent id of a key: ``submit.ask_title`` → ``submit-ask_title``."""
    return key.replace(".", "-")


def key_of(identifier: str) -> str:
    """The key of a Fluent id (keys never hold a hyphen)."""
    return identifier.replace("-", ".")


@cache
def languages() -> tuple[str, ...]:
    """The languages with a catalog folder, English first."""
    found = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir() and any(p.glob("*.ftl")))
    return tuple(sorted(found, key=lambda code: code != DEFAULT_LANGUAGE))


class Raw(str):
    """Already-safe HTML, inserted without escaping."""


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ftl.VariableReference) -> None:
        self.names.add(node.id.name)


@dataclass(frozen=True)
class Catalog:
    """One language's messages: the Fluent bundle, and where each message came from."""

    language: str
    bundle: FluentBundle
    sources: dict[str, Path]  # key → the .ftl file that holds it
    variables: dict[str, frozenset[str]]  # key → the $variables its text uses

    def __contains__(self, key: object) -> bool:
        return key in self.sources

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)


@cache
def catalog(language: str) -> Catalog:
    """Every ``locales/<language>/*.ftl``; a syntax error or a message defined twice stops
    the bot at its first text with the file and line, never a silent gap."""
    bundle = FluentBundle([language], use_isolating=False)
    sources: dict[str, Path] = {}
    variables: dict[str, frozenset[str]] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        resource = FluentParser(with_spans=True).parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ftl.Junk):
                note = entry.annotations[0].message if entry.annotations else "syntax error"
                first = entry.content.splitlines()[0] if entry.content else ""
                raise ValueError(f"{path}: {note}: {first!r}")
            if not isinstance(entry, ftl.Message):
                continue
            key = key_of(entry.id.name)
            if key in sources:
                raise ValueError(f"{path}: {entry.id.name} is defined in {sources[key]} too")
            sources[key] = path
            found = _Variables()
            found.visit(entry)
            variables[key] = frozenset(found.names)
        bundle.add_resource(resource)
    return Catalog(language, bundle, sources, variables)


class Texts:
    def __init__(self, language: str = DEFAULT_LANGUAGE, tz: ZoneInfo | None = None) -> None:
        self.language = language if language in languages() else DEFAULT_LANGUAGE
        self._catalog = catalog(self.language)
        self._default = catalog(DEFAULT_LANGUAGE)
        self.tz = tz or ZoneInfo("UTC")

    def for_language(self, language: str) -> Texts:
        """The same time zone, another language (the outbox renders per recipient)."""
        return self if language == self.language else Texts(language, self.tz)

    def __call__(self, key: str, **params: Any) -> str:
        found = self._catalog if key in self._catalog else self._default
        if key not in found:
            raise KeyError(f"no text {key!r} in any catalog")
        pattern = found.bundle.get_message(message_id(key)).value
        if pattern is None:  # a message with attributes only: not a text
            raise KeyError(f"{key} ({found.language}) has no value")
        args: dict[str, Any] = {}
        long: list[str] = []
        for name, value in params.items():
            safe = self._safe(value)
            if isinstance(safe, str) and len(safe) > LONG_VALUE:
                # fluent.runtime refuses a placeable over 2,500 characters (a guard against
                # messages that expand into each other); a long comment or note goes in
                # after formatting, in place of a marker no catalog text can contain.
                args[name] = f"\0{len(long)}\0"
                long.append(safe)
            else:
                args[name] = safe
        text, errors = found.bundle.format_pattern(pattern, args)
        if errors:
            raise KeyError(f"{key} ({found.language}): {errors[0]}")
        if long:
            return _MARKER.sub(lambda match: long[int(match.group(1))], str(text))
        return str(text)

    def raw(self, key: str, **params: Any) -> Raw:
        return Raw(self(key, **params))

    def has(self, key: str) -> bool:
        return key in self._catalog or key in self._default

    def params(self, key: str) -> frozenset[str]:
        """The parameters the text of ``key`` uses, in this language."""
        found = self._catalog if key in self._catalog else self._default
        return found.variables[key]

    def _safe(self, value: Any) -> Any:
        if isinstance(value, Raw):
            return str(value)
        if isinstance(value, datetime):
            return self.dt(value)
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return fluent_number(value, useGrouping=False)
        if isinstance(value, float):
            return fluent_number(value, useGrouping=False, minimumFractionDigits=1,
                                 maximumFractionDigits=1)
        # No NUL from anyone: it marks the long values (__call__).
        return html.escape(str(value).replace("\0", ""), quote=False)

    def dt(self, moment: datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"{self._pattern('format.datetime', local)} {local.tzname() or ''}".rstrip()

    def date(self, moment: datetime) -> str:
        return self._pattern("format.date", moment.astimezone(self.tz))

    def _pattern(self, key: str, local: datetime) -> str:
        # A CLDR pattern (e.g. "d MMMM y, HH:mm"), formatted by Babel in the local time.
        return str(format_datetime(local.replace(tzinfo=None), self(key), locale=self.language))


def language_of(code: str | None) -> str:
    """The catalog language for a Telegram ``language_code`` (``ru-RU`` → ``ru``); English
    for anything without a catalog."""
    base = (code or DEFAULT_LANGUAGE).split("-")[0].split("_")[0].lower()
    return base if base in languages() else DEFAULT_LANGUAGE
