"""Renderings shared by several routers: a student's history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from handlers.callbacks import (
    ChangesCb,
    FileCb,
    ReportCb,
    SharedTextCb,
    ThreadAction,
    ThreadCb,
)
from handlers.keyboards import file_buttons
from services.compare_jobs import ChangeView
from services.shared_text import SharedView
from storage.models import ExaminerGrade, Thesis
from storage.repositories.theses import VersionRow
from telegram.changes import changes_line, shared_line
from telegram.render import clip, size, split_lines
from telegram.texts import Raw, Texts


def history(t: Texts, thesis: Thesis | None, rows: list[VersionRow],
            examiner: ExaminerGrade | None = None,
            comments: Mapping[int, int] | None = None,
            extra: Sequence[str] = (),
            changes: Mapping[int, ChangeView] | None = None,
            shared: Mapping[int, SharedView] | None = None, own: bool = False,
            ) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Messages (text, buttons) listing every version with what changed since the one
    before, the text it shares with other theses (``own``: the student's history, only the
    share) and its number of comments, the grades, and the ``extra`` lines after them;
    buttons go with the last one."""
    comments = comments or {}
    changes = changes or {}
    shared = shared or {}
    if thesis is None or not rows:
        return [(chunk, None) for chunk in split_lines([t("history.none"), *extra])]
    lines = [t("history.header", title=thesis.title, count=len(rows))]
    buttons: list[tuple[str, CallbackData]] = []
    for row in rows:
        review = row.review
        decision = t(f"decision.{review.decision}") if review else (
            t("review.superseded") if row.submission.version < thesis.latest_version
            else t("review.pending"))
        count = comments.get(row.submission.id, 0)
        if count:
            decision = Raw(decision + t("threads.history_count", count=count))
        lines.append(t(
            "history.line", version=row.submission.version, at=row.submission.submitted_at,
            size=size(t, row.submission.file_size), decision=decision,
            comment=t.raw("history.comment", comment=clip(review.comment, 600))
            if review and review.comment else None,
            grade=t.raw("history.grade", grade=review.grade)
            if review and review.grade is not None else None)
            + changes_line(t, changes.get(row.submission.id), 600).replace("\n", "\n   ", 1)
            + shared_line(t, shared.get(row.submission.id), own=own).replace("\n", "\n   ", 1))
        buttons.append((t("history.file_button", version=row.submission.version),
                        FileCb(submission_id=row.submission.id)))
        if review and review.feedback_file_key:
            buttons.append((t("history.feedback_button", version=row.submission.version),
                            FileCb(submission_id=row.submission.id, feedback=True)))
        if count:
            buttons.append((t("threads.read_button", version=row.submission.version,
                              count=count),
                            ThreadCb(action=ThreadAction.READ, submission_id=row.submission.id)))
        view = changes.get(row.submission.id)
        if view is not None and view.has_detail:
            buttons.append((t("compare.history_button", version=row.submission.version),
                            ChangesCb(submission_id=row.submission.id)))
        found = shared.get(row.submission.id)
        if not own and found is not None and found.has_report:
            buttons.append((t("shared.history_button", version=row.submission.version),
                            SharedTextCb(submission_id=row.submission.id)))
    buttons += _grades(t, lines, rows, examiner)
    chunks = split_lines([*lines, *extra])
    # Telegram allows 100 buttons a message; the newest versions matter most.
    markup = file_buttons(buttons[-96:])
    return [(chunk, None) for chunk in chunks[:-1]] + [(chunks[-1], markup)]


def _grades(t: Texts, lines: list[str], rows: list[VersionRow],
            examiner: ExaminerGrade | None) -> list[tuple[str, CallbackData]]:
    """The supervisor's grade (of the latest graded version) and the examiner's, side by
    side; the examiner's report under them, and its file as a button."""
    graded = [row.review for row in rows if row.review and row.review.grade is not None]
    if not graded and examiner is None:
        return []
    lines.append(t("team.history.grades",
                   supervisor=graded[-1].grade if graded else t("team.history.no_grade"),
                   examiner=examiner.grade if examiner else t("team.history.no_grade")))
    if examiner is None:
        return []
    if examiner.report:
        lines.append(t("team.history.report", report=clip(examiner.report, 1500)))
    if examiner.report_telegram_file_id:
        return [(t("team.history.report_button"), ReportCb(grade_id=examiner.id))]
    return []
