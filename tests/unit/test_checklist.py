"""The checklist rule: which lines of a Request changes comment become items. Pure."""

from __future__ import annotations

import pytest

from services.checklist import ITEMS_MAX, first_words, parse


def test_marked_lines_become_items_and_the_rest_stays_the_comment() -> None:
    parsed = parse("Good progress, but:\n"
                   "- fix the introduction\n"
                   "• cite Smith 2020\n"
                   "* renumber the figures\n"
                   "1. shorten chapter 2\n"
                   "2) add a conclusion\n"
                   "Thanks!")
    assert parsed.items == ("fix the introduction", "cite Smith 2020", "renumber the figures",
                            "shorten chapter 2", "add a conclusion")
    assert parsed.comment == "Good progress, but:\nThanks!"


def test_only_items_leave_no_comment() -> None:
    parsed = parse("  - one  \n\n - two\n")
    assert parsed.items == ("one", "two")
    assert parsed.comment is None


@pytest.mark.parametrize("line", [
    "1.5 pages are missing",  # a number, not a numbered item
    "*emphasis* matters",  # no space after the marker
    "-5 points for layout",
    "--- a divider",
    "-",  # a marker with nothing after it
    "12 monkeys",
    "a - in the middle",
])
def test_lines_that_are_not_items(line: str) -> None:
    parsed = parse(line)
    assert parsed.items == ()
    assert parsed.comment == line.strip()


def test_no_comment() -> None:
    assert parse(None).items == () and parse(None).comment is None
    assert parse("").comment is None


def test_blank_lines_left_by_items_are_squeezed() -> None:
    parsed = parse("Intro\n\n- a\n\n- b\n\nOutro")
    assert parsed.comment == "Intro\n\nOutro"


def test_past_the_limit_lines_stay_in_the_comment() -> None:
    parsed = parse("\n".join(f"- item {n}" for n in range(ITEMS_MAX + 2)))
    assert len(parsed.items) == ITEMS_MAX
    assert parsed.comment == f"- item {ITEMS_MAX}\n- item {ITEMS_MAX + 1}"


def test_first_words_cut_at_a_word() -> None:
    assert first_words("Fix the intro") == "Fix the intro"
    label = first_words("Rewrite the whole related work section with newer sources")
    assert label == "Rewrite the whole related work…"
    assert len(label) <= 32
    assert first_words("  spaced \n out  ") == "spaced out"
    assert first_words("x" * 50).endswith("…") and len(first_words("x" * 50)) == 32
