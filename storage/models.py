"""SQLAlchemy models. Integrity lives in the database: keys, uniques and checks."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column
from sqlalchemy.types import TypeDecorator

from services.vocabulary import (
    ApplicationState as ApplicationState,
)
from services.vocabulary import (
    ApprovalRule as ApprovalRule,
)
from services.vocabulary import (
    AssessmentState as AssessmentState,
)
from services.vocabulary import (
    ChecklistState as ChecklistState,
)
from services.vocabulary import (
    ComparisonStatus as ComparisonStatus,
)
from services.vocabulary import (
    Decision as Decision,
)
from services.vocabulary import (
    DefenceRole as DefenceRole,
)
from services.vocabulary import (
    FileState as FileState,
)
from services.vocabulary import (
    MarkerRole as MarkerRole,
)
from services.vocabulary import (
    MeetingAnswer as MeetingAnswer,
)
from services.vocabulary import (
    OutboxStatus as OutboxStatus,
)
from services.vocabulary import (
    PassageState as PassageState,
)
from services.vocabulary import (
    Role as Role,
)
from services.vocabulary import (
    StoredKind as StoredKind,
)
from services.vocabulary import (
    TeamRole as TeamRole,
)
from services.vocabulary import (
    ThesisStatus as ThesisStatus,
)
from services.vocabulary import (
    TopicState as TopicState,
)
from services.vocabulary import (
    UploadJobState as UploadJobState,
)
from services.vocabulary import (
    VersionKind as VersionKind,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSON}


def _in(column: str, enum_cls: type[enum.StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"


def _now() -> Any:
    return func.now()


# An owner's column holding a stored object's key: a foreign key to stored_files.key, so a
# row can only refer to an object the store was told of, and no object a row refers to can
# be forgotten (storage/repositories/stored_files.py finds every such column by this key).
def _file_ref() -> ForeignKey:
    return ForeignKey("stored_files.key")


class StoredFile(Base):
    """One object in the file store: the one record of a stored file (its key, name, kind,
    size and digest). Every row that holds a file refers to it by key (a foreign key), and
    only a ``staged`` row that nothing refers to may be deleted, with its object."""

    __tablename__ = "stored_files"
    __table_args__ = (
        CheckConstraint(_in("state", FileState), name="state"),
        CheckConstraint(_in("kind", StoredKind), name="kind"),
        # The sweeper's scan: staged files by age.
        Index("ix_stored_files_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    name: Mapped[str | None] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # What a conversation holding only the row's id needs back: the format (pdf, docx,
    # voice, photo) and Telegram's copy of the file, when it carries the stored name.
    format: Mapped[str | None] = mapped_column(String(16))
    telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    state: Mapped[str] = mapped_column(String(16), default=FileState.STAGED.value)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(256))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Who invited them (their invite's maker). Not who supervises them: that is the thesis
    # team (services/team.py); tests/test_structure.py keeps it so.
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reachable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    # Set by an admin to revoke access (NULL = active); the person's data stays.
    deactivated_at: Mapped[datetime | None]


class Invite(Base):
    __tablename__ = "invites"
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="role"),
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses"),
        CheckConstraint("max_uses >= 1", name="max_uses"),
        CheckConstraint("team_role IS NULL OR " + _in("team_role", TeamRole), name="team_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    # A team invite: joins its user to this student's thesis team in ``team_role``.
    student_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team_role: Mapped[str | None] = mapped_column(String(16))
    # A personal link: joins as exactly this roster person (services/roster.py).
    roster_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_people.id", ondelete="CASCADE"), index=True)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class Thesis(Base):
    __tablename__ = "theses"
    __table_args__ = (
        CheckConstraint(_in("status", ThesisStatus), name="status"),
        CheckConstraint(_in("approval_rule", ApprovalRule), name="approval_rule"),
        CheckConstraint(_in("stage", VersionKind), name="stage"),
        # The review queue: theses waiting, oldest first (see repositories/theses.py).
        Index("ix_theses_status_updated", "status", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(32), default=ThesisStatus.DRAFT.value)
    approval_rule: Mapped[str] = mapped_column(String(8), default=ApprovalRule.ANY.value,
                                               server_default=text("'any'"))
    # Denormalised so that the queue and status views need no max() over all versions: of
    # the current stage's kind (a proposal's versions, then the thesis's, each from 1).
    latest_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # What the next upload is (services/vocabulary.py: VersionKind): the proposal first when
    # the topic asks for one, the thesis once the proposal is accepted.
    stage: Mapped[str] = mapped_column(String(16), default=VersionKind.THESIS.value,
                                       server_default=text("'thesis'"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(server_default=_now())
    # When retention (bot/ops/retention.py) anonymised it, RETENTION_YEARS after release.
    anonymised_at: Mapped[datetime | None]


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("thesis_id", "kind", "version", name="uq_submissions_thesis_version"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(_in("kind", VersionKind), name="kind"),
        CheckConstraint("file_size > 0", name="file_size"),
        Index("ix_submissions_pending", "thesis_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    # None once retention deleted the file (services/retention.py; thesis.anonymised_at).
    file_key: Mapped[str | None] = mapped_column(String(512), _file_ref(), index=True)
    file_name: Mapped[str] = mapped_column(String(256))
    file_kind: Mapped[str] = mapped_column(String(8))
    file_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    note: Mapped[str | None] = mapped_column(Text)
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(server_default=_now(), index=True)
    # A version of the thesis, or of its proposal (reviewed the same way).
    kind: Mapped[str] = mapped_column(String(16), default=VersionKind.THESIS.value,
                                      server_default=text("'thesis'"))


class Review(Base):
    """One person's decision on a version: the only decision rows. Under the rule 'all' each
    deciding member has one; otherwise (the rule 'any', an admin stepping in) the decider's
    row is the only one. The version's outcome is the row that decided it (``outcome_at``
    set, at most one per version): the Request changes or Reject, the approval that completed
    the approvals, or the sole decision. What an approval outcome says to the student (the
    approvers' comments, the latest grade given) is derived from the version's approvals
    (storage/repositories/reviews.py), never written twice."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_in("decision", Decision), name="decision"),
        CheckConstraint("grade IS NULL OR (grade >= 0 AND grade <= 100)", name="grade"),
        # One decision per person and version; one outcome per version.
        UniqueConstraint("submission_id", "reviewer_id", name="uq_reviews_submission_reviewer"),
        Index("uq_reviews_outcome", "submission_id", unique=True,
              postgresql_where=text("outcome_at IS NOT NULL"),
              sqlite_where=text("outcome_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decision: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    feedback_file_key: Mapped[str | None] = mapped_column(String(512), _file_ref(),
                                                          index=True)
    feedback_file_name: Mapped[str | None] = mapped_column(String(256))
    feedback_telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    grade: Mapped[int | None] = mapped_column(Integer)
    # When the person decided.
    created_at: Mapped[datetime] = mapped_column(server_default=_now(), index=True)
    # When this decision became the version's outcome (None: a vote that did not decide).
    outcome_at: Mapped[datetime | None] = mapped_column(index=True)


class ThesisMember(Base):
    """One person of a thesis team (services/team.py is the one place that reads it).

    Keyed by the student, whose thesis it is (theses.student_id is unique): the team exists
    from the student's registration, before the thesis row their first version creates.
    """

    __tablename__ = "thesis_members"
    __table_args__ = (
        UniqueConstraint("student_id", "user_id", name="uq_thesis_members_student_user"),
        # A supervisor's theses (their /queue, /students and dashboards) by member.
        Index("ix_thesis_members_user", "user_id", "student_id"),
        CheckConstraint(_in("role", TeamRole), name="role"),
        # One supervisor and at most one examiner per thesis.
        Index("uq_thesis_members_one_supervisor", "student_id", unique=True,
              postgresql_where=text("role = 'supervisor'"),
              sqlite_where=text("role = 'supervisor'")),
        Index("uq_thesis_members_one_examiner", "student_id", unique=True,
              postgresql_where=text("role = 'examiner'"),
              sqlite_where=text("role = 'examiner'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class ExaminerGrade(Base):
    """The examiner's grade and report on a final thesis (one per thesis)."""

    __tablename__ = "examiner_grades"
    __table_args__ = (
        CheckConstraint("grade >= 0 AND grade <= 100", name="grade"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"),
                                           unique=True)
    examiner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    grade: Mapped[int] = mapped_column(Integer)
    report: Mapped[str | None] = mapped_column(Text)
    report_file_key: Mapped[str | None] = mapped_column(String(512), _file_ref(),
                                                        index=True)
    report_file_name: Mapped[str | None] = mapped_column(String(256))
    report_telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class ReviewCard(Base):
    """Where a version's card was delivered, so a decision by one member updates every
    member's card (recorded by the outbox sender)."""

    __tablename__ = "review_cards"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger)
    caption: Mapped[bool] = mapped_column(Boolean, default=True)


class MilestoneExtension(Base):
    """One student's own due time on a milestone, later than everyone else's."""

    __tablename__ = "milestone_extensions"
    __table_args__ = (
        UniqueConstraint("milestone_id", "student_id", name="uq_milestone_extensions_student"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(index=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL", use_alter=True)
    )
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    # When the current due date was set (creation or the last move): reminders whose time
    # had already passed by then are never sent. NULL means created_at.
    due_set_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Set "for all my students": a rule of the supervisor's, which a student who joins later
    # gets too (services/deadlines.py: join_cohort), with the same title, due time and cohort.
    cohort: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # The student's own due time: their extension if they have one, else ``due_at``. Loaded
    # with the row (a correlated subquery), so the verdict and the reminders follow it.
    own_due_at: Mapped[datetime] = column_property(type_coerce(func.coalesce(
        select(MilestoneExtension.due_at)
        .where(MilestoneExtension.milestone_id == id,
               MilestoneExtension.student_id == student_id)
        .correlate_except(MilestoneExtension).scalar_subquery(), due_at), UTCDateTime()))

    __table_args__ = (
        Index("ix_milestones_student_due", "student_id", "due_at"),
        # The scheduler's scan: open (unsubmitted, not deleted) milestones by due time.
        Index("ix_milestones_open_due", "due_at",
              postgresql_where=text("submission_id IS NULL AND deleted_at IS NULL"),
              sqlite_where=text("submission_id IS NULL AND deleted_at IS NULL")),
    )


class ReminderLog(Base):
    """One row per reminder sent: the unique key is what makes it exactly once."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("kind", "subject_key", name="uq_reminder_log_kind_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OutboxStatus), name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # A reply to one of our messages finds the notification it answers.
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
        Index("ix_outbox_ref", "ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Of a message sent in parts (a long text, then its document): how many went out.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=_now())
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    sent_at: Mapped[datetime | None]
    # What the notification is about ("submission:42"), so that the messages about one thing
    # can be found again (to edit a card, or to see what a reply answers).
    ref: Mapped[str | None] = mapped_column(String(64))
    # The Telegram message that carries the text and the buttons, once sent.
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(server_default=_now(), index=True)


class ThreadMessage(Base):
    """One comment in the conversation about a version (student and supervisors see it)."""

    __tablename__ = "thread_messages"
    __table_args__ = (
        CheckConstraint("body IS NOT NULL OR file_key IS NOT NULL", name="content"),
        # A version's thread in order, and the comment count per version for /history.
        Index("ix_thread_messages_submission", "submission_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str | None] = mapped_column(Text)
    file_key: Mapped[str | None] = mapped_column(String(512), _file_ref(), index=True)
    file_name: Mapped[str | None] = mapped_column(String(256))
    telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    # A voice message or a photo rather than a PDF/DOCX (None): relayed as what it is,
    # listed with its duration or size.
    media: Mapped[str | None] = mapped_column(String(16))
    media_seconds: Mapped[int | None] = mapped_column(Integer)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class SupervisorNote(Base):
    """A note about a student that only the supervisor side ever reads."""

    __tablename__ = "supervisor_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class ChecklistItem(Base):
    """One requested change, raised by a review, ticked off by a later version."""

    __tablename__ = "checklist_items"
    __table_args__ = (
        CheckConstraint(_in("state", ChecklistState), name="state"),
        UniqueConstraint("review_id", "position", name="uq_checklist_items_review_position"),
        Index("ix_checklist_items_thesis_state", "thesis_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"))
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=ChecklistState.OPEN.value)
    # The latest version the student said addresses it (NULL: none yet).
    addressed_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    closed_at: Mapped[datetime | None]


class UploadJob(Base):
    """A file too big to receive within the webhook's deadline, received by a worker.

    Written by the handler (once per document message: a redelivered update finds it),
    claimed by ``bot/workers/uploads.py`` with a lease, like the outbox.
    """

    __tablename__ = "upload_jobs"
    __table_args__ = (
        CheckConstraint(_in("state", UploadJobState), name="state"),
        UniqueConstraint("chat_id", "source_message_id", name="uq_upload_jobs_source"),
        Index("ix_upload_jobs_due", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # The user's document message: one job per file sent, whatever the redeliveries.
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    telegram_file_id: Mapped[str] = mapped_column(String(256))
    file_name: Mapped[str] = mapped_column(String(256))
    declared_size: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=UploadJobState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    lease_until: Mapped[datetime | None]
    # The StagedFile (services/submissions.py) once the file is in the store.
    staged: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(server_default=_now())


class Meeting(Base):
    """A supervision meeting with one student or a group, and its record afterwards."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(500))
    # When the current time was set (creation or the last move): reminders already due
    # by then are never sent, as for milestones.
    time_set_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)
    notes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class MeetingParticipant(Base):
    __tablename__ = "meeting_participants"
    __table_args__ = (
        UniqueConstraint("meeting_id", "student_id", name="uq_meeting_participants_student"),
        CheckConstraint(_in("answer", MeetingAnswer), name="answer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(16), default=MeetingAnswer.PENDING.value)
    answered_at: Mapped[datetime | None]
    agreed_at: Mapped[datetime | None]
    correction: Mapped[str | None] = mapped_column(Text)


class MeetingItem(Base):
    """An action item of a meeting's record (a line starting with ``-``)."""

    __tablename__ = "meeting_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "position", name="uq_meeting_items_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    # Set once the item became a milestone (for a group meeting: of each attendee).
    made_milestone_at: Mapped[datetime | None]


class CalendarToken(Base):
    """A person's private calendar feed URL: only the hash of its secret is kept."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    # The URL's secret is derived from this (and the server's link key): /calendar shows
    # the same URL again, and Reset link draws a new nonce.
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class ExportLink(Base):
    """A time-limited download link for an export too big for a Telegram upload."""

    __tablename__ = "export_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class VersionText(Base):
    """A version's extracted text (sections of paragraphs, as JSON), read once and reused by
    the next version's comparison."""

    __tablename__ = "version_texts"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    words: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class VersionComparison(Base):
    """What changed in a version since the one before: the job (written with the version,
    claimed by one worker) and its outcome (the summary, the detailed HTML's key)."""

    __tablename__ = "version_comparisons"
    __table_args__ = (
        CheckConstraint(_in("status", ComparisonStatus), name="status"),
        Index("ix_version_comparisons_due", "status", "next_attempt_at"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    base_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=ComparisonStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=_now())
    claimed_until: Mapped[datetime | None]
    # Why there is no summary: no_text, encrypted (the card says "no text layer"), or a
    # failure (timeout, memory, crashed, unreadable…).
    reason: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    html_key: Mapped[str | None] = mapped_column(String(512), _file_ref(), index=True)
    # The outbox rows (cards) already edited with the outcome.
    edited: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    finished_at: Mapped[datetime | None]


class AssessmentScheme(Base):
    """One version of the deployment's assessment scheme (the newest is in force); an
    assessment keeps the version it began with (services/assessment_rules.py)."""

    __tablename__ = "assessment_schemes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    # [{"name": "Content", "weight": 40}, …], the weights adding up to 100.
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    scale: Mapped[str] = mapped_column(String(8))
    tolerance: Mapped[float]
    releaser: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class Assessment(Base):
    """The assessment of one final thesis: its state, the agreed total and the release."""

    __tablename__ = "assessments"
    __table_args__ = (CheckConstraint(_in("state", AssessmentState), name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"),
                                           unique=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_schemes.id"))
    state: Mapped[str] = mapped_column(String(16), default=AssessmentState.MARKING.value)
    # When every marker had submitted outside the tolerance (AGREEMENT_DAYS count from it).
    disagreed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    third_marker_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # The open proposal while the markers disagree, and who has accepted it.
    proposal: Mapped[float | None]
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_by: Mapped[list[int] | None] = mapped_column(JSON)
    agreed_total: Mapped[float | None]
    # With a Defence component: the markers' agreed total of the other components, kept
    # until the defence's minutes give the Defence mark (state ``defence``).
    written_total: Mapped[float | None]
    # computed (within the tolerance), proposal (agreed by the markers) or third (marker).
    agreed_how: Mapped[str | None] = mapped_column(String(16))
    agreed_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    protocol_key: Mapped[str | None] = mapped_column(String(512), _file_ref(), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class AssessmentMark(Base):
    """One marker's marks (a percentage per component), total and written report."""

    __tablename__ = "assessment_marks"
    __table_args__ = (
        UniqueConstraint("assessment_id", "marker_id", name="uq_assessment_marks_marker"),
        CheckConstraint(_in("role", MarkerRole), name="role"),
        CheckConstraint("total >= 0 AND total <= 100", name="total"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"))
    marker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    role: Mapped[str] = mapped_column(String(16))
    marks: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float]
    report: Mapped[str | None] = mapped_column(Text)
    report_file_key: Mapped[str | None] = mapped_column(String(512), _file_ref(),
                                                        index=True)
    report_file_name: Mapped[str | None] = mapped_column(String(256))
    submitted_at: Mapped[datetime] = mapped_column(server_default=_now())


class Declaration(Base):
    """The student's authorship declaration for the version marked final."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"),
                                           index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    statement: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(server_default=_now())


class DeclarationText(Base):
    """An admin's own authorship statement for one language (else the catalog's default)."""

    __tablename__ = "declaration_texts"

    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    statement: Mapped[str] = mapped_column(Text)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(server_default=_now())
class Anchor(Base):
    """A comment anchored to a passage of a version (the review desk): the page, the quoted
    text and where it is on the page. A draft until **Request changes** sends it as a
    checklist item; then relocated in each later version by the comparison worker."""

    __tablename__ = "anchors"
    __table_args__ = (
        CheckConstraint("page >= 1", name="page"),
        CheckConstraint(f"located_state IS NULL OR {_in('located_state', PassageState)}",
                        name="located_state"),
        Index("ix_anchors_submission", "submission_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text)
    # Where on the page: rectangles [x, y, width, height] as fractions of the page's size.
    rects: Mapped[list[list[float]]] = mapped_column(JSON)
    # Sent with Request changes: its checklist item (NULL: still a draft).
    checklist_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklist_items.id", ondelete="SET NULL"), index=True)
    # Where it was found in the latest later version that looked for it.
    located_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), index=True)
    located_state: Mapped[str | None] = mapped_column(String(16))
    located_page: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class VersionSimilarity(Base):
    """Text a version shares with other theses (services/similarity.py): its place in the
    index (``chunks``: how many chunk bands it has in ``similarity_bands``) and the outcome of
    its check (None until made: a scan, a failed check). ``summary`` names the sources (title,
    year, share), never their text; the report is a file in the store (``html_key``)."""

    __tablename__ = "version_similarity"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    chunks: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    percent: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    html_key: Mapped[str | None] = mapped_column(String(512), _file_ref(), index=True)
    reason: Mapped[str | None] = mapped_column(String(32))
    checked_at: Mapped[datetime | None]


class SimilarityBand(Base):
    """The shared-text index: one LSH band hash of one chunk of a version. Looked up by
    hash (the primary key's first column); removed with its version."""

    __tablename__ = "similarity_bands"
    __table_args__ = (Index("ix_similarity_bands_submission_id", "submission_id"),)

    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False)


class DirectMessage(Base):
    """A message written to one person through the bot: by ``/message`` (a row per recipient
    of one batch), a nudge of a silent student, or an answer to either (``reply_to_id``)."""

    __tablename__ = "direct_messages"
    __table_args__ = (
        # One batch reaches each recipient once, however often its Send is pressed.
        UniqueConstraint("batch", "recipient_id", name="uq_direct_messages_batch_recipient"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str | None] = mapped_column(Text)
    # A file sent with it: Telegram's copy (the bot keeps no file of its own for messages).
    telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    file_name: Mapped[str | None] = mapped_column(String(256))
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("direct_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class ReviewPromise(Base):
    """"I'll review by …": a supervisor's promise to decide a version by a moment, which the
    student sees; kept when a decision came by then (the reviews table says when)."""

    __tablename__ = "review_promises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    promised_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class Defence(Base):
    """The defence of a final thesis: when and where (a room or a link), its minute-taker,
    and afterwards the minutes and the scheme's Defence component (services/defence.py)."""

    __tablename__ = "defences"
    __table_args__ = (
        CheckConstraint("defence_mark IS NULL OR (defence_mark >= 0 AND defence_mark <= 100)",
                        name="defence_mark"),
        Index("ix_defences_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"),
                                           unique=True)
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(500))
    minute_taker_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    scheduled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the current time was set (scheduling or the last move).
    time_set_at: Mapped[datetime]
    minutes: Mapped[str | None] = mapped_column(Text)
    defence_mark: Mapped[int | None] = mapped_column(Integer)
    minutes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class DefenceMember(Base):
    """One participant of a defence: the student, a committee member from the team, or a
    named external member (no chat: ``user_id`` is NULL)."""

    __tablename__ = "defence_members"
    __table_args__ = (
        UniqueConstraint("defence_id", "user_id", name="uq_defence_members_user"),
        CheckConstraint(_in("role", DefenceRole), name="role"),
        CheckConstraint(_in("answer", MeetingAnswer), name="answer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    defence_id: Mapped[int] = mapped_column(ForeignKey("defences.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    name: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str] = mapped_column(String(16), default=MeetingAnswer.PENDING.value)
    answered_at: Mapped[datetime | None]


class Topic(Base):
    """A thesis topic a supervisor advertises: the catalogue shows the open ones, and its
    deep link (``?start=topic_<code>``) leads to it."""

    __tablename__ = "topics"
    __table_args__ = (
        CheckConstraint(_in("state", TopicState), name="state"),
        CheckConstraint("places >= 1", name="places"),
        Index("ix_topics_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    supervisor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    requirements: Mapped[str | None] = mapped_column(Text)
    places: Mapped[int] = mapped_column(Integer, default=1)
    # The language the thesis is written in (a catalog's code: en, ru, de…).
    language: Mapped[str] = mapped_column(String(8))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The accepted student first submits a proposal, reviewed like a version.
    needs_proposal: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=text("false"))
    # Who join the accepted student's team as co-supervisors (user ids).
    co_supervisors: Mapped[list[int]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=TopicState.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    closed_at: Mapped[datetime | None]


class Application(Base):
    """Someone's application for a topic: motivation, an optional CV, the outcome. The
    applicant may not be registered yet (``applicant_id`` is their Telegram id); Accept
    registers them."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(_in("state", ApplicationState), name="state"),
        # One open application per person and topic.
        Index("uq_applications_open", "topic_id", "applicant_id", unique=True,
              postgresql_where=text("state IN ('open', 'interview')"),
              sqlite_where=text("state IN ('open', 'interview')")),
        Index("ix_applications_applicant", "applicant_id", "state"),
        Index("ix_applications_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          index=True)
    applicant_id: Mapped[int] = mapped_column(BigInteger)
    applicant_name: Mapped[str] = mapped_column(String(256))
    applicant_username: Mapped[str | None] = mapped_column(String(64))
    # The applicant's language: what they are told comes in it, registered or not.
    language: Mapped[str] = mapped_column(String(8), default="en")
    motivation: Mapped[str] = mapped_column(Text)
    cv_key: Mapped[str | None] = mapped_column(String(512), _file_ref(), index=True)
    cv_name: Mapped[str | None] = mapped_column(String(256))
    cv_telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    state: Mapped[str] = mapped_column(String(16), default=ApplicationState.OPEN.value)
    # The interview: the times proposed (ISO 8601) and the meeting once one is picked.
    slots: Mapped[list[str] | None] = mapped_column(JSON)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id",
                                                              ondelete="SET NULL"))
    # Why it was declined: a template's name (its words in the applicant's language), or
    # the supervisor's own words.
    reason_key: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class RosterPerson(Base):
    """A person of a department's roster (services/roster.py), pending until they open their
    personal link (an invite whose ``roster_person_id`` is this row) and then the user they
    became. The e-mail is the row's identity: importing the same roster again finds it."""

    __tablename__ = "roster_people"
    __table_args__ = (
        CheckConstraint("role IN ('supervisor', 'student')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="en")
    # A student's thesis title and supervisors, as roster people (the team is written when
    # they join: services/team.py).
    title: Mapped[str | None] = mapped_column(String(300))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("roster_people.id", ondelete="SET NULL"), index=True)
    co_supervisor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The user they became (NULL: pending).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(server_default=_now())
