"""Typed callback data; every pack stays well under Telegram's 64 bytes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from services.messaging import Audience
from services.urgency import Filter

# Row ids are 32-bit and user ids 64-bit: a forged bigger (or negative) number fails to
# unpack, so the button is answered as stale and the number never reaches the database.
RowId = Annotated[int, Field(ge=0, lt=2**31)]
UserId = Annotated[int, Field(ge=0, lt=2**63)]


class ReviewAction(StrEnum):
    APPROVE = "a"
    CHANGES = "c"
    REJECT = "r"


class ReviewCb(CallbackData, prefix="rv"):
    action: ReviewAction
    submission_id: RowId


class FileCb(CallbackData, prefix="f"):
    submission_id: RowId
    feedback: bool = False


class ChangesCb(CallbackData, prefix="wc"):
    """🔍 What changed: the detailed comparison of a version with the one before."""

    submission_id: RowId


class SharedTextCb(CallbackData, prefix="sx"):
    """🔎 Shared text: the report of the text a version shares with other theses."""

    submission_id: RowId


class InviteRevokeCb(CallbackData, prefix="ir"):
    invite_id: RowId


class QueuePageCb(CallbackData, prefix="qp"):
    page: RowId


class StudentCb(CallbackData, prefix="st"):
    student_id: UserId


class StudentsCb(CallbackData, prefix="sl"):
    """/students: a filter (Waiting, Overdue, Silent, All) and a page of it."""

    show: Filter
    page: RowId = 0


class DeadlineTargetCb(CallbackData, prefix="dl"):
    """/deadline: the student picked (0 = all the supervisor's students)."""

    student_id: UserId


class ThesisAction(StrEnum):
    FINAL = "f"
    REOPEN = "o"


class ThesisCb(CallbackData, prefix="th"):
    """A move on a student's whole thesis, from their view in /students."""

    action: ThesisAction
    student_id: UserId


class MilestoneAction(StrEnum):
    MOVE = "m"
    DELETE = "d"
    EXTEND = "e"


class MilestoneCb(CallbackData, prefix="ms"):
    action: MilestoneAction
    milestone_id: RowId


class PeoplePageCb(CallbackData, prefix="pp"):
    """/users: a page of the list of people."""

    page: RowId


class PersonCb(CallbackData, prefix="pn"):
    """/users: one person's view."""

    user_id: UserId


class AccessAction(StrEnum):
    DEACTIVATE = "d"
    REACTIVATE = "r"


class AccessCb(CallbackData, prefix="ac"):
    action: AccessAction
    user_id: UserId


class TeamAction(StrEnum):
    VIEW = "v"
    ADD_CO = "c"
    ADD_EXAMINER = "x"
    REMOVE = "r"
    RULE_ANY = "n"
    RULE_ALL = "l"
    GRADE = "g"


class TeamCb(CallbackData, prefix="tm"):
    """The thesis team, from the student's view in /students (member: whom Remove removes)."""

    action: TeamAction
    student_id: UserId
    member_id: UserId = 0


class ReportCb(CallbackData, prefix="er"):
    """The examiner's report file."""

    grade_id: RowId


class ThreadAction(StrEnum):
    REPLY = "r"  # write a comment on the version
    READ = "v"  # open the version's thread (a new message)
    PAGE = "p"  # another page of it (the message is edited)


class ThreadCb(CallbackData, prefix="tc"):
    action: ThreadAction
    submission_id: RowId
    page: RowId = 0


class ThreadFileCb(CallbackData, prefix="tf"):
    """The attachment of one thread comment."""

    comment_id: RowId


class NoteCb(CallbackData, prefix="nt"):
    """A supervisor-only note about a student, from their view in /students."""

    student_id: UserId


class MeetingTargetCb(CallbackData, prefix="mg"):
    """/meeting: the student picked (0 = all the supervisor's students)."""

    student_id: UserId


class ChecklistAction(StrEnum):
    TOGGLE = "t"
    DONE = "d"


class ChecklistCb(CallbackData, prefix="ck"):
    """/submit: tick a requested change this version addresses (item 0 with Done)."""

    action: ChecklistAction
    item_id: RowId = 0


class CarryCb(CallbackData, prefix="co"):
    """Request changes or Approve: keep the earlier items the version does not address
    open, or not."""

    keep: bool


class ApprovedAction(StrEnum):
    COMMENT = "c"
    GRADE = "g"
    DONE = "d"


class ApprovedCb(CallbackData, prefix="ap"):
    """After one-tap Approve, on the card: Add comment, Add grade, Done."""

    action: ApprovedAction
    submission_id: RowId


class MeetingReply(StrEnum):
    CONFIRM = "y"
    DECLINE = "n"
    AGREE = "a"
    CORRECT = "c"


class MeetingReplyCb(CallbackData, prefix="mr"):
    """A student's answer to a meeting or to its record."""

    action: MeetingReply
    meeting_id: RowId


class MeetingAction(StrEnum):
    MOVE = "m"
    CANCEL = "x"
    NOTES = "n"


class MeetingCb(CallbackData, prefix="mt"):
    """A supervisor's move on one of their meetings."""

    action: MeetingAction
    meeting_id: RowId


class MeetingItemCb(CallbackData, prefix="mi"):
    """An action item of a meeting's record made a milestone."""

    item_id: RowId


class CalendarCb(CallbackData, prefix="cal"):
    """/calendar: Reset link."""

    reset: bool = True


class ExportChoice(StrEnum):
    TABLE = "t"
    LATEST = "z"


class ExportCb(CallbackData, prefix="ex"):
    what: ExportChoice


class LanguageCb(CallbackData, prefix="lg"):
    """/language: the language chosen (a catalog's folder name, e.g. ``ru``)."""

    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]


class DatePick(StrEnum):
    WEEK = "w1"
    TWO_WEEKS = "w2"
    MONTH_END = "me"
    SAVE = "ok"
    CHANGE = "ch"


class DateCb(CallbackData, prefix="dt"):
    """A date question's quick buttons and its Save / Change (handlers/dates.py)."""

    pick: DatePick


class DropAction(StrEnum):
    SUBMIT = "s"
    CANCEL = "c"
    ATTACH = "a"  # a file sent as a reply to a version's message: into that thread


class DropCb(CallbackData, prefix="dp"):
    """A file dropped into the chat outside any step: Submit it as the next version, or not."""

    action: DropAction


class AskAction(StrEnum):
    SEND = "s"
    CANCEL = "c"


class AssessAction(StrEnum):
    DECLARE = "d"  # the student confirms the authorship statement
    MARK = "m"  # a marker enters the marks (the examiner's Grade leads here)
    BOARD = "b"  # the marks side by side (nothing until every marker has submitted)
    PROPOSE = "p"
    ACCEPT = "a"
    RELEASE = "r"
    APPOINT = "t"  # an admin: pick a third marker (value: the person, 0 lists them)
    REOPEN = "o"  # an admin: reopen a released grade (asks the reason)


class AssessCb(CallbackData, prefix="as"):
    action: AssessAction
    student_id: UserId
    value: UserId = 0


class MessageToCb(CallbackData, prefix="mw"):
    """/message: whom it is for (an audience; one student by id)."""

    audience: Audience
    student_id: UserId = 0


class MessageAction(StrEnum):
    SEND = "s"
    CANCEL = "c"


class AskCb(CallbackData, prefix="ak"):
    """Text typed outside any step: send it to the supervisor, or not."""

    action: AskAction


class RenameCb(CallbackData, prefix="rn"):
    """Rename the thesis of ``student_id`` (from /status, or the supervisor's student view)."""

    student_id: UserId


class MessageSendCb(CallbackData, prefix="mx"):
    """/message's preview: Send or Cancel."""

    action: MessageAction


class AnswerCb(CallbackData, prefix="da"):
    """💬 Answer a message written through the bot."""

    message_id: RowId


class NudgeCb(CallbackData, prefix="nu"):
    """The silent digest: Nudge one student (0: Nudge all)."""

    student_id: UserId = 0


class PromiseCb(CallbackData, prefix="pr"):
    """🗓 Review by… on a card: ask (the choices), Tomorrow, In 3 days, Friday, or a date."""

    submission_id: RowId
    choice: str = "ask"  # "ask", "date", or a services.promises.Choice value


class RosterAction(StrEnum):
    IMPORT = "i"
    CANCEL = "c"
    TEMPLATE = "t"
    LINKS_CSV = "l"
    LINKS_PDF = "p"
    PAGE = "g"
    CHECKLIST = "k"


class RosterCb(CallbackData, prefix="ro"):
    """/roster's buttons, the import's Import / Cancel and the first-run checklist's."""

    action: RosterAction
    page: RowId = 0


class RosterPersonAction(StrEnum):
    REMIND = "m"
    REVOKE = "v"


class RosterPersonCb(CallbackData, prefix="rp"):
    action: RosterPersonAction
    person_id: RowId


class DefenceAction(StrEnum):
    SCHEDULE = "s"  # the supervisor or an admin: schedule (or move) the thesis's defence
    TAKER = "t"  # while scheduling: the minute-taker (value: the person)
    CONFIRM = "c"
    DECLINE = "d"
    MINUTES = "m"  # the minute-taker: record the minutes (and the Defence mark)


class DefenceCb(CallbackData, prefix="df"):
    action: DefenceAction
    defence_id: int = Field(default=0, ge=0, lt=2**31)
    student_id: UserId = 0
    value: UserId = 0


class TopicAction(StrEnum):
    VIEW = "v"
    APPLY = "a"
    CLOSE = "c"
    REOPEN = "o"
    QR = "q"
    NEW = "n"  # topic 0: the New topic conversation
    PROPOSAL_YES = "y"  # New topic's last question: does it ask for a proposal?
    PROPOSAL_NO = "x"
    MINE = "m"  # the supervisor's own list again
    CO_SUPERVISORS = "s"  # name the co-supervisors (they join the team on acceptance)
    EDIT = "e"  # which field to change


class TopicEditCb(CallbackData, prefix="te"):
    """Edit one field of a topic (services/topics.py: TopicService.edit)."""

    topic_id: RowId
    field: Annotated[str, Field(pattern=r"^[a-z]{1,16}$")]


class TopicCb(CallbackData, prefix="tp"):
    action: TopicAction
    topic_id: RowId = 0


# A tag or a language in a catalogue button (services/topics.py keeps tags to these).
Facet = Annotated[str, Field(pattern=r"^[\w+.-]{0,24}$")]


class CatalogueCb(CallbackData, prefix="cg"):
    """/topics for everyone: a page of the open topics, filtered by tag and language."""

    page: RowId = 0
    tag: Facet = ""
    language: Facet = ""


class ApplicationAction(StrEnum):
    ACCEPT = "a"
    DECLINE = "d"
    INTERVIEW = "i"


class ApplicationCb(CallbackData, prefix="ap"):
    """An application card's buttons."""

    action: ApplicationAction
    application_id: RowId


class DeclineCb(CallbackData, prefix="ad"):
    """Decline: a template (services/applications.py: TEMPLATES) or "own" words."""

    application_id: RowId
    template: Annotated[str, Field(pattern=r"^[a-z_]{1,16}$")]


class SlotCb(CallbackData, prefix="is"):
    """The applicant picks one of the interview's times."""

    application_id: RowId
    index: Annotated[int, Field(ge=0, lt=10)]
