"""Checks every message-sending method applies: text and caption limits, parse modes,
inline keyboards, reply targets."""

from __future__ import annotations

from typing import Any

from .html import EntityParseError, parse_html
from .records import ApiError, JSONDict

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64


def format_text(
    raw: Any, parse_mode: Any, entities: Any, *, caption: bool
) -> tuple[str, list[JSONDict]]:
    text = "" if raw is None else str(raw)
    mode = str(parse_mode or "").lower()
    if mode == "html":
        try:
            text, parsed = parse_html(text)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    else:
        # Markdown modes are accepted verbatim (no entity parsing in the emulator).
        parsed = list(entities) if isinstance(entities, list) else []
    if caption:
        if len(text) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
    elif not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    elif len(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text, parsed


def validate_markup(markup: Any) -> JSONDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: Text must be non-empty",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if "url" in button and not button["url"]:
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
            if len(button) == 1:
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
    return markup


def reply_to(params: JSONDict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and isinstance(reply.get("message_id"), int):
        return int(reply["message_id"])
    value = params.get("reply_to_message_id")
    return value if isinstance(value, int) else None
