"""Conversation helpers shared by the end-to-end tests: onboarding an admin, a supervisor and
two students through invites, submitting a version, deciding on a card, setting a deadline."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select

from storage.db import create_engine
from storage.models import Thesis
from tests.conftest import Chat, Harness


def invite_code(text: str) -> str:
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def rows(harness: Harness, model: type) -> int:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(model))).scalar_one()
    await engine.dispose()
    return int(count)


async def join(inviter: Chat, joiner: Chat, code: str) -> str:
    """``joiner`` starts with the invite; the welcome. Returns once the inviter has been told
    (so that the notice cannot be read as the answer to the inviter's next command)."""
    reply = await joiner.say(f"/start {code}")
    await told(inviter, f"{joiner.name} joined as")
    return reply


async def onboard(harness: Harness) -> tuple[Chat, Chat, Chat, Chat]:
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    sup_link = await admin.say("/invite")
    assert "supervisor" in sup_link and "t.me/" in sup_link
    supervisor = harness.chat(100, "Sam", "Supervisor")
    assert "supervisor" in await join(admin, supervisor, invite_code(sup_link))
    cohort = await supervisor.say("/invite 30 2")
    assert "up to 2 people" in cohort
    code = invite_code(cohort)
    alice, bob = harness.chat(201, "Alice", "A"), harness.chat(202, "Bob", "B")
    for student in (alice, bob):
        reply = await join(supervisor, student, code)
        assert "student" in reply and "Sam Supervisor" in reply
    return admin, supervisor, alice, bob


async def submit(student: Chat, data: bytes, name: str, title: str | None = None,
                 note: str = "/skip") -> str:
    ask = await student.say("/submit")
    if title is not None:
        assert "title" in ask
        ask = await student.say(title)
    assert "PDF" in ask and "DOCX" in ask
    asked_note = await student.upload(data, name)
    assert "note" in asked_note[-1].content
    return await student.say(note)


async def thesis_status(harness: Harness, student_id: int) -> str:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        value = (await conn.execute(select(Thesis.status)
                                    .where(Thesis.student_id == student_id))).scalar_one()
    await engine.dispose()
    return str(value)


def cards(harness: Harness, chat: Chat) -> list:
    return [m for m in harness.emu.bot_messages(chat.id) if m.document]


async def latest_card(harness: Harness, supervisor: Chat, count_: int):
    await harness.emu.wait_until(lambda: len(cards(harness, supervisor)) >= count_)
    return cards(harness, supervisor)[-1]


async def decide(harness: Harness, supervisor: Chat, card_id: int, button: str,
                 comment: str | None, grade: str | None = None) -> str:
    """A decision from the card. Approve is one tap, then Add comment / Add grade as asked,
    then Done (the reply to Done: the student is told now); Request changes and Reject ask
    for the comment (required) and are recorded with it."""
    if button != "Approve":
        prompt = (await supervisor.click(button, message_id=card_id))[-1].content
        assert "comment" in prompt.lower()
        return await supervisor.say(comment or "/skip")
    approved = (await supervisor.click(button, message_id=card_id))[-1].content
    assert "Approved" in approved or "Waiting for" in approved, approved
    if comment is not None:
        await supervisor.click("Add comment", message_id=card_id)
        assert "added" in await supervisor.say(comment)
    if grade is not None and grade != "/skip":
        await supervisor.click("Add grade", message_id=card_id)
        assert "added" in await supervisor.say(grade)
    done = (await supervisor.click("Done", message_id=card_id))[-1].content
    # Under the rule 'all', while others are still to approve: what the tap answered.
    return approved if "Waiting for" in approved else done


SAVE_DATE = {"en": "✅ Save", "ru": "✅ Сохранить"}


async def say_date(chat: Chat, text: str, language: str = "en") -> str:
    """Type a date; when the bot echoes it (with its weekday), press Save. The reply to
    Save, or the refusal of the date."""
    echo = await chat.say(text)
    if not echo.startswith("📅"):
        return echo
    before, answers = chat.bot_count, len(chat.emu.callback_answers)
    await chat.click(SAVE_DATE[language], expect=0)
    await chat.emu.wait_until(lambda: chat.bot_count > before or any(
        text for _, text, _ in chat.emu.callback_answers[answers:]))
    if chat.bot_count > before:
        return (await chat.expect(1, before))[-1].content
    return next(text for _, text, _ in chat.emu.callback_answers[answers:] if text)


async def set_deadline(sam: Chat, target: str, title: str, due: str) -> str:
    await sam.send("/deadline")
    assert "Who is it for" in sam.last().content
    asked = await sam.click(target)
    assert "What is it called" in asked[-1].content
    assert "When is it due" in await sam.say(title)
    return await say_date(sam, due)


def student_label(chat: Chat, name: str) -> str:
    """The /students button of this student ("3. Alice A": numbered by urgency), on the
    newest list."""
    for message in reversed(chat.emu.bot_messages(chat.id)):
        for text in message.button_texts():
            if text.split(". ", 1)[-1] == name and text.split(". ", 1)[0].isdigit():
                return text
    raise AssertionError(f"no /students button for {name}: {chat.emu.transcript(chat.id)}")


async def open_student(chat: Chat, name: str) -> list:  # type: ignore[type-arg]
    """/students, then the student's button: their view (the last message has its buttons).
    A card arriving meanwhile is told apart by its text."""
    before = chat.bot_count
    await chat.send("/students")
    await chat.emu.wait_until(lambda: any(
        "Your students" in m.content for m in chat.emu.bot_messages(chat.id)[before:]))
    listing = [m for m in chat.emu.bot_messages(chat.id)[before:]
               if "Your students" in m.content][-1]
    before = chat.bot_count
    await chat.emu.click_button(chat.id, student_label(chat, name), listing.message_id)
    await chat.emu.wait_until(lambda: any(
        "👥 Team" in m.button_texts() for m in chat.emu.bot_messages(chat.id)[before:]))
    return [m for m in chat.emu.bot_messages(chat.id)[before:] if "👥 Team" in m.button_texts()]


async def told(chat: Chat, text: str, timeout: float = 15) -> None:
    """Wait until the bot has sent ``chat`` a message containing ``text``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(text in (m.content or "") for m in chat.emu.bot_messages(chat.id)):
        assert asyncio.get_running_loop().time() < deadline, chat.emu.transcript(chat.id)
        await asyncio.sleep(0.02)

