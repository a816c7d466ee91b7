"""Telegram-compatible parser for ``parse_mode=HTML`` (text plus message entities)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EntityParseError", "parse_html", "utf16_len"]

# Tag name -> entity type, exactly the set the Bot API documents.
_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


class EntityParseError(ValueError):
    """Raised with Telegram's wording for an invalid HTML message."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)


def _byte_offset(source: str, index: int) -> int:
    # Telegram reports positions in UTF-8 bytes; only computed on error paths.
    return len(source[:index].encode("utf-8"))


def _decode_entity(token: str) -> str | None:
    if token.startswith("#"):
        try:
            code = int(token[2:], 16) if token[1:2] in ("x", "X") else int(token[1:])
            return chr(code)
        except (ValueError, OverflowError):
            return None
    return _NAMED_ENTITIES.get(token)


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    while pos < len(raw):
        m = _ATTR_RE.match(raw, pos)
        if m is None or m.end() == pos:
            break
        value = next((g for g in m.groups()[1:] if g is not None), "")
        attrs[m.group(1).lower()] = html.unescape(value)
        pos = m.end()
    return attrs


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise :class:`EntityParseError`."""
    out: list[str] = []
    length16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            m = _ENTITY_RE.match(source, i)
            decoded = _decode_entity(m.group(1)) if m else None
            if m is not None and decoded is not None:
                out.append(decoded)
                length16 += utf16_len(decoded)
                i = m.end()
            else:
                # Telegram keeps an unrecognised "&" literally.
                out.append("&")
                length16 += 1
                i += 1
            continue
        if ch != "<":
            out.append(ch)
            length16 += utf16_len(ch)
            i += 1
            continue
        end = source.find(">", i)
        if end == -1:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(source, i)}")
        raw = source[i + 1 : end]
        if raw.startswith("/"):
            name = raw[1:].strip().lower()
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(source, i)}"
                )
            top = stack.pop()
            if top.tag != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
                    f'expected "</{top.tag}>", found "</{name}>"'
                )
            _close(top, length16, stack, entities)
        else:
            m = _TAG_NAME_RE.match(raw)
            name = m.group(0).lower() if m else ""
            if name not in _TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{name or raw}" at byte offset '
                    f"{_byte_offset(source, i)}"
                )
            attrs = _parse_attrs(raw[len(name) :].rstrip("/"))
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise EntityParseError('Tag "span" must have class "tg-spoiler"')
            if name == "tg-emoji" and "emoji-id" not in attrs:
                raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
            stack.append(_Open(name, length16, attrs))
        i = end + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(top: _Open, length16: int, stack: list[_Open], entities: list[dict[str, Any]]) -> None:
    size = length16 - top.offset
    kind = _TAGS[top.tag]
    attrs = top.extra
    if kind == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-x"> becomes one pre entity with a language.
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            stack[-1].extra["language"] = lang.removeprefix("language-")
            return
    if size <= 0:
        return  # Telegram drops empty entities
    entity: dict[str, Any] = {"type": kind, "offset": top.offset, "length": size}
    if kind == "text_link":
        href = attrs.get("href")
        if not href:
            return
        entity["url"] = href
    elif kind == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    entities.append(entity)
