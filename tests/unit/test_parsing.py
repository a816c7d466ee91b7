"""What people type, checked before anything is stored: titles, notes, comments, grades and
due dates (pure functions of the services, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.deadlines import clean_milestone_title, parse_due
from services.errors import (
    CommentRequired,
    CommentTooLong,
    InvalidDeadline,
    InvalidGrade,
    InvalidTitle,
)
from services.reviews import COMMENT_MAX, clean_comment, parse_grade
from services.submissions import NOTE_MAX, TITLE_MAX, clean_note, clean_title
from services.vocabulary import Decision

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)


def test_a_title_is_one_line_of_bounded_length() -> None:
    assert clean_title("  On   graphs\n and trees ") == "On graphs and trees"
    assert clean_title("x" * TITLE_MAX) == "x" * TITLE_MAX
    for bad in (None, "", "   \n ", "x" * (TITLE_MAX + 1)):
        with pytest.raises(InvalidTitle) as caught:
            clean_title(bad)
        assert caught.value.params == {"max": TITLE_MAX}


def test_a_note_is_optional_and_cut_to_its_limit() -> None:
    assert clean_note(None) is None and clean_note("  \n") is None
    assert clean_note(" first draft ") == "first draft"
    assert clean_note("n" * (NOTE_MAX + 50)) == "n" * NOTE_MAX


def test_a_milestone_title_has_its_own_limit() -> None:
    assert clean_milestone_title(" Chapter\t2 ") == "Chapter 2"
    with pytest.raises(InvalidDeadline) as caught:
        clean_milestone_title("x" * 201)
    assert caught.value.params["reason"] == "deadline_title"


@pytest.mark.parametrize("raw", ["0", "91", " 100 "])
def test_a_grade_is_a_whole_number_from_0_to_100(raw: str) -> None:
    assert parse_grade(raw) == int(raw)


@pytest.mark.parametrize("raw", ["-1", "101", "9.5", "A", "", "ninety"])
def test_anything_else_is_not_a_grade(raw: str) -> None:
    with pytest.raises(InvalidGrade):
        parse_grade(raw)


def test_a_comment_is_required_except_to_approve() -> None:
    assert clean_comment(Decision.APPROVED, "  ") is None
    assert clean_comment(Decision.REJECTED, " Needs work ") == "Needs work"
    with pytest.raises(CommentRequired):
        clean_comment(Decision.CHANGES_REQUESTED, None)
    with pytest.raises(CommentTooLong) as caught:
        clean_comment(Decision.APPROVED, "c" * (COMMENT_MAX + 1))
    assert caught.value.params == {"max": COMMENT_MAX, "length": COMMENT_MAX + 1}


def test_a_due_date_is_read_in_the_configured_zone() -> None:
    day = parse_due("2030-03-10", BERLIN, NOW)
    assert day == datetime(2030, 3, 10, 23, 59, tzinfo=BERLIN)  # the end of that day
    assert day.utcoffset() == timedelta(hours=1)
    summer = parse_due(" 2030-04-01   12:00 ", BERLIN, NOW)
    assert summer == datetime(2030, 4, 1, 12, 0, tzinfo=BERLIN)
    assert summer.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(("raw", "reason"), [
    ("next friday", "deadline_format"),
    ("2030-02-30", "deadline_format"),
    ("10.03.2030", "deadline_format"),
    (None, "deadline_format"),
    ("2030-03-01 10:59", "deadline_past"),  # 09:59 UTC: a minute ago
    ("2040-01-01", "deadline_too_far"),
])
def test_a_due_date_that_cannot_be_is_refused_with_its_reason(raw: str | None,
                                                               reason: str) -> None:
    with pytest.raises(InvalidDeadline) as caught:
        parse_due(raw, BERLIN, NOW)
    assert caught.value.params["reason"] == reason
