"""How each outbox notification looks in Telegram. The sender in bot/workers.py uses this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from handlers.keyboards import review_buttons
from handlers.render import CAPTION_LIMIT, clip
from handlers.texts import Texts
from services.notifications import Kind

ICONS = {"approved": "✅", "changes_requested": "✏️", "rejected": "❌"}


@dataclass(frozen=True)
class Outgoing:
    text: str
    document: str | None = None
    markup: InlineKeyboardMarkup | None = None


def submission_card(t: Texts, *, student_name: str, title: str, version: int,
                    note: str | None, submitted_at: datetime, caption: bool) -> str:
    # A caption holds 1024 characters: the note gives way first, then the title.
    room = 300 if caption else 2000
    return t("card.new_submission", student=clip(student_name, 100),
             title=clip(title, 200 if caption else 300), version=version, at=submitted_at,
             note=t.raw("card.note", note=clip(note, room)) if note else None)


def _new_submission(t: Texts, p: dict[str, Any]) -> Outgoing:
    text = submission_card(t, student_name=p["student_name"], title=p["title"],
                           version=p["version"], note=p.get("note"),
                           submitted_at=datetime.fromisoformat(p["submitted_at"]),
                           caption=bool(p.get("file_id")))
    return Outgoing(text=text[:CAPTION_LIMIT] if p.get("file_id") else text,
                    document=p.get("file_id"), markup=review_buttons(t, p["submission_id"]))


def _decision(t: Texts, p: dict[str, Any]) -> Outgoing:
    decision = p["decision"]
    text = t("decision.notice", icon=ICONS.get(decision, ""), reviewer=p["reviewer_name"],
             version=p["version"], title=clip(p["title"], 300),
             decision=t(f"decision.{decision}"),
             comment=t.raw("decision.comment", comment=clip(p["comment"], 3000))
             if p.get("comment") else None,
             grade=t.raw("decision.grade", grade=p["grade"]) if p.get("grade") is not None
             else None,
             next=t(f"decision.next.{decision}"))
    if p.get("feedback_file_id"):
        # The file goes first with a short caption; the full text would not fit in one.
        return Outgoing(text=text, document=p["feedback_file_id"])
    return Outgoing(text=text)


def _generic(key: str) -> Callable[[Texts, dict[str, Any]], Outgoing]:
    def render(t: Texts, p: dict[str, Any]) -> Outgoing:
        params = {name: (datetime.fromisoformat(value) if name.endswith("_at") and
                         isinstance(value, str) else value) for name, value in p.items()}
        return Outgoing(text=t(key, **params))

    return render


def _deadline_reminder(t: Texts, p: dict[str, Any]) -> Outgoing:
    return Outgoing(text=t("notify.deadline_reminder", title=clip(p["title"], 200),
                           due_at=datetime.fromisoformat(p["due_at"]),
                           left=t(f"remind.left.{p['left']}")))


def _thesis_reopened(t: Texts, p: dict[str, Any]) -> Outgoing:
    reason = t.raw("notify.reason_line", reason=clip(p["reason"], 1000)) \
        if p.get("reason") else None
    return Outgoing(text=t("notify.thesis_reopened", supervisor_name=p["supervisor_name"],
                           title=clip(p["title"], 300), reason_line=reason))


def _student_overdue(t: Texts, p: dict[str, Any]) -> Outgoing:
    lines = [t("notify.student_overdue", count=len(p["items"]))]
    lines += [t("notify.student_overdue.line", student=clip(item["student_name"], 100),
                title=clip(item["title"], 200), due_at=datetime.fromisoformat(item["due_at"]))
              for item in p["items"][:50]]
    return Outgoing(text=_join_within(lines))


def _review_digest(t: Texts, p: dict[str, Any]) -> Outgoing:
    from handlers.callbacks import QueuePageCb
    from handlers.keyboards import markup

    lines = [t("notify.review_digest", total=p["total"], days=p["sla_days"])]
    lines += [t("notify.review_digest.line", student=clip(item["student_name"], 100),
                title=clip(item["title"], 150), version=item["version"],
                submitted_at=datetime.fromisoformat(item["submitted_at"]))
              for item in p["items"]]
    if p["total"] > len(p["items"]):
        lines.append(t("notify.review_digest.more", more=p["total"] - len(p["items"])))
    button = (t("notify.review_digest.button"), QueuePageCb(page=0))
    return Outgoing(text=_join_within(lines), markup=markup([[button]]))


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


RENDERERS: dict[str, Callable[[Texts, dict[str, Any]], Outgoing]] = {
    Kind.NEW_SUBMISSION: _new_submission,
    Kind.DECISION: _decision,
    Kind.DEADLINE_REMINDER: _deadline_reminder,
    Kind.STUDENT_OVERDUE: _student_overdue,
    Kind.REVIEW_DIGEST: _review_digest,
    Kind.THESIS_REOPENED: _thesis_reopened,
}


def register(kind: str, renderer: Callable[[Texts, dict[str, Any]], Outgoing]) -> None:
    RENDERERS[kind] = renderer


def render(kind: str, payload: dict[str, Any], t: Texts) -> Outgoing:
    renderer = RENDERERS.get(kind) or _generic(f"notify.{kind}")
    return renderer(t, payload)


