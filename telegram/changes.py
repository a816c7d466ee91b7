"""How "what changed since the last version" reads on a card, in /history and in /queue."""

from __future__ import annotations

import html
from collections.abc import Sequence

from handlers.callbacks import ChangesCb, SharedTextCb
from handlers.keyboards import Button
from services.compare_jobs import ChangeView
from services.shared_text import SharedView
from services.text_diff import Summary
from services.vocabulary import PassageState
from telegram.render import clip
from telegram.texts import Raw, Texts

NAME_MAX = 60
PASSAGES_SHOWN = 8


def changes_line(t: Texts, view: ChangeView | None, limit: int = 1000) -> str:
    """The summary line (starting with a line break), within ``limit`` characters: fewer
    section names are listed ("and 5 more") until it fits; "" when there is nothing."""
    if view is None:
        return ""
    passages = passages_line(t, view)
    if view.summary is None:
        return t("compare.no_text") + passages if view.no_text else ""
    line = ""
    for names in (8, 4, 2, 1, 0):
        line = t("compare.summary", base=view.base_version,
                 details=Raw(_details(t, view.summary, names))) + passages
        if len(line) <= limit:
            return line
    return line[:limit]


def passages_line(t: Texts, view: ChangeView) -> str:
    """The anchored comments of earlier versions as found in this one (services/anchors.py):
    how many passages changed, stayed and went, then each with its page."""
    if not view.passages:
        return ""
    order = (PassageState.CHANGED, PassageState.UNCHANGED, PassageState.REMOVED)
    counts = {state: sum(p.state is state for p in view.passages) for state in order}
    parts = [t(f"desk.passages.{state.value}", count=count)
             for state, count in counts.items() if count]
    # The new page only when it moved (0: not said).
    items = [t(f"desk.passage.{p.state.value}", page=p.page,
               new_page=p.new_page if p.new_page and p.new_page != p.page else 0)
             for p in view.passages[:PASSAGES_SHOWN]]
    return t("desk.passages", counts=", ".join(parts), items=Raw("\n".join(items)))


def changes_button(t: Texts, view: ChangeView | None, submission_id: int) -> list[Button]:
    """The 🔍 What changed button, when there is a detailed comparison to send."""
    if view is None or not view.has_detail:
        return []
    return [(t("compare.button"), ChangesCb(submission_id=submission_id))]


def _details(t: Texts, summary: Summary, names: int) -> str:
    parts = []
    if summary.unchanged:
        parts.append(t("compare.unchanged"))
    else:
        if summary.pages_delta is not None:
            delta = summary.pages_delta
            parts.append(t("compare.pages", delta=_signed(delta)[0], n=abs(delta)))
        parts.append(t("compare.words", added=f"+{summary.words_added:,}",
                       removed=f"{summary.words_removed:,}"))
        parts.append(t("compare.share", share=_percent(summary.changed_share)))
    text = ", ".join(parts)
    for key, sections in (("compare.added_one" if len(summary.sections_added) == 1
                           else "compare.added_many", summary.sections_added),
                          ("compare.changed", summary.sections_changed),
                          ("compare.removed", summary.sections_removed)):
        if sections:
            text += "; " + t(key, sections=Raw(_names(t, sections, names)))
    return text


def _names(t: Texts, sections: Sequence[str], names: int) -> str:
    shown = [html.escape(clip(name, NAME_MAX) or "", quote=False) if name
             else t("compare.front") for name in sections[:max(names, 1)]]
    text = ", ".join(shown)
    if len(sections) > len(shown):
        text += t("compare.more", count=len(sections) - len(shown))
    return text


def _signed(delta: int) -> str:
    if delta == 0:
        return "±0"
    return f"+{delta:,}" if delta > 0 else f"−{-delta:,}"


def _percent(share: float) -> str:
    percent = share * 100
    if 0 < percent < 1:
        return "<1"
    return str(round(percent))


def shared_line(t: Texts, view: SharedView | None, *, own: bool = False) -> str:
    """Text shared with other theses (starting with a line break); for the student's own
    /history only the share (``own``), never another thesis's title."""
    if view is None:
        return ""
    if view.source_title is None or view.percent <= 0:
        return t("shared.none")
    if own:
        return t("shared.own", percent=share_text(view.percent))
    return t("shared.line_alert" if view.alert else "shared.line",
             percent=share_text(view.percent), title=clip(view.source_title, NAME_MAX) or "",
             year=str(view.source_year), source=share_text(view.source_percent or 0.0))


def shared_button(t: Texts, view: SharedView | None, submission_id: int) -> list[Button]:
    """🔎 Shared text, when there is a report to send."""
    if view is None or not view.has_report:
        return []
    return [(t("shared.button"), SharedTextCb(submission_id=submission_id))]


def share_text(percent: float) -> str:
    """A share in per cent as the texts show it ("<1" below one)."""
    return _percent(percent / 100)
