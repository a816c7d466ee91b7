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


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    STUDENT = "student"


class ThesisStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Declared finished by the supervisor: no uploads until it is reopened.
    FINAL = "final"


class Decision(enum.StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"


class ComparisonStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a worker
    RUNNING = "running"  # claimed by a worker, for a lease
    EDITING = "editing"  # the summary is stored; cards still to be edited
    DONE = "done"
    FAILED = "failed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _in(column: str, enum_cls: type[enum.StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"


def _now() -> Any:
    return func.now()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(256))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    supervisor_id: Mapped[int | None] = mapped_column(
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
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=_now())


class Thesis(Base):
    __tablename__ = "theses"
    __table_args__ = (
        CheckConstraint(_in("status", ThesisStatus), name="status"),
        # The review queue: theses waiting, oldest first (see repositories/theses.py).
        Index("ix_theses_status_updated", "status", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(32), default=ThesisStatus.DRAFT.value)
    # Denormalised so that the queue and status views need no max() over all versions.
    latest_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(server_default=_now())


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("thesis_id", "version", name="uq_submissions_thesis_version"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("file_size > 0", name="file_size"),
        Index("ix_submissions_pending", "thesis_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thesis_id: Mapped[int] = mapped_column(ForeignKey("theses.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    file_key: Mapped[str] = mapped_column(String(512), index=True)
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


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_in("decision", Decision), name="decision"),
        CheckConstraint("grade IS NULL OR (grade >= 0 AND grade <= 100)", name="grade"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One decision per version, enforced here rather than by a check in Python.
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    decision: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    feedback_file_key: Mapped[str | None] = mapped_column(String(512), index=True)
    feedback_file_name: Mapped[str | None] = mapped_column(String(256))
    feedback_telegram_file_id: Mapped[str | None] = mapped_column(String(256))
    grade: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(server_default=_now(), index=True)


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
    html_key: Mapped[str | None] = mapped_column(String(512), index=True)
    # The outbox rows (cards) already edited with the outcome.
    edited: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(server_default=_now())
    finished_at: Mapped[datetime | None]
