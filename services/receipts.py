"""Receipts: what was handed in, signed by the deployment.

A receipt is a PDF (drawn in the reader's language by telegram/receipts.py) followed by two
PDF comment lines: the receipt's fields as JSON, and an HMAC-SHA256 over every byte before
the signature line, keyed by the deployment's receipt key (derived from LINK_SECRET, else the
bot token, see bot/config.py). PDF readers ignore comments after ``%%EOF``; any changed byte
(the drawing, the fields or the signature) makes ``verify`` refuse it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from services.base import BaseService, read_only
from services.errors import NotFound, NoThesis
from storage.models import User
from storage.repositories import theses

DATA_MARK = b"\n%THESIS-RECEIPT-DATA "
SIGNATURE_MARK = b"\n%THESIS-RECEIPT-SIGNATURE hmac-sha256 "


@dataclass(frozen=True)
class ReceiptData:
    student_name: str
    title: str
    version: int
    file_name: str
    size: int
    sha256: str
    submitted_at: datetime
    issued_at: datetime

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["submitted_at"] = self.submitted_at.isoformat()
        data["issued_at"] = self.issued_at.isoformat()
        return data


def sign(key: bytes, pdf: bytes, data: ReceiptData) -> bytes:
    """The PDF, its fields and the signature over both."""
    fields = base64.b64encode(json.dumps(data.to_json(), sort_keys=True,
                                         ensure_ascii=False).encode()).decode()
    body = pdf.rstrip(b"\n") + DATA_MARK + fields.encode() + b"\n"
    mac = hmac.new(key, body, hashlib.sha256).hexdigest()
    return body.rstrip(b"\n") + SIGNATURE_MARK + mac.encode() + b"\n"


def verify(key: bytes, blob: bytes) -> dict[str, Any] | None:
    """The receipt's fields if its signature is ours and nothing was changed; else None."""
    at = blob.rfind(SIGNATURE_MARK)
    if at < 0:
        return None
    body = blob[:at] + b"\n"
    given = blob[at + len(SIGNATURE_MARK):].strip()
    expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(given, expected):
        return None
    start = body.rfind(DATA_MARK)
    if start < 0:
        return None
    try:
        fields: dict[str, Any] = json.loads(base64.b64decode(
            body[start + len(DATA_MARK):].strip(), validate=True))
    except ValueError:
        return None
    return fields


class ReceiptService(BaseService):
    @read_only
    async def for_version(self, student: User, version: int | None) -> ReceiptData:
        """The student's own version (the latest one without a number)."""
        thesis, rows = await theses.with_versions(self.session, student.id)
        if thesis is None or not rows:
            raise NoThesis()
        chosen = rows[-1] if version is None else next(
            (r for r in rows if r.submission.version == version), None)
        if chosen is None:
            raise NotFound()
        s = chosen.submission
        return ReceiptData(student.full_name, thesis.title, s.version, s.file_name,
                           s.file_size, s.sha256, s.submitted_at, self.clock.now())

    def sign(self, pdf: bytes, data: ReceiptData) -> bytes:
        return sign(self.config.receipt_key, pdf, data)
