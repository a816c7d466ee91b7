"""The translation catalogs (locales/<lang>/*.ftl) against the code: every key the code uses
is in every catalog, every catalog key is used, each translation has exactly the placeholders
of the English text, the code passes every placeholder a text needs, and plurals agree with
their numbers. No database, no bot: a few hundred milliseconds.

Keys the code builds (``t(f"decision.{x}")``) are expanded from the values they are built
from (FAMILIES); a new kind of built key fails here until it is added there."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.state import StatesGroup

import services.errors as errors
from handlers.callbacks import ApplicationAction
from handlers.topics import EDITABLE
from services.access import Revoked
from services.applications import TEMPLATES
from services.deadlines import MilestoneStatus
from services.guide import GUIDE_PAGES
from services.meetings import OFFSETS as MEETING_OFFSETS
from services.messaging import ADMIN_AUDIENCES, SUPERVISOR_AUDIENCES, Audience
from services.reminders import OFFSETS
from services.roster import Reason as RosterReason
from services.urgency import Filter
from services.vocabulary import (
    ApprovalRule,
    AssessmentState,
    Decision,
    MarkerRole,
    MeetingAnswer,
    PassageState,
    Phase,
    Role,
    TeamRole,
    ThesisStatus,
    TopicState,
)
from telegram.menu import COMMANDS, NOBODY
from telegram.texts import DEFAULT_LANGUAGE, Raw, Texts, catalog, languages, message_id

ROOT = Path(__file__).resolve().parents[2]
# Where texts are asked for. services/ never renders text (it names error codes and reasons);
# api/ does for the guide's page (api/guide.py).
CODE = ("handlers", "telegram", "bot", "api")
KEY = re.compile(r"[a-z_]+(\.[A-Za-z0-9_]+)+")


def _sources(*packages: str) -> Iterator[tuple[Path, ast.AST]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _states_groups() -> list[str]:
    return [node.name for _, tree in _sources("handlers") for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id == StatesGroup.__name__ for b in node.bases)]


DOMAIN_ERRORS = {name: cls for name, cls in inspect.getmembers(errors, inspect.isclass)
                 if issubclass(cls, errors.DomainError) and cls is not errors.DomainError}


def _reasons() -> list[str]:
    """Every ``reason="..."`` a domain error is raised with."""
    return sorted({str(kw.value.value) for _, tree in _sources("services", "handlers", "telegram")
                   for node in ast.walk(tree) if isinstance(node, ast.Call)
                   and isinstance(node.func, ast.Name) and node.func.id in DOMAIN_ERRORS
                   for kw in node.keywords
                   if kw.arg == "reason" and isinstance(kw.value, ast.Constant)
                   and isinstance(kw.value.value, str)})


def _error_codes() -> list[str]:
    return sorted({cls.code for cls in DOMAIN_ERRORS.values()})


# A reason's text is optional: an error's text says {reason_text} or not (telegram/render.py
# asks t.has first); tests/test_error_texts.py checks the ones a text needs.
GUARDED = {"reason.{}"}
# Literals shaped like keys that are not keys.
NOT_TEXTS = {"invite.png", "thesis.sqlite3", "app.css", "app.js", "desk.css", "desk.js"}
ACCESS = ["deactivated", "reactivated"]
# Each key the code builds from a value, with the values it is built from.
FAMILIES: dict[str, Callable[[], list[str]]] = {
    "decision.{}": lambda: [d.value for d in Decision],
    "decision.next.{}": lambda: [d.value for d in Decision],
    "thesis.{}": lambda: [s.value for s in ThesisStatus],
    "role.{}": lambda: [r.value for r in Role],
    "start.registered.{}": lambda: [r.value for r in Role],
    "help.{}": lambda: [r.value for r in Role],
    "milestone.status.{}": lambda: [s.value for s in MilestoneStatus],
    "cmd.{}": lambda: sorted({c for names in COMMANDS.values() for c in names} | set(NOBODY)),
    "access.start.{}": lambda: [r.value for r in Revoked],
    "access.refused.{}": lambda: [r.value for r in Revoked],
    "remind.left.{}": lambda: [label for label, _ in OFFSETS],
    "error.{}": _error_codes,
    "reason.{}": _reasons,
    "left.{}": _states_groups,
    "users.{}": lambda: ACCESS,
    "users.already_{}": lambda: ACCESS,
    "team.role.{}": lambda: [r.value for r in TeamRole],
    "students.shown.{}": lambda: [f.value for f in Filter],
    "message.audience.{}": lambda: [a.value for a in (*SUPERVISOR_AUDIENCES, *ADMIN_AUDIENCES)],
    "message.target.{}": lambda: [a.value for a in Audience],
    # Who joins through an invite: a student (their supervisor is told), a supervisor (the admin).
    "notify.joined.{}": lambda: [Role.STUDENT.value, Role.SUPERVISOR.value],
    # The supervisor's own line has no marker (t.has is asked first).
    "team.marker.{}": lambda: [TeamRole.CO_SUPERVISOR.value, TeamRole.EXAMINER.value],
    "team.view.rule.{}": lambda: [r.value for r in ApprovalRule],
    "meeting.state.{}": lambda: ["upcoming", "past"],
    "meeting.answer.{}": lambda: [a.value for a in MeetingAnswer],
    "notify.meeting_answered.{}": lambda: [MeetingAnswer.CONFIRMED.value,
                                           MeetingAnswer.DECLINED.value],
    "meeting.left.{}": lambda: [label for label, _ in MEETING_OFFSETS],
    "assess.role.{}": lambda: [r.value for r in MarkerRole],
    "assess.after.{}": lambda: [s.value for s in AssessmentState],
    "assess.notify.agreed.{}": lambda: ["computed", "proposal", "third"],
    "protocol.pdf.how.{}": lambda: ["computed", "proposal", "third"],
    "desk.passages.{}": lambda: [s.value for s in PassageState],
    "desk.passage.{}": lambda: [s.value for s in PassageState],
    "defence.notify.answer.{}": lambda: [MeetingAnswer.CONFIRMED.value,
                                         MeetingAnswer.DECLINED.value],
    "guide.page.{}": lambda: list(GUIDE_PAGES),
    "phase.{}": lambda: [p.value for p in Phase],
    "topic.field.{}": lambda: list(EDITABLE),
    "topic.now.{}": lambda: [s.value for s in TopicState],
    "topic.state.{}": lambda: [s.value for s in TopicState],
    "application.template.{}": lambda: [*TEMPLATES, "own"],
    "application.reason.{}": lambda: [*TEMPLATES, "expired", "accepted_elsewhere"],
    "application.withdrawn.{}": lambda: ["expired", "accepted_elsewhere"],
    "application.button.{}": lambda: [a.name.lower() for a in ApplicationAction],
    "roster.reason.{}": lambda: [r.value for r in RosterReason],
    "firstrun.{}": lambda: ["scheme", "statement", "roster", "links", "test_student"],
}


def _key_literals(tree: ast.AST) -> Iterator[str]:
    inside_fstrings = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                       for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and KEY.fullmatch(node.value) and id(node) not in inside_fstrings \
                and node.value not in NOT_TEXTS:
            yield node.value


def _families(tree: ast.AST) -> Iterator[str]:
    """f-strings that build a key: ``f"decision.{x}"`` → ``decision.{}``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr) or not node.values:
            continue
        first = node.values[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)
                and re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+)*[._]", first.value)
                and re.split(r"[._]", first.value)[0] in PREFIX_WORDS):
            continue
        yield "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


SCANNED = list(_sources(*CODE))
PREFIXES = {key.split(".", 1)[0] for key in catalog(DEFAULT_LANGUAGE)}
PREFIX_WORDS = {prefix.split("_", 1)[0] for prefix in PREFIXES}
SINGLE = {key for key in catalog(DEFAULT_LANGUAGE) if "." not in key}  # "cancelled"


def _used_static() -> dict[str, str]:
    """Key → where the code names it, for every literal that looks like one of our keys."""
    used: dict[str, str] = {}
    for path, tree in SCANNED:
        for value in _key_literals(tree):
            if value.split(".", 1)[0] in PREFIXES:
                used.setdefault(value, str(path.relative_to(ROOT)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in SINGLE:
                used.setdefault(str(node.value), str(path.relative_to(ROOT)))
    return used


def _used_families() -> dict[str, str]:
    found: dict[str, str] = {}
    for path, tree in SCANNED:
        for family in _families(tree):
            found.setdefault(family, str(path.relative_to(ROOT)))
    return found


def _used_by_the_page() -> dict[str, str]:
    """The Mini App's keys (app.*), named in webapp/*.js as literals, or built from a literal
    prefix (``"app.status_" + status``: every key with that prefix)."""
    used: dict[str, str] = {}
    catalog_keys = set(catalog(DEFAULT_LANGUAGE))
    for path in sorted((ROOT / "webapp").glob("*.js")):
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for key in re.findall(r'"(app\.[a-z_0-9]+)"', source):
            if key.endswith("_") and re.search(rf'"{re.escape(key)}"\s*\+', source):
                used.update({k: where for k in catalog_keys if k.startswith(key)})
            else:
                used.setdefault(key, where)
    return used


STATIC = {**_used_static(), **_used_by_the_page()}
FOUND_FAMILIES = _used_families()


def _built(required: bool = False) -> dict[str, str]:
    return {family.format(value): f"{where} ({family})"
            for family, where in FOUND_FAMILIES.items() if family in FAMILIES
            and not (required and family in GUARDED) for value in FAMILIES[family]()}


def test_the_scan_sees_the_code() -> None:
    assert {"submit.ask_title", "button.approve", "notify.deadline_reminder",
            "format.datetime", "language.name", "cancelled"} <= set(STATIC)
    assert {"decision.{}", "role.{}", "cmd.{}", "left.{}", "error.{}"} <= set(FOUND_FAMILIES)
    assert {"SubmitStates", "ReviewStates"} <= set(_states_groups())
    assert {"deadline_past", "not_pdf_or_docx", "self"} <= set(_reasons())


def test_every_built_key_family_is_known() -> None:
    unknown = {f: where for f, where in FOUND_FAMILIES.items() if f not in FAMILIES}
    assert not unknown, f"keys built from values: add each to FAMILIES here: {unknown}"


def test_at_least_english_and_russian() -> None:
    assert languages()[0] == DEFAULT_LANGUAGE
    assert {"en", "ru"} <= set(languages())


@pytest.mark.parametrize("language", languages())
def test_every_key_the_code_uses_is_in_the_catalog(language: str) -> None:
    texts = catalog(language)
    needed = {**STATIC, **_built(required=True)}
    missing = sorted(f"{key} (used in {where}; add `{message_id(key)} = …` to "
                     f"locales/{language}/…)" for key, where in needed.items() if key not in texts)
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("language", languages())
def test_every_catalog_key_is_used(language: str) -> None:
    used = set(STATIC) | set(_built())
    unused = sorted(f"{key} ({catalog(language).sources[key].relative_to(ROOT)})"
                    for key in catalog(language) if key not in used)
    assert not unused, "\n".join(unused)


@pytest.mark.parametrize("language", [code for code in languages() if code != DEFAULT_LANGUAGE])
def test_every_translation_has_the_english_keys_and_placeholders(language: str) -> None:
    english, other = catalog(DEFAULT_LANGUAGE), catalog(language)
    problems = [f"{key}: missing in locales/{language}/ (English: "
                f"{english.sources[key].relative_to(ROOT)})" for key in english if key not in other]
    problems += [f"{key}: only in {other.sources[key].relative_to(ROOT)}"
                 for key in other if key not in english]
    problems += [f"{key}: placeholders {sorted(other.variables[key])} in "
                 f"{other.sources[key].relative_to(ROOT)}, English has "
                 f"{sorted(english.variables[key])}"
                 for key in english if key in other
                 and other.variables[key] != english.variables[key]]
    assert not problems, "\n".join(problems)


def _calls() -> Iterator[tuple[str, str, set[str]]]:
    """Each ``t("key", name=…)`` / ``t.raw("key", …)`` call with literal key and named params."""
    for path, tree in SCANNED:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                continue
            func = node.func
            named = (isinstance(func, ast.Name) and func.id in ("t", "chosen")) or \
                (isinstance(func, ast.Attribute) and func.attr == "raw")
            if not named or any(kw.arg is None for kw in node.keywords):
                continue
            yield (f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value,
                   {str(kw.arg) for kw in node.keywords})


def test_the_code_passes_every_placeholder_a_text_needs() -> None:
    calls = list(_calls())
    assert len(calls) > 100
    problems = [f"{where}: {key} needs {sorted(catalog(lang).variables[key] - given)}"
                for where, key, given in calls for lang in languages()
                if key in catalog(lang) and catalog(lang).variables[key] - given]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", languages())
def test_every_text_renders_with_numbers_and_with_words(language: str) -> None:
    t = Texts(language)
    for key in catalog(language):
        for value in (1, 2, 5, "x"):
            params = {name: value for name in catalog(language).variables[key]}
            assert t(key, **params).strip() or key in ("history.grade",), key


def test_no_english_text_hedges_its_plural() -> None:
    t = Texts("en")
    hedged = [key for key in catalog("en") if "(s)" in t(key, **{
        name: 2 for name in catalog("en").variables[key]})]
    assert not hedged


@pytest.mark.parametrize(("n", "versions", "days"), [
    (1, "1 версия", "1 день"), (2, "2 версии", "2 дня"), (5, "5 версий", "5 дней"),
    (11, "11 версий", "11 дней"), (21, "21 версия", "21 день")])
def test_russian_plural_forms(n: int, versions: str, days: str) -> None:
    t = Texts("ru")
    assert t("history.header", title="T", count=n) == f"<b>«T»</b> — {versions}:"
    assert t("age.days", n=n) == days
    assert t("deadline.in", left=Raw(t("age.days", n=n))) == f"через {days}"
    assert t("deadline.ago", ago=Raw(t("age.days", n=n))) == f"{days} назад"


@pytest.mark.parametrize(("n", "text"), [(1, "1 version"), (2, "2 versions"),
                                         (5, "5 versions"), (21, "21 versions")])
def test_english_plural_forms(n: int, text: str) -> None:
    t = Texts("en")
    assert t("history.header", title="T", count=n) == f"<b>T</b> — {text}:"
    assert t("age.days", n=1) == "1 day" and t("age.days", n=n) != f"{n} day(s)"


def test_parameters_are_escaped_numbers_ungrouped_and_dates_localised() -> None:
    t, ru = Texts("en"), Texts("ru", ZoneInfo("Europe/Moscow"))
    assert t("card.note", note="<b>&") == "\n💬 &lt;b&gt;&amp;"
    assert t("card.note", note=Raw("<b>x</b>")) == "\n💬 <b>x</b>"
    assert t("start.unknown", user_id=1234567890).count("1234567890") == 1
    moment = datetime(2030, 3, 10, 20, 59, tzinfo=UTC)
    assert t.dt(moment) == "2030-03-10 20:59 UTC" and t.date(moment) == "2030-03-10"
    assert ru.dt(moment) == "10 марта 2030, 23:59 MSK" and ru.date(moment) == "10 марта 2030"
    assert t("size.mb", n=1.5) == "1.5 MB" and ru("size.mb", n=1.5) == "1,5 МБ"


def test_a_missing_key_or_parameter_raises_and_russian_falls_back_to_nothing() -> None:
    with pytest.raises(KeyError):
        Texts("ru")("never.written")
    with pytest.raises(KeyError, match="version"):
        Texts("ru")("error.duplicate_submission")
    assert Texts("xx").language == DEFAULT_LANGUAGE


def test_long_values_render_whole_and_escaped() -> None:
    comment = "<b>&</b> " * 700  # 5,600 characters, 16,100 escaped: past Fluent's limit
    for language in languages():
        text = Texts(language)("decision.comment", comment=comment)
        assert text == "\n\n💬 " + comment.replace("&", "&amp;").replace("<", "&lt;") \
            .replace(">", "&gt;")
    # A short value cannot smuggle in the marker of a long one.
    text = Texts()("assess.final.asked", student="\x000\x00", title="x" * 1500)
    assert "\x00" not in text and text.count("x" * 1500) == 1
