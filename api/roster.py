"""The roster from the Mini App (admins): the file as the request body, CSV or XLSX.

- ``POST /api/roster/preview``: what importing it would do (nothing is changed).
- ``POST /api/roster/import``: import it (idempotent: the same file again changes nothing).

The same service and checks as a file sent to the chat (services/roster.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from api.models import RosterPreviewOut, RosterProblemOut
from api.routing import ApiError, Call, Endpoint
from services.errors import RosterUnreadable
from services.roster import Preview

KINDS = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _out(preview: Preview, imported: bool) -> RosterPreviewOut:
    return RosterPreviewOut(
        supervisors=preview.supervisors, students=preview.students, updated=preview.updated,
        unchanged=preview.unchanged, imported=imported,
        problems=[RosterProblemOut(row=p.row, reason=p.reason.value) for p in preview.problems])


@contextmanager
def readable() -> Iterator[None]:
    """A body that is not a roster (any bytes are a schema-valid body) is refused as 409,
    the API's answer to a well-formed request it cannot act on, with its own code."""
    try:
        yield
    except RosterUnreadable as error:
        raise ApiError(409, error.code, "not a CSV or XLSX roster with name, role and email "
                       "columns") from None


async def preview_roster(call: Call) -> RosterPreviewOut:
    data = await call.request.read()
    with readable():
        return _out(await call.services.roster.check(call.user, data), False)


async def import_roster(call: Call) -> RosterPreviewOut:
    data = await call.request.read()
    with readable():
        return _out(await call.services.roster.import_roster(call.user, data), True)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("POST", "/api/roster/preview", preview_roster,
             "What importing this roster (CSV or XLSX body) would do", RosterPreviewOut,
             roles=("admin",), errors=(401, 403, 409, 413), upload=KINDS),
    Endpoint("POST", "/api/roster/import", import_roster,
             "Import this roster (CSV or XLSX body): pending people and their personal links",
             RosterPreviewOut, roles=("admin",), errors=(401, 403, 409, 413), upload=KINDS),
)
