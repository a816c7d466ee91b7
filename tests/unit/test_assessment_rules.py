"""The assessment's pure rules: a scheme as an admin types it, weighted totals, the scale's
boundaries and agreement within the tolerance. No database, no bot."""

from __future__ import annotations

import pytest

from services.assessment_rules import (
    Component,
    InvalidMark,
    InvalidScheme,
    Releaser,
    Scale,
    agreed_total,
    describe,
    grade_on_scale,
    parse_mark,
    parse_scheme,
    weighted_total,
)

FOUR = (Component("Content", 40), Component("Method", 30), Component("Writing", 20),
        Component("Defence", 10))


def test_a_scheme_as_typed_with_options() -> None:
    rules = parse_scheme("Content 40, Method 30, Writing 20, Defence 10; scale 2-5; "
                         "tolerance 7.5; release supervisor")
    assert rules.components == FOUR
    assert (rules.scale, rules.tolerance, rules.releaser) == (Scale.RUSSIAN, 7.5,
                                                               Releaser.SUPERVISOR)
    # What /scheme shows back reads as the same scheme.
    assert parse_scheme(describe(rules)) == rules


def test_defaults_and_russian_words() -> None:
    rules = parse_scheme("Содержание 60, Защита 40")
    assert (rules.scale, rules.tolerance, rules.releaser) == (Scale.PERCENT, 10,
                                                               Releaser.ADMIN)
    assert parse_scheme("Содержание 60, Защита 40; шкала 1–5; допуск 5; выпуск руководитель"
                        ).releaser is Releaser.SUPERVISOR


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"),
    ("Content 40, Method 30", "weights"),
    ("Content 60, content 40", "component"),
    ("Content, Method 100", "component"),
    ("Content 100; scale 10", "scale"),
    ("Content 100; tolerance lots", "tolerance"),
    ("Content 100; tolerance 101", "tolerance"),
    ("Content 100; release dean", "release"),
    ("Content 100; colour blue", "option"),
    (", ".join(f"C{i} 10" for i in range(10)), "count"),
])
def test_a_bad_scheme_says_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidScheme) as refused:
        parse_scheme(text)
    assert refused.value.params == {"reason": reason}


def test_weighted_total() -> None:
    marks = {"Content": 80, "Method": 70, "Writing": 90, "Defence": 100}
    assert weighted_total(FOUR, marks) == 81.0  # 32 + 21 + 18 + 10
    with pytest.raises(InvalidMark):
        weighted_total(FOUR, {"Content": 80})


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("100", 100), (" 85 % ", 85)])
def test_a_mark(text: str, value: int) -> None:
    assert parse_mark(text) == value


@pytest.mark.parametrize("text", ["101", "-1", "8.5", "good", ""])
def test_a_bad_mark(text: str) -> None:
    with pytest.raises(InvalidMark):
        parse_mark(text)


@pytest.mark.parametrize(("scale", "percent", "grade"), [
    (Scale.PERCENT, 84.5, 85), (Scale.PERCENT, 84.4, 84),
    (Scale.RUSSIAN, 85, 5), (Scale.RUSSIAN, 84.9, 4), (Scale.RUSSIAN, 70, 4),
    (Scale.RUSSIAN, 50, 3), (Scale.RUSSIAN, 49.9, 2), (Scale.RUSSIAN, 0, 2),
    (Scale.FIVE, 90, 5), (Scale.FIVE, 75, 4), (Scale.FIVE, 60, 3), (Scale.FIVE, 40, 2),
    (Scale.FIVE, 39, 1),
])
def test_the_scale_boundaries(scale: Scale, percent: float, grade: int) -> None:
    assert grade_on_scale(scale, percent) == grade


def test_agreement_within_the_tolerance_is_the_mean() -> None:
    assert agreed_total([80, 86], 10) == 83.0
    assert agreed_total([80, 90], 10) == 85.0  # the boundary is within
    assert agreed_total([80, 90.1], 10) is None
    assert agreed_total([70, 75, 78], 10) == 74.3
    assert agreed_total([], 10) is None


def test_the_defence_component_is_found_by_its_name_in_either_language() -> None:
    from services.assessment_rules import defence_component, marked_components

    rules = parse_scheme("Content 40, Method 30, Writing 20, Defence 10")
    assert defence_component(rules) == Component("Defence", 10)
    assert marked_components(rules) == FOUR[:3]
    assert defence_component(parse_scheme("Текст 70, Защита 30")) == Component("Защита", 30)
    assert defence_component(parse_scheme("Content 50, DEFENSE 50")) == Component("DEFENSE", 50)
    plain = parse_scheme("Content 40, Method 30, Writing 30")
    assert defence_component(plain) is None and marked_components(plain) == plain.components


def test_the_total_takes_the_defence_by_its_weight() -> None:
    from services.assessment_rules import with_defence

    rules = parse_scheme("Content 60, Method 30, Defence 10")
    # The markers' 79.0 covers 90 of the weight, the Defence's 90 the other 10.
    assert with_defence(rules, 79.0, 90) == 80.1
    assert with_defence(rules, 78.0, 90) == 79.2
    assert with_defence(rules, 100.0, 0) == 90.0
    # The same as every component marked and weighted at once.
    marks = {"Content": 84, "Method": 76, "Defence": 90}
    written = weighted_total(rules.components[:2], marks)
    assert with_defence(rules, written, 90) == weighted_total(rules.components, marks)
    with pytest.raises(InvalidMark):
        with_defence(rules, 79.0, None)
    plain = parse_scheme("Content 50, Method 50")
    assert with_defence(plain, 79.0, None) == 79.0
