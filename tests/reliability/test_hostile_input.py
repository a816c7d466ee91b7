"""Whatever people send: every kind of update gets a deliberate answer (or is ignored on
purpose), hostile text renders literally within Telegram's limits, bad files are refused by
a stated rule, forged buttons get an alert, and floods are slowed down."""

from __future__ import annotations

import asyncio
import io
import re
import time
import zipfile
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.metrics import FLOOD_DROPPED
from storage.db import create_engine
from storage.models import StoredFile, Submission, Thesis, ThesisMember, User
from tests import documents
from tests.conftest import BotFactory, Chat, Harness, bucket_keys
from tests.reliability.tools import TALLY, message_update, private_chat, user_dict
from tests.support.conversation import onboard, submit
from tests.support.files import stored_values

UNSUPPORTED = "can't use that kind of message"
NOT_REGISTERED = "not registered yet"


async def quiet(chat: Chat, before: int, seconds: float = 0.5) -> bool:
    """True when the bot said nothing more to this chat (an update ignored on purpose)."""
    await asyncio.sleep(seconds)
    return chat.bot_count == before


async def answered(chat: Chat, before: int, needle: str) -> bool:
    replies = await chat.expect(1, before)
    return needle in replies[-1].content


async def push_message(harness: Harness, chat: Chat, **content: Any) -> None:
    await harness.emu.push_update({"message": message_update(
        private_chat(chat.id, "X"), user_dict(chat.id, "X"), **content)})


async def reachable(harness: Harness, user_id: int) -> bool:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        value = (await conn.execute(select(User.reachable).where(User.id == user_id))
                 ).scalar_one()
    await engine.dispose()
    return bool(value)


async def reachable_becomes(harness: Harness, user_id: int, value: bool) -> bool:
    for _ in range(50):
        if await reachable(harness, user_id) == value:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_every_kind_of_update_gets_a_deliberate_answer(harness: Harness) -> None:
    emu = harness.emu
    _admin, _supervisor, alice, _bob = await onboard(harness)
    stranger = harness.chat(777, "Stranger")
    video = {"file_id": "BAACvid", "file_unique_id": "vid1", "width": 1, "height": 1,
             "duration": 1}
    poll = {"id": "p1", "question": "Q?",
            "options": [{"text": t, "voter_count": 0, "persistent_id": t} for t in "ab"],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
            "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
            "members_only": False}
    media: list[tuple[str, Any]] = [
        ("sticker", lambda c: emu.send_sticker(c.id)),
        ("photo", lambda c: emu.send_photo(c.id)),
        ("voice", lambda c: emu.send_voice(c.id)),
        ("video", lambda c: push_message(harness, c, video=video)),
        ("location", lambda c: emu.send_location(c.id, 52.5, 13.4)),
        ("contact", lambda c: emu.send_contact(c.id, "+100", "Bob")),
        ("poll", lambda c: push_message(harness, c, poll=poll)),
        ("dice", lambda c: push_message(harness, c, dice={"emoji": "🎲", "value": 3})),
    ]
    for who, needle in ((alice, UNSUPPORTED), (stranger, NOT_REGISTERED)):
        for name, send in media:
            before = who.bot_count
            await send(who)
            TALLY.bad_input(f"{name} from {who.name}", await answered(who, before, needle))

    # An edited message changes nothing already done.
    before = alice.bot_count
    sent = await emu.send_text(alice.id, "/help")
    await alice.expect(1, before)
    before = alice.bot_count
    await emu.edit_text(alice.id, sent["message_id"], "/history")
    TALLY.bad_input("edited message", await quiet(alice, before))

    # Added to a group: says once that it works in private; group chatter is ignored.
    group = emu.add_group_chat(-1001, "Study <group> & co", "supergroup")
    group_chat = Chat(emu, -1001, "group")
    bot = {"id": emu.bot_id, "is_bot": True, "first_name": "Bot"}

    rights = ["can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
              "can_manage_video_chats", "can_restrict_members", "can_promote_members",
              "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
              "can_delete_stories", "can_send_welcome_messages"]

    def member(status: str) -> dict[str, Any]:
        extra = dict.fromkeys(rights, False) if status == "administrator" else {}
        return {"status": status, "user": bot, **extra}

    async def membership(chat: dict[str, Any], old: str, new: str) -> None:
        await emu.push_update({"my_chat_member": {
            "chat": chat, "from": user_dict(alice.id, "Alice"), "date": int(time.time()),
            "old_chat_member": member(old), "new_chat_member": member(new)}})

    await membership(group, "left", "member")
    hello = (await group_chat.expect(1, 0))[-1]
    TALLY.bad_input("added to a group", "only in private chats" in hello.content)
    for text in ("/start", "/submit", "hello @bot", "<b>hi</b>"):
        before = group_chat.bot_count
        await emu.send_group_text(-1001, alice.id, text)
        TALLY.bad_input(f"group message {text}", await quiet(group_chat, before, 0.2))
    # A button pressed outside a private chat: an alert, nothing done.
    answers = len(emu.callback_answers)
    await emu.click(alice.id, hello.message_id, "rv:a:1", chat_id=-1001)
    await emu.wait_until(lambda: len(emu.callback_answers) > answers)
    TALLY.bad_input("button in a group", emu.callback_answers[-1][2])
    await membership(group, "member", "left")
    TALLY.bad_input("removed from a group", await quiet(group_chat, group_chat.bot_count, 0.2))

    # Channels: being added and channel posts are ignored on purpose.
    channel = {"id": -1002, "type": "channel", "title": "News"}
    emu.add_group_chat(-1002, "News", "channel")
    channel_chat = Chat(emu, -1002, "channel")
    await membership(channel, "left", "administrator")
    await emu.push_update({"channel_post": message_update(channel, None, text="/start")})
    TALLY.bad_input("channel", await quiet(channel_chat, 0))

    # Inline queries get an empty personal answer.
    await emu.send_inline_query(alice.id, "<b>thesis</b>")
    await emu.wait_until(lambda: bool(emu.calls_to("answerInlineQuery")))
    TALLY.bad_input("inline query", emu.calls_to("answerInlineQuery")[-1]["results"] == [])

    # Blocking the bot marks the user unreachable; unblocking, reachable again.
    await emu.user_blocks_bot(alice.id)
    TALLY.bad_input("user blocks the bot", await reachable_becomes(harness, alice.id, False))
    await emu.user_unblocks_bot(alice.id)
    TALLY.bad_input("user unblocks the bot", await reachable_becomes(harness, alice.id, True))
    assert TALLY.polite == TALLY.bad_inputs, TALLY.notes


HOSTILE = "<b>x</b> & <i>y</i> _*[z](http://a) </code> &amp; \u202eRTL\u202c עברית 🧪"


async def test_hostile_text_renders_literally_and_within_limits(harness: Harness) -> None:
    emu = harness.emu
    _admin, supervisor, _alice, _bob = await onboard(harness)
    code_msg = [m for m in emu.bot_messages(supervisor.id) if "t.me/" in m.content][-1]
    invite = await supervisor.say("/invite 30 5")

    code = re.search(r"\?start=([A-Za-z0-9_-]+)", invite).group(1)  # type: ignore[union-attr]
    assert code_msg
    eve = harness.chat(301, "<b>Eve</b> & _*[", "\u202eعلي 🧪</i>")
    welcome = await eve.say(f"/start {code}")
    TALLY.bad_input("hostile name", "<b>Eve</b> & _*[" in welcome)
    long_name = harness.chat(302, "&" * 64, "<" * 64)
    TALLY.bad_input("64+64 character name", "&" * 64 in await long_name.say(f"/start {code}"))
    # Sam is told of each (Alice, Bob, Eve, the long name) before he acts again.
    await emu.wait_until(lambda: sum("joined as your student" in m.content
                                     for m in emu.bot_messages(supervisor.id)) == 4)

    title = (HOSTILE * 6)[:300]
    note = ("<&> " * 300)[:1000]
    received = await submit(eve, documents.pdf("eve"), "<script>&amp;.pdf", title=title,
                            note=note)
    TALLY.bad_input("hostile title, file name and note", "Version 1 received" in received)
    await emu.wait_until(lambda: any(m.document for m in emu.bot_messages(supervisor.id)))
    card = [m for m in emu.bot_messages(supervisor.id) if m.document][-1]
    TALLY.bad_input("card caption", "<b>Eve</b> & _*[" in card.content
                    and title[:150] in card.content and len(card.content) <= 1024)
    status = await eve.say("/status")
    TALLY.bad_input("status with hostile title", title in status)
    history = await eve.say("/history")
    TALLY.bad_input("history with hostile title", title in history)

    # A 4000-character comment full of markup characters, in the decision and notices.
    comment = ("<b>&</b> " * 500)[:4000]
    await supervisor.click("Request changes", message_id=card.message_id)
    before = eve.bot_count
    # Request changes asks only for the comment (issue 27): it is recorded with it.
    done = await supervisor.say(comment)
    TALLY.bad_input("4000-character comment", "Recorded" in done)
    notice = (await eve.expect(1, before))[-1].content
    TALLY.bad_input("decision notice", comment[:1000] in notice and len(notice) <= 4096)
    history = await eve.say("/history")
    TALLY.bad_input("history with a long comment", comment[:300] in history)

    # Thirty students with 300-character titles and long names: /students splits.
    await _seed_students(harness, supervisor.id, 30)
    before = supervisor.bot_count
    await emu.send_text(supervisor.id, "/students")
    await asyncio.sleep(1.0)
    pages = emu.bot_messages(supervisor.id)[before:]
    text = "\n".join(m.content for m in pages)
    # Ten a page (issue 28): one message, within Telegram's limit.
    TALLY.bad_input("/students with long titles",
                    len(pages) == 1 and all(len(m.content) <= 4096 for m in pages)
                    and len(re.findall(r"Student \d\d", text)) == 10)
    queue = await supervisor.send("/queue", expect=6)
    TALLY.bad_input("/queue with long titles", all(len(m.content) <= 4096 for m in queue))
    assert TALLY.polite == TALLY.bad_inputs, TALLY.notes


async def _seed_students(harness: Harness, supervisor_id: int, count: int) -> None:
    now = datetime.now(UTC)
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.begin() as conn:
        for i in range(count):
            student_id = 20_000 + i
            await conn.execute(User.__table__.insert().values(
                id=student_id, role="student", language="en", invited_by_id=supervisor_id,
                full_name=f"Student {i:02d} " + "<&>" * 40, reachable=i % 2 == 0,
                created_at=now))
            await conn.execute(ThesisMember.__table__.insert().values(
                student_id=student_id, user_id=supervisor_id, role="supervisor",
                created_at=now))
            thesis_id = (await conn.execute(Thesis.__table__.insert().values(
                student_id=student_id, title=("T<&>" * 100)[:300], status="submitted",
                latest_version=1, created_at=now, updated_at=now).returning(Thesis.id))
            ).scalar_one()
            await conn.execute(StoredFile.__table__.insert(), stored_values(f"k{i}"))
            await conn.execute(Submission.__table__.insert().values(
                thesis_id=thesis_id, version=1, file_key=f"k{i}", file_name="t.pdf",
                file_kind="pdf", file_size=10, sha256="0" * 64, telegram_file_id=None,
                submitted_at=now))
    await engine.dispose()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_bad_files_are_refused_by_rule_never_crash_or_hang(harness: Harness) -> None:
    _admin, _supervisor, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    await alice.say("Files")
    pdf = documents.pdf("real")
    cases: list[tuple[str, bytes, str, str]] = [
        ("zero bytes", b"", "thesis.pdf", "empty"),
        ("truncated PDF", pdf[: len(pdf) // 2], "cut.pdf", "incomplete"),
        ("10,000-page PDF header with nothing behind it",
         b"%PDF-1.7\n1 0 obj <</Type /Pages /Count 10000 /Kids [" + b"3 0 R " * 200,
         "huge.pdf", "incomplete"),
        ("zip without word/document.xml", _zip({"[Content_Types].xml": b"<Types/>",
                                               "xl/workbook.xml": b"<x/>"}),
         "sheet.docx", "not a Word"),
        ("zip bomb renamed .docx", _zip({"word/document.xml": b"\0" * (40 * 1024 * 1024)}),
         "bomb.docx", "unreasonable size"),
        ("broken zip", b"PK\x03\x04" + b"\x00garbage" * 40, "broken.docx", "damaged"),
        ("executable named .pdf", documents.EXE, "thesis.pdf", "not a PDF or DOCX"),
        ("image named .docx", documents.PNG, "thesis.docx", "not a PDF or DOCX"),
        ("text file", "Моя диссертация <b>".encode(), "thesis.txt", "not a PDF or DOCX"),
    ]
    for name, data, file_name, needle in cases:
        started = time.monotonic()
        reply = (await alice.upload(data, file_name))[-1].content
        elapsed = time.monotonic() - started
        TALLY.bad_input(f"file: {name}", needle in reply and elapsed < 5)
        assert needle in reply, (name, reply)
    reply = (await alice.upload(pdf, "big.pdf", declared_size=50 * 1024 * 1024))[-1].content
    TALLY.bad_input("file: declared 50 MB", "too large" in reply)
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []
    # The rule is the bytes: a real DOCX under a hostile path-like name is accepted.
    asked = (await alice.upload(documents.docx("ok"), "../../etc/<b>passwd</b>.pdf"))[-1]
    assert "note" in asked.content
    assert "Version 1 received" in await alice.say("/skip")
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        stored = (await conn.execute(select(Submission.file_name, Submission.file_kind))).one()
    await engine.dispose()
    assert "/" not in stored.file_name and stored.file_kind == "docx"
    # Named .pdf, found to be a DOCX: the supervisor's copy is named for what it is.
    assert stored.file_name.endswith("passwd<b>.docx"), stored.file_name
    assert len(await bucket_keys(harness.settings.s3_endpoint_url,
                                 harness.settings.s3_bucket)) == 1
    assert TALLY.polite == TALLY.bad_inputs, TALLY.notes


async def test_forged_buttons_get_an_alert_never_an_exception(make_bot: BotFactory) -> None:
    harness = await make_bot(flood_rate=1000)  # flood control is tested on its own below
    emu = harness.emu
    _admin, supervisor, alice, bob = await onboard(harness)
    await submit(alice, documents.pdf("a"), "a.pdf", title="A")
    await emu.wait_until(lambda: any(m.document for m in emu.bot_messages(supervisor.id)))
    forged = ["", "x" * 300, "rv", "rv:", "rv:a", "rv:a:", "rv:q:1", "rv:a:-1", "rv:a:999999",
              "rv:a:99999999999999999999", "rv:a:1:extra", "f:abc:0", "f:999999:0",
              "f:99999999999999999999:1", "f:1:maybe", "ir:0", "ir:999999",
              "ir:99999999999999999999", "qp:-5", "qp:99999999999999999999", "st:0",
              "st:99999999999999999999", "ms:d:999999", "ms:z:1", "dl:-1", "\u202e<b>",
              "🧪" * 20, "rv:a:2\n", "f:1:0\x00"]
    for who in (bob, supervisor, alice):
        own = emu.bot_messages(who.id)[-1]
        for data in forged:
            answers = len(emu.callback_answers)
            await emu.click(who.id, own.message_id, data)
            await emu.wait_until(lambda a=answers: len(emu.callback_answers) > a,
                                 timeout=5, message=f"no answer to {data!r} from {who.name}")
            _id, text, alert = emu.callback_answers[-1]
            TALLY.bad_input(f"callback {data!r} from {who.name}", bool(alert and text))
    assert TALLY.polite == TALLY.bad_inputs, TALLY.notes


async def test_a_flood_is_slowed_down_and_admins_are_exempt(make_bot: BotFactory) -> None:
    harness = await make_bot(flood_rate=6, flood_window_seconds=3600)
    emu = harness.emu
    admin, _supervisor, alice, _bob = await onboard(harness)  # alice: 1 update so far
    dropped = FLOOD_DROPPED._value.get()
    before = alice.bot_count
    for _ in range(12):
        await emu.send_text(alice.id, "/status")
    await alice.expect(6, before)
    await asyncio.sleep(0.8)
    replies = [m.content for m in emu.bot_messages(alice.id)[before:]]
    slow = [r for r in replies if "too fast" in r]
    assert len(slow) == 1 and len(replies) == 6, replies
    assert FLOOD_DROPPED._value.get() - dropped == 7
    TALLY.bad_input("flood of 12 messages", len(slow) == 1)
    before = admin.bot_count
    for _ in range(12):
        await emu.send_text(admin.id, "/help")
    await admin.expect(12, before)
    await asyncio.sleep(0.3)
    assert admin.bot_count - before == 12


async def test_files_disguised_as_theses_are_refused(harness: Harness) -> None:
    _admin, _supervisor, alice, _bob = await onboard(harness)
    await alice.say("/submit")
    await alice.say("Disguises")
    pdf = documents.pdf("real")
    macro_types = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
                   b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    cases: list[tuple[str, bytes, str, str]] = [
        ("PE executable named .pdf.exe", documents.EXE, "Thesis_final.pdf.exe",
         "not a PDF or DOCX"),
        ("a real PDF named .pdf.exe", pdf, "Thesis_final.pdf.exe", "not a PDF or DOCX"),
        ("HTML page with a PDF inside", b"<html>" + pdf + b"</html>\n%%EOF\n", "thesis.pdf",
         "not a PDF or DOCX"),
        (".docm", documents.docx("macros"), "thesis.docm", "not a PDF or DOCX"),
        ("DOCX with a VBA project", _zip({"[Content_Types].xml": b"<Types/>",
                                         "word/document.xml": b"<w:document/>",
                                         "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
         "thesis.docx", "not a Word"),
        ("DOCX with a macro content type", _zip({"[Content_Types].xml": macro_types,
                                                "word/document.xml": b"<w:document/>"}),
         "thesis.docx", "not a Word"),
    ]
    for name, data, file_name, needle in cases:
        reply = (await alice.upload(data, file_name))[-1].content
        TALLY.bad_input(f"file: {name}", needle in reply and "PDF and DOCX" in reply)
        assert needle in reply, (name, reply)
    assert await bucket_keys(harness.settings.s3_endpoint_url, harness.settings.s3_bucket) == []
    # A real PDF under an upper-case extension keeps its name.
    assert "note" in (await alice.upload(pdf, "report.PDF"))[-1].content
    assert "Version 1 received" in await alice.say("/skip")
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        stored = (await conn.execute(select(Submission.file_name, Submission.file_kind))).one()
    await engine.dispose()
    assert (stored.file_name, stored.file_kind) == ("report.PDF", "pdf")
    assert TALLY.polite == TALLY.bad_inputs, TALLY.notes
