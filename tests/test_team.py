"""Issue 17 end to end through the emulator (PostgreSQL, Redis, S3): a co-supervisor and an
examiner join a thesis team by invite; every member gets the cards; the approval rules
'any' and 'all' (each member's own row, the outcome once, two members at the same moment);
the examiner grades a final thesis; a removed member's buttons change nothing; /queue,
/students and the SLA digest include co-supervised theses."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from services.clock import ManualClock
from services.notifications import Kind
from services.vocabulary import TeamRole
from storage.db import create_engine, create_session_factory
from storage.models import AssessmentMark, OutboxMessage, Review, ThesisMember
from tests import documents
from tests.conftest import Chat, Harness
from tests.people import ALICE, BOB, START, SUPERVISOR, seed
from tests.support.conversation import open_student
from tests.test_deadlines import told
from tests.test_lifecycle import student_view
from tests.test_reminders import World, add_pending
from tests.test_review import cards, decide, thesis_status
from tests.test_student_journey import invite_code, onboard, rows, submit
from tgemu import RecordedMessage


async def decisions(harness: Harness) -> tuple[int, int]:
    """(decision rows, outcomes): one row per member's decision, one outcome per version."""
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        total, outcomes = (await conn.execute(select(
            func.count(), func.count(Review.outcome_at)))).one()
    await engine.dispose()
    return int(total), int(outcomes)


async def team_view(sam: Chat, name: str = "Alice A") -> RecordedMessage:
    """The team view from /students (a card may arrive meanwhile: picked by its text)."""
    view = (await open_student(sam, name))[-1]
    before = sam.bot_count
    await sam.click("👥 Team", message_id=view.message_id)
    await sam.emu.wait_until(lambda: any("Thesis team of" in m.content
                                         for m in sam.emu.bot_messages(sam.id)[before:]))
    return [m for m in sam.emu.bot_messages(sam.id)[before:] if "Thesis team of" in m.content][-1]


async def invite(sam: Chat, button: str, name: str = "Alice A") -> str:
    view = await team_view(sam, name)
    return invite_code((await sam.click(button, message_id=view.message_id))[-1].content)


async def add_co_supervisor(harness: Harness, sam: Chat, alice: Chat) -> Chat:
    """Cora, a new person, joins Alice's team by Sam's Add co-supervisor invite."""
    cora = harness.chat(300, "Cora", "C")
    reply = await cora.say(f"/start {await invite(sam, 'Add co-supervisor')}")
    assert "registered as a team member" in reply and "Alice A as co-supervisor" in reply
    for told_chat in (sam, alice):
        await told(told_chat, "Cora C joined the thesis team of Alice A as co-supervisor")
    return cora


async def card_of(harness: Harness, chat: Chat, count: int) -> RecordedMessage:
    await harness.emu.wait_until(lambda: len(cards(harness, chat)) >= count)
    return cards(harness, chat)[-1]


async def count(harness: Harness, model: type, **where: object) -> int:
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        query = select(func.count()).select_from(model).where(
            *(getattr(model, k) == v for k, v in where.items()))
        value = (await conn.execute(query)).scalar_one()
    await engine.dispose()
    return int(value)


async def set_rule(sam: Chat, rule: str) -> None:
    view = await team_view(sam)
    assert f"Approval: {rule}" in view.button_texts()
    before = sam.bot_count
    await sam.click(f"Approval: {rule}", message_id=view.message_id)
    await sam.emu.wait_until(lambda: any(f"Approval: {rule} —" in m.content
                                         for m in sam.emu.bot_messages(sam.id)[before:]))


async def test_co_supervisor_by_invite_any_rule(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    cora = await add_co_supervisor(harness, sam, alice)
    view = await team_view(sam)
    assert "Sam Supervisor — supervisor" in view.content and "Cora C — co-supervisor" in view.content
    assert "Approval: any" in view.content

    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    sam_card, cora_card = await card_of(harness, sam, 1), await card_of(harness, cora, 1)
    sam_approve = sam_card.buttons[0][0]["callback_data"]
    for card in (sam_card, cora_card):
        assert card.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]
        assert "version 1" in card.content and "Alice A" in card.content

    # The co-supervised thesis is in Cora's /students and /queue, marked so.
    students = (await cora.send("/students"))[-1].content
    assert "Graphs" in students and "co-supervised" in students
    queue = await cora.send("/queue", expect=2)
    assert "Alice A" in queue[1].content and "co-supervised" in queue[1].content
    assert "co-supervised" not in (await sam.send("/queue", expect=2))[1].content

    # With 'any' the co-supervisor's approval decides; Sam's card shows the outcome.
    before = alice.bot_count
    done = await decide(harness, cora, cora_card.message_id, "Approve", "Nice work")
    assert "Recorded" in done and "approved" in done
    notice = (await alice.expect(1, before))[-1].content
    assert "approved" in notice and "Cora C" in notice and "Nice work" in notice
    await harness.emu.wait_until(
        lambda: not harness.emu.message(sam.id, sam_card.message_id).buttons)
    edited = harness.emu.message(sam.id, sam_card.message_id)
    assert "approved" in edited.content.lower() and "Cora C" in edited.content
    assert await thesis_status(harness, alice.id) == "approved"
    assert await decisions(harness) == (1, 1)
    # Sam's old buttons: already decided.
    answers = len(harness.emu.callback_answers)
    await harness.emu.click(sam.id, sam_card.message_id, sam_approve)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert "Already reviewed by Cora C" in harness.emu.callback_answers[-1][1]


async def test_all_rule_waits_for_every_approval(harness: Harness) -> None:
    admin, sam, alice, _bob = await onboard(harness)
    # Olga, a supervisor already, opens the invite: she just joins.
    olga = harness.chat(300, "Olga", "O")
    await olga.say(f"/start {invite_code(await admin.say('/invite'))}")
    reply = await olga.say(f"/start {await invite(sam, 'Add co-supervisor')}")
    assert "you joined the thesis team of Alice A as co-supervisor" in reply
    await told(alice, "Olga O joined the thesis team of Alice A")
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    await set_rule(sam, "all")

    sam_card, olga_card = await card_of(harness, sam, 1), await card_of(harness, olga, 1)
    before = alice.bot_count
    olga_approve = olga_card.buttons[0][0]["callback_data"]
    done = await decide(harness, olga, olga_card.message_id, "Approve", "Fine by me")
    assert "Waiting for Sam Supervisor" in done
    assert await thesis_status(harness, alice.id) == "submitted"
    await harness.emu.wait_until(lambda: "waiting for" in harness.emu.message(
        sam.id, sam_card.message_id).content)
    on_sam = harness.emu.message(sam.id, sam_card.message_id)
    assert "Approved by Olga O · waiting for Sam Supervisor" in on_sam.content
    assert on_sam.button_texts() == ["Approve", "Request changes", "Reject", "🗓 Review by…"]
    assert not harness.emu.message(olga.id, olga_card.message_id).buttons
    # Olga's second press is refused: her decision is recorded once.
    answers = len(harness.emu.callback_answers)
    await harness.emu.click(olga.id, olga_card.message_id, olga_approve)
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) > answers)
    assert "Already approved" in harness.emu.callback_answers[-1][1]
    assert alice.bot_count == before  # nothing decided yet, nothing told

    done = await decide(harness, sam, sam_card.message_id, "Approve", None, grade="90")
    assert "Recorded" in done and "approved" in done
    notice = (await alice.expect(1, before))[-1].content
    assert "approved" in notice and "Fine by me" in notice and "90" in notice
    assert await thesis_status(harness, alice.id) == "approved"
    assert await decisions(harness) == (2, 1)
    # Sam's approval decided it; what it says comes from both approvals: Olga's comment,
    # Sam's grade (written once, in their own rows).
    history = "\n".join(m.content for m in await alice.send("/history", expect=1))
    assert "Fine by me" in history and "90" in history
    await harness.emu.wait_until(lambda: "approved" in harness.emu.message(
        olga.id, olga_card.message_id).content.lower())

    # v2: one Request changes decides at once.
    await submit(alice, documents.pdf("v2"), "v2.pdf")
    olga_card2 = await card_of(harness, olga, 2)
    sam_card2 = await card_of(harness, sam, 2)
    done = await decide(harness, olga, olga_card2.message_id, "Request changes", "Chapter 3")
    assert "Recorded" in done and "changes requested" in done
    assert await thesis_status(harness, alice.id) == "changes_requested"
    await harness.emu.wait_until(
        lambda: not harness.emu.message(sam.id, sam_card2.message_id).buttons)
    assert "changes requested" in harness.emu.message(sam.id, sam_card2.message_id
                                                      ).content.lower()
    # Olga's Request changes is v2's one row, and its outcome.
    assert await decisions(harness) == (3, 2)


async def _both_press(harness: Harness, members: list[Chat], buttons: list[str],
                      card_ids: list[int], replies: bool = True) -> list[str]:
    """Each member presses their button; the last step (Approve's one tap, or the comment
    of Request changes) is sent by both at the same moment."""
    last = []
    for member, button, card_id in zip(members, buttons, card_ids, strict=True):
        if button == "Approve":
            data = harness.emu.message(member.id, card_id).buttons[0][0]["callback_data"]
            last.append(lambda m=member, c=card_id, d=data: harness.emu.click(m.id, c, d))
        else:
            await member.click(button, message_id=card_id)
            last.append(lambda m=member: harness.emu.send_text(m.id, "Not yet"))
    before = [m.bot_count for m in members]
    await asyncio.gather(*(step() for step in last))
    if not replies:  # the one refused is answered on its button, not in the chat
        return []
    return [(await m.expect(1, b))[-1].content for m, b in zip(members, before, strict=True)]


async def test_two_members_at_the_same_moment(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    cora = await add_co_supervisor(harness, sam, alice)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    await set_rule(sam, "all")
    members = [sam, cora]
    ids = [(await card_of(harness, m, 1)).message_id for m in members]
    replies = await _both_press(harness, members, ["Approve", "Approve"], ids)
    # Both approvals count; exactly one of them completes the outcome.
    assert sum("Approved: " in r for r in replies) == 1, replies
    assert sum("Waiting for" in r for r in replies) == 1, replies
    assert await decisions(harness) == (2, 1)
    assert await thesis_status(harness, alice.id) == "approved"
    # The student's notice waits for Done (or the quiet period).
    done = next(m for m, r in zip(members, replies, strict=True) if "Approved: " in r)
    await done.click("Done", message_id=ids[members.index(done)])
    await told(alice, "approved")
    assert await count(harness, OutboxMessage, chat_id=alice.id, kind=Kind.DECISION.value) == 1

    # v2: an approval and a Request changes at once: changes requested, exactly once.
    await submit(alice, documents.pdf("v2"), "v2.pdf")
    ids = [(await card_of(harness, m, 2)).message_id for m in members]
    await _both_press(harness, members, ["Approve", "Request changes"], ids, replies=False)
    await told(cora, "Recorded: changes requested")
    assert await thesis_status(harness, alice.id) == "changes_requested"
    # One outcome per version; the approval is a row of its own when it came first.
    total, outcomes = await decisions(harness)
    assert outcomes == 2 and total in (3, 4)
    assert await count(harness, OutboxMessage, chat_id=alice.id, kind=Kind.DECISION.value) == 2


async def test_examiner_grades_a_final_thesis(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    eve = harness.chat(400, "Eve", "E")
    reply = await eve.say(f"/start {await invite(sam, 'Add examiner')}")
    assert "Alice A as examiner" in reply
    assert "Add examiner" not in (await team_view(sam)).button_texts()  # one examiner
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    eve_card = await card_of(harness, eve, 1)
    assert not eve_card.buttons  # the examiner does not decide versions
    assert "Grade" not in (await team_view(eve)).button_texts()  # not final yet

    card = await card_of(harness, sam, 1)
    await decide(harness, sam, card.message_id, "Approve", None, grade="85")
    view = await student_view(sam, "Alice A")
    before = alice.bot_count
    await sam.click("Mark final", message_id=view.message_id)
    asked = (await alice.expect(1, before))[-1]
    await alice.click("I confirm", message_id=asked.message_id, expect=2)  # and the receipt
    assert await thesis_status(harness, alice.id) == "final"

    # Grade leads to the component marks (services/assessment.py; tests/test_assessment.py).
    view = await team_view(eve)
    assert view.button_texts() == ["Grade", "Marks"]  # no team management for the examiner
    replies = await eve.click("Grade", message_id=view.message_id, expect=2)
    assert "Graphs" in replies[0].content and "Content (weight 40)" in replies[1].content
    assert "from 0 to 100" in await eve.say("101")
    await eve.say("88")
    await eve.say("88")
    assert "report" in await eve.say("88")
    assert "weighted total 88" in await eve.say("A solid thesis <b>indeed</b>.")
    assert await rows(harness, AssessmentMark) == 1
    # Nobody is told a mark; a second marking is not offered.
    assert "88" not in (await alice.send("/history"))[-1].content
    view = await team_view(eve)
    assert "Grade" not in view.button_texts()


async def test_removed_co_supervisor_buttons_change_nothing(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    cora = await add_co_supervisor(harness, sam, alice)
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    cora_card = await card_of(harness, cora, 1)
    view = await team_view(sam)
    done = (await sam.click("Remove Cora C", message_id=view.message_id))[-1].content
    assert "Cora C was removed" in done
    for chat in (cora, alice):
        await told(chat, "Cora C (co-supervisor) was removed from the thesis team of Alice A")
    answers = len(harness.emu.callback_answers)
    before = cora.bot_count
    for button in cora_card.buttons[0]:
        await harness.emu.click(cora.id, cora_card.message_id, button["callback_data"])
    await harness.emu.wait_until(lambda: len(harness.emu.callback_answers) >= answers + 3)
    assert all(alert and "not allowed" in text
               for _id, text, alert in harness.emu.callback_answers[answers:])
    assert cora.bot_count == before
    assert await decisions(harness) == (0, 0)
    assert await thesis_status(harness, alice.id) == "submitted"
    assert "Alice A" not in (await cora.send("/students"))[-1].content
    assert await count(harness, ThesisMember, user_id=cora.id) == 0


async def test_digest_reaches_every_member(db: str, tmp_path: Path) -> None:
    await seed(db)
    engine = create_engine(db)
    async with create_session_factory(engine)() as session, session.begin():
        from storage.models import User

        session.add(User(id=300, role="supervisor", full_name="Cora C", language="en",
                         created_at=START))
        await session.flush()
        session.add(ThesisMember(student_id=ALICE, user_id=300,
                                 role=TeamRole.CO_SUPERVISOR.value, created_at=START))
    await engine.dispose()
    world = World(db, ManualClock(START), tmp_path)
    await add_pending(db, ALICE, START - timedelta(days=4), "Alice's")
    await add_pending(db, BOB, START - timedelta(days=4), "Bob's")
    assert await world.scheduler().run_once() == 2
    digests = {d.chat_id: [i["title"] for i in d.payload["items"]]
               for d in await world.outbox(Kind.REVIEW_DIGEST)}
    assert digests == {SUPERVISOR: ["Alice's", "Bob's"], 300: ["Alice's"]}
    await world.close()
