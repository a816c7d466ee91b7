"""Deciding on a version: who may, once only, and what the thesis becomes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from services import anchors, checklist, lifecycle
from services.base import BaseService, after_commit, on_rollback, read_only, writes
from services.errors import (
    AlreadyReviewed,
    CommentRequired,
    CommentTooLong,
    DomainError,
    InvalidGrade,
    NotAllowed,
    NotFound,
    NoThesis,
    NothingToAmend,
    Superseded,
)
from services.metrics import REVIEW_COMPLETIONS, REVIEW_TURNAROUND
from services.notifications import (
    OUTBOX_WRITTEN,
    ChecklistMark,
    DecisionMade,
    Kind,
    ThesisReopened,
    notify,
    submission_ref,
)
from services.shared_text import SharedTextService
from services.staged_files import (
    StagedFile,
    attach_held,
    attach_staged,
    discard_held,
)
from services.submissions import IncomingFile, stage_stored
from services.team import Member, may_review, members, recipients
from services.typed import words
from services.vocabulary import (
    ApprovalRule,
    Decision,
    Role,
    StoredKind,
    ThesisStatus,
    VersionKind,
)
from storage.models import Review, ReviewCard, Submission, Thesis, User
from storage.repositories import audit, outbox, reviews, team, theses, users
from storage.repositories import checklist as checklist_items
from storage.repositories.reviews import DuplicateDecision, DuplicateReview, Outcome

COMMENT_MAX = 4000
REASON_MAX = 1000
EVENTS = {
    Decision.APPROVED: lifecycle.Event.APPROVE,
    Decision.CHANGES_REQUESTED: lifecycle.Event.REQUEST_CHANGES,
    Decision.REJECTED: lifecycle.Event.REJECT,
}


@dataclass(frozen=True)
class ReviewTarget:
    submission: Submission
    thesis: Thesis
    student: User


@dataclass(frozen=True)
class Progress:
    """Under the rule 'all': who approved a version so far, and who is still to decide."""

    approved: tuple[str, ...]
    waiting: tuple[str, ...]
    waiting_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ReviewResult:
    # The version's outcome; None while, under the rule 'all', approvals are still missing.
    review: Outcome | None
    target: ReviewTarget
    reviewer: User
    decision: Decision | None = None
    progress: Progress | None = None
    # Every member's card of this version (to show the outcome or the progress on it).
    cards: tuple[ReviewCard, ...] = ()
    # The requested changes open when the version came, with the student's marks.
    marks: tuple[ChecklistMark, ...] = ()


@dataclass(frozen=True)
class Amended:
    target: ReviewTarget
    told: bool  # the student got the addition as a notice of its own
    held: bool  # it went into the notice still held


@dataclass(frozen=True)
class ApprovalDone:
    target: ReviewTarget
    decided: bool  # the version's outcome exists (under 'all' others may still be to approve)
    released: bool  # the held notice goes out now (else it had gone already)


@dataclass(frozen=True)
class _Own:
    target: ReviewTarget
    outcome: Review | None  # the row that decided the version, once decided
    mine: Review  # the actor's own approval (the outcome itself, or their vote)


@dataclass(frozen=True)
class OpenBefore:
    """The requested changes still open when a version is decided."""

    total: int
    addressed: int  # of them, marked addressed by this version


def clean_comment(decision: Decision, raw: str | None) -> str | None:
    comment = words(raw)
    if len(comment) > COMMENT_MAX:
        raise CommentTooLong(max=COMMENT_MAX, length=len(comment))
    if not comment and decision is not Decision.APPROVED:
        raise CommentRequired()
    return comment or None


def parse_grade(raw: str) -> int:
    try:
        grade = int(raw.strip())
    except ValueError:
        raise InvalidGrade() from None
    if not 0 <= grade <= 100:
        raise InvalidGrade()
    return grade


def _count_review(decision: Decision, age_seconds: float) -> None:
    REVIEW_COMPLETIONS.labels(decision=decision.value).inc()
    REVIEW_TURNAROUND.observe(age_seconds)


class ReviewService(BaseService):
    @read_only
    async def check_can_review(self, actor: User, submission_id: int) -> ReviewTarget:
        """Everything that can be said before the reviewer types a comment."""
        return await self._target(actor, submission_id)

    async def _target(self, actor: User, submission_id: int) -> ReviewTarget:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, existing = found
        target = ReviewTarget(submission, thesis, student)
        if not await may_review(self.session, actor, target.student):
            raise NotAllowed()
        if existing is not None:
            raise await self._already(existing)
        if target.submission.version < target.thesis.latest_version:
            raise Superseded(version=target.thesis.latest_version)
        if _votes(actor, thesis):
            mine = [v for v in await reviews.of_version(self.session, submission_id)
                    if v.reviewer_id == actor.id]
            if mine:
                raise AlreadyReviewed(reviewer_name=actor.full_name, at=mine[0].created_at,
                                      decision=mine[0].decision)
        return target

    @read_only
    async def open_before(self, actor: User, submission_id: int) -> OpenBefore:
        """Before Request changes is recorded: may earlier requested changes stay open (the
        reviewer is then asked whether to keep them; services/checklist.py)?"""
        target = await self._target(actor, submission_id)
        items = await checklist_items.open_items(self.session, target.thesis.id)
        addressed = sum(item.addressed_submission_id == submission_id for item in items)
        return OpenBefore(len(items), addressed)

    @writes
    async def decide(self, actor: User, submission_id: int, decision: Decision, *,
                     comment: str | None = None, feedback: int | None = None,
                     grade: int | None = None, keep_open: bool | None = None,
                     hold: bool = False) -> ReviewResult:
        """Record the decision; ``feedback``: a staged feedback file's ``stored_files`` id (all
        the conversation holds of it). Idempotent on it (a replayed step gets the same
        result, with no second notification). ``keep_open``: earlier items the
        version does not address stay open (else closed); by default they do after Request
        changes and do not after Approve. ``hold``: the student's notice waits for the quiet
        period (or ``tell_now``), so that ``amend`` can still put a comment or grade in it."""
        if keep_open is None:
            keep_open = decision is not Decision.APPROVED
        try:
            result = await self._decide(actor, submission_id, decision, comment, feedback,
                                        grade, keep_open, hold)
        except DomainError:
            # The decision is refused: its feedback file is abandoned, unless the database
            # says a row refers to it. When a dependency fails instead (the commit may even
            # have happened), the file stays: the sweeper collects it if nothing refers to it.
            if feedback is not None:
                on_rollback(self.session, partial(discard_held, self.session,
                                                  self.deps.files, feedback))
            raise
        if result.review is not None and result.review.reviewer_id == actor.id:
            after_commit(self.session, partial(
                _count_review, decision, review_age_seconds(
                    result.target.submission.submitted_at, result.review.created_at)))
        return result

    async def _recorded(self, actor: User, submission_id: int,
                        feedback: int | None) -> ReviewResult | None:
        """The decision already recorded with this feedback file, if this is a replay."""
        if feedback is None:
            return None
        row = await reviews.by_feedback_file(self.session, feedback)
        if row is None:
            return None
        found = await theses.submission_with_owner(self.session, row.submission_id)
        if row.submission_id != submission_id or found is None:
            raise NotAllowed()  # a key recorded for another version: never this one's
        submission, thesis, student, outcome = found
        if not await may_review(self.session, actor, student):
            raise NotAllowed()
        target = ReviewTarget(submission, thesis, student)
        return await self._result(actor, target, Decision(row.decision), outcome)

    async def _result(self, actor: User, target: ReviewTarget, decision: Decision,
                      outcome: Outcome | None,
                      marks: tuple[ChecklistMark, ...] = ()) -> ReviewResult:
        """What the handler shows: the outcome (or the progress so far) and every card."""
        progress = None
        if outcome is None:
            progress = _progress(await members(self.session, target.student.id),
                                 await reviews.of_version(self.session, target.submission.id))
        return ReviewResult(outcome, target, actor, decision, progress,
                            tuple(await team.cards(self.session, target.submission.id)), marks)

    async def _decide(self, actor: User, submission_id: int, decision: Decision,
                      comment: str | None, feedback_file: int | None,
                      grade: int | None, keep_open: bool, hold: bool) -> ReviewResult:
        if grade is not None and not 0 <= grade <= 100:
            raise InvalidGrade()
        recorded = await self._recorded(actor, submission_id, feedback_file)
        if recorded is not None:
            return recorded
        comment = None if feedback_file is not None and not comment else comment
        anchored: tuple[str, ...] = ()
        positions: dict[int, int] = {}
        if decision is Decision.CHANGES_REQUESTED:
            # The desk's anchored comments on this version go with it (services/anchors.py).
            anchored, positions = await anchors.drafts_as_items(self.session, submission_id, 1)
        if feedback_file is None and not (anchored and not (comment or "").strip()):
            comment = clean_comment(decision, comment)
        items: tuple[str, ...] = ()
        if decision is Decision.CHANGES_REQUESTED:
            parsed = checklist.parse(comment)
            comment, items = parsed.comment, parsed.items
            room = max(checklist.ITEMS_MAX - len(items), 0)
            positions = {anchor_id: position + len(items)
                         for anchor_id, position in positions.items() if position <= room}
            items = items + anchored[:room]
        target = await self._target(actor, submission_id)
        # Lock the thesis so a new version and a decision cannot interleave.
        thesis = await theses.by_student(self.session, target.student.id, lock=True)
        assert thesis is not None
        if target.submission.version < thesis.latest_version:
            raise Superseded(version=thesis.latest_version)
        now = self.clock.now()
        feedback = None if feedback_file is None else (await attach_held(
            self.session, self.deps.files, feedback_file, now,
            self.config.staged_file_ttl_hours))[0]
        if _votes(actor, thesis):
            return await self._vote(actor, target, thesis, decision, comment, feedback, grade,
                                    now, items, keep_open, positions, hold)
        outcome = _decision(submission_id, actor, decision, comment, feedback, grade, now)
        try:
            review, marks = await self._outcome(actor, target, thesis, outcome, now, items,
                                                keep_open, positions, hold=hold)
        except DuplicateDecision:
            # Their earlier vote under the rule 'all' stands: one decision per person.
            raise AlreadyReviewed(reviewer_name=actor.full_name, at=None,
                                  decision=None) from None
        except DuplicateReview:
            # A concurrent replay of this very step may have won the race: same result.
            recorded = await self._recorded(actor, submission_id, feedback_file)
            if recorded is not None:
                return recorded
            existing = await reviews.for_submission(self.session, submission_id)
            raise await self._already(existing) from None
        return await self._result(actor, target, decision, review, marks)

    async def _outcome(self, actor: User, target: ReviewTarget, thesis: Thesis,
                       row: Review, now: datetime, items: tuple[str, ...],
                       keep_open: bool, positions: dict[int, int] | None = None,
                       approvals: Sequence[tuple[Review, str | None]] = (),
                       hold: bool = False) -> tuple[Outcome, tuple[ChecklistMark, ...]]:
        """A decision made the version's outcome (a new row, or a vote already recorded),
        the thesis's move, the requested changes settled and raised (services/checklist.py),
        and the student told what it says (``approvals``: an approval's fellow approvals;
        ``hold``: the notice waits for the quiet period)."""
        decision = Decision(row.decision)
        new_status = lifecycle.next_status(thesis.status, EVENTS[decision])
        if row.id is None:
            row.outcome_at = now
            await reviews.add(self.session, row)
        else:
            await reviews.make_outcome(self.session, row, now)
        review = Outcome.of(row, approvals)
        await theses.set_status(self.session, thesis.id, new_status.value, now)
        proposal = target.submission.kind == VersionKind.PROPOSAL.value
        if proposal and decision is Decision.APPROVED:
            # The proposal is accepted: the writing begins, its versions numbered from 1.
            thesis.stage, thesis.latest_version = VersionKind.THESIS.value, 0
        settled = await checklist.settle(self.session, thesis.id, target.submission.id,
                                         decision, keep_open, now)
        checklist.raise_items(self.session, thesis.id, review.id, items, now)
        await anchors.link_items(self.session, review.id, positions or {})
        notify(self.session, target.student.id, DecisionMade(
            submission_id=target.submission.id, decision=decision.value, title=thesis.title,
            version=target.submission.version, comment=review.comment, grade=review.grade,
            reviewer_name=actor.full_name, feedback_file_id=review.feedback_telegram_file_id,
            feedback_file_name=review.feedback_file_name,
            feedback_file_key=review.feedback_file_key, items=items,
            carried=settled.carried, proposal=proposal), now,
            at=self._quiet_until(now) if hold else None)
        audit.record(self.session, actor_id=actor.id, action=f"review.{decision.value}",
                     object_type="submission", object_id=target.submission.id, at=now,
                     grade=review.grade, items=len(items))
        return review, settled.marks

    async def _vote(self, actor: User, target: ReviewTarget, thesis: Thesis,
                    decision: Decision, comment: str | None, feedback: StagedFile | None,
                    grade: int | None, now: datetime, items: tuple[str, ...],
                    keep_open: bool, positions: dict[int, int], hold: bool) -> ReviewResult:
        """Under the rule 'all', with the thesis locked (so two members pressing at once
        are counted one after the other): the member's own row, then the outcome once the
        votes decide it — a Request changes or Reject at once, an approval when every
        active supervisor and co-supervisor has approved."""
        submission_id = target.submission.id
        existing = await reviews.for_submission(self.session, submission_id)
        if existing is not None:
            raise await self._already(existing)  # decided meanwhile by another member
        vote = _decision(submission_id, actor, decision, comment, feedback, grade, now)
        try:
            await reviews.add(self.session, vote)
        except DuplicateDecision:
            raise AlreadyReviewed(reviewer_name=actor.full_name, at=None,
                                  decision=None) from None
        audit.record(self.session, actor_id=actor.id, action=f"vote.{decision.value}",
                     object_type="submission", object_id=submission_id, at=now, grade=grade)
        team_members = await members(self.session, target.student.id)
        votes = await reviews.of_version(self.session, submission_id)
        if decision is Decision.APPROVED and _progress(team_members, votes).waiting:
            return await self._result(actor, target, decision, None)
        # The vote decides: a Request changes or Reject at once, the last approval with
        # what every approver said.
        approvals = _named(team_members, votes) if decision is Decision.APPROVED else []
        try:
            review, marks = await self._outcome(actor, target, thesis, vote, now, items,
                                                keep_open, positions, approvals, hold)
        except DuplicateReview:
            raise await self._already(await reviews.for_submission(
                self.session, submission_id)) from None
        return await self._result(actor, target, decision, review, marks)

    @writes
    async def settle_waiting(self, student_id: int, gone: Collection[int] = (),
                             ) -> Outcome | None:
        """Inside the caller's ``@writes`` call (a removal, a deactivation): the latest
        version, if it waits for approvals, is decided now when no active supervisor or
        co-supervisor is still to approve it (one left the team, was deactivated — ``gone``,
        not yet seen as such by this session — or the rule became 'any'). Approved as the
        votes say, the student told once; None when it still waits (or nobody has approved
        it at all)."""
        thesis = await theses.by_student(self.session, student_id, lock=True)
        if thesis is None or thesis.status != ThesisStatus.SUBMITTED.value:
            return None
        _, latest = await theses.with_latest(self.session, student_id)
        if latest is None or latest.review is not None:
            return None
        team_members = [m for m in await members(self.session, student_id)
                        if m.user.id not in gone]
        on_team = {m.user.id for m in team_members}
        votes = [v for v in await reviews.of_version(self.session, latest.submission.id)
                 if v.reviewer_id in on_team]
        approvals = [v for v in votes if v.decision == Decision.APPROVED.value]
        if not approvals or len(approvals) != len(votes):
            return None
        if thesis.approval_rule == ApprovalRule.ALL.value \
                and _progress(team_members, approvals).waiting:
            return None
        student = await users.get(self.session, student_id)
        deciding = approvals[-1]
        assert deciding.reviewer_id is not None
        last = await users.get(self.session, deciding.reviewer_id)
        assert student is not None and last is not None
        now = self.clock.now()
        target = ReviewTarget(latest.submission, thesis, student)
        # The last approval decides it, saying what every approver said; closing what is
        # open (an approval keeps items open only when asked to).
        review, _marks = await self._outcome(last, target, thesis, deciding, now, (), False,
                                             approvals=_named(team_members, approvals))
        return review

    # --- after one-tap Approve: Add comment, Add grade, Done (issue 27) -----------------

    def _quiet_until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.config.decision_quiet_seconds)

    @writes
    async def amend(self, actor: User, submission_id: int, *, comment: str | None = None,
                    grade: int | None = None, feedback: StagedFile | None = None) -> Amended:
        """The actor's own approval of this version gets a comment (or annotated file) or a
        grade. While the student's notice is held it goes into it (and the quiet period
        starts again); once the notice went out, the student gets the addition apart."""
        if grade is not None and not 0 <= grade <= 100:
            raise InvalidGrade()
        comment = clean_comment(Decision.APPROVED, comment) if comment is not None else None
        own = await self._own_approval(actor, submission_id)
        if feedback is not None:
            feedback = await attach_staged(self.session, self.deps.files, feedback,
                                           self.clock.now(), self.config.staged_file_ttl_hours)
        _amend_row(own.mine, comment, grade, feedback)
        now = self.clock.now()
        audit.record(self.session, actor_id=actor.id, action="review.amend",
                     object_type="submission", object_id=submission_id, at=now,
                     grade=grade, comment=comment is not None, file=feedback is not None)
        if own.outcome is None:
            return Amended(own.target, told=False, held=False)
        # What the outcome says now (under the rule 'all': every approver's comment).
        team_members = await members(self.session, own.target.student.id)
        outcome = Outcome.of(own.outcome, _named(
            team_members, await reviews.of_version(self.session, submission_id)))
        notice = _notice(own.target, outcome, actor)
        pending = await outbox.pending_about(self.session, own.target.student.id,
                                             submission_ref(submission_id), Kind.DECISION)
        if pending is not None:
            kept = DecisionMade.model_validate(pending.payload)
            pending.payload = notice.model_copy(update={
                "items": kept.items, "carried": kept.carried}).dump()
            pending.next_attempt_at = self._quiet_until(now)
            return Amended(own.target, told=False, held=True)
        notify(self.session, own.target.student.id, notice.model_copy(update={
            "addition": True, "comment": comment, "grade": grade,
            "feedback_file_id": feedback.telegram_file_id if feedback else None,
            "feedback_file_name": feedback.file_name if feedback else None,
            "feedback_file_key": feedback.key if feedback else None}), now)
        return Amended(own.target, told=True, held=False)

    @writes
    async def hold(self, actor: User, submission_id: int) -> bool:
        """Add comment or Add grade pressed: the held notice waits a quiet period again.
        Whether it was still held."""
        own = await self._own_approval(actor, submission_id)
        pending = await outbox.pending_about(self.session, own.target.student.id,
                                             submission_ref(submission_id), Kind.DECISION)
        if pending is None:
            return False
        pending.next_attempt_at = self._quiet_until(self.clock.now())
        return True

    @writes
    async def tell_now(self, actor: User, submission_id: int) -> ApprovalDone:
        """Done: the held notice goes out now. Whether it was still held."""
        own = await self._own_approval(actor, submission_id)
        pending = await outbox.pending_about(self.session, own.target.student.id,
                                             submission_ref(submission_id), Kind.DECISION)
        if pending is not None:
            pending.next_attempt_at = self.clock.now()
            self.session.info[OUTBOX_WRITTEN] = True  # wakes the sender after the commit
        return ApprovalDone(own.target, decided=own.outcome is not None,
                            released=pending is not None)

    async def _own_approval(self, actor: User, submission_id: int) -> _Own:
        found = await theses.submission_with_owner(self.session, submission_id)
        if found is None:
            raise NotFound()
        submission, thesis, student, _decided = found
        if not await may_review(self.session, actor, student):
            raise NotAllowed()
        outcome = await reviews.for_submission(self.session, submission_id)
        mine = next((r for r in await reviews.of_version(self.session, submission_id)
                     if r.reviewer_id == actor.id), None)
        if mine is None or mine.decision != Decision.APPROVED.value:
            raise NothingToAmend()
        return _Own(ReviewTarget(submission, thesis, student), outcome, mine)

    @read_only
    async def stage_feedback(self, actor: User, submission_id: int, incoming: IncomingFile,
                             addition: bool = False) -> StagedFile:
        """An annotated PDF/DOCX from the reviewer, stored like a submission; ``addition``:
        added to the actor's approval (Add comment) rather than with a decision."""
        check = self._own_approval if addition else self._target
        # Streaming may take minutes: hold no transaction (and no connection) meanwhile.
        await self._read(partial(check, actor, submission_id))
        return await stage_stored(self.session, self.deps.files,
                                  self.config.file_prefix + "feedback/", incoming,
                                  self.config.max_file_bytes, StoredKind.FEEDBACK,
                                  self.clock.now())

    # --- the thesis as a whole: final, and reopened ------------------------------------

    @read_only
    async def check_can_move(self, actor: User, student_id: int,
                             event: lifecycle.Event) -> tuple[User, Thesis]:
        """Before asking for a reason: may ``actor`` make this move on the thesis now?"""
        student, thesis = await self._thesis_for(actor, student_id, lock=False)
        lifecycle.next_status(thesis.status, event)
        return student, thesis

    @writes
    async def reopen(self, actor: User, student_id: int,
                     reason: str | None) -> tuple[User, Thesis]:
        """A final thesis goes back to 'changes requested', with an optional reason."""
        reason = (reason or "").strip()[:REASON_MAX] or None
        return await self._move(actor, student_id, lifecycle.Event.REOPEN, reason)

    async def _move(self, actor: User, student_id: int, event: lifecycle.Event,
                    reason: str | None) -> tuple[User, Thesis]:
        student, thesis = await self._thesis_for(actor, student_id, lock=True)
        now = self.clock.now()
        thesis.status = lifecycle.next_status(thesis.status, event).value
        thesis.updated_at = now
        # Mark final is services/assessment.request_declaration (the student declares).
        notify(self.session, student.id, ThesisReopened(
            title=thesis.title, version=thesis.latest_version,
            supervisor_name=actor.full_name, reason=reason), now)
        if event is lifecycle.Event.FINALIZE:
            await SharedTextService(self.session, self.deps).tell_examiners(student, thesis)
        audit.record(self.session, actor_id=actor.id, action=f"thesis.{event.value}",
                     object_type="thesis", object_id=thesis.id, at=now,
                     student_id=student.id)
        return student, thesis

    async def _thesis_for(self, actor: User, student_id: int,
                          lock: bool) -> tuple[User, Thesis]:
        student = await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        if not await may_review(self.session, actor, student):
            raise NotAllowed()
        thesis = await theses.by_student(self.session, student_id, lock=lock)
        if thesis is None:
            raise NoThesis()
        return student, thesis

    async def _already(self, existing: Review | Outcome | None) -> AlreadyReviewed:
        reviewer = None
        if existing is not None and existing.reviewer_id is not None:
            reviewer = await users.get(self.session, existing.reviewer_id)
        at = None
        if existing is not None:
            # When the version was decided (a row's outcome time, an Outcome's time).
            at = existing.outcome_at if isinstance(existing, Review) else existing.created_at
        return AlreadyReviewed(
            reviewer_name=reviewer.full_name if reviewer else "?",
            at=at,
            decision=existing.decision if existing else None,
        )


def _votes(actor: User, thesis: Thesis) -> bool:
    """Whether this decision is a member's vote (rule 'all') rather than the outcome itself.
    An admin's decision is always the outcome: they step in over the team."""
    return thesis.approval_rule == ApprovalRule.ALL.value and actor.role != Role.ADMIN.value


def _progress(team_members: list[Member], votes: Sequence[Review]) -> Progress:
    approved = {v.reviewer_id for v in votes if v.decision == Decision.APPROVED.value}
    deciders = recipients(team_members, deciders_only=True)
    names = {m.user.id: m.user.full_name for m in team_members}
    return Progress(
        approved=tuple(names.get(v.reviewer_id, "?") if v.reviewer_id is not None else "?"
                       for v in votes if v.decision == Decision.APPROVED.value),
        waiting=tuple(m.user.full_name for m in deciders if m.user.id not in approved),
        waiting_ids=frozenset(m.user.id for m in deciders if m.user.id not in approved))


def _named(team_members: list[Member],
           votes: Sequence[Review]) -> list[tuple[Review, str | None]]:
    """The approvals among ``votes``, each with its author's name on the team."""
    names = {m.user.id: m.user.full_name for m in team_members}
    return [(v, names.get(v.reviewer_id) if v.reviewer_id is not None else None)
            for v in votes if v.decision == Decision.APPROVED.value]


def _decision(submission_id: int, actor: User, decision: Decision, comment: str | None,
              feedback: StagedFile | None, grade: int | None, now: datetime) -> Review:
    """A person's decision on a version, with its feedback file (written here only)."""
    return Review(
        submission_id=submission_id, reviewer_id=actor.id, decision=decision.value,
        comment=comment, grade=grade, created_at=now,
        feedback_file_key=feedback.key if feedback else None,
        feedback_file_name=feedback.file_name if feedback else None,
        feedback_telegram_file_id=feedback.telegram_file_id if feedback else None)


def review_age_seconds(submitted_at: datetime, decided_at: datetime) -> float:
    return max((decided_at - submitted_at).total_seconds(), 0.0)


def _amend_row(row: Review, comment: str | None, grade: int | None,
               feedback: StagedFile | None) -> None:
    if comment is not None:
        row.comment = comment
    if grade is not None:
        row.grade = grade
    if feedback is not None:
        row.feedback_file_key = feedback.key
        row.feedback_file_name = feedback.file_name
        row.feedback_telegram_file_id = feedback.telegram_file_id


def _notice(target: ReviewTarget, outcome: Outcome, actor: User) -> DecisionMade:
    return DecisionMade(
        submission_id=target.submission.id, decision=outcome.decision,
        title=target.thesis.title, version=target.submission.version,
        comment=outcome.comment, grade=outcome.grade, reviewer_name=actor.full_name,
        feedback_file_id=outcome.feedback_telegram_file_id,
        feedback_file_name=outcome.feedback_file_name,
        feedback_file_key=outcome.feedback_file_key)
