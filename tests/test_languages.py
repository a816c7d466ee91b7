"""Issue 20 end to end: a Russian-speaking student (Telegram language_code "ru") joins with an
invite, submits, gets a review and a reminder, all in Russian, while her supervisor works in
English; /language switches her to English and the next notification from the outbox is
English. Through the emulator against PostgreSQL, Redis and S3, with a ManualClock."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from services.clock import ManualClock
from storage.db import create_engine
from storage.models import User
from tests import documents
from tests.conftest import BotFactory, Chat, Harness
from tests.people import START
from tests.support.conversation import join
from tests.test_deadlines import set_deadline, told
from tests.test_student_journey import invite_code
from tests.unit.test_glossary import check_transcript

TITLE = "Графы и деревья"
COMMENT = "Please expand chapter 2 and fix the references."
# What may stay in Latin script in a Russian message: names and titles people typed, the
# comment the supervisor wrote, commands, and the names of formats and of the time zone.
ALLOWED_LATIN = ("Sam Supervisor", COMMENT, "Telegram", "PDF", "DOCX", "UTC")


def latin_left(text: str) -> str:
    for allowed in ALLOWED_LATIN:
        text = text.replace(allowed, "")
    text = re.sub(r"/[a-z_]+", "", text)
    return "".join(re.findall(r"[A-Za-z]+", text))


def menu(harness: Harness, chat_id: int) -> dict[str, str]:
    scope = json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True)
    return {c["command"]: c["description"] for c in harness.emu.commands[(scope, "")]}


async def language_in_db(harness: Harness, user_id: int) -> str:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        language = (await conn.execute(select(User.language).where(User.id == user_id)))
    value = language.scalar_one()
    await engine.dispose()
    return str(value)


async def onboard(harness: Harness) -> tuple[Chat, Chat]:
    admin = harness.chat(1, "Ada", "Admin")
    await admin.say("/start")
    sam = harness.chat(100, "Sam", "Supervisor")  # an English-speaking supervisor
    assert "supervisor" in await join(admin, sam, invite_code(await admin.say("/invite")))
    cohort = await sam.say("/invite")
    dasha = harness.chat(301, "Дарья", "Иванова", language_code="ru-RU")
    welcome = await join(sam, dasha, invite_code(cohort))
    assert "Добро пожаловать, Дарья Иванова!" in welcome
    assert "Вы зарегистрированы как студент" in welcome and "Sam Supervisor" in welcome
    return sam, dasha


async def test_a_russian_student_end_to_end(make_bot: BotFactory) -> None:
    clock = ManualClock(START)  # 2030-03-01 10:00 UTC
    harness = await make_bot(clock=clock, flood_rate=1000)
    sam, dasha = await onboard(harness)
    assert await language_in_db(harness, dasha.id) == "ru"
    assert menu(harness, dasha.id)["submit"] == "Отправить версию"
    assert menu(harness, sam.id)["queue"] == "Versions waiting for review"
    # The menu for people the bot does not know yet, per language of their app.
    default = json.dumps({"type": "default"}, sort_keys=True)
    # Issue 32: anyone who started the bot browses the topics' catalogue.
    assert harness.emu.commands[(default, "ru")] == [
        {"command": "help", "description": "Справка"},
        {"command": "topics", "description": "Темы выпускных работ"}]
    assert harness.emu.commands[(default, "")][0]["description"] == "Show help"

    # Submission, in Russian.
    assert "Как называется ваша работа? (от 1 до 300 символов)" in await dasha.say("/submit")
    ask_file = await dasha.say(TITLE)
    assert "Отправьте работу файлом PDF или DOCX" in ask_file
    asked_note = await dasha.upload(documents.pdf("dasha v1"), "работа.pdf")
    assert "сообщение для научного руководителя" in asked_note[-1].content
    received = await dasha.say("/skip")
    assert "Версия 1 получена 1 марта 2030, 10:00 UTC." in received

    # The supervisor's card is in his language; he writes his comment in English.
    await harness.emu.wait_until(lambda: any(m.document for m in harness.emu.bot_messages(sam.id)))
    card = [m for m in harness.emu.bot_messages(sam.id) if m.document][-1]
    assert "New version" in card.content and TITLE in card.content
    assert card.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]
    await sam.click("Request changes", message_id=card.message_id)
    before = dasha.bot_count
    assert "Recorded" in await sam.say(COMMENT)  # no grade asked: it belongs to an approval
    notice = (await dasha.expect(1, before))[0].content
    assert f"Отзыв научного руководителя (Sam Supervisor) о версии 1 работы «{TITLE}» — " \
        "нужны правки." in notice
    assert COMMENT in notice  # what people write is never translated
    assert "доработайте работу и отправьте новую версию командой /submit" in notice

    # A milestone and its reminder, in Russian, with the right plural.
    before = dasha.bot_count
    await set_deadline(sam, "Дарья Иванова", "Глава 2", "2030-03-10")
    set_notice = (await dasha.expect(1, before))[0].content
    assert "Новая контрольная точка от научного руководителя (Sam Supervisor): «Глава 2», " \
        "срок — 10 марта 2030, 23:59 UTC." in set_notice
    for moment, left in ((START.replace(day=4), "через 7 дней"),
                         (START.replace(day=8, hour=0), "через 3 дня")):
        clock.set(moment)
        await harness.process.scheduler.run_once()  # or its own loop, first: sent once
        await told(dasha, f"⏰ Напоминание: срок точки «Глава 2» — {left}, 10 марта 2030, "
                          "23:59 UTC. Отправить работу — /submit.")

    # /status and /history: plurals and dates in Russian.
    status = await dasha.say("/status")
    assert "Состояние: нужны правки" in status and "(через 2 дня)" in status
    history = (await dasha.send("/history"))[-1]
    assert f"«{TITLE}» — 1 версия:" in history.content
    assert history.button_texts() == ["📄 Версия 1"]

    # No Latin-script interface text anywhere in what she got, buttons included.
    for message in harness.emu.bot_messages(dasha.id):
        words = [message.content or "", *message.button_texts()]
        assert not latin_left(" ".join(words)), (latin_left(" ".join(words)), message.content)

    # The whole Russian journey she saw passes the glossary (locales/GLOSSARY.md).
    assert not check_transcript("ru", [m.content or "" for m in
                                       harness.emu.bot_messages(dasha.id)])

    # /language: she switches to English; the menu follows, and so does the outbox.
    languages = (await dasha.send("/language"))[-1]
    assert "Выберите язык бота" in languages.content
    assert languages.button_texts() == ["English", "Русский"]
    assert "The bot now speaks English." in (await dasha.click("English"))[-1].content
    assert await language_in_db(harness, dasha.id) == "en"
    await harness.emu.wait_until(lambda: menu(harness, dasha.id)["submit"] == "Submit a version")
    before = dasha.bot_count
    await set_deadline(sam, "Дарья Иванова", "Chapter 3", "2030-04-01")
    assert "New milestone from Sam Supervisor: Chapter 3, due 2030-04-01 23:59 UTC" in \
        (await dasha.expect(1, before))[0].content
    assert "Your deadlines" in await dasha.say("/deadlines")


async def test_the_language_of_the_app_decides_only_at_the_first_update(
        make_bot: BotFactory) -> None:
    harness = await make_bot()
    stranger = harness.chat(5101, "Иван", language_code="ru")
    assert "откройте ссылку-приглашение" in await stranger.say("/start")
    assert "open the invite link" in await harness.chat(5102, "Jan", language_code="pl").say(
        "/start")
    # An English speaker who picks Russian keeps it, whatever his app says.
    sam, dasha = await onboard(harness)
    await sam.send("/language")
    assert "Теперь бот говорит по-русски." in (await sam.click("Русский"))[-1].content
    assert "Научный руководитель" in await sam.say("/help")
    before = sam.bot_count
    await dasha.send("/submit")
    await dasha.say(TITLE)
    await dasha.upload(documents.pdf("dasha"), "работа.pdf")
    await dasha.say("/skip")
    card = next(m for m in (await sam.expect(1, before)) if m.document)
    assert "Новая версия" in card.content
    assert card.button_texts() == ["Одобрить", "Правки", "Отклонить", "🗓 Проверю до…"]
