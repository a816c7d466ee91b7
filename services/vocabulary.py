"""The domain's words: roles, thesis statuses, decisions, team roles and the states of the
things the bot tracks. Adapters (handlers/, api/, telegram/) and services import them from here;
``storage/models.py`` stores them. Plain ``StrEnum``: no database, no Telegram.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    # Made a supervisor by an admin's invite: invites students of their own.
    SUPERVISOR = "supervisor"
    STUDENT = "student"
    # Joined a thesis team by its invite (co-supervisor, examiner): acts on those theses
    # only, never invites anyone, and sees nothing once removed from every team.
    MEMBER = "member"


# Who sits on the supervising side of theses: what they may do on one is their team role's.
TEAM_SIDE = frozenset({Role.SUPERVISOR, Role.MEMBER})


class ThesisStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Declared finished by the supervisor: no uploads until it is reopened.
    FINAL = "final"
    # Marked final by the supervisor, waiting for the student's authorship declaration.
    DECLARATION = "declaration"
    # Assessed and the grade released to the student: archived, read-only.
    RELEASED = "released"


class Decision(enum.StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"


class TeamRole(enum.StrEnum):
    """A member of a thesis team. Supervisors and co-supervisors decide versions; the
    examiner grades the final thesis."""

    SUPERVISOR = "supervisor"
    CO_SUPERVISOR = "co_supervisor"
    EXAMINER = "examiner"


class ApprovalRule(enum.StrEnum):
    # The first decision by any supervisor or co-supervisor decides (the behaviour before
    # teams existed).
    ANY = "any"
    # Every supervisor and co-supervisor must approve; the first Request changes or Reject
    # decides at once.
    ALL = "all"


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


class UploadJobState(enum.StrEnum):
    QUEUED = "queued"  # recorded, not yet taken by a worker
    RUNNING = "running"  # a worker streams it, under a lease
    STAGED = "staged"  # in the store, waiting for the student's note
    FAILED = "failed"  # refused (error_code says why) or given up
    CANCELLED = "cancelled"  # /cancel, or the step was left
    USED = "used"  # the note came: the version was recorded from it


class ChecklistState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MeetingAnswer(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class AssessmentState(enum.StrEnum):
    MARKING = "marking"  # the markers enter their marks, blind
    DISAGREED = "disagreed"  # all in, outside the tolerance: proposals until they agree
    THIRD_MARKER = "third_marker"  # no agreement in time: a third marker's grade decides
    # The written marks are agreed; the scheme's Defence component waits for the minutes.
    DEFENCE = "defence"
    AGREED = "agreed"  # an agreed total, waiting for Release
    RELEASED = "released"  # the student has it


class DefenceRole(enum.StrEnum):
    """Who takes part in a defence (services/defence.py)."""

    STUDENT = "student"
    COMMITTEE = "committee"  # a member of the thesis team
    EXTERNAL = "external"  # a named member from outside, without a chat


class MarkerRole(enum.StrEnum):
    SUPERVISOR = "supervisor"
    EXAMINER = "examiner"
    THIRD = "third"
class PassageState(enum.StrEnum):
    """Where an anchored comment's passage went in a later version (services/anchors.py)."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    REMOVED = "removed"


class FileState(enum.StrEnum):
    """A stored object's place in its life (storage.models.StoredFile)."""

    STAGED = "staged"  # in the store, waiting for the row that will refer to it
    ATTACHED = "attached"  # a row refers to it (or did): the sweeper never takes it


class StoredKind(enum.StrEnum):
    """What a stored object is, by the row that owns it."""

    VERSION = "version"  # submissions.file_key
    FEEDBACK = "feedback"  # a decision's feedback file
    ATTACHMENT = "attachment"  # thread_messages.file_key
    REPORT = "report"  # an examiner's or a marker's report file
    COMPARISON = "comparison"  # version_comparisons.html_key
    SIMILARITY = "similarity"  # version_similarity.html_key
    PROTOCOL = "protocol"  # assessments.protocol_key
    CV = "cv"  # applications.cv_key


class VersionKind(enum.StrEnum):
    """What an uploaded file of a thesis is: its proposal (before the writing, when the
    topic asks for one) or a version of the thesis. A thesis's ``stage`` says which kind its
    next upload is; each kind numbers its versions from 1."""

    PROPOSAL = "proposal"
    THESIS = "thesis"


class Phase(enum.StrEnum):
    """Where a thesis stands, as /status shows it."""

    PROPOSAL = "proposal"
    WRITING = "writing"
    FINAL = "final"


class TopicState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ApplicationState(enum.StrEnum):
    OPEN = "open"  # waiting for the supervisor
    INTERVIEW = "interview"  # slots proposed or an interview set: still open
    ACCEPTED = "accepted"
    DECLINED = "declined"


# An application still waiting for a decision (counted against MAX_OPEN_APPLICATIONS).
OPEN_APPLICATION = frozenset({ApplicationState.OPEN, ApplicationState.INTERVIEW})
