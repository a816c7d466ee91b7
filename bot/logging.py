"""One logging set-up: structlog, JSON or console, stdlib records routed through it.

Our own events (``structlog.get_logger(name)``) are rendered by structlog and written straight
to the output: the stdlib route (a LogRecord, the handler chain, a formatter copying the event)
cost several times more than the rendering itself, once per update. Other libraries' stdlib
records go through a handler on the root logger with the same processors, so every line on
the output has the same shape.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

# Keys whose values must never reach a log line.
REDACT = {"token", "password", "text", "caption", "secret", "authorization", "content"}


def _redact(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    for key in list(event):
        if key.lower() in REDACT:
            event[key] = "[redacted]"
    return event


class _Output:
    """Where our events go and from which level; read at every event, so that loggers
    structlog cached before ``setup_logging`` follow it."""

    def __init__(self) -> None:
        self.stream: TextIO = sys.stdout
        self.level = logging.INFO
        self.lock = threading.Lock()


_OUTPUT = _Output()


def _at_level(_logger: Any, method: str,
              event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    if logging.getLevelName(method.upper()) < _OUTPUT.level:
        raise structlog.DropEvent
    return event


class _Writer:
    """The logger structlog hands a rendered line to; ``name`` feeds ``add_logger_name``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def msg(self, line: str) -> None:
        with _OUTPUT.lock:
            _OUTPUT.stream.write(line + "\n")
            _OUTPUT.stream.flush()

    debug = info = warning = error = critical = exception = msg


def _writer(*args: Any) -> _Writer:
    return _Writer(str(args[0]) if args else "")


def setup_logging(level: str = "INFO", fmt: str = "json", stream: TextIO | None = None) -> None:
    _OUTPUT.stream = stream or sys.stdout
    _OUTPUT.level = logging.getLevelName(level.upper())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[_at_level, *shared, structlog.processors.format_exc_info, renderer],
        logger_factory=_writer,
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(_OUTPUT.stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram logs every update with its text at INFO in some versions; we log our own.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    logging.getLogger("aiobotocore").setLevel(logging.WARNING)
