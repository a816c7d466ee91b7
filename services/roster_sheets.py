"""The roster as a file: reading a CSV or XLSX into rows, the template, the mail-merge CSV.

Pure (no database): ``services/roster.py`` checks and imports what this reads.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from services.errors import RosterUnreadable

# The template's header; the reader also takes the longer names people write.
COLUMNS = ("name", "role", "email", "supervisor", "title", "co_supervisors", "language")
REQUIRED = ("name", "role", "email")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
_ALIASES = {
    "name": "name", "fullname": "name", "имя": "name", "фио": "name",
    "role": "role", "роль": "role",
    "email": "email", "mail": "email", "почта": "email",
    "supervisor": "supervisor", "руководитель": "supervisor",
    "title": "title", "thesistitle": "title", "тема": "title",
    "cosupervisors": "co_supervisors", "cosupervisor": "co_supervisors",
    "соруководители": "co_supervisors", "соруководитель": "co_supervisors",
    "language": "language", "lang": "language", "язык": "language",
}


@dataclass(frozen=True)
class RosterRow:
    """One person as the file has them; ``number`` is the spreadsheet's row (the header is
    row 1)."""

    number: int
    name: str
    role: str
    email: str
    supervisor: str = ""
    title: str = ""
    co_supervisors: str = ""
    language: str = ""


def column_of(header: str) -> str | None:
    """Which column a header names: "Supervisor's e-mail or name" is the supervisor."""
    key = re.sub(r"[^\w]|_", "", header.strip().lower())
    if key in _ALIASES:
        return _ALIASES[key]
    if key.startswith("co") and "supervisor" in key:
        return "co_supervisors"
    if key.startswith("supervisor"):
        return "supervisor"
    if key.endswith("title"):
        return "title"
    return None


def read_roster(data: bytes) -> list[RosterRow]:
    """The rows of a CSV (UTF-8 or Windows-1251, comma, semicolon or tab) or an XLSX (first
    sheet); blank rows are skipped. Anything else, or a file without the name, role and
    e-mail columns, is unreadable."""
    if len(data) > MAX_BYTES:
        raise RosterUnreadable()
    table = _xlsx(data) if data[:4] == b"PK\x03\x04" else _csv(data)
    rows = _rows(table)
    if len(rows) > MAX_ROWS:
        raise RosterUnreadable()
    return rows


def _csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    if "\0" in text:
        raise RosterUnreadable()
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RosterUnreadable() from exc
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise RosterUnreadable()
    for values in sheet.iter_rows(values_only=True):
        yield ["" if value is None else str(value) for value in values]


def _rows(table: Iterable[Sequence[str]]) -> list[RosterRow]:
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise RosterUnreadable()
    where = {}
    for index, name in enumerate(header):
        column = column_of(name)
        if column is not None and column not in where:
            where[column] = index
    if any(column not in where for column in REQUIRED):
        raise RosterUnreadable()
    found = []
    for number, values in enumerate(rows, start=2):
        cells = {column: (values[i].strip() if i < len(values) else "")
                 for column, i in where.items()}
        if not any(cells.values()):
            continue
        found.append(RosterRow(number=number, **{c: cells.get(c, "") for c in COLUMNS}))
    return found


def template_csv() -> bytes:
    """The roster template: the header and two example rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(["Maria Smith", "supervisor", "m.smith@example.edu", "", "", "", "en"])
    writer.writerow(["Alex Brown", "student", "a.brown@example.edu", "m.smith@example.edu",
                     "Graph methods for timetabling", "", "en"])
    return buffer.getvalue().encode("utf-8-sig")


def mail_merge_csv(rows: Iterable[tuple[str, str, str]]) -> bytes:
    """name, e-mail, link: one row per pending person, for a mail merge."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("name", "email", "link"))
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
