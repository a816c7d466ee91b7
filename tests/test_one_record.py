"""One record per fact, end to end through the emulator: who supervises is the thesis team
(a co-supervisor sets deadlines and meetings; an examiner does not), a team invite gives no
power beyond its team (no /invite, nothing once removed, counted apart in /stats), and a
version waiting under the rule 'all' is decided when the last member it waited for leaves."""

from __future__ import annotations

from sqlalchemy import select

from services.clock import ManualClock
from services.notifications import Kind
from services.vocabulary import Role, TeamRole
from storage.db import create_engine, create_session_factory
from storage.models import Meeting, Milestone, OutboxMessage, Review, ThesisMember, User
from tests import documents
from tests.conftest import BotFactory, Harness
from tests.people import ALICE, BOB, START, seed
from tests.support.conversation import set_deadline, told
from tests.test_meetings import new_meeting, rows
from tests.test_review import thesis_status
from tests.test_student_journey import onboard, submit
from tests.test_team import card_of, count, decide, invite, set_rule, team_view

CORA, EVE = 300, 400


async def add_member(db: str, user_id: int, name: str, student_id: int, role: TeamRole) -> None:
    """A person who joined one team by its invite (what registration writes for them)."""
    engine = create_engine(db)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            session.add(User(id=user_id, role=Role.MEMBER.value, full_name=name, language="en",
                             created_at=START))
            await session.flush()
            session.add(ThesisMember(student_id=student_id, user_id=user_id, role=role.value,
                                     created_at=START))
    finally:
        await engine.dispose()


async def test_a_co_supervisor_sets_deadlines_and_meetings_an_examiner_does_not(
        make_bot: BotFactory, db: str) -> None:
    await seed(db)
    await add_member(db, CORA, "Cora C", ALICE, TeamRole.CO_SUPERVISOR)
    await add_member(db, EVE, "Eve E", BOB, TeamRole.EXAMINER)
    harness = await make_bot(clock=ManualClock(START), timezone="Europe/Berlin",
                             flood_rate=1000)
    cora, eve = harness.chat(CORA, "Cora", "C"), harness.chat(EVE, "Eve", "E")
    alice, bob = harness.chat(ALICE, "Alice", "A"), harness.chat(BOB, "Bob", "B")

    done = await set_deadline(cora, "Alice A", "Chapter 1", "2030-03-10")
    assert "1 student has been told" in done
    await told(alice, "New milestone from Cora C")
    milestones = await rows(db, Milestone)
    assert [(m.student_id, m.supervisor_id, m.title) for m in milestones] == [
        (ALICE, CORA, "Chapter 1")]

    done = await new_meeting(cora, "Alice A", "Chapter 1 feedback", "2030-03-05 14:00",
                             "Room 101")
    assert "1 student has been asked" in done
    await told(alice, "set a meeting: Chapter 1 feedback")
    assert [m.title for m in await rows(db, Meeting)] == ["Chapter 1 feedback"]

    # The examiner reads and grades; Bob is not theirs to set deadlines or meetings for.
    await eve.send("/deadline")
    assert "Bob B" not in eve.last().button_texts()
    await eve.send("/meeting")
    assert "Bob B" not in eve.last().button_texts()
    assert len(await rows(db, Milestone)) == 1 and len(await rows(db, Meeting)) == 1
    assert not any("New milestone" in (m.content or "") for m in bob.emu.bot_messages(bob.id))


async def test_an_examiner_by_invite_stays_in_their_team(harness: Harness) -> None:
    admin, sam, alice, _bob = await onboard(harness)
    eve = harness.chat(EVE, "Eve", "E")
    reply = await eve.say(f"/start {await invite(sam, 'Add examiner')}")
    assert "registered as a team member" in reply and "Alice A as examiner" in reply
    await told(alice, "Eve E joined the thesis team")

    refused = await eve.say("/invite")
    assert "not available to you" in refused and "t.me/" not in refused
    assert await count(harness, User, id=EVE, role=Role.MEMBER.value) == 1
    stats = (await admin.send("/stats"))[-1].content
    assert "team member: 1" in stats and "supervisor: 1" in stats

    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    assert "Graphs" in (await eve.send("/students"))[-1].content
    view = await team_view(sam)
    assert "Eve E was removed" in (
        await sam.click("Remove Eve E", message_id=view.message_id))[-1].content
    await told(eve, "Eve E (examiner) was removed from the thesis team of Alice A")
    # Removed from every team: no thesis to see, and still no /invite.
    assert "Graphs" not in (await eve.send("/students"))[-1].content
    assert "not available to you" in await eve.say("/invite")


async def test_removing_the_last_waiting_member_decides_under_all(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    cora = harness.chat(CORA, "Cora", "C")
    await cora.say(f"/start {await invite(sam, 'Add co-supervisor')}")
    await told(alice, "Cora C joined the thesis team")
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    await set_rule(sam, "all")
    sam_card = await card_of(harness, sam, 1)
    await card_of(harness, cora, 1)
    done = await decide(harness, sam, sam_card.message_id, "Approve", "Good work")
    assert "Waiting for Cora C" in done
    assert await thesis_status(harness, alice.id) == "submitted"

    view = await team_view(sam)
    await sam.click("Remove Cora C", message_id=view.message_id)
    await told(alice, "approved")
    assert await thesis_status(harness, alice.id) == "approved"
    assert await count(harness, Review) == 1
    await told(alice, "Good work")
    assert await count(harness, OutboxMessage, chat_id=alice.id,
                       kind=Kind.DECISION.value) == 1


async def test_switching_to_any_decides_a_waiting_version(harness: Harness) -> None:
    _admin, sam, alice, _bob = await onboard(harness)
    cora = harness.chat(CORA, "Cora", "C")
    await cora.say(f"/start {await invite(sam, 'Add co-supervisor')}")
    await told(alice, "Cora C joined the thesis team")
    await submit(alice, documents.pdf("v1"), "v1.pdf", title="Graphs")
    await set_rule(sam, "all")
    cora_card = await card_of(harness, cora, 1)
    assert "Waiting for Sam Supervisor" in await decide(
        harness, cora, cora_card.message_id, "Approve", None)
    await set_rule(sam, "any")
    await told(alice, "approved")
    assert await thesis_status(harness, alice.id) == "approved"
    assert await count(harness, OutboxMessage, chat_id=alice.id,
                       kind=Kind.DECISION.value) == 1
    engine = create_engine(harness.settings.effective_database_url)
    async with engine.connect() as conn:
        reviewer = (await conn.execute(select(Review.reviewer_id))).scalar_one()
    await engine.dispose()
    assert reviewer == CORA

