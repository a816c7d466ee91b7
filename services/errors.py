"""Errors services raise, in two families that are handled apart.

- ``DomainError``: the request breaks a rule; the user is told why (each has a stable
  ``code`` whose text is ``error.<code>`` in the catalog) and the update is done.
- ``DependencyError``: something we depend on is down; nothing the user did. The error
  middleware answers it as an outage (and in webhook mode has the update redelivered), so
  a handler never has to tell the two apart.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code, params)
        self.params = params


class NotAllowed(DomainError):
    code = "not_allowed"


class NotFound(DomainError):
    code = "not_found"


class CannotChangeAccess(DomainError):
    """An admin tried to deactivate themselves or a configured admin."""

    code = "cannot_change_access"


class InviteInvalid(DomainError):
    code = "invite_invalid"


class InviteExpired(DomainError):
    code = "invite_expired"


class InviteRevoked(DomainError):
    code = "invite_revoked"


class InviteUsedUp(DomainError):
    code = "invite_used_up"


class InvalidTitle(DomainError):
    code = "invalid_title"


class FileTooLarge(DomainError):
    code = "file_too_large"


class EmptyFile(DomainError):
    code = "empty_file"


class UnsupportedDocument(DomainError):
    code = "unsupported_document"


class DuplicateSubmission(DomainError):
    code = "duplicate_submission"


class NoThesis(DomainError):
    """The student has submitted nothing yet, so there is no thesis to act on."""

    code = "no_thesis"


class NoSupervisor(DomainError):
    """A student without a supervisor has nobody to submit to."""

    code = "no_supervisor"


class NothingToAmend(DomainError):
    """Add comment, Add grade or Done pressed by someone who has not approved the version."""

    code = "nothing_to_amend"


class AlreadyReviewed(DomainError):
    code = "already_reviewed"


class Superseded(DomainError):
    code = "superseded"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class ThesisFinal(IllegalTransition):
    """An upload to a thesis its supervisor declared final."""

    code = "thesis_final"


class CommentRequired(DomainError):
    code = "comment_required"


class CommentTooLong(DomainError):
    code = "comment_too_long"


class InvalidGrade(DomainError):
    code = "invalid_grade"


class AlreadyMember(DomainError):
    """The person is on this thesis team already (or is its student)."""

    code = "team_already_member"


class ExaminerTaken(DomainError):
    """A thesis has one examiner; it has one already."""

    code = "team_examiner_taken"


class CannotRemoveSupervisor(DomainError):
    code = "team_cannot_remove_supervisor"


class NotFinal(DomainError):
    """The examiner grades a final thesis only."""

    code = "team_not_final"


class AlreadyGraded(DomainError):
    code = "team_already_graded"


class ReportRequired(DomainError):
    code = "team_report_required"


class CommandNotText(DomainError):
    """A command sent where words are asked for (services/typed.py)."""

    code = "command_not_text"


class InvalidDate(DomainError):
    """A date that cannot be read, is past, or is too far ahead (services/dates.py)."""

    code = "invalid_date"


class InvalidDeadline(DomainError):
    code = "invalid_deadline"


class InvalidMeeting(DomainError):
    """A meeting, its record or an action item that breaks a rule (``reason`` says which)."""

    code = "invalid_meeting"


class SourceUnavailable(DomainError):
    """The file could not be fetched from where the user sent it.

    A domain error, not an outage: the user is asked to send the file again (a fresh
    upload gets a fresh download), and redelivering the update would only fetch it again.
    """

    code = "source_unavailable"


class ComparisonNotReady(DomainError):
    """🔍 What changed was pressed before the comparison was made (or it could not be)."""

    code = "comparison_not_ready"


class SharedTextNotReady(DomainError):
    """🔎 Shared text was pressed before the version was checked (or it could not be)."""

    code = "shared_text_not_ready"


class UploadCancelled(DomainError):
    """The user sent /cancel while their file was arriving: nothing of it is kept."""

    code = "upload_cancelled"


class FileGone(DomainError):
    """The file sent earlier in this step is no longer in the store (the step waited longer
    than a staged file is kept): nothing is recorded; the person sends it again."""

    code = "file_gone"


class FileRemoved(DomainError):
    """The file was deleted by retention (services/retention.py): its thesis was anonymised
    RETENTION_YEARS after its grade was released, and its files went with it."""

    code = "file_removed"


class UploadStillArriving(DomainError):
    """A note came while the upload worker is still receiving the file (state kept)."""

    code = "upload_still_arriving"


class UploadGaveUp(DomainError):
    """The upload worker could not receive the file after every attempt."""

    code = "upload_gave_up"


def domain_error(code: str, params: dict[str, Any]) -> DomainError:
    """The domain error of a stored ``code`` (an upload job's outcome, told later)."""
    found: list[type[DomainError]] = [DomainError]
    while found:
        cls = found.pop()
        if cls.code == code:
            return cls(**params)
        found.extend(cls.__subclasses__())
    return UploadGaveUp()


class DependencyError(Exception):
    """A dependency failed; the user should simply try again later."""

    dependency = "unknown"


class StorageUnavailable(DependencyError):
    """The file store failed."""

    dependency = "files"


class EmptyComment(DomainError):
    """A comment (or a note) with neither text nor a file."""

    code = "empty_comment"


# --- the assessment (services/assessment.py) -------------------------------------------------

class InvalidScheme(DomainError):
    code = "assessment_invalid_scheme"


class InvalidMark(DomainError):
    code = "assessment_invalid_mark"


class NotMarker(DomainError):
    code = "assessment_not_marker"


class AlreadyMarked(DomainError):
    code = "assessment_already_marked"


class NotMarking(DomainError):
    """Marks are taken while the thesis is final and the assessment open."""

    code = "assessment_not_open"


class NotAgreed(DomainError):
    code = "assessment_not_agreed"


class NoProposal(DomainError):
    code = "assessment_no_proposal"


class NotDeclarable(DomainError):
    code = "assessment_no_declaration_asked"
class InvalidAnchor(DomainError):
    """A comment on a passage with no text and no region, or a region off the page."""

    code = "invalid_anchor"


class RosterUnreadable(DomainError):
    """A roster that is neither a CSV nor an XLSX with name, role and e-mail columns."""

    code = "roster_unreadable"


class InvalidDefence(DomainError):
    """A defence, its participants or its minutes that break a rule (``reason`` says
    which)."""

    code = "invalid_defence"


class NotReleased(DomainError):
    """Reopening a grade that is not released."""

    code = "assessment_not_released"


# --- topics, applications and the proposal (services/topics.py) ------------------------------

class InvalidTopic(DomainError):
    """A topic's field is empty, too long or out of range (``reason`` says which)."""

    code = "invalid_topic"


class TopicClosed(DomainError):
    """The topic takes no applications (closed, or its places are filled)."""

    code = "topic_closed"


class TooManyApplications(DomainError):
    """MAX_OPEN_APPLICATIONS are waiting already."""

    code = "too_many_applications"


class AlreadyApplied(DomainError):
    code = "already_applied"


class CannotApply(DomainError):
    """Supervisors, members, admins and students who have a supervisor do not apply."""

    code = "cannot_apply"


class ApplicationDecided(DomainError):
    """Accepted or declined already (a second press, or the clock was first)."""

    code = "application_decided"


class InvalidSlots(DomainError):
    code = "invalid_slots"


class ProposalFirst(DomainError):
    """A version of the thesis before its proposal is accepted."""

    code = "proposal_first"


class NoProposalNeeded(DomainError):
    code = "no_proposal_needed"
