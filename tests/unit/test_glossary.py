"""Every catalog message, rendered in every language with sample values, against
locales/GLOSSARY.md: no visible markup (a tag Telegram does not draw, an escaped tag, a
placeholder left over) and none of the glossary's forbidden forms. The domain errors are
rendered the way users get them (telegram/render.py: error_text, a reason inside its error).

``check_transcript`` is the same check for what a whole conversation showed (the Russian
journey in tests/test_chat.py uses it). The guide per role (docs/guide/<language>/*.md) is
checked too, block by block as api/markdown.py renders it, with no Markdown left visible."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api import markdown
from services.errors import DomainError
from telegram.render import error_text, plain
from telegram.texts import Texts, catalog, languages
from tests.unit.test_error_texts import CONSTRUCTIONS, DOMAIN_ERRORS

GLOSSARY = Path(__file__).resolve().parents[2] / "locales" / "GLOSSARY.md"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
# Markdown that a reader would see as it is: it did not render.
MARKDOWN_LEFT = re.compile(r"\*\*|`|\]\(|!\[|^#|<|>|&lt;|&gt;|\b_\w+_\b")
# The tags Telegram draws in a message with parse_mode HTML.
DRAWN = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
         "tg-spoiler", "span", "blockquote", "tg-emoji"}
PEOPLE = {"student", "name", "author", "supervisor_name", "supervisor", "member", "reviewer",
          "reviewer_name", "examiner", "student_name", "by", "who"}
MOMENTS = {"at", "due_at", "due", "old_due_at", "old", "expires", "submitted_at",
           "expired_at", "since", "own"}
# Parameters that take a number (plural variants select on them).
NUMBERS = {"count", "version", "total", "number", "n", "grade", "days", "pages", "page",
           "uses", "percent", "more", "hours",
           "added", "removed", "done", "upcoming", "past", "inactive", "deactivated", "theses",
           "users", "approved", "week", "user_id", "addressed", "share", "delta", "turn",
           "size", "waiting_count"}
SAMPLES = {"en": {"person": "Alice Student", "title": "Graph Neural Networks"},
           "ru": {"person": "Дарья Иванова", "title": "Графовые нейронные сети"}}
# Limits are never 0 or 1 ("1–1 characters" is no text anyone reads).
LIMITS = {"max": 300, "max_days": 90, "max_uses": 100, "limit_mb": 20, "length": 5000}
STATUSES = {"decision": "decision.changes_requested", "status": "thesis.changes_requested",
            "state": "meeting.state.past", "role": "role.student"}
MOMENT = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


def forbidden_forms() -> list[tuple[str, re.Pattern[str], str]]:
    """The glossary's table: (language or "any", pattern, what to write instead)."""
    rows = []
    section = GLOSSARY.read_text(encoding="utf-8").split("## Forbidden forms", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 4 and cells[1].startswith("`"):
            pattern = cells[1].strip("`").replace("\\|", "|")
            rows.append((cells[0], re.compile(pattern), cells[2]))
    return rows


FORMS = forbidden_forms()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.undrawn: list[str] = []
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in DRAWN:
            self.undrawn.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in DRAWN:
            self.undrawn.append(f"/{tag}")

    def handle_data(self, data: str) -> None:
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        self.visible.append(f"&{name};")


def problems(language: str, text: str) -> list[str]:
    """What is wrong with one rendered message (HTML, as sent)."""
    parser = _Tags()
    parser.feed(text)
    found = [f"tag <{tag}> is not drawn by Telegram" for tag in parser.undrawn]
    visible = "".join(parser.visible)
    for where, pattern, instead in FORMS:
        if where in (language, "any") and (pattern.search(visible) or pattern.search(text)):
            found.append(f"forbidden {pattern.pattern!r} (write: {instead})")
    if _starts_lower(visible):
        found.append("a sentence starts in lower case")
    return found


def _starts_lower(visible: str) -> bool:
    """A whole message (it ends a sentence and has a few words) whose first letter is small:
    a fragment ("changes requested") was put first. Fragments themselves end in no stop."""
    text = visible.strip()
    if not re.search(r"[.!?:]$", text) or len(text.split()) < 4:
        return False
    first = re.search(r"[^\W\d_]|\d", text)
    return first is not None and first.group().islower()


def check_transcript(language: str, texts: Iterable[str]) -> list[str]:
    return [f"{p}: {text!r}" for text in texts for p in problems(language, text)]


def _value(language: str, t: Texts, name: str, number: int) -> object:
    if name in LIMITS:
        return LIMITS[name]
    if name in NUMBERS:
        return number
    if name in PEOPLE:
        return SAMPLES[language]["person"]
    if name == "title":
        return SAMPLES[language]["title"]
    if name in MOMENTS:
        return MOMENT
    if name in STATUSES:
        # A status word, as the catalogs give it: a fragment, lower-case.
        return t(STATUSES[name])
    if name == "icon":
        return "✅"
    return "Text"


def renderings(language: str) -> Iterator[tuple[str, str]]:
    t = Texts(language)
    for key in catalog(language):
        for number in (0, 1, 2, 5):
            params = {name: _value(language, t, name, number)
                      for name in catalog(language).variables[key]}
            yield key, t(key, **params)


@pytest.mark.parametrize("language", languages())
def test_every_message_is_clean(language: str) -> None:
    found = sorted({f"{key}: {p}: {text!r}" for key, text in renderings(language)
                    for p in problems(language, text)})
    assert not found, "\n".join(found)


def _error(name: str, params: dict[str, object]) -> DomainError:
    # The scan gives "1" for a value it cannot read: a limit is never 1.
    error: DomainError = DOMAIN_ERRORS[name](**{
        key: LIMITS.get(key, value) for key, value in params.items()})
    return error


@pytest.mark.parametrize("language", languages())
def test_every_error_is_clean_as_users_get_it(language: str) -> None:
    t = Texts(language)
    found = []
    for where, name, params in CONSTRUCTIONS:
        text = error_text(t, _error(name, params))
        found += [f"{where}: {p}: {text!r}" for p in problems(language, text)]
        # As an alert (a button's answer) it is plain text: no tag at all.
        if re.search(r"</?[a-z]", plain(text)):
            found.append(f"{where}: markup in an alert: {plain(text)!r}")
    assert not found, "\n".join(found)


def test_the_glossary_is_read_and_catches_what_it_says() -> None:
    assert len(FORMS) >= 10
    assert problems("ru", "Рецензия научного руководителя: одобрено")
    assert problems("ru", "📥 Новая версия от студента Дарья Иванова")
    assert problems("ru", "Работа <b>Графовые нейронные сети</b>")
    assert not problems("ru", "Работа <b>«Графовые нейронные сети»</b>")
    assert problems("ru", "версия от 3 дня (0 дней назад)")
    assert problems("en", "1 student(s)") and problems("en", "Send &lt;code&gt;x")
    assert problems("en", "<p>x</p>") and not problems("en", "<b>x</b> <code>y</code>")
    assert plain("<b>a</b> &lt;b&gt; <code>x</code>") == "a <b> x"


def guide_problems(language: str, text: str) -> list[str]:
    """What is wrong with one page of the guide (its Markdown), block by block."""
    found = []
    for block in markdown.parse(text):
        for item in block.items:
            html = markdown.inline(item)
            visible = markdown.plain(item)
            found += [f"{p}: {visible!r}" for p in problems(language, html)
                      # A list item may start with a command (/status: …).
                      if not (p.startswith("a sentence") and visible.startswith("/"))]
            if MARKDOWN_LEFT.search(visible):
                found.append(f"markdown left visible: {visible!r}")
    return found


@pytest.mark.parametrize("language", languages())
def test_the_guide_is_clean(language: str) -> None:
    pages = sorted((GUIDE / language).glob("*.md"))
    assert [page.stem for page in pages] == ["admin", "student", "supervisor"]
    found = [f"{page.relative_to(GUIDE)}: {p}" for page in pages
             for p in guide_problems(language, page.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


def test_the_guide_check_catches_what_it_says() -> None:
    assert guide_problems("ru", "Рецензия научного руководителя: одобрено.")
    assert guide_problems("en", "Send **/submit and wait.")
    assert guide_problems("en", "the first of many words here.")
    assert guide_problems("en", "Send `x and wait.")
    assert not guide_problems("en", "- **/status**: where your thesis stands.")
