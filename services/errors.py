"""Domain errors. Each has a stable ``code`` that handlers turn into a message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code, params)
        self.params = params


class NotRegistered(DomainError):
    code = "not_registered"


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
    code = "no_thesis"


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


class InvalidDeadline(DomainError):
    code = "invalid_deadline"


class StorageUnavailable(DomainError):
    """The file store failed; the user should simply try again."""

    code = "storage_unavailable"


class SourceUnavailable(DomainError):
    """The file could not be fetched from where the user sent it."""

    code = "source_unavailable"
