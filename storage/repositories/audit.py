from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object,
    at: datetime,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor_id, action=action, object_type=object_type,
            object_id=str(object_id), details=details, created_at=at,
        )
    )
