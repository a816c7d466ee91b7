"""The one error type of backups and how it is printed: one line, secrets blanked out."""

from __future__ import annotations

import contextlib
import os
import sys

from sqlalchemy.engine import make_url

from bot.config import Settings


class BackupError(Exception):
    """A backup or restore step failed; the message is one line, without secrets."""


def _secrets(settings: Settings | None) -> list[str]:
    values = [os.environ.get("AWS_SECRET_ACCESS_KEY"), os.environ.get("AWS_SESSION_TOKEN"),
              os.environ.get("PGPASSWORD")]
    if settings is not None:
        with contextlib.suppress(Exception):
            values.append(make_url(settings.effective_database_url).password)
    return [str(v) for v in values if v and len(str(v)) >= 4]


def describe(exc: BaseException, settings: Settings | None = None) -> str:
    """One line about exc, with any known secret blanked out."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, BackupError):
        message = str(exc)
    else:
        orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error
        inner = orig if orig is not None else exc
        first = next((line for line in str(inner).splitlines() if line.strip()), "")
        message = f"{type(inner).__name__}: {first}".rstrip(": ")
    for secret in _secrets(settings):
        message = message.replace(secret, "***")
    return message


def say(message: str) -> None:
    """Progress, on stderr (stdout carries only what scripts read: the backup id)."""
    print(message, file=sys.stderr, flush=True)
