"""``python -m bot verify-receipt FILE``: is this receipt ours and unchanged?"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Settings
from services.receipts import verify


def verify_command(settings: Settings, path: str) -> int:
    """0 and the receipt's fields when the signature holds; 1 (and why) otherwise."""
    try:
        blob = Path(path).read_bytes()
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    fields = verify(settings.receipt_key, blob)
    if fields is None:
        print(f"INVALID: {path} is not a receipt signed with this deployment's key, "
              "or it was changed", file=sys.stderr)
        return 1
    print(f"valid receipt: {path}")
    for name in ("student_name", "title", "version", "file_name", "size", "sha256",
                 "submitted_at", "issued_at"):
        print(f"  {name}: {fields.get(name)}")
    return 0
