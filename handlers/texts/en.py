"""English texts. Keys are stable; values are HTML for parse_mode=HTML.

Parameters are escaped by ``Texts`` before formatting, so user text renders literally.
"""

TEXTS: dict[str, str] = {
    # joining
    "start.unknown": (
        "👋 Welcome to <b>Thesis Supervisor</b>.\n\n"
        "To join, open the invite link your supervisor (or the administrator) sent you.\n"
        "Your Telegram id is <code>{user_id}</code>, should they ask for it."
    ),
    "start.registered.admin": "✅ You are an <b>administrator</b>. Send /help to see what you can do.",
    "start.registered.supervisor": (
        "✅ Welcome, {name}! You are registered as a <b>supervisor</b>.\n"
        "Invite your students with /invite. Send /help to see everything."
    ),
    "start.registered.student": (
        "✅ Welcome, {name}! You are registered as a <b>student</b> of {supervisor}.\n"
        "Send /submit to upload your thesis. Send /help to see everything."
    ),
    "start.already": "You are already registered as <b>{role}</b>, {name}.{supervisor_line}",
    "start.already.supervisor_line": "\nYour supervisor: {supervisor}.",
    "start.already.code_ignored": "\n(An invite only works for people who are not registered yet.)",
    "role.admin": "administrator",
    "role.supervisor": "supervisor",
    "role.student": "student",
    "help.admin": (
        "<b>Administrator</b>\n"
        "/invite [days] [uses] — invite a supervisor\n"
        "/invites — your open invites (revoke them there)\n"
        "/queue — every version waiting for review\n"
        "/stats — statistics\n"
        "/users — supervisors and students; deactivate or reactivate them\n"
        "/cancel — leave the current step"
    ),
    "help.supervisor": (
        "<b>Supervisor</b>\n"
        "/invite [days] [uses] — invite students (e.g. /invite 30 25 for a cohort)\n"
        "/invites — your open invites\n"
        "/queue — versions waiting for your review\n"
        "/students — your students and their progress (Mark final, Reopen)\n"
        "/deadline — set a milestone for one or all students\n"
        "/milestones — milestones and their status; Move opens one, where Extend gives "
        "one student more time\n"
        "/cancel — leave the current step (any other command leaves it too)"
    ),
    "help.student": (
        "<b>Student</b>\n"
        "/submit — upload a new version of your thesis (PDF or DOCX)\n"
        "/status — where your thesis stands\n"
        "/history — every version with its feedback\n"
        "/deadlines — your upcoming deadlines\n"
        "/cancel — leave the current step"
    ),
    "cmd.help": "Show help",
    "cmd.invite": "Create an invite link",
    "cmd.invites": "Open invites",
    "cmd.queue": "Versions waiting for review",
    "cmd.students": "Your students",
    "cmd.stats": "Statistics",
    "cmd.users": "People and their access",
    "cmd.deadline": "Set a milestone",
    "cmd.milestones": "Milestones",
    "cmd.submit": "Submit a version",
    "cmd.status": "Thesis status",
    "cmd.history": "All versions",
    "cmd.deadlines": "Upcoming deadlines",
    "cmd.cancel": "Cancel the current step",
    # invites
    "invite.created": (
        "🔗 Invite for a new <b>{role}</b>:\n{link}\n\n"
        "Code: <code>{code}</code>\nValid until {expires} · {uses_text}"
    ),
    "invite.uses.one": "single use",
    "invite.uses.many": "up to {uses} people",
    "invite.usage": "Usage: /invite [days 1–{max_days}] [uses 1–{max_uses}], e.g. <code>/invite 30 25</code>.",
    "invites.none": "You have no open invites. Create one with /invite.",
    "invites.header": "<b>Open invites</b> ({count}):",
    "invites.line": "• <code>{code}</code> — {role}, used {uses}/{max_uses}, until {expires}",
    "invites.revoke_button": "Revoke {short}",
    "invites.revoked": "Invite {short} revoked.",
    # submitting
    "submit.ask_title": "What is the title of your thesis? (1–{max} characters)",
    "submit.ask_file": (
        "Send your thesis as a <b>PDF</b> or <b>DOCX</b> file (at most {limit_mb} MB).\n"
        "/cancel to stop."
    ),
    "submit.ask_note": "Add a short note for your supervisor, or send /skip.",
    "submit.uploading": "⏳ Receiving your file…",
    "submit.received": (
        "✅ Version {version} received on {at}.\n"
        "Your supervisor has been notified. Check progress with /status."
    ),
    "submit.need_document": (
        "Please send your thesis as a file: a <b>PDF</b> or <b>DOCX</b> document (not a photo "
        "or text). /cancel to stop."
    ),
    "submit.need_text_note": "Please send the note as text, or /skip.",
    "submit.need_title": "Please send the title as text (1–{max} characters).",
    "error.no_supervisor": "You have no supervisor linked yet, so there is nobody to submit to.",
    "cancelled": "Cancelled. Nothing was changed.",
    "nothing_to_cancel": "There is nothing to cancel.",
    "fallback.text": "I did not understand that. Send /help to see what I can do.",
    "fallback.unsupported": (
        "I can't use that kind of message here. Send /help to see what I can do."
    ),
    "fallback.not_registered": (
        "You are not registered yet. Open the invite link from your supervisor. "
        "Your Telegram id is <code>{user_id}</code>."
    ),
    "fallback.not_allowed_command": "That command is not available to you. Send /help.",
    "group.private_only": (
        "Hello! I work only in private chats. Please message me directly: @{bot_username}"
    ),
    # status and history
    "status.none": "You have not submitted anything yet. Send /submit to start.",
    "status.view": (
        "<b>{title}</b>\nStatus: <b>{status}</b>\n"
        "Latest: version {version}, {at} — {review}\n{turn}"
    ),
    "status.turn.supervisor": "⏳ Waiting for your supervisor's review since {since}.",
    "status.turn.student": "✏️ Your turn: revise and send a new version with /submit.",
    "status.turn.rejected": "Your thesis was rejected. Talk to your supervisor, then /submit anew.",
    "thesis.draft": "draft",
    "thesis.submitted": "submitted, awaiting review",
    "thesis.changes_requested": "changes requested",
    "thesis.approved": "approved",
    "thesis.rejected": "rejected",
    "review.pending": "not reviewed yet",
    "review.superseded": "superseded",
    "decision.approved": "approved",
    "decision.changes_requested": "changes requested",
    "decision.rejected": "rejected",
    "history.none": "No versions yet.",
    "history.header": "<b>{title}</b> — {count} version(s):",
    "history.line": "<b>v{version}</b> · {at} · {size} · {decision}{comment}{grade}",
    "history.comment": "\n   💬 {comment}",
    "history.grade": " · grade {grade}",
    "history.file_button": "📄 v{version}",
    "history.feedback_button": "📝 feedback v{version}",
    # review
    "card.new_submission": (
        "📥 <b>New version</b> from {student}\n<b>{title}</b> — version {version}\n"
        "Submitted {at}{note}"
    ),
    "card.note": "\n💬 {note}",
    "button.approve": "Approve",
    "button.request_changes": "Request changes",
    "button.reject": "Reject",
    "card.outcome": "\n\n<b>{decision}</b> by {reviewer} on {at}",
    "review.ask_comment_optional": (
        "Approving version {version} of <b>{title}</b>. Add a comment, or /skip."
    ),
    "review.ask_comment_required": (
        "{decision} for version {version} of <b>{title}</b>: write your comment (up to {max} "
        "characters), or send an annotated PDF/DOCX with an optional caption. /cancel to stop."
    ),
    "review.ask_grade": "Add a grade from 0 to 100, or /skip.",
    "review.done": "✅ Recorded: <b>{decision}</b> for {student}, version {version}.",
    "review.need_comment": "Please write a comment as text, or send a PDF/DOCX file.",
    "review.alert.not_allowed": "You can't review this version.",
    "decision.notice": (
        "{icon} Your supervisor {reviewer} reviewed version {version} of <b>{title}</b>: "
        "<b>{decision}</b>.{comment}{grade}\n\n{next}"
    ),
    "decision.comment": "\n\n💬 {comment}",
    "decision.grade": "\nGrade: <b>{grade}</b>/100",
    "decision.next.approved": (
        "Congratulations! Send the next version with /submit when it is ready."
    ),
    "decision.next.changes_requested": "Please revise your thesis and send a new version with /submit.",
    "decision.next.rejected": "Please talk to your supervisor about how to proceed.",
    # queue and students
    "queue.empty": "🎉 No versions are waiting for review.",
    "queue.footer": "<b>Waiting for review</b>: {total} (page {page} of {pages})",
    "queue.item": "<b>{student}</b> — {title}\nversion {version} · waiting {age}",
    "queue.prev": "« Previous",
    "queue.next": "Next »",
    "age.minutes": "{n} min",
    "age.hours": "{n} h",
    "age.days": "{n} day(s)",
    "students.none": "No students yet. Invite them with /invite.",
    "students.none.admin": "Administrators supervise no students; each supervisor sees theirs with /students.",
    "students.header": "<b>Your students</b> ({count}):",
    "students.line": "• <b>{name}</b> — {title}: {status}{latest}{unreachable}",
    "students.line.no_thesis": "• <b>{name}</b> — no submission yet{unreachable}",
    "students.latest": ", v{version} on {at} ({days} days ago)",
    "students.unreachable": " ⚠️ has blocked the bot",
    "stats.view": (
        "<b>Statistics</b>\nUsers: {users}\nTheses: {theses}\n"
        "Submissions in the last 7 days: {week}\nMedian review time: {median}"
    ),
    "stats.none": "none",
    # errors by domain code
    "error.not_allowed": "Sorry, you are not allowed to do that.",
    "error.not_found": "That no longer exists.",
    "error.invite_invalid": "This invite code is not valid. Please ask for a new invite link.",
    "error.invite_expired": "This invite expired on {expired_at}. Please ask for a new one.",
    "error.invite_revoked": "This invite was revoked. Please ask for a new one.",
    "error.invite_used_up": "This invite has already been used. Please ask for a new one.",
    "error.invalid_title": "The title must be 1–{max} characters. Please send it again.",
    "error.file_too_large": "This file is too large: the limit is {limit_mb} MB. Please send a smaller file.",
    "error.empty_file": "This file is empty. Please send your thesis as a PDF or DOCX file.",
    "error.unsupported_document": "{reason_text} I accept PDF and DOCX files only.",
    "reason.not_pdf_or_docx": "This is not a PDF or DOCX document.",
    "reason.truncated_pdf": "This PDF is incomplete or damaged.",
    "reason.broken_zip": "This DOCX file is damaged.",
    "reason.not_docx": "This archive is not a Word (DOCX) document.",
    "reason.zip_bomb": "This DOCX file unpacks to an unreasonable size.",
    "error.duplicate_submission": "This file is identical to version {version}. Please send the revised file.",
    "error.already_reviewed": "Already reviewed by {reviewer_name} on {at}.",
    "error.superseded": "This version was superseded by version {version}.",
    "error.illegal_transition": "That is not possible while the thesis is {status}.",
    "error.comment_required": "A comment is required for this decision. Please write it.",
    "error.comment_too_long": "The comment is {length} characters; the limit is {max}. Please shorten it.",
    "error.invalid_grade": "The grade must be a whole number from 0 to 100, or /skip.",
    "error.invalid_deadline": "{reason_text}",
    "error.storage_unavailable": "⚠️ I could not store your file just now. Please try again in a minute.",
    "error.unavailable": "⚠️ The service is briefly unavailable. Please try again in a minute.",
    "error.unexpected": "😔 Something went wrong on our side. It has been logged; please try again.",
    "error.slow_down": "⏳ You are sending too fast. Please wait a few seconds.",
    "error.bad_button": "This button is no longer valid.",
    "error.source_unavailable": "⚠️ I could not fetch your file from Telegram. Please send it again.",
}
TEXTS.update({
    "notify.student_unreachable": (
        "⚠️ {student_name} has blocked the bot, so they no longer receive messages from it."
    ),
})
# issue 5: milestones, deadlines and reminders
TEXTS.update({
    "deadline.no_students": "You have no students yet, so there is nobody to set a deadline for.",
    "deadline.ask_student": "📅 <b>New milestone.</b> Who is it for?",
    "deadline.all_button": "👥 All my students ({count})",
    "deadline.all_students": "all your students",
    "deadline.ask_title": (
        "Milestone for {target}. What is it called? (e.g. <i>Chapter 2 draft</i>, "
        "1–{max} characters) /cancel to stop."
    ),
    "deadline.ask_due": (
        "When is it due? Send <code>YYYY-MM-DD</code> (that day, 23:59) or "
        "<code>YYYY-MM-DD HH:MM</code>, time zone {tz}. /cancel to stop."
    ),
    "deadline.need_text": "Please answer with text, or /cancel.",
    "deadline.created": (
        "✅ Milestone <b>{title}</b> set for {target}, due {due}. "
        "{count} student(s) have been told. See all with /milestones."
    ),
    "deadline.in": "in {left}",
    "deadline.ago": "{ago} ago",
    "milestone.line": "{icon} {number}<b>{title}</b>{student} — due {due} ({when}) · {status}",
    "milestone.student": " · {name}",
    "milestone.status.open": "open",
    "milestone.status.on_time": "submitted on time",
    "milestone.status.late": "submitted late",
    "milestone.status.overdue": "overdue",
    "milestones.none": "No milestones yet. Set one with /deadline.",
    "milestones.header": "<b>Milestones</b> ({count}):",
    "milestones.move_button": "✏️ Move {number}",
    "milestones.delete_button": "🗑 Delete {number}",
    "milestones.deleted": "🗑 Milestone <b>{title}</b> deleted.",
    "milestones.ask_new_due": (
        "Moving <b>{title}</b> for {student} (now due {due}). Send the new date: "
        "<code>YYYY-MM-DD</code> or <code>YYYY-MM-DD HH:MM</code>, time zone {tz}. /cancel to stop."
    ),
    "milestones.moved": "✅ <b>{title}</b> is now due {due}. The student has been told.",
    "deadlines.none": "You have no deadlines.",
    "deadlines.header": "<b>Your deadlines</b> ({count}):",
    "deadlines.block_header": "📅 <b>Upcoming deadlines</b>",
    "reason.deadline_format": (
        "I could not read that date. Please send <code>YYYY-MM-DD</code> or "
        "<code>YYYY-MM-DD HH:MM</code>, e.g. <code>2030-05-31 18:00</code>."
    ),
    "reason.deadline_past": "That moment has already passed. Please send a date in the future.",
    "reason.deadline_too_far": "That is too far ahead. Please send a date within three years.",
    "reason.deadline_title": "The milestone title must be 1–200 characters. Please send it again.",
    "reason.deadline_submitted": "This milestone is already met by a submission; it can't be moved.",
    "notify.deadline_set": (
        "📅 New milestone from {supervisor_name}: <b>{title}</b>, due {due_at}.\n"
        "Submit with /submit; see all your deadlines with /deadlines."
    ),
    "notify.deadline_moved": (
        "📅 {supervisor_name} moved <b>{title}</b>: now due {due_at} (was {old_due_at})."
    ),
    "notify.deadline_reminder": (
        "⏰ Reminder: <b>{title}</b> is due {left}, on {due_at}. Submit with /submit."
    ),
    "remind.left.7d": "in 7 days",
    "remind.left.3d": "in 3 days",
    "remind.left.1d": "tomorrow",
    "remind.left.12h": "in 12 hours",
    "remind.left.1h": "in 1 hour",
    "notify.deadline_overdue": (
        "❗ <b>{title}</b> was due {due_at} and nothing has been submitted. "
        "Please submit with /submit as soon as you can, or talk to your supervisor."
    ),
    "notify.student_overdue": "❗ <b>Overdue</b> ({count}):",
    "notify.student_overdue.line": "• {student} — <b>{title}</b>, due {due_at}",
    "notify.review_digest": "📬 <b>{total} version(s)</b> have waited more than {days} day(s) for your review:",
    "notify.review_digest.line": "• {student} — {title}, v{version}, submitted {submitted_at}",
    "notify.review_digest.more": "…and {more} more.",
    "notify.review_digest.button": "Open the queue",
})
# issue 6: reliability
TEXTS.update({
    "error.unavailable_retrying": (
        "⚠️ The service is briefly unavailable. I will handle your message as soon as it is "
        "back; there is no need to send it again."
    ),
    "error.foreign_button": "This button only works in a private chat with the bot.",
})
# issue 13: revocable access
TEXTS.update({
    "access.refused.deactivated": (
        "⛔ Your access has been deactivated by the administrator. Your data is kept; "
        "ask them to reactivate you."
    ),
    "access.refused.not_admin": "⛔ You are no longer an administrator of this bot.",
    "access.start.deactivated": (
        "⛔ Your access has been deactivated by the administrator, so the bot does not take "
        "your commands for now. Your data is kept; ask them to reactivate you."
    ),
    "access.start.not_admin": (
        "⛔ You are no longer an administrator of this bot, so it does not take your "
        "commands. Ask the person who runs it if this is a mistake."
    ),
    "notify.access_deactivated": (
        "⛔ The administrator has deactivated your access. Your data is kept; the bot will "
        "take your commands again once you are reactivated."
    ),
    "notify.access_reactivated": (
        "✅ The administrator has reactivated your access. Welcome back! Send /help to see "
        "what you can do."
    ),
    "users.none": "No supervisors or students yet. Invite supervisors with /invite.",
    "users.header": "<b>People</b> ({total}), page {page} of {pages}:",
    "users.line": "• {name} — {role}{deactivated}",
    "users.line.deactivated": " ⛔ deactivated",
    "users.person": "<b>{name}</b>{username}\nRole: {role}\nStatus: {status}",
    "users.username": " (@{username})",
    "users.status.active": "active",
    "users.status.deactivated": "deactivated since {at}",
    "users.deactivate": "Deactivate",
    "users.reactivate": "Reactivate",
    "users.back": "« All people",
    "users.deactivated": "{name} is deactivated.",
    "users.reactivated": "{name} is reactivated.",
    "users.already_deactivated": "{name} was already deactivated.",
    "users.already_reactivated": "{name} was already active.",
    "users.invites_revoked": " Their open invites ({count}) are revoked.",
    "error.cannot_change_access": "{reason_text}",
    "reason.self": "You cannot deactivate yourself.",
    "reason.configured_admin": (
        "This person is an administrator by configuration (ADMIN_IDS); remove them there."
    ),
})

# issue 15: a thesis over months, a chat that never blocks
TEXTS.update({
    "thesis.final": "final",
    "status.turn.approved": "✅ v{version} approved — send the next version when it is ready.",
    "status.turn.final": (
        "🎓 Your thesis is final. To change it, ask your supervisor to reopen it."
    ),
    "error.no_thesis": "There is no submission yet, so there is no thesis to change.",
    "error.thesis_final": "Your thesis is final; ask your supervisor to reopen it.",
    "button.mark_final": "Mark final",
    "button.reopen": "Reopen",
    "final.done": "🎓 {student}'s thesis <b>{title}</b> is final. They have been told.",
    "final.now": "{student}'s thesis is now {status}.",
    "reopen.ask_reason": (
        "Reopening <b>{title}</b> of {student}. Send a reason for them, or /skip."
    ),
    "reopen.need_text": "Please send the reason as text, or /skip.",
    "reopen.done": (
        "🔓 {student}'s thesis is reopened: changes requested. They have been told."
    ),
    "notify.thesis_final": (
        "🎓 {supervisor_name} marked your thesis <b>{title}</b> final (version {version}). "
        "Congratulations! Uploads are closed unless it is reopened."
    ),
    "notify.thesis_reopened": (
        "🔓 {supervisor_name} reopened your thesis <b>{title}</b>.{reason_line}\n"
        "Send the next version with /submit."
    ),
    "notify.reason_line": "\n💬 {reason}",
    # leaving a step with a command
    "left.SubmitStates": "Left the unfinished submission.",
    "left.ReviewStates": "Left the unfinished review.",
    "left.DeadlineStates": "Left the unfinished milestone.",
    "left.ReopenStates": "Left the unfinished reopening.",
    "left.step": "Left the unfinished step.",
    # invites
    "invite.share_button": "Share",
    "invite.share_text": "Join me on Thesis Supervisor",
    "invite.qr_caption": "📷 QR code of the invite link, for a slide: {link}",
    # extensions and deleted milestones
    "milestones.extend_button": "⏩ Extend {name}",
    "milestones.cohort": "\nSet for {count} students; give one of them more time:",
    "extend.ask_due": (
        "More time for {student} on <b>{title}</b> (due {due} for everyone, {own} for them). "
        "Send their own due date: <code>YYYY-MM-DD</code> or <code>YYYY-MM-DD HH:MM</code>, "
        "time zone {tz}. /cancel to stop."
    ),
    "extend.done": (
        "✅ {student} now has until {due} for <b>{title}</b>; the others keep their date. "
        "They have been told."
    ),
    "milestone.extended": " (extended)",
    "reason.extension_not_later": (
        "The new date must be later than the milestone's own due date. Please send another."
    ),
    "notify.milestone_extended": (
        "📅 {supervisor_name} gave you more time for <b>{title}</b>: now due {due_at} for you."
    ),
    "notify.milestone_deleted": (
        "🗑 {supervisor_name} deleted the milestone <b>{title}</b> (was due {due_at})."
    ),
})

# feature: leftovers (deactivated supervisors' cards)
TEXTS.update({
    "leftovers.card.supervisor_deactivated": (
        "⚠️ Sent to you because their supervisor {supervisor} is deactivated."
    ),
})

# feature: team (issue 17: co-supervision)
TEXTS.update({
    # roles and markers
    "team.role.supervisor": "supervisor",
    "team.role.co_supervisor": "co-supervisor",
    "team.role.examiner": "examiner",
    "team.marker.co_supervisor": " · <i>co-supervised</i>",
    "team.marker.examiner": " · <i>co-supervised (examiner)</i>",
    # the team view
    "team.button.view": "👥",
    "team.view.header": "👥 <b>Thesis team of {student}</b> {title}",
    "team.view.member": "• {name} — {role}{inactive}",
    "team.view.inactive": " (deactivated)",
    "team.view.rule.any": "Approval: any — the first decision by a supervisor decides.",
    "team.view.rule.all": (
        "Approval: all — every supervisor and co-supervisor must approve; the first "
        "Request changes or Reject decides at once."
    ),
    "team.view.grade": "Examiner's grade: {grade}",
    "team.button.add_co": "Add co-supervisor",
    "team.button.add_examiner": "Add examiner",
    "team.button.rule_any": "Approval: any",
    "team.button.rule_all": "Approval: all",
    "team.button.remove": "Remove {name}",
    "team.button.grade": "Grade",
    "team.invite.created": (
        "🔗 Invite for the {role} of {student}'s thesis (single use, valid until {expires}):\n"
        "{link}"
    ),
    "team.removed": "{member} was removed from {student}'s thesis team. The team has been told.",
    "team.rule.set": "{student}'s thesis. {rule}",
    # joining
    "team.start.registered": (
        "✅ Welcome, {name}! You are registered as a supervisor and joined the thesis team "
        "of {student} as {role}. Send /help to see what you can do."
    ),
    "team.start.joined": "✅ {name}, you joined the thesis team of {student} as {role}.",
    # notifications
    "team.notify.joined": "👥 {member} joined the thesis team of {student} as {role}.",
    "team.notify.left": "👥 {member} ({role}) was removed from the thesis team of {student} "
                        "by {by}.",
    "team.notify.graded": (
        "🎓 {examiner} (examiner) graded the thesis <b>{title}</b> of {student}: {grade}."
    ),
    # decisions by a team
    "team.card.progress": "\n\nApproved by {approved} · waiting for {waiting}",
    "team.review.waiting": (
        "✅ Recorded your approval of {student}'s version {version}. Waiting for {waiting}."
    ),
    # the examiner's grade
    "team.grade.ask": "Grading <b>{title}</b> of {student}. Send the grade (0–100).",
    "team.grade.ask_report": "Now the report: send it as text, or as a PDF/DOCX file.",
    "team.grade.done": "✅ Grade {grade} recorded for {student}. They and the team have been told.",
    "team.history.grades": "🎓 Grades: supervisor {supervisor} · examiner {examiner}",
    "team.history.no_grade": "—",
    "team.history.report": "📝 Examiner's report: {report}",
    "team.history.report_button": "📝 examiner's report",
    "left.GradeStates": "Left the unfinished grading.",
    # errors
    "error.team_already_member": "You are on the thesis team of {student} already.",
    "error.team_examiner_taken": "This thesis has an examiner already.",
    "error.team_cannot_remove_supervisor": "The supervisor cannot be removed from the team.",
    "error.team_not_final": "The examiner grades a final thesis only.",
    "error.team_already_graded": "This thesis has been graded by its examiner already.",
    "error.team_report_required": "Please send the report as text or as a PDF/DOCX file.",
})

# feature: threads (a conversation per version, supervisor-only notes, requested changes as a
# checklist)
TEXTS.update({
    # threads
    "threads.reply_button": "💬 Reply",
    "threads.ask_comment": (
        "💬 Your comment on version {version} of <b>{title}</b>: write it (up to {max} "
        "characters), or send a PDF/DOCX with the text as its caption. /cancel to stop."
    ),
    "threads.need_comment": (
        "Please write your comment as text, or send a PDF/DOCX file. /cancel to stop."
    ),
    "threads.sent": "✅ Your comment on version {version} was sent.",
    "threads.saved": "✅ Your comment on version {version} was saved in its thread.",
    "threads.comment.by_student": (
        "💬 <b>{author}</b> commented on version {version} of <b>{title}</b>:{text}{file}"
    ),
    "threads.comment.to_student": (
        "💬 <b>{author}</b> on your version {version} of <b>{title}</b>:{text}{file}"
    ),
    "threads.comment.to_supervisor": (
        "💬 <b>{author}</b> on {student}'s version {version} of <b>{title}</b>:{text}{file}"
    ),
    "threads.comment.text": "\n\n{text}",
    "threads.comment.file": "\n📎 {name}",
    "threads.comment.reply_hint": "\n\n<i>Reply to this message to answer.</i>",
    "threads.history_count": " · 💬 {count}",
    "threads.read_button": "💬 v{version} ({count})",
    "threads.view.header": (
        "💬 <b>Version {version}</b> of <b>{title}</b>: {total} comment(s), page {page} of "
        "{pages}"
    ),
    "threads.view.entry": "\n\n<b>{author}</b> · {at}{text}{file}",
    "threads.view.empty": (
        "No comments on version {version} yet. Reply to its notice, or press 💬 Reply."
    ),
    "threads.older": "« Older",
    "threads.newer": "Newer »",
    "threads.file_button": "📎 {n}",
    # supervisor-only notes
    "threads.note_button": "📝 Note",
    "threads.ask_note": (
        "📝 A note about {student}, for the supervisors only: students never see it. Up to "
        "{max} characters. /cancel to stop."
    ),
    "threads.need_note": "Please write the note as text. /cancel to stop.",
    "threads.note_saved": "📝 Note about {student} saved; it is listed in their view.",
    "threads.notes.header": "📝 <b>Notes</b> (supervisors only):",
    "threads.notes.line": "• {at} · {author}: {text}",
    "error.empty_comment": "The comment is empty. Please write something, or send a PDF/DOCX.",
    "left.ThreadStates": "Left the unfinished comment.",
    "left.NoteStates": "Left the unfinished note.",
    # requested changes as a checklist
    "checklist.ask": "Which of the requested changes does this version address?",
    "checklist.ask.line": "\n{n}. {text}",
    "checklist.ask.hint": "\n\nTick them, then press <b>Done</b>; /skip if none.",
    "checklist.off": "⬜ {label}",
    "checklist.on": "✅ {label}",
    "checklist.done": "Done",
    "checklist.picked": "📋 This version addresses {count} of {total} requested change(s).",
    "checklist.need_buttons": (
        "Please tick the changes this version addresses with the buttons, then press Done "
        "(/skip if none)."
    ),
    "checklist.card": "\n\n📋 <b>Addressed {addressed}/{total}</b>{lines}",
    "checklist.card.line": "\n{mark} {text}",
    "checklist.card.more": "\n… and {more} more",
    "checklist.notice": "\n\n📋 <b>Requested changes</b>:{lines}",
    "checklist.notice.carried": "\n\nStill open from earlier rounds:{lines}",
    "checklist.line": "\n{n}. {text}",
    "checklist.status": "\n\n📋 <b>Open requested changes</b> ({count}):{lines}",
    "checklist.ask_carry": (
        "{total} earlier requested change(s) are open; this version addresses {addressed} "
        "of them (those are closed now). Keep the other {left} open, to carry over into the "
        "next round with the new ones, or close them all?"
    ),
    "checklist.keep": "Keep open items",
    "checklist.close_all": "Close all",
    "checklist.need_carry": "Please press Keep open items or Close all (/skip keeps them).",
})

# feature: progress (issue 22: progress on long work; issue 13: background uploads)
TEXTS.update({
    "progress.upload": "⏳ Receiving your file… {percent} %",
    "progress.interrupted": (
        "⚠️ Receiving your file was interrupted; it is tried again by itself, no need to send it."
    ),
    "progress.background": (
        "⏳ Receiving your file… {percent} %\nA big file: I will write here when it is in. "
        "/cancel stops it."
    ),
    "error.upload_cancelled": "✖️ Cancelled: the file was not kept.",
    "error.upload_still_arriving": (
        "⏳ Your file is still arriving; I will ask for the note when it is in. /cancel stops it."
    ),
    "error.upload_gave_up": (
        "⚠️ I could not receive your file after several attempts. Please send it again."
    ),
    "progress.received": "✅ File received.",
})

# feature: meetings, calendar feeds and exports (issue 21)
TEXTS.update({
    # help and menus (these four replace existing texts: the new commands are listed)
    "help.admin": (
        "<b>Administrator</b>\n"
        "/invite [days] [uses] — invite a supervisor\n"
        "/invites — your open invites (revoke them there)\n"
        "/queue — every version waiting for review\n"
        "/stats — statistics\n"
        "/users — supervisors and students; deactivate or reactivate them\n"
        "/export — everyone's students, theses, versions and meetings (CSV, XLSX, ZIP)\n"
        "/calendar — your private calendar link\n"
        "/mydata — everything the bot holds about you\n"
        "/cancel — leave the current step"
    ),
    "help.supervisor": (
        "<b>Supervisor</b>\n"
        "/invite [days] [uses] — invite students (e.g. /invite 30 25 for a cohort)\n"
        "/invites — your open invites\n"
        "/queue — versions waiting for your review\n"
        "/students — your students and their progress (Mark final, Reopen)\n"
        "/deadline — set a milestone for one or all students\n"
        "/milestones — milestones and their status; Move opens one, where Extend gives "
        "one student more time\n"
        "/meeting — set a meeting with one or all students\n"
        "/meetings — upcoming and past meetings, their records; move or cancel one\n"
        "/calendar — milestones and meetings in your own calendar app\n"
        "/export — your students' data as CSV and XLSX, or their latest versions as a ZIP\n"
        "/mydata — everything the bot holds about you\n"
        "/cancel — leave the current step (any other command leaves it too)"
    ),
    "help.student": (
        "<b>Student</b>\n"
        "/submit — upload a new version of your thesis (PDF or DOCX)\n"
        "/status — where your thesis stands\n"
        "/history — every version with its feedback, and your meetings\n"
        "/deadlines — your upcoming deadlines\n"
        "/meetings — your meetings and their records\n"
        "/calendar — deadlines and meetings in your own calendar app\n"
        "/mydata — everything the bot holds about you\n"
        "/cancel — leave the current step"
    ),
    "cmd.meeting": "Set a meeting",
    "cmd.meetings": "Meetings",
    "cmd.calendar": "Your calendar link",
    "cmd.export": "Export data",
    "cmd.mydata": "Your data",
    "left.MeetingStates": "Left the unfinished meeting step.",
    # /meeting
    "meeting.no_students": "You have no students yet. Invite them with /invite.",
    "meeting.ask_student": "🗓 <b>New meeting.</b> Who is it with?",
    "meeting.all_button": "👥 All my students ({count})",
    "meeting.all_students": "all your students",
    "meeting.ask_title": (
        "Meeting with {target}. What is it about? (e.g. <i>Chapter 2 feedback</i>, "
        "1–{max} characters) /cancel to stop."
    ),
    "meeting.ask_when": (
        "When? Send <code>YYYY-MM-DD HH:MM</code>, time zone {tz}. /cancel to stop."
    ),
    "meeting.ask_place": "Where? Send a room or a video link, or /skip.",
    "meeting.need_text": "Please answer with text, or /cancel.",
    "meeting.created": (
        "✅ Meeting <b>{title}</b> with {target} on {at}. {count} student(s) have been asked "
        "to confirm; you will see their answers. See all with /meetings."
    ),
    "meeting.confirm_button": "Confirm",
    "meeting.decline_button": "Can't make it",
    "meeting.agree_button": "Agree",
    "meeting.correct_button": "✏️ Correction",
    "meeting.add_notes_button": "📝 Notes and action items",
    "meeting.you_confirmed": "✅ You confirmed <b>{title}</b> on {at}.",
    "meeting.you_declined": "🚫 You can't make <b>{title}</b> on {at}; your supervisor is told.",
    "meeting.agreed": "👍 You agreed to the record of <b>{title}</b>.",
    "meeting.ask_correction": (
        "What should the record of <b>{title}</b> say instead? Send your correction; it goes "
        "to your supervisor. /cancel to stop."
    ),
    "meeting.correction_sent": "✉️ Your correction of <b>{title}</b> went to your supervisor.",
    "meeting.cancelled": "🗑 Meeting <b>{title}</b> on {at} is cancelled; the students are told.",
    "meeting.ask_new_when": (
        "Moving <b>{title}</b> (now {at}). The new date and time? "
        "<code>YYYY-MM-DD HH:MM</code>, time zone {tz}. /cancel to stop."
    ),
    "meeting.moved": "✅ <b>{title}</b> is now on {at}; the students are told and asked again.",
    "meeting.ask_notes": (
        "📝 The record of <b>{title}</b>: send the notes; each line starting with <code>-</code> "
        "is an action item. /cancel to stop."
    ),
    "meeting.recorded": "✅ Record of <b>{title}</b> saved and sent to {count} student(s).",
    "meeting.record.notes": "📝 {notes}",
    "meeting.record.items_header": "<b>Action items</b>",
    "meeting.record.item": "{number}. {text}",
    "meeting.item_button": "🎯 Milestone {number}: {text}",
    "meeting.item_done": (
        "🎯 <b>{text}</b> is a milestone for {count} student(s), due {due}; move it in "
        "/milestones."
    ),
    "meeting.line": "{number}🗓 <b>{title}</b> — {at}{place} · {state}{who}",
    "meeting.line.place": " · {place}",
    "meeting.line.who": "\n   {names}",
    "meeting.line.mine": " · you: {answer}",
    "meeting.state.upcoming": "upcoming",
    "meeting.state.past": "past",
    "meeting.answer.pending": "not answered",
    "meeting.answer.confirmed": "confirmed",
    "meeting.answer.declined": "can't make it",
    "meeting.left.1d": "tomorrow",
    "meeting.left.1h": "in 1 hour",
    "meetings.none": "No meetings yet.",
    "meetings.header": "<b>Meetings</b>: {upcoming} upcoming, {past} past",
    "meetings.block_header": "🗓 <b>Upcoming meetings</b>",
    "meetings.history_header": "🗓 <b>Meetings</b> ({count})",
    "meetings.move_button": "✏️ Move {number}",
    "meetings.cancel_button": "🗑 Cancel {number}",
    "meetings.notes_button": "📝 Notes {number}",
    "error.invalid_meeting": "{reason_text}",
    "reason.meeting_title": "The meeting's title must be 1–200 characters. Please send it again.",
    "reason.meeting_place": "That is too long for a place or a link. Please send it again.",
    "reason.meeting_past": "That moment has already passed. Please send a time in the future.",
    "reason.meeting_started": "This meeting has already started.",
    "reason.meeting_not_yet": "The record can be written once the meeting has started.",
    "reason.meeting_record_empty": "Please send the notes (text), or /cancel.",
    "reason.meeting_record_long": "The record is too long. Please send it shorter.",
    "reason.meeting_items": (
        "At most 20 action items, each within 200 characters. Please send it again."
    ),
    "reason.meeting_item_done": "This action item is a milestone already.",
    "reason.meeting_no_record": "This meeting has no record yet.",
    "reason.meeting_correction": "Please send the correction as text within 2000 characters.",
    # notifications
    "notify.meeting_invited": (
        "🗓 {supervisor_name} set a meeting{group}: <b>{title}</b> on {at}{place}. "
        "Can you come?"
    ),
    "notify.meeting_group": " with all their students",
    "notify.meeting_answered.confirmed": "✅ {student} confirmed <b>{title}</b> on {at}.",
    "notify.meeting_answered.declined": "🚫 {student} can't make <b>{title}</b> on {at}.",
    "notify.meeting_reminder": "⏰ Meeting <b>{title}</b> {left}: {at}{place}.",
    "notify.meeting_notes_request": (
        "📝 How did <b>{title}</b> ({at}) go? Send its notes and action items."
    ),
    "notify.meeting_record": "📝 {supervisor_name}'s record of <b>{title}</b> ({at}):",
    "notify.meeting_agreed": "👍 {student} agreed to the record of <b>{title}</b>.",
    "notify.meeting_correction": (
        "✏️ {student} suggests a correction to the record of <b>{title}</b>:\n{correction}"
    ),
    "notify.meeting_moved": (
        "🗓 {supervisor_name} moved <b>{title}</b>: now on {at} (was {old}){place}. "
        "Can you come?"
    ),
    "notify.meeting_cancelled": "🗑 {supervisor_name} cancelled <b>{title}</b> on {at}.",
    # /calendar
    "calendar.link": (
        "📆 Your private calendar (milestones and meetings). Subscribe to it in your "
        "calendar app:\n<code>{url}</code>\n\nAnyone with the link sees it: Reset link "
        "makes a new one and the old one stops working."
    ),
    "calendar.reset": (
        "🔁 New link (the old one no longer works):\n<code>{url}</code>"
    ),
    "calendar.reset_button": "Reset link",
    # /export and /mydata
    "export.ask.mine": "📤 Export your students' data:",
    "export.ask.all": "📤 Export everyone's data:",
    "export.table_button": "📊 Students, theses, versions, meetings (CSV + XLSX)",
    "export.latest_button": "🗂 Latest versions (ZIP)",
    "export.working": "Preparing the export…",
    "export.latest_none": "There are no versions to export yet.",
    "export.latest_caption": "🗂 The latest version of {count} thesis(es).",
    "export.link": (
        "📦 The export is too big for Telegram. Download it here until {expires}:\n{url}"
    ),
    "mydata.caption": "🔐 Everything the bot holds about you: your rows (data.json) and files.",
})

# feature: webapp (the Mini App)
TEXTS.update({
    "webapp.open_button": "Open dashboard",
    "webapp.menu_button": "Dashboard",
})

# feature: what changed since the last version (comparison)
TEXTS.update({
    "compare.summary": "\n🔍 <b>What changed since v{base}</b>: {details}",
    "compare.no_text": "\n🔍 no text layer: comparison not available",
    "compare.pages": "{delta} pages",
    "compare.words": "{added} words (−{removed})",
    "compare.share": "{share} % of the text changed",
    "compare.unchanged": "the text is the same",
    "compare.added_one": "new section {sections}",
    "compare.added_many": "new sections {sections}",
    "compare.changed": "changed {sections}",
    "compare.removed": "removed {sections}",
    "compare.more": " and {count} more",
    "compare.front": "the start",
    "compare.button": "🔍 What changed",
    "compare.history_button": "🔍 v{version}",
    "error.comparison_not_ready": (
        "There is no comparison of version {version} with the one before yet (it is made "
        "a few seconds after the upload, when the file has a text layer)."
    ),
})
