"""Retention's and the defence's pure rules: the window's cut-off, the pseudonymous id, the
external members and the minutes as typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.defence import parse_externals, parse_minutes
from services.errors import InvalidDefence
from services.retention import cutoff, pseudonym


def test_the_window_ends_the_same_day_years_before() -> None:
    now = datetime(2035, 3, 16, 10, 0, tzinfo=UTC)
    assert cutoff(now, 5) == datetime(2030, 3, 16, 10, 0, tzinfo=UTC)
    # 29 February in a year without it: the 28th.
    assert cutoff(datetime(2032, 2, 29, tzinfo=UTC), 5) == datetime(2027, 2, 28, tzinfo=UTC)


def test_a_pseudonym_is_never_a_telegram_user_id() -> None:
    assert pseudonym(1) < 0 and pseudonym(1) != pseudonym(2)
    assert pseudonym(7) < -(10**12)


def test_external_members_as_typed() -> None:
    assert parse_externals("Dr. Out Side, Prof. B  Far") == ["Dr. Out Side", "Prof. B Far"]
    assert parse_externals("A\nB,") == ["A", "B"]
    assert parse_externals("-") == [] and parse_externals("  ") == []
    with pytest.raises(InvalidDefence):
        parse_externals(", ".join(f"Member {n}" for n in range(6)))
    with pytest.raises(InvalidDefence):
        parse_externals("x" * 121)


def test_minutes_are_text_of_a_bounded_length() -> None:
    assert parse_minutes("  Calm defence.  ") == "Calm defence."
    with pytest.raises(InvalidDefence):
        parse_minutes("   ")
    with pytest.raises(InvalidDefence):
        parse_minutes("x" * 3501)


def test_the_audit_details_lose_the_id_where_it_names_the_person_only() -> None:
    from storage.repositories.retention import _replaced

    details = {"student_id": 201, "students": [201, 202], "total": 201,
               "nested": {"marker_id": 201, "grade": 201}}
    assert _replaced(details, 201, -5) == {"student_id": -5, "students": [-5, 202],
                                           "total": 201,
                                           "nested": {"marker_id": -5, "grade": 201}}
