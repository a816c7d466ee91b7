"""Text a version shares with other theses, as the bot keeps and shows it.

The comparison worker (bot/workers/comparison.py) has the version's text fingerprinted in its
child (services/similarity.py), asks ``candidates`` for the theses the index proposes, has
the child match passages, and stores the outcome with ``record`` in the transaction that
stores "what changed" (services/comparisons.store): the version's bands join the index
(``similarity_bands``), its share and sources go to ``version_similarity``, the report to
the file store. ``python -m bot similarity-reindex`` rebuilds the index from the stored texts.

Readers: a ``SharedView`` (the share and the source most shared with) on the card, in
/history (the student sees their own share, never a source's text) and in exports; the
report (🔎 Shared text, ``/api/versions/{id}/shared-text``) is for the thesis team and
admins only, and every opening is written to the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from services.base import BaseService, read_only, writes
from services.errors import NotAllowed, NotFound, SharedTextNotReady
from services.notifications import SharedTextAlert, notify
from services.team import members, role_of, teams
from services.text_diff import DocumentText
from services.vocabulary import FileState, Role, StoredKind, TeamRole
from storage.models import Thesis, User, VersionSimilarity
from storage.repositories import audit, similarity, stored_files, theses

REPORT_MAX_BYTES = 50 * 1024 * 1024
# Theses compared passage by passage with a version (services/similarity.MAX_CANDIDATES).
CANDIDATES = 12
# Band hashes looked up at most (a 300-page thesis has ~5,000): the hashes are sorted, so the
# first ones are an even sample of a longer list (a hostile text's tens of thousands).
LOOKUP_MAX = 20_000


@dataclass(frozen=True)
class SharedView:
    percent: float
    source_title: str | None
    source_year: int | None
    source_percent: float | None
    has_report: bool
    alert: bool


@dataclass(frozen=True)
class SourceInfo:
    """A candidate as the child process is given it (its text is the stored JSON)."""

    submission_id: int
    title: str
    year: int
    supervisor: str
    text: str

    def to_json(self) -> str:
        return json.dumps({"submission_id": self.submission_id, "title": self.title,
                           "year": self.year, "supervisor": self.supervisor,
                           "text": self.text}, ensure_ascii=False)


@dataclass(frozen=True)
class SharedOutcome:
    """What the worker's child found for a version (None: no text, or the check failed)."""

    chunks: list[int]
    summary: dict[str, Any] | None
    html_key: str | None
    reason: str | None


@dataclass(frozen=True)
class Report:
    file_name: str
    content: bytes


def nothing_shared(words: int) -> dict[str, Any]:
    """The check of a version nothing in the index resembles (as Check.summary has it)."""
    return {"format": 1, "words": words, "shared": 0, "percent": 0.0, "sources": []}


def views_of(rows: dict[int, VersionSimilarity], alert_percent: float
             ) -> dict[int, SharedView]:
    views = {sid: view_of(row, alert_percent) for sid, row in rows.items()}
    return {sid: view for sid, view in views.items() if view is not None}


def view_of(row: VersionSimilarity, alert_percent: float) -> SharedView | None:
    if row.percent is None or row.summary is None:
        return None
    sources = row.summary.get("sources") or []
    top = sources[0] if sources else None
    return SharedView(
        percent=float(row.percent),
        source_title=str(top["title"]) if top else None,
        source_year=int(top["year"]) if top else None,
        source_percent=float(top["percent"]) if top else None,
        has_report=row.html_key is not None and bool(sources),
        alert=float(row.percent) > alert_percent)


class SharedTextService(BaseService):
    # --- the worker's side ------------------------------------------------------------

    @read_only
    async def candidates(self, submission_id: int, windows: list[int]) -> list[SourceInfo]:
        """The other theses' versions the index proposes for this version (one per thesis,
        the one sharing most bands), with their stored text and what the report says."""
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            return []
        _submission, _thesis, student, _review = found
        hits = await similarity.candidates(self.session, windows[:LOOKUP_MAX], student.id,
                                           limit=4 * CANDIDATES)
        rows = await similarity.sources(self.session, [sid for sid, _n in hits])
        order = {sid: rank for rank, (sid, _n) in enumerate(hits)}
        rows.sort(key=lambda row: order[row[0].id])
        chosen, seen = [], set()
        for submission, thesis, text in rows:
            if thesis.id in seen:
                continue
            seen.add(thesis.id)
            chosen.append((submission, thesis, text))
            if len(chosen) >= CANDIDATES:
                break
        supervisors = await teams(self.session, [t.student_id for _s, t, _v in chosen])
        out = []
        for submission, thesis, text in chosen:
            names = [m.user.full_name for m in supervisors.get(thesis.student_id, [])
                     if m.role is TeamRole.SUPERVISOR]
            out.append(SourceInfo(submission_id=submission.id, title=thesis.title,
                                  year=submission.submitted_at.year,
                                  supervisor=", ".join(names) or "—", text=text.content))
        return out

    @writes
    async def record(self, submission_id: int, outcome: SharedOutcome) -> None:
        """Inside the comparison's ``@writes`` call (services/compare_jobs.store): the
        version's place in the index and its check."""
        await similarity.replace_bands(self.session, submission_id, outcome.chunks)
        summary = outcome.summary
        if outcome.html_key is not None:
            await stored_files.add(self.session, key=outcome.html_key,
                                   kind=StoredKind.SIMILARITY.value, name="shared-text.html",
                                   size=None, sha256=None, state=FileState.ATTACHED.value,
                                   now=self.clock.now())
        await similarity.save(
            self.session, submission_id, chunks=len(outcome.chunks),
            percent=float(summary["percent"]) if summary is not None else None,
            summary=summary, html_key=outcome.html_key, reason=outcome.reason,
            checked_at=self.clock.now())

    @writes
    async def tell_examiners(self, student: User, thesis: Thesis) -> None:
        """The thesis is declared final: its examiners are told when its final version shares
        more text with other theses than SIMILARITY_ALERT_PERCENT (inside the move's
        ``@writes`` call)."""
        found = await similarity.of_version(self.session, thesis.id, thesis.latest_version,
                                            thesis.stage)
        if found is None:
            return
        submission_id, row = found
        view = view_of(row, self.config.similarity_alert_percent) if row is not None else None
        if view is None or not view.alert:
            return
        payload = SharedTextAlert(
            submission_id=submission_id, student_name=student.full_name, title=thesis.title,
            version=thesis.latest_version, percent=round(view.percent, 2),
            source_title=view.source_title, source_year=view.source_year)
        now = self.clock.now()
        for member in await members(self.session, student.id):
            if member.role is TeamRole.EXAMINER and member.active:
                notify(self.session, member.user.id, payload, now)

    @writes
    async def reindex(self, after: int, limit: int) -> tuple[int, int]:
        """The next ``limit`` stored texts after ``after`` back in the index; (last id, how
        many). Their checks stay as they were."""
        # numpy and datasketch stay out of the bot's process: only the CLI comes here.
        from services.similarity import fingerprint

        texts = await similarity.texts_after(self.session, after, limit)
        for text in texts:
            try:
                found = fingerprint(DocumentText.from_json(text.content))
            except (ValueError, KeyError, TypeError):
                continue
            await similarity.replace_bands(self.session, text.submission_id, found.chunks)
            await similarity.save(self.session, text.submission_id, chunks=len(found.chunks))
        return (texts[-1].submission_id if texts else after), len(texts)

    # --- the readers' side ------------------------------------------------------------

    @read_only
    async def of_versions(self, ids: Collection[int]) -> dict[int, SharedView]:
        rows = await similarity.of_submissions(self.session, ids)
        return views_of(rows, self.config.similarity_alert_percent)

    @read_only
    async def view_for(self, submission_id: int) -> SharedView | None:
        return (await self.of_versions([submission_id])).get(submission_id)

    @writes
    async def report(self, actor: User, submission_id: int, via: str) -> Report:
        """The report of a version, for its thesis team and admins; each opening is in the
        audit log (written only when the report is sent)."""
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, _thesis, student, _review = found
        member = await role_of(self.session, actor, student.id) is not None
        if actor.role != Role.ADMIN.value and not member:
            raise NotAllowed()
        row = await similarity.get(self.session, submission_id)
        if row is None or row.html_key is None:
            raise SharedTextNotReady(version=submission.version)
        content = await self._read_object(row.html_key, REPORT_MAX_BYTES)
        audit.record(self.session, actor_id=actor.id, action="shared_text_opened",
                     object_type="submission", object_id=submission_id,
                     at=self.clock.now(), via=via)
        return Report(f"shared-text-v{submission.version}.html", content)
