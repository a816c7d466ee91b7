"""How each outbox notification looks in Telegram. The sender in bot/workers/outbox.py uses this."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from handlers.callbacks import (
    AnswerCb,
    ApplicationAction,
    ApplicationCb,
    AssessAction,
    AssessCb,
    DefenceAction,
    DefenceCb,
    MeetingAction,
    MeetingCb,
    NudgeCb,
    QueuePageCb,
    SlotCb,
    TeamAction,
    TeamCb,
    ThreadAction,
    ThreadCb,
)
from handlers.keyboards import (
    answer_buttons,
    in_rows,
    markup,
    record_buttons,
    review_buttons,
    with_row,
)
from services.assessment_rules import Scale, grade_on_scale
from services.compare_jobs import ChangeView
from services.notifications import (
    AccessDeactivated,
    AccessReactivated,
    ApplicationAccepted,
    ApplicationDeclined,
    ApplicationReceived,
    ApplicationReminder,
    ApplicationWithdrawn,
    AssessmentAgreed,
    AssessmentReleased,
    ChecklistMark,
    DeadlineMoved,
    DeadlineOverdue,
    DeadlineReminder,
    DeadlineSet,
    DecisionMade,
    DeclarationRequested,
    DefenceAnswered,
    DefenceInvited,
    DirectMessageSent,
    ExaminerFinal,
    ExaminerGraded,
    GradeProposed,
    GradeReopened,
    InterviewProposed,
    InterviewSet,
    MarkingRequested,
    MarksDisagree,
    MeetingAgreed,
    MeetingAnswered,
    MeetingCancelled,
    MeetingCorrection,
    MeetingInvited,
    MeetingMoved,
    MeetingNotesRequest,
    MeetingRecord,
    MeetingReminder,
    MilestoneDeleted,
    MilestoneExtended,
    NewSubmission,
    Payload,
    PersonJoined,
    PromiseEscalated,
    PromiseMade,
    PromisePassed,
    ReviewDigest,
    SharedTextAlert,
    SilentAdminDigest,
    SilentDigest,
    StudentMessage,
    StudentOverdue,
    StudentUnreachable,
    TeamJoined,
    TeamLeft,
    ThesisFinal,
    ThesisRenamed,
    ThesisReopened,
    ThirdMarkerNeeded,
    ThreadComment,
)
from services.shared_text import SharedView
from telegram.changes import (
    changes_button,
    changes_line,
    share_text,
    shared_button,
    shared_line,
)
from telegram.render import CAPTION_LIMIT, clip
from telegram.texts import Raw, Texts

# Of a caption's 1024 characters, what the summary of the changes may take (the rest of the
# card takes at most ~700).
CHANGES_IN_CAPTION = 320
ICONS = {"approved": "✅", "changes_requested": "✏️", "rejected": "❌"}


@dataclass(frozen=True)
class StoredDocument:
    """A file of our store, to be sent under our name (Telegram's copy has another)."""

    key: str
    file_name: str


@dataclass(frozen=True)
class Outgoing:
    text: str
    document: str | StoredDocument | None = None  # a Telegram file_id, or from our store
    markup: InlineKeyboardMarkup | None = None
    media: str | None = None  # the document is a voice message or a photo, sent as one


def _document(file_id: str | None, key: str | None,
              name: str | None) -> str | StoredDocument | None:
    if file_id:
        return file_id
    return StoredDocument(key, name or "file") if key else None


def submission_card(t: Texts, *, student_name: str, title: str, version: int,
                    note: str | None, submitted_at: datetime, caption: bool,
                    checklist: Sequence[ChecklistMark] = (),
                    changes: ChangeView | None = None, comparing: bool = False,
                    shared: SharedView | None = None) -> str:
    # A caption holds 1024 characters: the note gives way first, then the title, and the
    # checklist shows the first items' beginnings; what changed since the last version
    # (under the title) keeps to its own share.
    room = (200 if checklist else 300) if caption else 2000
    return t("card.new_submission", student=clip(student_name, 100),
             title=clip(title, 200 if caption else 300), version=version, at=submitted_at,
             note=t.raw("card.note", note=clip(note, room)) if note else None) \
        + (t("compare.comparing", base=version - 1) if comparing and changes is None
           else changes_line(t, changes, CHANGES_IN_CAPTION if caption else 1000)) \
        + shared_line(t, shared) \
        + checklist_card(t, checklist, caption)


def checklist_card(t: Texts, marks: Sequence[ChecklistMark], caption: bool) -> str:
    """"Addressed 2/3" and the items with their marks, as the supervisor's card shows them."""
    if not marks:
        return ""
    shown, width = (6, 40) if caption else (30, 200)
    lines = "".join(t("checklist.card.line", mark="✅" if mark.addressed else "⬜",
                      text=clip(" ".join(mark.text.split()), width)) for mark in marks[:shown])
    if len(marks) > shown:
        lines += t("checklist.card.more", more=len(marks) - shown)
    return t("checklist.card", addressed=sum(mark.addressed for mark in marks),
             total=len(marks), lines=Raw(lines))


def _numbered(t: Texts, items: Sequence[str], start: int, budget: int) -> tuple[str, int]:
    """Numbered lines of whole items while they fit in ``budget`` characters."""
    lines = ""
    for n, item in enumerate(items, start=start):
        line = t("checklist.line", n=n, text=clip(item, 300))
        if len(lines) + len(line) > budget:
            break
        lines += line
    return lines, budget - len(lines)


def reply_button(t: Texts, submission_id: int) -> InlineKeyboardMarkup | None:
    return markup([[(t("threads.reply_button"),
                     ThreadCb(action=ThreadAction.REPLY, submission_id=submission_id))]])


def _new_submission(t: Texts, p: NewSubmission, changes: ChangeView | None = None,
                    comparing: bool = False, shared: SharedView | None = None) -> Outgoing:
    """The card; ``comparing``: the comparison with the version before is still to come
    (the comparison worker edits the card with its summary, or without one if it fails)."""
    document = _document(p.file_id, p.file_key, p.file_name)
    text = submission_card(t, student_name=p.student_name, title=p.title, version=p.version,
                           note=p.note, submitted_at=p.submitted_at,
                           caption=document is not None, checklist=p.checklist,
                           changes=changes, comparing=comparing, shared=shared)
    if p.proposal:
        text = t("card.proposal") + "\n" + text
    if p.deactivated_supervisor is not None:
        # First, so that a caption cut to its limit keeps it.
        text = t("leftovers.card.supervisor_deactivated",
                 supervisor=clip(p.deactivated_supervisor, 100)) + "\n" + text
    buttons = with_row(review_buttons(t, p.submission_id) if p.decides else None,
                       changes_button(t, changes, p.submission_id)
                       + shared_button(t, shared, p.submission_id))
    return Outgoing(text=text[:CAPTION_LIMIT] if document is not None else text,
                    document=document, markup=buttons)


def card_with_changes(t: Texts, p: NewSubmission, changes: ChangeView | None,
                      shared: SharedView | None = None) -> Outgoing:
    """A version's card once its comparison is made: the comparison worker edits the card
    that was sent into this (the review buttons stay, 🔍 What changed and 🔎 Shared text
    join them)."""
    return _new_submission(t, p, changes, shared=shared)


def _decision(t: Texts, p: DecisionMade) -> Outgoing:
    items = ""
    budget = 2400
    if p.items:
        lines, budget = _numbered(t, p.items, 1, budget)
        items += t("checklist.notice", lines=Raw(lines))
    if p.carried:
        lines, budget = _numbered(t, p.carried, len(p.items) + 1, budget)
        items += t("checklist.notice.carried", lines=Raw(lines))
    comment = t.raw("decision.comment", comment=clip(p.comment, 600 + budget)) \
        if p.comment else ""
    if p.addition:
        # A comment or grade added to an approval after its notice went out.
        text = t("decision.addition", icon=ICONS.get(p.decision, ""),
                 reviewer=p.reviewer_name, version=p.version, title=clip(p.title, 300),
                 comment=Raw(comment) if comment else None,
                 grade=t.raw("decision.grade", grade=p.grade) if p.grade is not None else None)
    else:
        text = t("decision.notice", icon=ICONS.get(p.decision, ""), reviewer=p.reviewer_name,
                 version=p.version, title=clip(p.title, 300),
                 decision=t(f"decision.{p.decision}"),
                 comment=Raw(comment + items) if comment or items else None,
                 grade=t.raw("decision.grade", grade=p.grade) if p.grade is not None else None,
                 next=t(f"decision.next.{p.decision}"))
    if p.proposal:
        text = t("card.proposal") + "\n" + text
        if p.decision == "approved" and not p.addition:
            text += "\n\n" + t("decision.proposal_accepted")
    # The student answers with 💬 Reply, or with a Telegram reply to this message.
    buttons = reply_button(t, p.submission_id)
    document = _document(p.feedback_file_id, p.feedback_file_key, p.feedback_file_name)
    if document is not None:
        # The file goes first with a short caption; the full text would not fit in one.
        return Outgoing(text=text, document=document, markup=buttons)
    return Outgoing(text=text, markup=buttons)


def _thread_comment(t: Texts, p: ThreadComment) -> Outgoing:
    key = "threads.comment.by_student" if p.from_student else (
        "threads.comment.to_student" if p.to_student else "threads.comment.to_supervisor")
    text = t(key, author=clip(p.author_name, 100), student=clip(p.student_name, 100),
             version=p.version, title=clip(p.title, 200),
             text=t.raw("threads.comment.text", text=clip(p.text, 3500)) if p.text else None,
             file=media_line(t, p.media, p.file_name, p.seconds, p.size)
             if p.file_name else None)
    return Outgoing(text=text, document=_document(p.file_id, p.file_key, p.file_name),
                    markup=reply_button(t, p.submission_id), media=p.media)


def media_line(t: Texts, media: str | None, file_name: str | None, seconds: int | None,
               size: int | None) -> str:
    """A thread attachment as listed: a voice message with its duration, a photo with its
    size, a file with its name."""
    if media == "voice":
        total = seconds or 0
        return t.raw("threads.comment.voice", duration=f"{total // 60}:{total % 60:02d}")
    if media == "photo":
        return t.raw("threads.comment.photo", size=max(round((size or 0) / 1024), 1))
    return t.raw("threads.comment.file", name=file_name or "")


def _student_message(t: Texts, p: StudentMessage) -> Outgoing:
    return Outgoing(text=t("chat.notify.student_message", student=clip(p.student_name, 100),
                           text=clip(p.text, 3500)))


def _deadline_set(t: Texts, p: DeadlineSet) -> Outgoing:
    return Outgoing(text=t("notify.deadline_set", supervisor_name=p.supervisor_name,
                           title=p.title, due_at=p.due_at))


def _deadline_moved(t: Texts, p: DeadlineMoved) -> Outgoing:
    return Outgoing(text=t("notify.deadline_moved", supervisor_name=p.supervisor_name,
                           title=p.title, due_at=p.due_at, old_due_at=p.old_due_at))


def _thesis_final(t: Texts, p: ThesisFinal) -> Outgoing:
    return Outgoing(text=t("notify.thesis_final", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 300), version=p.version))


def _examiner_final(t: Texts, p: ExaminerFinal) -> Outgoing:
    return Outgoing(text=t("chat.notify.examiner_final", student=clip(p.student_name, 100),
                           title=clip(p.title, 300), version=p.version),
                    markup=markup([[(t("team.button.grade"),
                                     TeamCb(action=TeamAction.GRADE,
                                            student_id=p.student_id))]]))


def _thesis_renamed(t: Texts, p: ThesisRenamed) -> Outgoing:
    return Outgoing(text=t("chat.notify.renamed", by=clip(p.by_name, 100),
                           student=clip(p.student_name, 100), old=clip(p.old_title, 300),
                           title=clip(p.title, 300)))


def _shared_text_alert(t: Texts, p: SharedTextAlert) -> Outgoing:
    view = SharedView(percent=p.percent, source_title=p.source_title,
                      source_year=p.source_year, source_percent=None, has_report=True,
                      alert=True)
    return Outgoing(text=t("shared.alert", student=clip(p.student_name, 100),
                           title=clip(p.title, 300), version=p.version,
                           percent=share_text(p.percent)),
                    markup=markup([shared_button(t, view, p.submission_id)]))


def _thesis_reopened(t: Texts, p: ThesisReopened) -> Outgoing:
    reason = t.raw("notify.reason_line", reason=clip(p.reason, 1000)) if p.reason else None
    return Outgoing(text=t("notify.thesis_reopened", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 300), reason_line=reason))


def _milestone_extended(t: Texts, p: MilestoneExtended) -> Outgoing:
    return Outgoing(text=t("notify.milestone_extended", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 200), due_at=p.due_at))


def _milestone_deleted(t: Texts, p: MilestoneDeleted) -> Outgoing:
    return Outgoing(text=t("notify.milestone_deleted", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 200), due_at=p.due_at))


def _deadline_reminder(t: Texts, p: DeadlineReminder) -> Outgoing:
    return Outgoing(text=t("notify.deadline_reminder", title=clip(p.title, 200),
                           due_at=p.due_at, left=t(f"remind.left.{p.left}")))


def _deadline_overdue(t: Texts, p: DeadlineOverdue) -> Outgoing:
    return Outgoing(text=t("notify.deadline_overdue", title=p.title, due_at=p.due_at))


def _student_overdue(t: Texts, p: StudentOverdue) -> Outgoing:
    lines = [t("notify.student_overdue", count=len(p.items))]
    lines += [t("notify.student_overdue.line", student=clip(item.student_name, 100),
                title=clip(item.title, 200), due_at=item.due_at)
              for item in p.items[:50]]
    return Outgoing(text=_join_within(lines))


def _review_digest(t: Texts, p: ReviewDigest) -> Outgoing:
    lines = [t("notify.review_digest", total=p.total, days=p.sla_days)]
    lines += [t("notify.review_digest.line", student=clip(item.student_name, 100),
                title=clip(item.title, 150), version=item.version,
                submitted_at=item.submitted_at)
              for item in p.items]
    if p.total > len(p.items):
        lines.append(t("notify.review_digest.more", more=p.total - len(p.items)))
    if p.promises_kept or p.promises_broken:
        lines.append(t("promise.digest", kept=p.promises_kept, broken=p.promises_broken))
    button = (t("notify.review_digest.button"), QueuePageCb(page=0))
    return Outgoing(text=_join_within(lines), markup=markup([[button]]))


def _student_unreachable(t: Texts, p: StudentUnreachable) -> Outgoing:
    return Outgoing(text=t("notify.student_unreachable", student_name=p.student_name))


def _team_joined(t: Texts, p: TeamJoined) -> Outgoing:
    return Outgoing(text=t("team.notify.joined", member=p.member_name,
                           role=t(f"team.role.{p.role}"), student=p.student_name))


def _team_left(t: Texts, p: TeamLeft) -> Outgoing:
    return Outgoing(text=t("team.notify.left", member=p.member_name,
                           role=t(f"team.role.{p.role}"), student=p.student_name,
                           by=p.removed_by))


def _examiner_graded(t: Texts, p: ExaminerGraded) -> Outgoing:
    return Outgoing(text=t("team.notify.graded", examiner=p.examiner_name, grade=p.grade,
                           student=p.student_name, title=clip(p.title, 300)))


def _place(t: Texts, place: str | None) -> str | None:
    return t.raw("meeting.line.place", place=clip(place, 300)) if place else None


def _meeting_invited(t: Texts, p: MeetingInvited) -> Outgoing:
    return Outgoing(text=t("notify.meeting_invited", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 200), at=p.starts_at, place=_place(t, p.place),
                           group=t.raw("notify.meeting_group") if p.group else None),
                    markup=answer_buttons(t, p.meeting_id))


def _meeting_moved(t: Texts, p: MeetingMoved) -> Outgoing:
    return Outgoing(text=t("notify.meeting_moved", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 200), at=p.starts_at, old=p.old_starts_at,
                           place=_place(t, p.place)),
                    markup=answer_buttons(t, p.meeting_id))


def _meeting_record(t: Texts, p: MeetingRecord) -> Outgoing:
    text = t("notify.meeting_record", supervisor_name=p.supervisor_name,
             title=clip(p.title, 200), at=p.starts_at) + "\n" + record_text(t, p.notes, p.items)
    return Outgoing(text=text[:4000], markup=record_buttons(t, p.meeting_id))


def _meeting_notes_request(t: Texts, p: MeetingNotesRequest) -> Outgoing:
    button = (t("meeting.add_notes_button"),
              MeetingCb(action=MeetingAction.NOTES, meeting_id=p.meeting_id))
    return Outgoing(text=t("notify.meeting_notes_request", title=clip(p.title, 200),
                           at=p.starts_at), markup=markup([[button]]))


def _meeting_other(t: Texts, p: Payload) -> Outgoing:
    match p:
        case MeetingAnswered():
            return Outgoing(text=t(f"notify.meeting_answered.{p.answer}",
                                   student=p.student_name, title=clip(p.title, 200),
                                   at=p.starts_at))
        case MeetingReminder():
            return Outgoing(text=t("notify.meeting_reminder", title=clip(p.title, 200),
                                   at=p.starts_at, place=_place(t, p.place),
                                   left=t(f"meeting.left.{p.left}")))
        case MeetingAgreed():
            return Outgoing(text=t("notify.meeting_agreed", student=p.student_name,
                                   title=clip(p.title, 200)))
        case MeetingCorrection():
            return Outgoing(text=t("notify.meeting_correction", student=p.student_name,
                                   title=clip(p.title, 200),
                                   correction=clip(p.correction, 3000)))
        case MeetingCancelled():
            return Outgoing(text=t("notify.meeting_cancelled", supervisor_name=p.supervisor_name,
                                   title=clip(p.title, 200), at=p.starts_at))
    raise TypeError(f"no renderer for {type(p).__name__}")


def grade_text(t: Texts, scale: str, total: float) -> str:
    """An agreed total as a grade on the scheme's scale (0–100 as it is, else with the %)."""
    grade = grade_on_scale(Scale(scale), total)
    if scale == Scale.PERCENT.value:
        return t("assess.grade.percent", grade=grade)
    return t("assess.grade.scaled", grade=grade, scale=scale, total=f"{total:g}")


def _defence(t: Texts, p: Payload) -> Outgoing | None:
    """The defence's notifications (services/defence.py) and a reopened grade."""
    match p:
        case DefenceInvited():
            rows = [[(t("defence.button.confirm"),
                      DefenceCb(action=DefenceAction.CONFIRM, defence_id=p.defence_id)),
                     (t("defence.button.decline"),
                      DefenceCb(action=DefenceAction.DECLINE, defence_id=p.defence_id))]]
            if p.minute_taker:
                rows.append([(t("defence.button.minutes"),
                              DefenceCb(action=DefenceAction.MINUTES,
                                        defence_id=p.defence_id))])
            key = "defence.notify.student" if p.student else "defence.notify.member"
            text = t(key, student=clip(p.student_name, 100), title=clip(p.title, 200),
                     at=p.starts_at, place=clip(p.place, 500),
                     committee=clip(", ".join(p.committee), 1000),
                     taker=clip(p.minute_taker_name, 100))
            if p.minute_taker:
                text += "\n" + t("defence.notify.taker")
            return Outgoing(text=text, markup=markup(rows))
        case DefenceAnswered():
            return Outgoing(text=t(f"defence.notify.answer.{p.answer}",
                                   name=clip(p.name, 100), student=clip(p.student_name, 100),
                                   title=clip(p.title, 200), at=p.starts_at))
        case GradeReopened():
            if p.to_student:
                return Outgoing(text=t("assess.notify.reopened_student",
                                       title=clip(p.title, 200), reason=clip(p.reason, 1000)))
            return Outgoing(
                text=t("assess.notify.reopened", student=clip(p.student_name, 100),
                       title=clip(p.title, 200), by=clip(p.by_name, 100),
                       reason=clip(p.reason, 1000)),
                markup=markup([[(t("assess.button.propose"),
                                 AssessCb(action=AssessAction.PROPOSE,
                                          student_id=p.student_id))]]))
    return None


def _assessment(t: Texts, p: Payload) -> Outgoing | None:
    """The assessment's notifications (services/assessment.py)."""
    match p:
        case DeclarationRequested():
            statement = p.statements.get(t.language) or t("assess.declaration.default")
            return Outgoing(
                text=t("assess.declaration.ask", supervisor_name=p.supervisor_name,
                       title=clip(p.title, 300), version=p.version,
                       statement=clip(statement, 2000)),
                markup=markup([[(t("assess.button.declare"),
                                 AssessCb(action=AssessAction.DECLARE, student_id=0))]]))
        case MarkingRequested():
            return Outgoing(
                text=t("assess.notify.third" if p.third else "assess.notify.mark",
                       student=p.student_name, title=clip(p.title, 300)),
                markup=markup([[(t("team.button.grade"),
                                 TeamCb(action=TeamAction.GRADE, student_id=p.student_id))]]))
        case MarksDisagree():
            lines = [t("assess.notify.disagree", student=p.student_name,
                       title=clip(p.title, 200), tolerance=f"{p.tolerance:g}", days=p.days)]
            lines += [t("assess.board.line", name=s.marker_name, role=t(f"assess.role.{s.role}"),
                        marks=", ".join(f"{k} {v:g}" for k, v in s.marks.items()),
                        total=f"{s.total:g}") for s in p.sets]
            return Outgoing(text=_join_within(lines), markup=markup([[(
                t("assess.button.propose"),
                AssessCb(action=AssessAction.PROPOSE, student_id=p.student_id))]]))
        case GradeProposed():
            return Outgoing(
                text=t("assess.notify.proposed", name=p.proposer_name, student=p.student_name,
                       title=clip(p.title, 200), total=f"{p.total:g}"),
                markup=markup([[(t("assess.button.accept"),
                                 AssessCb(action=AssessAction.ACCEPT, student_id=p.student_id)),
                                (t("assess.button.propose"),
                                 AssessCb(action=AssessAction.PROPOSE,
                                          student_id=p.student_id))]]))
        case AssessmentAgreed():
            buttons = [[(t("assess.button.release"),
                         AssessCb(action=AssessAction.RELEASE, student_id=p.student_id))]] \
                if p.may_release else []
            return Outgoing(text=t(f"assess.notify.agreed.{p.how}", student=p.student_name,
                                   title=clip(p.title, 200),
                                   grade=grade_text(t, p.scale, p.total)),
                            markup=markup(buttons))
        case ThirdMarkerNeeded():
            return Outgoing(
                text=t("assess.notify.third_needed", student=p.student_name,
                       title=clip(p.title, 200), days=p.days),
                markup=markup([[(t("assess.button.appoint"),
                                 AssessCb(action=AssessAction.APPOINT,
                                          student_id=p.student_id))]]))
        case AssessmentReleased():
            lines = [t("assess.released.header", title=clip(p.title, 200),
                       grade=grade_text(t, p.scale, p.total))]
            lines += [t("assess.released.component", name=k, mark=f"{v:g}")
                      for k, v in p.components.items()]
            lines += [t("assess.released.report", name=r.marker_name,
                        role=t(f"assess.role.{r.role}"), text=clip(r.text or "", 1500),
                        file=r.file_name or "") for r in p.reports]
            return Outgoing(text=_join_within(lines))
    return None
def _direct_message(t: Texts, p: DirectMessageSent) -> Outgoing:
    """A message written through the bot, with 💬 Answer; with a file, as its caption."""
    key = "message.notify.answer" if p.answer else "message.notify"
    room = CAPTION_LIMIT - 100 if p.file_id else 3800
    text = t(key, sender=clip(p.sender_name, 100), body=clip(p.body, room) or "")
    button = (t("message.answer_button"), AnswerCb(message_id=p.message_id))
    return Outgoing(text=text, document=p.file_id, markup=markup([[button]]))


def _promise(t: Texts, p: PromiseMade | PromisePassed | PromiseEscalated) -> Outgoing:
    match p:
        case PromiseMade():
            return Outgoing(text=t("promise.notify.made", supervisor=clip(p.supervisor_name, 100),
                                   version=p.version, title=clip(p.title, 200), at=p.due_at))
        case PromisePassed():
            button = (t("promise.open_queue"), QueuePageCb(page=0))
            return Outgoing(text=t("promise.notify.passed", student=clip(p.student_name, 100),
                                   version=p.version, title=clip(p.title, 200), at=p.due_at),
                            markup=markup([[button]]))
    return Outgoing(text=t("promise.notify.escalated", student=clip(p.student_name, 100),
                           version=p.version, title=clip(p.title, 200), at=p.due_at,
                           supervisor=clip(p.supervisor_name, 100)))


def _silent_digest(t: Texts, p: SilentDigest) -> Outgoing:
    """Monday: the silent students, one line and one **Nudge** each, and **Nudge all**."""
    lines = [t("silent.digest.header", count=p.total, days=p.silent_days)]
    lines += [t("silent.digest.line", n=n, name=clip(item.student_name, 80), days=item.days)
              for n, item in enumerate(p.items, start=1)]
    if p.total > len(p.items):
        lines.append(t("silent.digest.more", more=p.total - len(p.items)))
    rows = in_rows(((t("silent.nudge", name=clip(item.student_name, 30)),
                     NudgeCb(student_id=item.student_id)) for item in p.items), 2)
    rows.append([(t("silent.nudge_all"), NudgeCb(student_id=0))])
    return Outgoing(text=_join_within(lines), markup=markup(rows))


def _silent_admin_digest(t: Texts, p: SilentAdminDigest) -> Outgoing:
    lines = [t("silent.admin.header", count=p.total, days=p.silent_days)]
    lines += [t("silent.admin.line", supervisor=clip(row.supervisor_name, 80),
                silent=row.silent, students=row.students) for row in p.rows]
    return Outgoing(text=_join_within(lines))


def _join_within(lines: list[str], limit: int = 4000) -> str:
    """Whole lines only (never a tag cut in two), as many as fit in one message."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def render(payload: Payload, t: Texts) -> Outgoing:
    """How a notification looks; a kind without a renderer is a bug (a unit test checks)."""
    match payload:
        case NewSubmission():
            return _new_submission(t, payload, comparing=payload.version > 1)
        case DecisionMade():
            return _decision(t, payload)
        case DeadlineSet():
            return _deadline_set(t, payload)
        case DeadlineMoved():
            return _deadline_moved(t, payload)
        case DeadlineReminder():
            return _deadline_reminder(t, payload)
        case DeadlineOverdue():
            return _deadline_overdue(t, payload)
        case StudentOverdue():
            return _student_overdue(t, payload)
        case ReviewDigest():
            return _review_digest(t, payload)
        case StudentUnreachable():
            return _student_unreachable(t, payload)
        case ThesisFinal():
            return _thesis_final(t, payload)
        case ThesisReopened():
            return _thesis_reopened(t, payload)
        case SharedTextAlert():
            return _shared_text_alert(t, payload)
        case MilestoneExtended():
            return _milestone_extended(t, payload)
        case MilestoneDeleted():
            return _milestone_deleted(t, payload)
        case TeamJoined():
            return _team_joined(t, payload)
        case TeamLeft():
            return _team_left(t, payload)
        case ExaminerGraded():
            return _examiner_graded(t, payload)
        case ThreadComment():
            return _thread_comment(t, payload)
        case ThesisRenamed():
            return _thesis_renamed(t, payload)
        case ExaminerFinal():
            return _examiner_final(t, payload)
        case StudentMessage():
            return _student_message(t, payload)
        case MeetingInvited():
            return _meeting_invited(t, payload)
        case MeetingMoved():
            return _meeting_moved(t, payload)
        case MeetingRecord():
            return _meeting_record(t, payload)
        case MeetingNotesRequest():
            return _meeting_notes_request(t, payload)
        case MeetingAnswered() | MeetingReminder() | MeetingAgreed() | MeetingCorrection() \
                | MeetingCancelled():
            return _meeting_other(t, payload)
        case DirectMessageSent():
            return _direct_message(t, payload)
        case PromiseMade() | PromisePassed() | PromiseEscalated():
            return _promise(t, payload)
        case SilentDigest():
            return _silent_digest(t, payload)
        case SilentAdminDigest():
            return _silent_admin_digest(t, payload)
        case PersonJoined():
            return Outgoing(text=t(f"notify.joined.{payload.role}",
                                   name=clip(payload.name, 100)))
        case ApplicationReceived():
            return _application_received(t, payload)
        case ApplicationAccepted():
            return Outgoing(text=t("application.accepted", title=clip(payload.topic_title, 300),
                                   supervisor=clip(payload.supervisor_name, 100),
                                   next=t("application.next.proposal")
                                   if payload.needs_proposal else t("application.next.submit")))
        case ApplicationDeclined():
            reason = t(f"application.reason.{payload.reason_key}") if payload.reason_key \
                else clip(payload.reason, 1000)
            return Outgoing(text=t("application.declined", title=clip(payload.topic_title, 300),
                                   supervisor=clip(payload.supervisor_name, 100),
                                   reason=reason))
        case ApplicationReminder():
            return Outgoing(text=t("application.reminder", name=clip(payload.applicant_name, 100),
                                   title=clip(payload.topic_title, 300), due=payload.due),
                            markup=application_buttons(t, payload.application_id))
        case ApplicationWithdrawn():
            return Outgoing(text=t(f"application.withdrawn.{payload.why}",
                                   name=clip(payload.applicant_name, 100),
                                   title=clip(payload.topic_title, 300)))
        case InterviewProposed():
            return _interview_proposed(t, payload)
        case InterviewSet():
            return Outgoing(text=t("interview.set", name=clip(payload.applicant_name, 100),
                                   title=clip(payload.topic_title, 300), at=payload.starts_at))
        case AccessDeactivated():
            return Outgoing(text=t("notify.access_deactivated"))
        case AccessReactivated():
            return Outgoing(text=t("notify.access_reactivated"))
    assessed = _assessment(t, payload) or _defence(t, payload)
    if assessed is not None:
        return assessed
    raise TypeError(f"no renderer for {type(payload).__name__}")


def application_buttons(t: Texts, application_id: int) -> InlineKeyboardMarkup | None:
    """An application card's Accept, Decline and Interview."""
    return markup([[(t(f"application.button.{action.name.lower()}"),
                     ApplicationCb(action=action, application_id=application_id))
                    for action in ApplicationAction]])


def _application_received(t: Texts, p: ApplicationReceived) -> Outgoing:
    document = _document(p.cv_file_id, p.cv_file_key, p.cv_file_name)
    text = t("application.card", name=clip(p.applicant_name, 100),
             username=f"@{p.applicant_username}" if p.applicant_username else None,
             title=clip(p.topic_title, 200), count=p.open_for_topic,
             motivation=clip(p.motivation, 600 if document is not None else 3000))
    return Outgoing(text=text[:CAPTION_LIMIT] if document is not None else text,
                    document=document, markup=application_buttons(t, p.application_id))


def _interview_proposed(t: Texts, p: InterviewProposed) -> Outgoing:
    buttons = [(t.dt(slot), SlotCb(application_id=p.application_id, index=n))
               for n, slot in enumerate(p.slots)]
    return Outgoing(text=t("interview.proposed", title=clip(p.topic_title, 300),
                           supervisor=clip(p.supervisor_name, 100)),
                    markup=markup(in_rows(buttons, 1)))


def record_text(t: Texts, notes: str | None, items: Sequence[str]) -> str:
    lines = [t("meeting.record.notes", notes=clip(notes, 2500))] if notes else []
    if items:
        lines.append(t("meeting.record.items_header"))
        lines += [t("meeting.record.item", number=n, text=clip(item, 200))
                  for n, item in enumerate(items, 1)]
    return "\n".join(lines)
