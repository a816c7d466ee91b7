"""A department's roster as a CSV: supervisors, their students (each with a title, some with
a co-supervisor) and a few faulty rows, with the preview's problems they should give."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field


@dataclass
class Roster:
    rows: list[list[str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)

    def csv(self, delimiter: str = ",") -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(["Name", "Role", "E-mail", "Supervisor's e-mail or name",
                         "Thesis title", "Co-supervisors", "Language"])
        writer.writerows(self.rows)
        return buffer.getvalue().encode()


def sup_email(n: int) -> str:
    return f"sup{n:02d}@uni.example"


def student_email(n: int) -> str:
    return f"stu{n:03d}@uni.example"


def department(supervisors: int = 20, students: int = 300, faulty: int = 5) -> Roster:
    """Supervisors first, then students (each by their supervisor's e-mail, every tenth by
    name, every seventh with the next supervisor as co-supervisor), the faulty rows spread
    among them."""
    roster = Roster()
    for n in range(1, supervisors + 1):
        roster.rows.append([f"Supervisor {n:02d}", "supervisor", sup_email(n), "", "", "",
                            "en"])
    for n in range(1, students + 1):
        s = (n - 1) % supervisors + 1
        ref = f"Supervisor {s:02d}" if n % 10 == 0 else sup_email(s)
        co = sup_email(s % supervisors + 1) if n % 7 == 0 else ""
        roster.rows.append([f"Student {n:03d}", "student", student_email(n), ref,
                            f"Thesis number {n}", co, "ru" if n % 2 else "en"])
    bad = [
        (["Lost Student", "student", "lost@uni.example", "nobody@uni.example", "A title", "",
          "en"], "unknown_supervisor"),
        (["Second Copy", "student", student_email(3), sup_email(1), "Another title", "", "en"],
         "duplicate"),
        (["Bad Mail", "student", "bad-mail.uni.example", sup_email(2), "A title", "", "en"],
         "bad_email"),
        (["Long Title", "student", "long@uni.example", sup_email(2), "x" * 301, "", "en"],
         "title_too_long"),
        (["No Such Name", "student", "noname@uni.example", "Professor Nobody", "A title", "",
          "en"], "unknown_supervisor"),
    ][:faulty]
    # Spread among the students: after every sixtieth student row.
    for i, (row, _reason) in enumerate(bad):
        at = supervisors + 60 * (i + 1) + i
        roster.rows.insert(at, row)
    for number, row in enumerate(roster.rows, start=2):
        for faulty_row, reason in bad:
            if row is faulty_row:
                roster.problems.append((number, reason))
    return roster
