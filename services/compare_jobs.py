"""What changed since the last version, as the bot keeps and shows it.

Every version gets a comparison job in the transaction that records it (services/submissions.py
calls storage/repositories/comparisons.add_job); the worker in bot/workers/comparison.py
claims it (once across replicas), runs services/text_diff.py in a child process, and stores here
the version's text, the summary and the detailed HTML's key, then edits the cards. The
first version has nothing to compare with: its job only extracts its text, which the next
version's comparison reuses.

Readers see a ``ChangeView``: the summary, or the one-line note when the file has no text
layer (a scan, an encrypted file). A job that failed (a time-out, a bomb) shows nothing,
and is counted in ``version_compare_failures_total{reason}``. The detail (🔍 What changed)
is for whoever may see the version's file (services/team.may_see).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from services.base import BaseService, after_commit, read_only, writes
from services.errors import ComparisonNotReady, NotAllowed, NotFound
from services.metrics import VERSION_COMPARE_FAILURES
from services.notifications import Kind, submission_ref
from services.relocate import Located, Wanted
from services.shared_text import SharedOutcome, SharedTextService, SharedView
from services.shared_text import view_of as shared_view_of
from services.team import may_see
from services.text_diff import DocumentText, Summary
from services.vocabulary import ComparisonStatus, FileState, PassageState, StoredKind
from storage.models import (
    Anchor,
    OutboxMessage,
    Submission,
    User,
    VersionComparison,
    VersionText,
)
from storage.repositories import (
    anchors,
    comparisons,
    outbox,
    similarity,
    stored_files,
    theses,
    users,
)

# Reasons that mean "this file has no text to compare": the card says so in one line.
NO_TEXT_REASONS = frozenset({"no_text", "encrypted"})
DETAIL_MAX_BYTES = 50 * 1024 * 1024  # Telegram's limit for a document a bot sends
HTML_FOLDER = "comparisons/"


def html_prefix(file_prefix: str) -> str:
    """Where the detailed comparisons go in the file store. Their keys do not look like
    uploads (``<prefix>comparisons/<token>.html``): the staged-file sweeper leaves them."""
    return f"{file_prefix}{HTML_FOLDER}"


@dataclass(frozen=True)
class ChangeView:
    version: int
    base_version: int
    summary: Summary | None
    no_text: bool
    has_detail: bool
    # The open anchored comments of earlier versions, as found in this one.
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True)
class Passage:
    page: int  # where it was
    state: PassageState
    new_page: int | None


@dataclass(frozen=True)
class Job:
    submission_id: int
    attempt: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Plan:
    """What a job needs: the new version's file, and the old one's text or file."""

    submission_id: int
    version: int
    title: str
    file_key: str
    file_kind: str
    base_id: int | None
    base_version: int | None
    base_file_key: str | None
    base_file_kind: str | None
    base_text: str | None
    # Why the old version has no stored text when its own job is over (no_text, timeout…):
    # its file is not read again.
    base_reason: str | None = None
    # The open anchored comments to look for in this version (services/relocate.py).
    anchors: tuple[Wanted, ...] = ()


@dataclass(frozen=True)
class Outcome:
    text: str | None  # DocumentText JSON of the new version
    summary: Summary | None
    html_key: str | None
    reason: str | None
    pages: int | None = None
    words: int = 0
    located: tuple[Located, ...] = ()
    shared: SharedOutcome | None = None  # text shared with other theses


@dataclass(frozen=True)
class Cards:
    """The sent cards still to be edited, how many are not sent yet, and what to show."""

    rows: Sequence[OutboxMessage]
    unsent: int
    decided: bool
    view: ChangeView | None
    # The recipients' stored languages (each card is edited in its reader's language).
    languages: dict[int, str] = field(default_factory=dict)
    shared: SharedView | None = None


@dataclass(frozen=True)
class Detail:
    file_name: str
    content: bytes


async def views_of(session: AsyncSession, rows: dict[int, VersionComparison],
                   versions: Collection[tuple[int, int]]) -> dict[int, ChangeView]:
    """What readers see of each (submission id, version) with a comparison row in ``rows``.
    One statement for every version's passages, however many versions there are (none when
    no version has a comparison)."""
    located = await anchors.located_in_versions(session, list(rows)) if rows else {}
    views: dict[int, ChangeView] = {}
    for submission_id, version in versions:
        row = rows.get(submission_id)
        view = view_of(row, version, passages_of(located.get(submission_id, ()))) \
            if row is not None else None
        if view is not None:
            views[submission_id] = view
    return views


def view_of(row: VersionComparison, version: int,
            passages: tuple[Passage, ...] = ()) -> ChangeView | None:
    """What readers see of a job (None: nothing to show yet, or nothing at all)."""
    if version < 2:
        return None
    if row.summary is not None:
        return ChangeView(version=version, base_version=version - 1,
                          summary=Summary.from_dict(row.summary), no_text=False,
                          has_detail=row.html_key is not None, passages=passages)
    if row.reason in NO_TEXT_REASONS:
        return ChangeView(version=version, base_version=version - 1, summary=None,
                          no_text=True, has_detail=False, passages=passages)
    return None



def passages_of(located: Iterable[Anchor]) -> tuple[Passage, ...]:
    """Where the open anchored comments of earlier versions were found in a version."""
    return tuple(Passage(a.page, PassageState(a.located_state), a.located_page)
                 for a in located if a.located_state)


class ComparisonService(BaseService):
    # --- the worker's side ------------------------------------------------------------

    @writes
    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Job]:
        rows = await comparisons.claim(self.session, now=now, limit=limit, lease=lease)
        return [Job(row.submission_id, row.attempts, row.status, row.created_at)
                for row in rows]

    @read_only
    async def plan(self, job: Job) -> Plan | None:
        found = await comparisons.version_with_previous(self.session, job.submission_id)
        if found is None:
            return None
        submission, thesis, previous = found
        if submission.file_key is None:  # removed by retention: nothing to compare
            return None
        base_text = base_reason = None
        if previous is not None:
            stored = await comparisons.text_of(self.session, previous.id)
            base_text = stored.content if stored is not None else None
            base_job = await comparisons.get(self.session, previous.id)
            if stored is None and base_job is not None and base_job.finished_at is not None:
                base_reason = base_job.reason or "unreadable"
        return Plan(
            submission_id=submission.id, version=submission.version, title=thesis.title,
            file_key=submission.file_key, file_kind=submission.file_kind,
            base_id=previous.id if previous else None,
            base_version=previous.version if previous else None,
            base_file_key=previous.file_key if previous else None,
            base_file_kind=previous.file_kind if previous else None, base_text=base_text,
            base_reason=base_reason, anchors=tuple(
                Wanted(a.id, a.page, a.quote) for a in await anchors.open_of_thesis(
                    self.session, thesis.id, submission.version) if a.quote))

    @writes
    async def store(self, job: Job, plan: Plan, outcome: Outcome) -> bool:
        """The job's outcome and the version's text, in one transaction; False when another
        worker took the job over meanwhile (its outcome stands, nothing is written)."""
        now = self.clock.now()
        # A first version's card is edited only to carry its shared text.
        shows = plan.version >= 2 or (outcome.shared is not None
                                      and outcome.shared.summary is not None)
        status = ComparisonStatus.EDITING if shows else ComparisonStatus.DONE
        if outcome.html_key is not None:
            # The report's stored file, before the row that holds its key.
            await stored_files.add(self.session, key=outcome.html_key,
                                   kind=StoredKind.COMPARISON.value, name="comparison.html",
                                   size=None, sha256=None, state=FileState.ATTACHED.value,
                                   now=now)
        # The job first: when it is no longer ours, nothing else is written.
        written = await comparisons.finish(
            self.session, job.submission_id, job.attempt, status=status.value,
            base_submission_id=plan.base_id, reason=outcome.reason,
            summary=outcome.summary.to_dict() if outcome.summary else None,
            html_key=outcome.html_key, claimed_until=None, next_attempt_at=now,
            finished_at=now)
        if not written:
            if outcome.html_key is not None:
                await stored_files.drop(self.session, outcome.html_key)
            return False
        if outcome.text is not None:
            await comparisons.save_text(self.session, VersionText(
                submission_id=plan.submission_id, pages=outcome.pages, words=outcome.words,
                content=outcome.text, created_at=now))
        if outcome.located:
            await anchors.set_located(self.session, plan.submission_id, [
                (found.id, found.state.value, found.page) for found in outcome.located])
        if outcome.shared is not None:
            await SharedTextService(self.session, self.deps).record(plan.submission_id,
                                                                    outcome.shared)
        # A first version's scan is no failure yet (there is nothing to compare it with);
        # a hostile file is, whichever version it is.
        if outcome.reason is not None and (plan.version >= 2
                                           or outcome.reason not in NO_TEXT_REASONS):
            after_commit(self.session,
                         VERSION_COMPARE_FAILURES.labels(reason=outcome.reason).inc)
        return True

    @writes
    async def retry(self, job: Job, at: datetime, error: str) -> None:
        """A dependency failed (the store, the database): the job goes back to the queue."""
        await comparisons.finish(self.session, job.submission_id, job.attempt,
                                 status=job.status if job.status == "editing" else "pending",
                                 claimed_until=None, next_attempt_at=at, reason=error[:32])

    @writes
    async def give_up(self, job: Job, reason: str) -> None:
        await comparisons.finish(self.session, job.submission_id, job.attempt,
                                 status=ComparisonStatus.FAILED.value, claimed_until=None,
                                 reason=reason[:32], finished_at=self.clock.now())
        after_commit(self.session, VERSION_COMPARE_FAILURES.labels(reason=reason[:32]).inc)

    @read_only
    async def edit_cards(self, job: Job,
                         edit: Callable[[Cards], Awaitable[list[int]]]) -> tuple[Cards, list[int]]:
        """The sent cards of the job's version not edited yet (one per recipient), handed to
        ``edit`` unless the version is decided; returns them and the ids ``edit`` is done
        with. The thesis row stays locked until ``edit`` returns: a decision locks it too, so
        it cannot land between reading "undecided" and the edit, which would otherwise paint
        the review buttons back over the card the decision has just edited."""
        cards = await self._cards(job)
        return cards, ([] if cards.decided else await edit(cards))

    async def _cards(self, job: Job) -> Cards:
        # Locked first, then read: a decision committed while we waited is seen.
        await theses.lock_thesis_of(self.session, job.submission_id)
        row = await comparisons.get(self.session, job.submission_id)
        found = await theses.submission_with_owner(self.session, job.submission_id)
        if row is None or found is None:
            return Cards(rows=(), unsent=0, decided=True, view=None)
        submission, _thesis, _student, review = found
        ref, kind = submission_ref(job.submission_id), Kind.NEW_SUBMISSION.value
        done = set(row.edited or [])
        sent = [card for card in await outbox.sent_about(self.session, ref, [kind])
                if card.id not in done]
        unsent = await comparisons.unsent_cards(self.session, ref, kind)
        shared = await similarity.get(self.session, job.submission_id)
        known = await users.recipients(self.session, {card.chat_id for card in sent})
        return Cards(rows=sent, unsent=unsent, decided=review is not None,
                     view=view_of(row, submission.version,
                                  await self._passages(job.submission_id)),
                     shared=shared_view_of(shared, self.config.similarity_alert_percent)
                     if shared is not None else None,
                     languages={chat: language for chat, (language, _off) in known.items()})

    async def _passages(self, submission_id: int) -> tuple[Passage, ...]:
        return passages_of(a for a, _item, _version in await anchors.located_in(
            self.session, submission_id))

    @writes
    async def edited(self, job: Job, ids: Collection[int], *, done: bool,
                     again_at: datetime) -> None:
        row = await comparisons.get(self.session, job.submission_id)
        edited = sorted({*(row.edited or []), *ids}) if row is not None else sorted(ids)
        values: dict[str, object] = {"edited": edited, "claimed_until": None}
        if done:
            values["status"] = ComparisonStatus.DONE.value
        else:
            values["next_attempt_at"] = again_at
        await comparisons.finish(self.session, job.submission_id, job.attempt, **values)

    # --- the readers' side ------------------------------------------------------------

    @read_only
    async def of_versions(self, versions: Collection[tuple[int, int]]) -> dict[int, ChangeView]:
        """What changed in each of these (submission id, version) the caller may see."""
        rows = await comparisons.of_submissions(self.session, [sid for sid, _v in versions])
        return await views_of(self.session, rows, versions)

    @read_only
    async def view_for(self, submission_id: int, version: int) -> ChangeView | None:
        return (await self.of_versions([(submission_id, version)])).get(submission_id)

    @read_only
    async def detail(self, actor: User, submission_id: int) -> Detail:
        """The detailed comparison (HTML) of a version, for whoever may see its file."""
        # Read in a transaction of its own: none is held while the object is read.
        submission, row = await self._read(partial(self._detail_row, actor, submission_id))
        if row is None or row.html_key is None:
            raise ComparisonNotReady(version=submission.version)
        content = await self._read_object(row.html_key, DETAIL_MAX_BYTES)
        return Detail(f"changes-v{submission.version - 1}-v{submission.version}.html", content)

    async def _detail_row(self, actor: User, submission_id: int,
                          ) -> tuple[Submission, VersionComparison | None]:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, _thesis, student, _review = found
        if not await may_see(self.session, actor, student):
            raise NotAllowed()
        return submission, await comparisons.get(self.session, submission_id)

    @read_only
    async def text_for(self, actor: User, submission_id: int) -> DocumentText | None:
        """A version's extracted text (sections and paragraphs), for whoever may see its
        file; None until its job has read it (or when it has none)."""
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        if not await may_see(self.session, actor, found[2]):
            raise NotAllowed()
        stored = await comparisons.text_of(self.session, submission_id)
        return DocumentText.from_json(stored.content) if stored is not None else None
