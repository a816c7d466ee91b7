"""Archive and retention: RETENTION_YEARS after its release, a thesis is anonymised.

What goes: the student's name, username and Telegram id (replaced by a pseudonymous id
that is never a Telegram user's, in every row that refers to it), every comment, note,
report, anchor, direct message and the defence's minutes (replaced by a fixed text),
external committee members' names, and every stored file of the thesis (versions, feedback
and report files, comparisons, the protocol). What stays, so that the statistics stay the
same: the rows themselves (the student's role, the thesis, its title and status, each
version's number, size, kind, time and SHA-256, every decision, the assessment's scheme,
marks, totals and grade, the declaration's time and SHA-256, the defence's time and mark)
and the stored text of each version the shared-text check of later theses compares with.

``due`` lists the theses past the window (``python -m bot retention --dry-run``);
``anonymise`` does one (the real run): its files first, then its rows in one transaction,
so a failure part-way leaves the thesis listed for the next run. Each thesis is recorded in
the audit log (``retention.anonymise``), which is how a restored older backup is told what
to remove again (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.base import BaseService, read_only, writes
from services.errors import NotFound
from storage.files import FileStore
from storage.repositories import audit, retention

# A pseudonymous id: negative, so never a Telegram user's id (theirs are positive).
PSEUDONYM_BASE = -(10**12)


@dataclass(frozen=True)
class RetentionItem:
    thesis_id: int
    title: str
    student_id: int
    student_name: str
    released_at: datetime
    comments: int
    files: list[str]


def cutoff(now: datetime, years: int) -> datetime:
    """The moment a release must precede to be past the window: ``years`` before now (29
    February counts as 28 in a year without it)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def pseudonym(thesis_id: int) -> int:
    return PSEUDONYM_BASE - thesis_id


async def delete_files(files: FileStore, item: RetentionItem) -> int:
    """The thesis's stored objects, before its rows change (deleting one already gone is
    fine, so a run interrupted here is simply run again)."""
    for key in item.files:
        await files.delete(key)
    return len(item.files)


class RetentionService(BaseService):
    @read_only
    async def due(self, years: int) -> list[RetentionItem]:
        """What the next run anonymises and deletes, oldest release first."""
        found = []
        for thesis, assessment, student in await retention.past_window(
                self.session, cutoff(self.clock.now(), years)):
            assert assessment.released_at is not None
            found.append(RetentionItem(
                thesis.id, thesis.title, student.id, student.full_name,
                assessment.released_at,
                await retention.comment_count(self.session, thesis.id, student.id),
                await retention.file_keys(self.session, thesis.id, student.id)))
        return found

    @writes
    async def anonymise(self, item: RetentionItem, years: int) -> int:
        """One thesis's rows anonymised; its student's pseudonymous id."""
        now = self.clock.now()
        still = {i.thesis_id for i in await self.due(years)}
        if item.thesis_id not in still:
            raise NotFound()
        new_id = pseudonym(item.thesis_id)
        await retention.scrub_thesis(self.session, item.thesis_id, item.student_id)
        await retention.swap_user_id(self.session, item.student_id, new_id,
                                     f"Anonymised student {item.thesis_id}", now)
        thesis = await retention.thesis(self.session, item.thesis_id)
        thesis.anonymised_at = now
        audit.record(self.session, actor_id=None, action="retention.anonymise",
                     object_type="thesis", object_id=item.thesis_id, at=now,
                     student_id=new_id, released_at=item.released_at.isoformat(),
                     comments=item.comments, files_deleted=len(item.files),
                     retention_years=years)
        return new_id



