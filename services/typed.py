"""What people type as data (a title, a comment, a place, a reason) is never a command: a
``/skip`` sent where a title is asked is refused, not stored as the title."""

from __future__ import annotations

from services.errors import CommandNotText

COMMAND_SHOWN = 32


def words(raw: str | None) -> str:
    """``raw`` stripped; ``CommandNotText`` when it is a command (starts with ``/``)."""
    text = (raw or "").strip()
    if text.startswith("/"):
        raise CommandNotText(command=text.split(maxsplit=1)[0][:COMMAND_SHOWN])
    return text
