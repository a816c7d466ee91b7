"""One table of decisions: a member's vote under the rule 'all' (``review_votes``) and the
version's outcome (``reviews``) were the same columns twice. ``reviews`` now holds every
person's decision on a version, one per person; the outcome is the row that decided it
(``outcome_at``), and ``review_votes`` goes.

Data up: an outcome keeps its row (and its id: the requested changes refer to it), with
``outcome_at`` its old time. A vote by the person whose decision became the outcome is that
same decision: the outcome row takes the vote's own comment, grade, feedback file and time
(an approval's outcome said the approvers' comments and the latest grade; both are now read
from the approvals). Every other vote becomes a row of its own, not an outcome.

Data down: every row that was a vote (not an outcome, or an outcome under the rule 'all' by a
member of the team side) goes back to ``review_votes``; every outcome back to ``reviews`` at
its outcome time, an approval with the approvers' comments under their names and the latest
grade given, as the service wrote it.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECISIONS = "decision IN ('approved', 'changes_requested', 'rejected')"
GRADES = "grade IS NULL OR (grade >= 0 AND grade <= 100)"
COMMENT_MAX = 4000
FEEDBACK = ("feedback_file_key", "feedback_file_name", "feedback_telegram_file_id")


def _votes_table() -> None:
    op.create_table(
        "review_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("feedback_file_key", sa.String(length=512), nullable=True),
        sa.Column("feedback_file_name", sa.String(length=256), nullable=True),
        sa.Column("feedback_telegram_file_id", sa.String(length=256), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint(DECISIONS, name=op.f("ck_review_votes_decision")),
        sa.CheckConstraint(GRADES, name=op.f("ck_review_votes_grade")),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_review_votes_submission_id_submissions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"],
                                name=op.f("fk_review_votes_member_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_votes")),
        sa.UniqueConstraint("submission_id", "member_id",
                            name="uq_review_votes_submission_member"),
        # A feedback file is a stored file (0023).
        sa.ForeignKeyConstraint(["feedback_file_key"], ["stored_files.key"],
                                name=op.f("fk_review_votes_feedback_file_key_stored_files")),
    )
    op.create_index(op.f("ix_review_votes_member_id"), "review_votes", ["member_id"])
    op.create_index(op.f("ix_review_votes_feedback_file_key"), "review_votes",
                    ["feedback_file_key"])


def upgrade() -> None:
    # On SQLite the rebuild of ``reviews`` runs with foreign keys off (migrations/env.py):
    # dropping the old copy must not delete the requested changes that refer to it.
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f("uq_reviews_submission_id"), type_="unique")
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE reviews SET outcome_at = created_at"))
    votes = conn.execute(sa.text(
        "SELECT v.submission_id, v.member_id, v.decision, v.comment,"
        " v.feedback_file_key, v.feedback_file_name, v.feedback_telegram_file_id, v.grade,"
        " v.created_at, r.id AS outcome_id, r.feedback_file_key AS outcome_key,"
        " r.feedback_file_name AS outcome_name,"
        " r.feedback_telegram_file_id AS outcome_telegram_id"
        " FROM review_votes v LEFT JOIN reviews r"
        " ON r.submission_id = v.submission_id AND r.reviewer_id = v.member_id"
        " ORDER BY v.id")).mappings().all()
    for vote in votes:
        values = {name: vote[name] for name in (
            "submission_id", "member_id", "decision", "comment", *FEEDBACK, "grade",
            "created_at")}
        if vote["outcome_id"] is None:
            conn.execute(sa.text(
                "INSERT INTO reviews (submission_id, reviewer_id, decision, comment,"
                " feedback_file_key, feedback_file_name, feedback_telegram_file_id, grade,"
                " created_at) VALUES (:submission_id, :member_id, :decision, :comment,"
                " :feedback_file_key, :feedback_file_name, :feedback_telegram_file_id,"
                " :grade, :created_at)"), values)
            continue
        # The outcome is this vote: its own words, once. A feedback file only the outcome
        # row held (the vote had none) stays.
        if values["feedback_file_key"] is None:
            values.update(feedback_file_key=vote["outcome_key"],
                          feedback_file_name=vote["outcome_name"],
                          feedback_telegram_file_id=vote["outcome_telegram_id"])
        conn.execute(sa.text(
            "UPDATE reviews SET decision = :decision, comment = :comment,"
            " feedback_file_key = :feedback_file_key, feedback_file_name = :feedback_file_name,"
            " feedback_telegram_file_id = :feedback_telegram_file_id, grade = :grade,"
            " created_at = :created_at WHERE id = :id"), {**values, "id": vote["outcome_id"]})
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_reviews_submission_reviewer",
                                          ["submission_id", "reviewer_id"])
        batch_op.create_index(batch_op.f("ix_reviews_outcome_at"), ["outcome_at"],
                              unique=False)
        batch_op.create_index("uq_reviews_outcome", ["submission_id"], unique=True,
                              postgresql_where=sa.text("outcome_at IS NOT NULL"),
                              sqlite_where=sa.text("outcome_at IS NOT NULL"))
    op.drop_index(op.f("ix_review_votes_feedback_file_key"), table_name="review_votes")
    op.drop_index(op.f("ix_review_votes_member_id"), table_name="review_votes")
    op.drop_table("review_votes")


def _said(approvals: list[dict[str, Any]]) -> tuple[str | None, int | None]:
    """An approval outcome's comment and grade, as services/reviews.py wrote them."""
    written = [(a["name"] or "?", a["comment"]) for a in approvals if a["comment"]]
    if len(written) <= 1:
        comment = written[0][1] if written else None
    else:
        comment = "\n".join(f"{name}: {text}" for name, text in written)[:COMMENT_MAX]
    grade = next((a["grade"] for a in reversed(approvals) if a["grade"] is not None), None)
    return comment, grade


def downgrade() -> None:
    _votes_table()
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT r.id, r.submission_id, r.reviewer_id, r.decision, r.comment,"
        " r.feedback_file_key, r.feedback_file_name, r.feedback_telegram_file_id, r.grade,"
        " r.created_at, r.outcome_at, u.full_name AS name, u.role AS role,"
        " t.approval_rule AS rule"
        " FROM reviews r JOIN submissions s ON s.id = r.submission_id"
        " JOIN theses t ON t.id = s.thesis_id"
        " LEFT JOIN users u ON u.id = r.reviewer_id"
        " ORDER BY r.submission_id, r.created_at, r.id")).mappings().all()
    by_version: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_version.setdefault(row["submission_id"], []).append(dict(row))
    for decisions in by_version.values():
        for row in decisions:
            vote = row["reviewer_id"] is not None and (
                row["outcome_at"] is None
                or (row["rule"] == "all" and row["role"] != "admin"))
            if vote:
                conn.execute(sa.text(
                    "INSERT INTO review_votes (submission_id, member_id, decision, comment,"
                    " feedback_file_key, feedback_file_name, feedback_telegram_file_id,"
                    " grade, created_at) VALUES (:submission_id, :reviewer_id, :decision,"
                    " :comment, :feedback_file_key, :feedback_file_name,"
                    " :feedback_telegram_file_id, :grade, :created_at)"),
                    {name: row[name] for name in (
                        "submission_id", "reviewer_id", "decision", "comment", *FEEDBACK,
                        "grade", "created_at")})
            if row["outcome_at"] is None:
                conn.execute(sa.text("DELETE FROM reviews WHERE id = :id"), {"id": row["id"]})
                continue
            comment, grade = row["comment"], row["grade"]
            if row["decision"] == "approved":
                comment, grade = _said([d for d in decisions
                                        if d["decision"] == "approved"])
            conn.execute(sa.text(
                "UPDATE reviews SET comment = :comment, grade = :grade,"
                " created_at = :outcome_at WHERE id = :id"),
                {"comment": comment, "grade": grade, "outcome_at": row["outcome_at"],
                 "id": row["id"]})
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("uq_reviews_outcome",
                            postgresql_where=sa.text("outcome_at IS NOT NULL"),
                            sqlite_where=sa.text("outcome_at IS NOT NULL"))
        batch_op.drop_index(batch_op.f("ix_reviews_outcome_at"))
        batch_op.drop_constraint("uq_reviews_submission_reviewer", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_reviews_submission_id"), ["submission_id"])
        batch_op.drop_column("outcome_at")
