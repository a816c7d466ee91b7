"""The rules of an assessment, pure: a scheme (components and weights, a scale, a tolerance,
who releases), a marker's weighted total, the grade on the scheme's scale, and whether the
markers agree. No database, no clock: services/assessment.py applies them.

Every component is marked as a percentage (0–100); the weighted total is a percentage too,
and the scale only says how the agreed total is given as a grade: as it is (0–100), or by
boundaries on the percentage (1–5, or the Russian 2–5: отлично, хорошо, удовлетворительно,
неудовлетворительно).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.errors import InvalidMark, InvalidScheme

MAX_COMPONENTS = 8
NAME_MAX = 40


__all__ = ["InvalidMark", "InvalidScheme"]


class Scale(StrEnum):
    PERCENT = "0-100"
    FIVE = "1-5"
    RUSSIAN = "2-5"


class Releaser(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"


# The lowest percentage of each grade, best first.
BOUNDARIES: dict[Scale, tuple[tuple[float, int], ...]] = {
    Scale.FIVE: ((90, 5), (75, 4), (60, 3), (40, 2), (0, 1)),
    Scale.RUSSIAN: ((85, 5), (70, 4), (50, 3), (0, 2)),
}


@dataclass(frozen=True)
class Component:
    name: str
    weight: int


@dataclass(frozen=True)
class SchemeRules:
    components: tuple[Component, ...]
    scale: Scale
    tolerance: float
    releaser: Releaser

    def to_json(self) -> list[dict[str, object]]:
        return [{"name": c.name, "weight": c.weight} for c in self.components]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]


DEFAULT = SchemeRules(
    components=(Component("Content", 40), Component("Method", 30), Component("Writing", 30)),
    scale=Scale.PERCENT, tolerance=10, releaser=Releaser.ADMIN)

_COMPONENT = re.compile(r"^\s*(.+?)\s+(\d{1,3})\s*%?\s*$")
_OPTION = re.compile(r"^\s*(scale|tolerance|release|шкала|допуск|выпуск)\s*[:=]?\s*(\S+)\s*$",
                     re.IGNORECASE)
_OPTION_NAMES = {"шкала": "scale", "допуск": "tolerance", "выпуск": "release"}
_RELEASERS = {"admin": Releaser.ADMIN, "админ": Releaser.ADMIN,
              "supervisor": Releaser.SUPERVISOR, "руководитель": Releaser.SUPERVISOR}


def parse_scheme(text: str) -> SchemeRules:
    """``Content 40, Method 30, Writing 20, Defence 10; scale 2-5; tolerance 10;
    release supervisor``: components (weights adding up to 100), then options in any
    order (scale 0-100 by default, tolerance 10, release admin)."""
    parts = [p for p in re.split(r"[;\n]", text) if p.strip()]
    if not parts:
        raise InvalidScheme(reason="empty")
    components = _components(parts[0])
    options = {"scale": Scale.PERCENT.value, "tolerance": "10", "release": "admin"}
    for part in parts[1:]:
        match = _OPTION.match(part)
        if match is None:
            raise InvalidScheme(reason="option")
        name = match.group(1).lower()
        options[_OPTION_NAMES.get(name, name)] = match.group(2).lower()
    return SchemeRules(components, _scale(options["scale"]), _tolerance(options["tolerance"]),
                       _releaser(options["release"]))


def _components(text: str) -> tuple[Component, ...]:
    found: list[Component] = []
    for item in (i for i in text.split(",") if i.strip()):
        match = _COMPONENT.match(item)
        if match is None:
            raise InvalidScheme(reason="component")
        name, weight = match.group(1).strip()[:NAME_MAX], int(match.group(2))
        if weight <= 0 or any(c.name.lower() == name.lower() for c in found):
            raise InvalidScheme(reason="component")
        found.append(Component(name, weight))
    if not found or len(found) > MAX_COMPONENTS:
        raise InvalidScheme(reason="count")
    if sum(c.weight for c in found) != 100:
        raise InvalidScheme(reason="weights")
    return tuple(found)


def _scale(value: str) -> Scale:
    value = value.replace("–", "-").replace("—", "-")
    try:
        return Scale(value)
    except ValueError:
        raise InvalidScheme(reason="scale") from None


def _tolerance(value: str) -> float:
    try:
        tolerance = float(value.rstrip("%").replace(",", "."))
    except ValueError:
        raise InvalidScheme(reason="tolerance") from None
    if not 0 <= tolerance <= 100:
        raise InvalidScheme(reason="tolerance")
    return tolerance


def _releaser(value: str) -> Releaser:
    try:
        return _RELEASERS[value]
    except KeyError:
        raise InvalidScheme(reason="release") from None


def parse_mark(text: str) -> int:
    """A component's mark: a whole percentage from 0 to 100."""
    value = text.strip().rstrip("%").strip()
    if not value.isdigit() or not 0 <= int(value) <= 100:
        raise InvalidMark()
    return int(value)


def weighted_total(components: Sequence[Component], marks: Mapping[str, float]) -> float:
    """The marker's total: each component's mark times its weight, over 100, rounded to a
    tenth. Every component must be marked."""
    missing = [c.name for c in components if c.name not in marks]
    if missing:
        raise InvalidMark()
    weights = sum(c.weight for c in components)
    return round(sum(marks[c.name] * c.weight for c in components) / weights, 1)


def grade_on_scale(scale: Scale, percent: float) -> int:
    """The grade a total gives on the scheme's scale."""
    if scale is Scale.PERCENT:
        return int(percent + 0.5)
    for lowest, grade in BOUNDARIES[scale]:
        if percent >= lowest:
            return grade
    return BOUNDARIES[scale][-1][1]


def agreed_total(totals: Sequence[float], tolerance: float) -> float | None:
    """Within the tolerance (the highest total minus the lowest), the agreed total is their
    mean (to a tenth); outside it, None: the markers must agree."""
    if not totals:
        return None
    if max(totals) - min(totals) > tolerance:
        return None
    return round(sum(totals) / len(totals), 1)


def describe(rules: SchemeRules) -> str:
    """The scheme in the form ``parse_scheme`` reads (shown back to the admin)."""
    parts = ", ".join(f"{c.name} {c.weight}" for c in rules.components)
    return (f"{parts}; scale {rules.scale.value}; tolerance {rules.tolerance:g}; "
            f"release {rules.releaser.value}")


# A component with one of these names is the defence's: the minute-taker records it with
# the minutes (services/defence.py), the markers mark the others.
DEFENCE_NAMES = frozenset({"defence", "defense", "защита"})


def defence_component(rules: SchemeRules) -> Component | None:
    """The scheme's Defence component, if it has one."""
    return next((c for c in rules.components if c.name.lower() in DEFENCE_NAMES), None)


def marked_components(rules: SchemeRules) -> tuple[Component, ...]:
    """What each marker marks: every component but the Defence."""
    defence = defence_component(rules)
    return tuple(c for c in rules.components if c is not defence)


def with_defence(rules: SchemeRules, written: float, defence_mark: float | None) -> float:
    """The total: the markers' agreed total of their components (``written``, a weighted
    percentage of those) and the Defence component's mark, each by its weight. Without a
    Defence component the written total is the total."""
    defence = defence_component(rules)
    if defence is None:
        return written
    if defence_mark is None:
        raise InvalidMark()
    weights = sum(c.weight for c in rules.components)
    return round((written * (weights - defence.weight) + defence_mark * defence.weight)
                 / weights, 1)
