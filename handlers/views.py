"""Renderings shared by several routers: a student's history."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from handlers.callbacks import FileCb
from handlers.keyboards import file_buttons
from handlers.render import clip, size, split_lines
from handlers.texts import Texts
from storage.models import Thesis
from storage.repositories.theses import VersionRow


def history(t: Texts, thesis: Thesis | None,
            rows: list[VersionRow]) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Messages (text, buttons) listing every version; buttons go with the last one."""
    if thesis is None or not rows:
        return [(t("history.none"), None)]
    lines = [t("history.header", title=thesis.title, count=len(rows))]
    buttons: list[tuple[str, FileCb]] = []
    for row in rows:
        review = row.review
        decision = t(f"decision.{review.decision}") if review else (
            t("review.superseded") if row.submission.version < thesis.latest_version
            else t("review.pending"))
        lines.append(t(
            "history.line", version=row.submission.version, at=row.submission.submitted_at,
            size=size(t, row.submission.file_size), decision=decision,
            comment=t.raw("history.comment", comment=clip(review.comment, 600))
            if review and review.comment else None,
            grade=t.raw("history.grade", grade=review.grade)
            if review and review.grade is not None else None))
        buttons.append((t("history.file_button", version=row.submission.version),
                        FileCb(submission_id=row.submission.id)))
        if review and review.feedback_telegram_file_id:
            buttons.append((t("history.feedback_button", version=row.submission.version),
                            FileCb(submission_id=row.submission.id, feedback=True)))
    chunks = split_lines(lines)
    # Telegram allows 100 buttons a message; the newest versions matter most.
    markup = file_buttons(buttons[-96:])
    return [(chunk, None) for chunk in chunks[:-1]] + [(chunks[-1], markup)]
