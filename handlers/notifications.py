"""How each outbox notification looks in Telegram. The sender in bot/workers/outbox.py uses this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from handlers.callbacks import QueuePageCb
from handlers.changes import changes_button, changes_line
from handlers.keyboards import markup, review_buttons, with_row
from handlers.render import CAPTION_LIMIT, clip
from handlers.texts import Texts
from services.comparisons import ChangeView
from services.notifications import (
    AccessDeactivated,
    AccessReactivated,
    DeadlineMoved,
    DeadlineOverdue,
    DeadlineReminder,
    DeadlineSet,
    DecisionMade,
    MilestoneDeleted,
    MilestoneExtended,
    NewSubmission,
    Payload,
    ReviewDigest,
    StudentOverdue,
    StudentUnreachable,
    ThesisFinal,
    ThesisReopened,
)

# Of a caption's 1024 characters, what the summary of the changes may take (the rest of the
# card takes at most ~700).
CHANGES_IN_CAPTION = 320
ICONS = {"approved": "✅", "changes_requested": "✏️", "rejected": "❌"}


@dataclass(frozen=True)
class Outgoing:
    text: str
    document: str | None = None
    markup: InlineKeyboardMarkup | None = None


def submission_card(t: Texts, *, student_name: str, title: str, version: int,
                    note: str | None, submitted_at: datetime, caption: bool,
                    changes: ChangeView | None = None) -> str:
    # A caption holds 1024 characters: the note gives way first, then the title; what
    # changed since the last version (under the title) keeps to its own share.
    room = 300 if caption else 2000
    return t("card.new_submission", student=clip(student_name, 100),
             title=clip(title, 200 if caption else 300), version=version, at=submitted_at,
             note=t.raw("card.note", note=clip(note, room)) if note else None) \
        + changes_line(t, changes, CHANGES_IN_CAPTION if caption else 1000)


def _new_submission(t: Texts, p: NewSubmission, changes: ChangeView | None = None) -> Outgoing:
    text = submission_card(t, student_name=p.student_name, title=p.title, version=p.version,
                           note=p.note, submitted_at=p.submitted_at, caption=bool(p.file_id),
                           changes=changes)
    buttons = with_row(review_buttons(t, p.submission_id),
                       changes_button(t, changes, p.submission_id))
    return Outgoing(text=text[:CAPTION_LIMIT] if p.file_id else text,
                    document=p.file_id, markup=buttons)


def card_with_changes(t: Texts, p: NewSubmission, changes: ChangeView | None) -> Outgoing:
    """A version's card once its comparison is made: the comparison worker edits the card
    that was sent into this (the review buttons stay, 🔍 What changed joins them)."""
    return _new_submission(t, p, changes)


def _decision(t: Texts, p: DecisionMade) -> Outgoing:
    text = t("decision.notice", icon=ICONS.get(p.decision, ""), reviewer=p.reviewer_name,
             version=p.version, title=clip(p.title, 300),
             decision=t(f"decision.{p.decision}"),
             comment=t.raw("decision.comment", comment=clip(p.comment, 3000))
             if p.comment else None,
             grade=t.raw("decision.grade", grade=p.grade) if p.grade is not None else None,
             next=t(f"decision.next.{p.decision}"))
    if p.feedback_file_id:
        # The file goes first with a short caption; the full text would not fit in one.
        return Outgoing(text=text, document=p.feedback_file_id)
    return Outgoing(text=text)


def _deadline_set(t: Texts, p: DeadlineSet) -> Outgoing:
    return Outgoing(text=t("notify.deadline_set", supervisor_name=p.supervisor_name,
                           title=p.title, due_at=p.due_at))


def _deadline_moved(t: Texts, p: DeadlineMoved) -> Outgoing:
    return Outgoing(text=t("notify.deadline_moved", supervisor_name=p.supervisor_name,
                           title=p.title, due_at=p.due_at, old_due_at=p.old_due_at))


def _thesis_final(t: Texts, p: ThesisFinal) -> Outgoing:
    return Outgoing(text=t("notify.thesis_final", supervisor_name=p.supervisor_name,
                           title=clip(p.title, 300), version=p.version))


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
    button = (t("notify.review_digest.button"), QueuePageCb(page=0))
    return Outgoing(text=_join_within(lines), markup=markup([[button]]))


def _student_unreachable(t: Texts, p: StudentUnreachable) -> Outgoing:
    return Outgoing(text=t("notify.student_unreachable", student_name=p.student_name))


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
            return _new_submission(t, payload)
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
        case MilestoneExtended():
            return _milestone_extended(t, payload)
        case MilestoneDeleted():
            return _milestone_deleted(t, payload)
        case AccessDeactivated():
            return Outgoing(text=t("notify.access_deactivated"))
        case AccessReactivated():
            return Outgoing(text=t("notify.access_reactivated"))
    raise TypeError(f"no renderer for {type(payload).__name__}")
