"""The end of a thesis: the scheme, the student's declaration, blind marks, the agreed grade
(within the tolerance, by proposals, or by a third marker) and its release.

The pure rules (parsing a scheme, weighted totals, the scale, agreement) are in
services/assessment_rules.py. Who marks comes from the team (services/team.py): the
supervisor and the examiner(s), and a third marker an admin appoints. Nobody sees another's
marks until every marker has submitted; the student sees nothing until **Release**. Every
step is in the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services import lifecycle
from services.assessment_rules import (
    DEFAULT,
    Component,
    InvalidMark,
    Releaser,
    Scale,
    SchemeRules,
    agreed_total,
    defence_component,
    grade_on_scale,
    marked_components,
    parse_scheme,
    weighted_total,
    with_defence,
)
from services.base import BaseService, on_rollback, read_only, writes
from services.errors import (
    AlreadyMarked,
    DomainError,
    NoProposal,
    NotAgreed,
    NotAllowed,
    NotDeclarable,
    NotFound,
    NoThesis,
    NotMarker,
    NotMarking,
    NotReleased,
    ReportRequired,
)
from services.notifications import (
    AssessmentAgreed,
    AssessmentReleased,
    DeclarationRequested,
    ExaminerFinal,
    GradeProposed,
    GradeReopened,
    MarkingRequested,
    MarksDisagree,
    MarkSet,
    ReportLine,
    ThirdMarkerNeeded,
    notify,
)
from services.shared_text import SharedTextService
from services.staged_files import StagedFile, attach_held, discard_held
from services.submissions import IncomingFile, stage_stored
from services.team import may_review, may_see, members
from services.vocabulary import (
    TEAM_SIDE,
    AssessmentState,
    DefenceRole,
    FileState,
    MarkerRole,
    Role,
    StoredKind,
    TeamRole,
    ThesisStatus,
)
from storage.models import (
    Assessment,
    AssessmentMark,
    AssessmentScheme,
    Declaration,
    DeclarationText,
    Defence,
    Thesis,
    User,
)
from storage.repositories import assessments, audit, defences, stored_files, theses, users

REPORT_MAX = 4000
STATEMENT_MAX = 2000


ReportMissing = ReportRequired


@dataclass(frozen=True)
class Marker:
    user: User
    role: MarkerRole


@dataclass(frozen=True)
class MarkingStart:
    student: User
    thesis: Thesis
    components: tuple[Component, ...]


@dataclass(frozen=True)
class Board:
    """What a viewer may see of an assessment: nothing of the marks until all are in."""

    student: User
    thesis: Thesis
    rules: SchemeRules
    state: AssessmentState
    markers: list[Marker]
    submitted_by_viewer: bool
    # Only when every marker has submitted (else empty):
    sets: list[tuple[Marker, AssessmentMark]]
    proposal: float | None
    proposer: str | None
    agreed: float | None
    may_release: bool

    @property
    def open(self) -> bool:
        return bool(self.sets)


@dataclass(frozen=True)
class Outcome:
    """After a submission: the state now (agreed at once, disagreed, or waiting)."""

    student: User
    state: AssessmentState
    total: float
    agreed: float | None


@dataclass(frozen=True)
class Released:
    thesis: Thesis
    rules: SchemeRules
    assessment: Assessment
    grade: int
    components: dict[str, float]
    reports: list[tuple[str, MarkerRole, AssessmentMark]]


@dataclass(frozen=True)
class Protocol:
    """What the protocol PDF says (telegram/pdf.py draws it)."""

    student: User
    released: Released
    released_by: str
    declaration: Declaration | None
    # The defence, if one was held: its row, the committee's names and the minute-taker's.
    defence: Defence | None = None
    committee: tuple[str, ...] = ()
    minute_taker: str | None = None


def rules_of(row: AssessmentScheme | None) -> SchemeRules:
    if row is None:
        return DEFAULT
    return SchemeRules(tuple(Component(str(c["name"]), int(c["weight"]))
                             for c in row.components),
                       Scale(row.scale), float(row.tolerance), Releaser(row.releaser))


class AssessmentService(BaseService):
    # --- the scheme and the statement (admins) ---------------------------------------------

    @read_only
    async def current_rules(self) -> tuple[int, SchemeRules]:
        """The scheme in force, with its version (0: none defined, the default applies)."""
        row = await assessments.current_scheme(self.session)
        return (row.version if row else 0), rules_of(row)

    @read_only
    async def scheme_for(self, actor: User) -> tuple[int, SchemeRules]:
        """The scheme in force, for admins and the supervising side (not students)."""
        if actor.role != Role.ADMIN.value and actor.role not in TEAM_SIDE:
            raise NotAllowed()
        row = await assessments.current_scheme(self.session)
        return (row.version if row else 0), rules_of(row)

    @writes
    async def set_scheme(self, actor: User, text: str) -> tuple[int, SchemeRules]:
        """A new version of the scheme; assessments already begun keep theirs."""
        if actor.role != Role.ADMIN.value:
            raise NotAllowed()
        rules = parse_scheme(text)

        async def change() -> tuple[int, SchemeRules]:
            now = self.clock.now()
            version = await assessments.next_scheme_version(self.session)
            row = AssessmentScheme(version=version, components=rules.to_json(),
                                   scale=rules.scale.value, tolerance=rules.tolerance,
                                   releaser=rules.releaser.value, created_by=actor.id,
                                   created_at=now)
            await assessments.add(self.session, row)
            audit.record(self.session, actor_id=actor.id, action="assessment.scheme",
                         object_type="assessment_scheme", object_id=row.id, at=now,
                         version=version, components=rules.to_json(),
                         scale=rules.scale.value, tolerance=rules.tolerance,
                         releaser=rules.releaser.value)
            return version, rules
        return await change()

    @writes
    async def set_statement(self, actor: User, language: str, text: str) -> None:
        """An admin's own authorship statement for one language."""
        if actor.role != Role.ADMIN.value:
            raise NotAllowed()
        statement = text.strip()[:STATEMENT_MAX]
        if not statement:
            raise NotAllowed()

        async def change() -> None:
            now = self.clock.now()
            row = await assessments.statement(self.session, language)
            if row is None:
                self.session.add(DeclarationText(language=language, statement=statement,
                                                 set_by=actor.id, set_at=now))
            else:
                row.statement, row.set_by, row.set_at = statement, actor.id, now
            audit.record(self.session, actor_id=actor.id, action="assessment.statement",
                         object_type="declaration_text", object_id=language, at=now)
        await change()

    @read_only
    async def statement(self, language: str) -> str | None:
        """The admin's statement for this language (None: the catalog's default)."""
        row = await assessments.statement(self.session, language)
        return row.statement if row else None

    # --- the declaration --------------------------------------------------------------------

    @writes
    async def request_declaration(self, actor: User, student_id: int) -> tuple[User, Thesis]:
        """Mark final: the thesis waits for the student's declaration (lifecycle FINALIZE)."""
        async def change() -> tuple[User, Thesis]:
            student, thesis = await self._thesis(student_id, lock=True)
            if not await may_review(self.session, actor, student):
                raise NotAllowed()
            now = self.clock.now()
            thesis.status = lifecycle.next_status(thesis.status, lifecycle.Event.FINALIZE).value
            thesis.updated_at = now
            notify(self.session, student.id, DeclarationRequested(
                title=thesis.title, version=thesis.latest_version,
                supervisor_name=actor.full_name,
                statements=await assessments.statements(self.session)), now)
            audit.record(self.session, actor_id=actor.id, action="thesis.finalize",
                         object_type="thesis", object_id=thesis.id, at=now,
                         student_id=student.id)
            return student, thesis
        return await change()

    @writes
    async def declare(self, student: User, statement: str) -> tuple[Thesis, Declaration]:
        """The student confirms ``statement`` for the latest version: the thesis is final, its
        assessment begins with the scheme in force, and the markers are asked."""
        async def change() -> tuple[Thesis, Declaration]:
            thesis, latest = await theses.with_latest(self.session, student.id)
            if thesis is None or latest is None \
                    or thesis.status != ThesisStatus.DECLARATION.value:
                raise NotDeclarable()
            thesis = await theses.by_student(self.session, student.id, lock=True)
            assert thesis is not None
            if thesis.status != ThesisStatus.DECLARATION.value:
                raise NotDeclarable()
            now = self.clock.now()
            thesis.status = lifecycle.next_status(thesis.status, lifecycle.Event.DECLARE).value
            thesis.updated_at = now
            version = latest.submission
            row = Declaration(thesis_id=thesis.id, submission_id=version.id,
                              student_id=student.id, statement=statement[:STATEMENT_MAX],
                              sha256=version.sha256, confirmed_at=now)
            await assessments.add(self.session, row)
            await self._begin(thesis, student, now)
            # Final now: the examiners hear of text shared above the alert share with it.
            await SharedTextService(self.session, self.deps).tell_examiners(student, thesis)
            audit.record(self.session, actor_id=student.id, action="thesis.declare",
                         object_type="thesis", object_id=thesis.id, at=now,
                         version=version.version, sha256=version.sha256)
            return thesis, row
        return await change()

    async def _begin(self, thesis: Thesis, student: User, now: object) -> None:
        existing = await assessments.for_thesis(self.session, thesis.id, lock=True)
        if existing is None:
            scheme = await assessments.current_scheme(self.session)
            if scheme is None:  # the default becomes version 1, so the thesis keeps it
                scheme = AssessmentScheme(version=1, components=DEFAULT.to_json(),
                                          scale=DEFAULT.scale.value,
                                          tolerance=DEFAULT.tolerance,
                                          releaser=DEFAULT.releaser.value, created_at=now)
                await assessments.add(self.session, scheme)
            existing = Assessment(thesis_id=thesis.id, scheme_id=scheme.id,
                                  state=AssessmentState.MARKING.value, created_at=now)
            await assessments.add(self.session, existing)
        submitted = {m.marker_id for m in await assessments.marks(self.session, existing.id)}
        for marker in await self._markers(student.id, existing):
            if marker.user.id in submitted:
                continue
            if marker.role is MarkerRole.EXAMINER:
                # The examiner's notice that the thesis is final, with Grade (issue 27).
                notify(self.session, marker.user.id, ExaminerFinal(
                    student_id=student.id, student_name=student.full_name,
                    title=thesis.title, version=thesis.latest_version), self.clock.now())
                continue
            notify(self.session, marker.user.id, MarkingRequested(
                student_id=student.id, student_name=student.full_name, title=thesis.title,
                third=marker.role is MarkerRole.THIRD), self.clock.now())

    # --- marking ----------------------------------------------------------------------------

    async def _markers(self, student_id: int, assessment: Assessment) -> list[Marker]:
        found = [Marker(m.user, MarkerRole.SUPERVISOR if m.role is TeamRole.SUPERVISOR
                        else MarkerRole.EXAMINER)
                 for m in await members(self.session, student_id)
                 if m.active and m.role in (TeamRole.SUPERVISOR, TeamRole.EXAMINER)]
        if assessment.third_marker_id is not None:
            third = await users.get(self.session, assessment.third_marker_id)
            if third is not None:
                found.append(Marker(third, MarkerRole.THIRD))
        return found

    async def _thesis(self, student_id: int, lock: bool = False) -> tuple[User, Thesis]:
        student = await users.get(self.session, student_id)
        if student is None or student.role != Role.STUDENT.value:
            raise NotFound()
        thesis = await theses.by_student(self.session, student_id, lock=lock)
        if thesis is None:
            raise NoThesis()
        return student, thesis

    async def _open(self, actor: User, student_id: int, lock: bool,
                    ) -> tuple[User, Thesis, Assessment, Marker, SchemeRules]:
        """The actor's marking: they are a marker whose marks are still to come."""
        student, thesis = await self._thesis(student_id)
        assessment = await assessments.for_thesis(self.session, thesis.id, lock=lock)
        if assessment is None or thesis.status != ThesisStatus.FINAL.value:
            raise NotMarking()
        marker = next((m for m in await self._markers(student.id, assessment)
                       if m.user.id == actor.id), None)
        if marker is None:
            raise NotMarker()
        expected = AssessmentState.THIRD_MARKER if marker.role is MarkerRole.THIRD \
            else AssessmentState.MARKING
        marked = {m.marker_id for m in await assessments.marks(self.session, assessment.id)}
        if actor.id in marked:
            raise AlreadyMarked()
        if assessment.state != expected.value:
            raise NotMarking()
        scheme = await assessments.scheme(self.session, assessment.scheme_id)
        return student, thesis, assessment, marker, rules_of(scheme)

    @read_only
    async def start_marking(self, actor: User, student_id: int) -> MarkingStart:
        student, thesis, _a, _m, rules = await self._open(actor, student_id, lock=False)
        return MarkingStart(student, thesis, marked_components(rules))

    @read_only
    async def may_mark(self, actor: User, student_id: int) -> bool:
        try:
            await self._open(actor, student_id, lock=False)
        except DomainError:
            return False
        return True

    @read_only
    async def stage_report(self, actor: User, student_id: int,
                           incoming: IncomingFile) -> StagedFile:
        # Streaming may take minutes: hold no transaction (and no connection) meanwhile.
        await self._read(partial(self._open, actor, student_id, lock=False))
        return await stage_stored(self.session, self.deps.files,
                                  self.config.file_prefix + "reports/", incoming,
                                  self.config.max_file_bytes, StoredKind.REPORT,
                                  self.clock.now())

    def _discarder(self, file_id: int | str) -> Callable[[], Awaitable[None]]:
        """After a rollback: the stored object (its id, or key) no row refers to is deleted."""
        async def discard() -> None:
            await discard_held(self.session, self.deps.files, file_id)
        return discard

    @writes
    async def submit(self, actor: User, student_id: int, marks: dict[str, int],
                     report: str | None, report_file: int | None) -> Outcome:
        """A marker's marks and report, once; when they are the last, the agreement.
        ``report_file``: a staged report's ``stored_files`` id."""
        report = (report or "").strip()[:REPORT_MAX] or None
        if report_file is not None:
            on_rollback(self.session, self._discarder(report_file))
        return await self._submit(actor, student_id, marks, report, report_file)

    async def _submit(self, actor: User, student_id: int, marks: dict[str, int],
                      report: str | None, report_file_id: int | None) -> Outcome:
        if report is None and report_file_id is None:
            raise ReportMissing()
        student, thesis, assessment, marker, rules = await self._open(actor, student_id,
                                                                      lock=True)
        marked = marked_components(rules)
        if set(marks) != {c.name for c in marked} \
                or any(not 0 <= v <= 100 for v in marks.values()):
            raise InvalidMark()
        now = self.clock.now()
        total = weighted_total(marked, marks)
        report_file = None if report_file_id is None else (await attach_held(
            self.session, self.deps.files, report_file_id, now,
            self.config.staged_file_ttl_hours))[0]
        try:
            await assessments.add_mark(self.session, AssessmentMark(
                assessment_id=assessment.id, marker_id=actor.id, role=marker.role.value,
                marks=dict(marks), total=total, report=report,
                report_file_key=report_file.key if report_file else None,
                report_file_name=report_file.file_name if report_file else None,
                submitted_at=now))
        except assessments.DuplicateMark:
            raise AlreadyMarked() from None
        audit.record(self.session, actor_id=actor.id, action="assessment.marks",
                     object_type="assessment", object_id=assessment.id, at=now,
                     role=marker.role.value, marks=dict(marks), total=total)
        if marker.role is MarkerRole.THIRD:
            await self._agree(student, thesis, assessment, rules, total, "third", now)
            return Outcome(student, AssessmentState(assessment.state), total,
                           assessment.agreed_total)
        markers = [m for m in await self._markers(student.id, assessment)
                   if m.role is not MarkerRole.THIRD]
        rows = await assessments.marks(self.session, assessment.id)
        by_marker = {r.marker_id: r for r in rows}
        if any(m.user.id not in by_marker for m in markers):
            return Outcome(student, AssessmentState.MARKING, total, None)
        totals = [by_marker[m.user.id].total for m in markers]
        agreed = agreed_total(totals, rules.tolerance)
        if agreed is not None:
            await self._agree(student, thesis, assessment, rules, agreed, "computed", now)
            return Outcome(student, AssessmentState(assessment.state), total,
                           assessment.agreed_total)
        assessment.state = AssessmentState.DISAGREED.value
        assessment.disagreed_at = now
        sets = [MarkSet(marker_name=m.user.full_name, role=m.role.value,
                        marks={k: float(v) for k, v in by_marker[m.user.id].marks.items()},
                        total=by_marker[m.user.id].total) for m in markers]
        for m in markers:
            notify(self.session, m.user.id, MarksDisagree(
                student_id=student.id, student_name=student.full_name, title=thesis.title,
                tolerance=rules.tolerance, sets=sets, days=self.config.agreement_days), now)
        audit.record(self.session, actor_id=None, action="assessment.disagreed",
                     object_type="assessment", object_id=assessment.id, at=now,
                     totals=totals, tolerance=rules.tolerance)
        return Outcome(student, AssessmentState.DISAGREED, total, None)

    async def _agree(self, student: User, thesis: Thesis, assessment: Assessment,
                     rules: SchemeRules, total: float, how: str, now: object) -> None:
        """The markers agree on ``total`` (of the components they mark). With a Defence
        component, the grade waits for the defence's minutes unless they are in."""
        assessment.agreed_how = how
        assessment.proposal = None
        assessment.proposed_by = None
        assessment.accepted_by = None
        if defence_component(rules) is not None:
            assessment.written_total = total
            defence = await defences.of_thesis(self.session, thesis.id)
            if defence is None or defence.defence_mark is None:
                assessment.state = AssessmentState.DEFENCE.value
                audit.record(self.session, actor_id=None, action="assessment.written_agreed",
                             object_type="assessment", object_id=assessment.id,
                             at=self.clock.now(), total=total, how=how)
                return
            total = with_defence(rules, total, defence.defence_mark)
        await self._agreed(student, thesis, assessment, rules, total, how, now)

    @writes
    async def defence_recorded(self, thesis: Thesis) -> bool:
        """The defence's minutes gave the Defence component: an assessment waiting for it
        has its agreed total now (True). Called inside DefenceService.record."""
        assessment = await assessments.for_thesis(self.session, thesis.id, lock=True)
        if assessment is None or assessment.state != AssessmentState.DEFENCE.value \
                or assessment.written_total is None or assessment.agreed_how is None:
            return False
        student = await users.get(self.session, thesis.student_id)
        assert student is not None
        rules = rules_of(await assessments.scheme(self.session, assessment.scheme_id))
        await self._agree(student, thesis, assessment, rules, assessment.written_total,
                          assessment.agreed_how, self.clock.now())
        return True

    @read_only
    async def defence_weight(self, student_id: int) -> str | None:
        """The name of the Defence component of the thesis's scheme (the one it is assessed
        with, else the one in force), None when it has none."""
        _student, thesis = await self._thesis(student_id)
        assessment = await assessments.for_thesis(self.session, thesis.id)
        row = await assessments.scheme(self.session, assessment.scheme_id) if assessment \
            else await assessments.current_scheme(self.session)
        component = defence_component(rules_of(row))
        return component.name if component else None

    async def _agreed(self, student: User, thesis: Thesis, assessment: Assessment,
                      rules: SchemeRules, total: float, how: str, now: object) -> None:
        assessment.state = AssessmentState.AGREED.value
        assessment.agreed_total = total
        assessment.agreed_at = now  # type: ignore[assignment]
        audit.record(self.session, actor_id=None, action="assessment.agreed",
                     object_type="assessment", object_id=assessment.id, at=self.clock.now(),
                     total=total, how=how)
        told: set[int] = set()
        releasers = await self._releasers(student, rules)
        for person in [m.user for m in await self._markers(student.id, assessment)] + releasers:
            if person.id in told:
                continue
            told.add(person.id)
            notify(self.session, person.id, AssessmentAgreed(
                student_id=student.id, student_name=student.full_name, title=thesis.title,
                total=total, grade=grade_on_scale(rules.scale, total), scale=rules.scale.value,
                how=how, may_release=any(r.id == person.id for r in releasers)),
                self.clock.now())

    async def _releasers(self, student: User, rules: SchemeRules) -> list[User]:
        if rules.releaser is Releaser.SUPERVISOR:
            return [m.user for m in await members(self.session, student.id)
                    if m.active and m.role is TeamRole.SUPERVISOR]
        return list(await users.active_admins(self.session, self.config.admin_ids))

    # --- what a viewer sees -------------------------------------------------------------------

    @read_only
    async def board(self, actor: User, student_id: int) -> Board:
        """The marks side by side, once every marker has submitted; before that, nothing
        (whoever asks). The student never sees the board."""
        student, thesis = await self._thesis(student_id)
        assessment = await assessments.for_thesis(self.session, thesis.id)
        if assessment is None:
            raise NotMarking()
        markers = await self._markers(student.id, assessment)
        is_marker = any(m.user.id == actor.id for m in markers)
        if actor.id == student.id or not (is_marker or await may_see(self.session, actor,
                                                                      student)):
            raise NotAllowed()
        rules = rules_of(await assessments.scheme(self.session, assessment.scheme_id))
        rows = {r.marker_id: r for r in await assessments.marks(self.session, assessment.id)}
        first = [m for m in markers if m.role is not MarkerRole.THIRD]
        all_in = all(m.user.id in rows for m in first)
        sets = [(m, rows[m.user.id]) for m in markers if m.user.id in rows] if all_in else []
        proposer = await users.get(self.session, assessment.proposed_by) \
            if assessment.proposed_by else None
        return Board(student, thesis, rules, AssessmentState(assessment.state), markers,
                     actor.id in rows, sets, assessment.proposal,
                     proposer.full_name if proposer else None, assessment.agreed_total,
                     await self._may_release(actor, student, rules, assessment))

    async def _may_release(self, actor: User, student: User, rules: SchemeRules,
                           assessment: Assessment) -> bool:
        if assessment.state != AssessmentState.AGREED.value:
            return False
        return any(r.id == actor.id for r in await self._releasers(student, rules))

    # --- agreement by proposals ----------------------------------------------------------------

    async def _disagreed(self, actor: User, student_id: int,
                         ) -> tuple[User, Thesis, Assessment, list[Marker], SchemeRules]:
        student, thesis = await self._thesis(student_id)
        assessment = await assessments.for_thesis(self.session, thesis.id, lock=True)
        if assessment is None or assessment.state != AssessmentState.DISAGREED.value:
            raise NotMarking()
        markers = [m for m in await self._markers(student.id, assessment)
                   if m.role is not MarkerRole.THIRD]
        if not any(m.user.id == actor.id for m in markers):
            raise NotMarker()
        rules = rules_of(await assessments.scheme(self.session, assessment.scheme_id))
        return student, thesis, assessment, markers, rules

    @writes
    async def propose(self, actor: User, student_id: int, total: int) -> tuple[User, float]:
        """A marker proposes the agreed total; the others accept it (or propose another)."""
        if not 0 <= total <= 100:
            raise InvalidMark()

        async def change() -> tuple[User, float]:
            student, thesis, assessment, markers, _rules = await self._disagreed(actor,
                                                                                 student_id)
            now = self.clock.now()
            assessment.proposal = float(total)
            assessment.proposed_by = actor.id
            assessment.accepted_by = [actor.id]
            for m in markers:
                if m.user.id != actor.id:
                    notify(self.session, m.user.id, GradeProposed(
                        student_id=student.id, student_name=student.full_name,
                        title=thesis.title, proposer_name=actor.full_name,
                        total=float(total)), now)
            audit.record(self.session, actor_id=actor.id, action="assessment.propose",
                         object_type="assessment", object_id=assessment.id, at=now,
                         total=total)
            return student, float(total)
        return await change()

    @writes
    async def accept(self, actor: User, student_id: int) -> Outcome:
        """Accept the open proposal; once every marker has, it is the agreed total."""
        async def change() -> Outcome:
            student, thesis, assessment, markers, rules = await self._disagreed(actor,
                                                                                student_id)
            if assessment.proposal is None:
                raise NoProposal()
            now = self.clock.now()
            accepted = sorted(set(assessment.accepted_by or []) | {actor.id})
            assessment.accepted_by = accepted
            audit.record(self.session, actor_id=actor.id, action="assessment.accept",
                         object_type="assessment", object_id=assessment.id, at=now,
                         total=assessment.proposal)
            total = assessment.proposal
            if all(m.user.id in accepted for m in markers):
                await self._agree(student, thesis, assessment, rules, total, "proposal", now)
                return Outcome(student, AssessmentState(assessment.state), total,
                               assessment.agreed_total)
            return Outcome(student, AssessmentState.DISAGREED, total, None)
        return await change()

    # --- no agreement in time: a third marker ----------------------------------------------

    @writes
    async def escalate_overdue(self) -> int:
        """Disagreements older than AGREEMENT_DAYS: the admins are asked (once) to appoint a
        third marker. Run by the scheduler."""
        async def change() -> int:
            now = self.clock.now()
            rows = await assessments.overdue_disagreements(
                self.session, now - timedelta(days=self.config.agreement_days))
            admins = await users.active_admins(self.session, self.config.admin_ids)
            for assessment in rows:
                thesis = await self.session.get(Thesis, assessment.thesis_id)
                student = await users.get(self.session, thesis.student_id) if thesis else None
                if thesis is None or student is None:
                    continue
                assessment.escalated_at = now
                for admin in admins:
                    notify(self.session, admin.id, ThirdMarkerNeeded(
                        student_id=student.id, student_name=student.full_name,
                        title=thesis.title, days=self.config.agreement_days), now)
                audit.record(self.session, actor_id=None, action="assessment.escalate",
                             object_type="assessment", object_id=assessment.id, at=now)
            return len(rows)
        return await change()

    @read_only
    async def third_candidates(self, actor: User, student_id: int) -> tuple[User, list[User]]:
        """Supervisors who may be appointed: anyone active but the thesis's markers."""
        student, _assessment, markers = await self._appointable(actor, student_id)
        taken = {m.user.id for m in markers} | {student.id}
        people = await users.people(self.session, sorted(r.value for r in TEAM_SIDE),
                                    offset=0, limit=200)
        return student, [p for p in people if p.id not in taken and p.deactivated_at is None]

    async def _appointable(self, actor: User, student_id: int,
                           ) -> tuple[User, Assessment, list[Marker]]:
        if actor.role != Role.ADMIN.value:
            raise NotAllowed()
        student, thesis = await self._thesis(student_id)
        assessment = await assessments.for_thesis(self.session, thesis.id)
        if assessment is None or assessment.state != AssessmentState.DISAGREED.value:
            raise NotMarking()
        return student, assessment, await self._markers(student.id, assessment)

    @writes
    async def appoint(self, actor: User, student_id: int, marker_id: int) -> tuple[User, User]:
        async def change() -> tuple[User, User]:
            student, _assessment, markers = await self._appointable(actor, student_id)
            third = await users.get(self.session, marker_id)
            if third is None or third.role not in TEAM_SIDE \
                    or any(m.user.id == marker_id for m in markers):
                raise NotAllowed()
            locked = await assessments.for_thesis(self.session, _assessment.thesis_id,
                                                  lock=True)
            assert locked is not None
            now = self.clock.now()
            locked.state = AssessmentState.THIRD_MARKER.value
            locked.third_marker_id = third.id
            thesis = await self.session.get(Thesis, locked.thesis_id)
            assert thesis is not None
            notify(self.session, third.id, MarkingRequested(
                student_id=student.id, student_name=student.full_name, title=thesis.title,
                third=True), now)
            audit.record(self.session, actor_id=actor.id, action="assessment.appoint",
                         object_type="assessment", object_id=locked.id, at=now,
                         marker_id=third.id)
            return student, third
        return await change()

    # --- release -----------------------------------------------------------------------------

    @writes
    async def release(self, actor: User, student_id: int) -> tuple[User, float]:
        """The student is told the grade, the components and the reports; the thesis is
        archived (read-only)."""
        async def change() -> tuple[User, float]:
            student, thesis = await self._thesis(student_id, lock=True)
            assessment = await assessments.for_thesis(self.session, thesis.id, lock=True)
            if assessment is None or assessment.state != AssessmentState.AGREED.value:
                raise NotAgreed()
            rules = rules_of(await assessments.scheme(self.session, assessment.scheme_id))
            if not any(r.id == actor.id for r in await self._releasers(student, rules)):
                raise NotAllowed()
            now = self.clock.now()
            thesis.status = lifecycle.next_status(thesis.status, lifecycle.Event.RELEASE).value
            thesis.updated_at = now
            assessment.state = AssessmentState.RELEASED.value
            assessment.released_at = now
            assessment.released_by = actor.id
            view = await self._released(thesis, assessment)
            assert assessment.agreed_total is not None
            notify(self.session, student.id, AssessmentReleased(
                title=thesis.title, total=assessment.agreed_total, grade=view.grade,
                scale=rules.scale.value, components=view.components,
                reports=[ReportLine(marker_name=name, role=role.value, text=row.report,
                                    file_name=row.report_file_name)
                         for name, role, row in view.reports]), now)
            audit.record(self.session, actor_id=actor.id, action="assessment.release",
                         object_type="assessment", object_id=assessment.id, at=now,
                         total=assessment.agreed_total, grade=view.grade)
            return student, assessment.agreed_total
        return await change()

    @read_only
    async def released_recently(self, actor: User, limit: int = 30,
                                ) -> list[tuple[User, Thesis]]:
        """The released grades an admin may reopen (/reopen_grade), the latest first."""
        if actor.role != Role.ADMIN.value:
            raise NotAllowed()
        found = []
        for _assessment, thesis in await assessments.released_recent(self.session, limit):
            student = await users.get(self.session, thesis.student_id)
            if student is not None:
                found.append((student, thesis))
        return found

    @writes
    async def reopen_release(self, actor: User, student_id: int, reason: str) -> User:
        """A released grade changes only through a recorded reopen (admins): the markers
        agree again by proposals."""
        if actor.role != Role.ADMIN.value or not reason.strip():
            raise NotAllowed()

        async def change() -> User:
            student, thesis = await self._thesis(student_id, lock=True)
            assessment = await assessments.for_thesis(self.session, thesis.id, lock=True)
            if assessment is None or assessment.state != AssessmentState.RELEASED.value:
                raise NotReleased()
            now = self.clock.now()
            thesis.status = lifecycle.next_status(
                thesis.status, lifecycle.Event.REOPEN_RELEASE).value
            assessment.state = AssessmentState.DISAGREED.value
            assessment.disagreed_at = now
            assessment.escalated_at = None
            assessment.released_at = None
            audit.record(self.session, actor_id=actor.id, action="assessment.reopen",
                         object_type="assessment", object_id=assessment.id, at=now,
                         reason=reason.strip()[:1000], total=assessment.agreed_total)
            assessment.agreed_total = None
            assessment.written_total = None
            assessment.proposal = None
            assessment.proposed_by = None
            assessment.accepted_by = None
            told = {student.id}
            notify(self.session, student.id, GradeReopened(
                student_id=student.id, student_name=student.full_name, title=thesis.title,
                by_name=actor.full_name, reason=reason.strip()[:1000], to_student=True), now)
            for marker in await self._markers(student.id, assessment):
                if marker.role is not MarkerRole.THIRD and marker.user.id not in told:
                    told.add(marker.user.id)
                    notify(self.session, marker.user.id, GradeReopened(
                        student_id=student.id, student_name=student.full_name,
                        title=thesis.title, by_name=actor.full_name,
                        reason=reason.strip()[:1000], to_student=False), now)
            return student
        return await change()

    async def _released(self, thesis: Thesis, assessment: Assessment) -> Released:
        rules = rules_of(await assessments.scheme(self.session, assessment.scheme_id))
        rows = list(await assessments.marks(self.session, assessment.id))
        counting = [r for r in rows if r.role == MarkerRole.THIRD.value] \
            if assessment.agreed_how == "third" else \
            [r for r in rows if r.role != MarkerRole.THIRD.value]
        defence = defence_component(rules)
        minutes = await defences.of_thesis(self.session, thesis.id) if defence else None
        components = {c.name: round(sum(float(r.marks.get(c.name, 0)) for r in counting)
                                    / max(len(counting), 1), 1) for c in rules.components}
        if defence is not None:
            components[defence.name] = float(minutes.defence_mark) \
                if minutes is not None and minutes.defence_mark is not None else 0.0
        names = {}
        for r in rows:
            if r.marker_id is not None and r.marker_id not in names:
                person = await users.get(self.session, r.marker_id)
                names[r.marker_id] = person.full_name if person else "?"
        reports = [(names.get(r.marker_id or 0, "?"), MarkerRole(r.role), r) for r in rows]
        total = assessment.agreed_total or 0.0
        return Released(thesis, rules, assessment, grade_on_scale(rules.scale, total),
                        components, reports)

    @read_only
    async def protocol(self, actor: User, student_id: int) -> Protocol:
        """The released assessment of a thesis, for its protocol (whoever may release)."""
        return await self._protocol(actor, student_id)

    async def _protocol(self, actor: User, student_id: int) -> Protocol:
        student, thesis = await self._thesis(student_id)
        assessment = await assessments.for_thesis(self.session, thesis.id)
        if assessment is None or assessment.state != AssessmentState.RELEASED.value:
            raise NotAgreed()
        if actor.role != Role.ADMIN.value and actor.id != assessment.released_by:
            raise NotAllowed()
        releaser = await users.get(self.session, assessment.released_by) \
            if assessment.released_by else None
        defence = await defences.of_thesis(self.session, thesis.id)
        people = list(await defences.members(self.session, [defence.id])) if defence else []
        return Protocol(student, await self._released(thesis, assessment),
                        releaser.full_name if releaser else "?",
                        await assessments.declaration(self.session, thesis.id), defence,
                        tuple(m.name for m in people if m.role != DefenceRole.STUDENT.value),
                        next((m.name for m in people
                              if defence and m.user_id == defence.minute_taker_id), None))

    @writes
    async def store_protocol(self, actor: User, student_id: int, pdf: bytes) -> str:
        """The protocol PDF is kept with the thesis (file store, assessments.protocol_key)."""
        view = await self._protocol(actor, student_id)
        key = f"{self.config.file_prefix}protocols/{secrets.token_urlsafe(24)}.pdf"

        async def chunks() -> AsyncIterator[bytes]:
            yield pdf

        await self.deps.files.put_stream(key, chunks(), "application/pdf")
        on_rollback(self.session, self._discarder(key))
        row = await assessments.for_thesis(self.session, view.released.thesis.id, lock=True)
        assert row is not None
        await stored_files.add(self.session, key=key, kind=StoredKind.PROTOCOL.value,
                               name="protocol.pdf", size=len(pdf),
                               sha256=hashlib.sha256(pdf).hexdigest(),
                               state=FileState.ATTACHED.value, now=self.clock.now())
        old, row.protocol_key = row.protocol_key, key
        audit.record(self.session, actor_id=actor.id, action="assessment.protocol",
                     object_type="assessment", object_id=row.id, at=self.clock.now(),
                     key=key, replaced=old)
        return key

    @read_only
    async def released_to(self, student: User, thesis: Thesis | None = None,
                          ) -> Released | None:
        """What the student may see: the released assessment, else nothing at all. A caller
        that has just read the student's thesis passes it: its status says whether anything
        was released (Release sets both), so the usual /history reads nothing more."""
        if thesis is None:
            thesis = await theses.by_student(self.session, student.id)
        if thesis is None or thesis.status != ThesisStatus.RELEASED.value:
            return None
        assessment = await assessments.for_thesis(self.session, thesis.id)
        if assessment is None or assessment.state != AssessmentState.RELEASED.value:
            return None
        return await self._released(thesis, assessment)



EXPORT_COLUMNS = ("student_id", "student", "thesis", "scheme_version", "scale", "state",
                  "marker", "marker_role", "component", "weight", "mark", "marker_total",
                  "report", "agreed_total", "grade", "agreed_how", "released_at")


async def export_rows(session: AsyncSession, student_ids: Sequence[int] | None,
                      ) -> list[list[Any]]:
    """Every assessment in scope, one row per marker and component (EXPORT_COLUMNS), in the
    caller's transaction. Blind here too: while marks are still to come, none is shown."""
    found: list[list[Any]] = []
    for assessment, thesis in await assessments.all_with_theses(session, student_ids):
        scheme = await assessments.scheme(session, assessment.scheme_id)
        rules = rules_of(scheme)
        student = await users.get(session, thesis.student_id)
        total = assessment.agreed_total
        head = [thesis.student_id, student.full_name if student else "", thesis.title,
                scheme.version if scheme else 0, rules.scale.value, assessment.state]
        tail = [total, grade_on_scale(rules.scale, total) if total is not None else None,
                assessment.agreed_how, assessment.released_at]
        marks = [] if assessment.state == AssessmentState.MARKING.value \
            else list(await assessments.marks(session, assessment.id))
        # The Defence component is the defence's (its minute-taker's), the same for all.
        defence = defence_component(rules)
        held = await defences.of_thesis(session, thesis.id) if defence else None
        given = {defence.name: held.defence_mark} \
            if defence and held and held.defence_mark is not None else {}
        if not marks:
            found.append([*head, None, None, None, None, None, None, None, *tail])
        for row in marks:
            marker = await users.get(session, row.marker_id) if row.marker_id else None
            for component in rules.components:
                found.append([*head, marker.full_name if marker else "", row.role,
                              component.name, component.weight,
                              row.marks.get(component.name, given.get(component.name)),
                              row.total, row.report, *tail])
    return found


async def own_data(session: AsyncSession, user: User) -> dict[str, Any]:
    """For /mydata: the person's declarations, the marks they gave, and (a student) their
    assessment once released (nothing of it before), with its protocol's key."""
    found: dict[str, Any] = {"declarations": [], "marks_i_gave": [], "my_assessment": None,
                             "protocol_key": None}
    thesis = await theses.by_student(session, user.id)
    if thesis is not None:
        declaration = await assessments.declaration(session, thesis.id)
        if declaration is not None:
            found["declarations"].append({
                "statement": declaration.statement, "sha256": declaration.sha256,
                "confirmed_at": declaration.confirmed_at.isoformat()})
        assessment = await assessments.for_thesis(session, thesis.id)
        if assessment is not None and assessment.state == AssessmentState.RELEASED.value:
            rules = rules_of(await assessments.scheme(session, assessment.scheme_id))
            total = assessment.agreed_total or 0.0
            found["protocol_key"] = assessment.protocol_key
            found["my_assessment"] = {
                "agreed_total": total, "grade": grade_on_scale(rules.scale, total),
                "scale": rules.scale.value,
                "released_at": assessment.released_at.isoformat()
                if assessment.released_at else None,
                "marks": [{"role": m.role, "marks": m.marks, "total": m.total,
                           "report": m.report}
                          for m in await assessments.marks(session, assessment.id)]}
    for mark in await assessments.marks_by(session, user.id):
        found["marks_i_gave"].append({"assessment_id": mark.assessment_id, "role": mark.role,
                                      "marks": mark.marks, "total": mark.total,
                                      "report": mark.report,
                                      "submitted_at": mark.submitted_at.isoformat()})
    return found
