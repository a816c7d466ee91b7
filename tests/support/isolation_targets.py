"""Child-process targets for the isolation tests (``python -m bot.isolation`` imports them
by name): children that answer what a compromised or broken child could."""

from __future__ import annotations

import resource
from typing import Any


def outside_paths(job: dict[str, Any]) -> dict[str, Any]:
    """Claims its output is a file outside the job's folder."""
    return {"summary": None, "reason": None, "text_path": "/etc/hostname",
            "html_path": job["out_dir"] + "/../../etc/passwd"}


def limits(job: dict[str, Any]) -> dict[str, Any]:
    """Its own resource limits."""
    return {"fsize": resource.getrlimit(resource.RLIMIT_FSIZE)[0],
            "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0]}


def oversized(job: dict[str, Any]) -> dict[str, Any]:
    """An answer of ``size`` characters."""
    return {"data": "x" * int(job["size"])}
