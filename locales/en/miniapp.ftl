## The Mini App (webapp/app.js and the review desk, webapp/desk.js), served to the page by
## GET /api/texts in the user's language. Keys are app-*; dates come formatted by the page.

app-name = Thesis Supervisor
app-guide = Guide
app-back = ‹ Back
app-views = Views
app-loading = Loading…
app-reopen = Open the dashboard again from the bot's menu button in Telegram.
app-tab_thesis = My thesis
app-tab_students = Students
app-tab_queue = Queue
app-tab_overview = Overview
app-role_student = student
app-role_supervisor = supervisor
app-role_admin = admin
app-status_draft = Draft
app-status_submitted = Waiting for review
app-status_changes_requested = Changes requested
app-status_approved = Approved
app-status_rejected = Rejected
app-status_final = Final
app-no_thesis = No thesis
app-size_bytes = { $size } B
app-size_kb = { $size } KB
app-size_mb = { $size } MB
app-supervisor = supervisor { $name }
app-versions = { $count ->
    [one] { $count } version
   *[other] { $count } versions
}
app-nothing_yet = Nothing yet.
app-no_thesis_yet = No thesis submitted yet.
app-someone = someone
app-version_submitted = Version { $version } submitted
app-version_pending = waiting for review
app-version_superseded = superseded by a later version
app-open_desk = 📖 Open in the desk
app-changes = What changed since v{ $base }:
app-changes_no_text = no text layer, no comparison
app-changes_pages = { $delta ->
    [one] { $delta } page
   *[other] { $delta } pages
}
app-changes_words = +{ $added } words (−{ $removed })
app-changes_share = { $share } % of the text changed
app-changes_added = { $count ->
    [one] new section { $sections }
   *[other] new sections { $sections }
}
app-changes_changed = changed { $sections }
app-changes_front = the start
app-changes_removed = removed { $sections }
app-changes_detail = ⬇ The comparison in detail
app-passages_changed = { $count ->
    [one] { $count } commented passage changed
   *[other] { $count } commented passages changed
}
app-passages_unchanged = { $count ->
    [one] { $count } commented passage unchanged
   *[other] { $count } commented passages unchanged
}
app-passages_removed = { $count ->
    [one] { $count } commented passage removed
   *[other] { $count } commented passages removed
}
app-thread = { $count ->
    [one] { $count } comment
   *[other] { $count } comments
}
app-attached = 📎 { $name }
app-attached_voice = 🎤 Voice message, { $duration }
app-attached_photo = 🖼 Photo, { $size } KB
app-decision_approved = Approved — version { $version }
app-decision_changes_requested = Changes requested — version { $version }
app-decision_rejected = Rejected — version { $version }
app-grade = Grade: { $grade }
app-checklist = { $count ->
    [one] Requested change
   *[other] Requested changes ({ $count })
}
app-item_open = open
app-item_addressed = open, addressed by v{ $version }
app-item_closed = done
app-milestone_met = Milestone met: { $title }
app-milestone_overdue = Milestone overdue: { $title }
app-milestone_due = Milestone due: { $title }
app-milestone_when = Due { $due }
app-milestone_extended = (extended; cohort { $cohort })
app-meeting = Meeting: { $title }
app-move_finalize = Declared final by { $by }
app-move_reopen = Reopened by { $by }
app-examiner = Examiner's grade ({ $by })
app-col_student = Student
app-col_status = Status
app-col_version = Version
app-col_days_waiting = Days waiting
app-col_last_upload = Last upload
app-col_urgency = Urgency
app-urgency_waiting = ⏳ waiting
app-urgency_overdue = ⚠️ overdue
app-urgency_silent = 💤 silent
app-urgency_none = 📭 no submission
app-silent_days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
app-filter_waiting = Waiting ({ $count })
app-filter_overdue = Overdue ({ $count })
app-filter_silent = Silent ({ $count })
app-filter_all = All ({ $count })
app-deactivated = (deactivated)
app-no_students = No students.
app-filter = Filter by status
app-all_statuses = All statuses
app-students_total = { $count ->
    [one] { $count } student
   *[other] { $count } students
}
app-previous = ‹ Previous
app-next = Next ›
app-page = Page { $page } of { $pages }
app-submissions_over_time = Submissions over time
app-no_versions = No versions yet.
app-chart_version = version
app-queue_title = Review queue
app-queue_total = { $count ->
    [one] { $count } version waiting
   *[other] { $count } versions waiting
}
app-queue_empty = Nothing is waiting for you.
app-queue_item = { $title } — version { $version }
app-waiting_days = { $count ->
    [one] waiting { $count } day
   *[other] waiting { $count } days
}
app-waiting_hours = { $count ->
    [one] waiting { $count } hour
   *[other] waiting { $count } hours
}
app-timeline = Timeline
app-download = ⬇ Download
app-fig_students = { $count ->
    [one] student
   *[other] students
}
app-fig_supervisors = { $count ->
    [one] supervisor
   *[other] supervisors
}
app-fig_week = { $count ->
    [one] version this week
   *[other] versions this week
}
app-fig_median = median review
app-hours = { $hours } h
app-per_week = Submissions per week
app-turnaround = Review turnaround (90 days)
app-waiting_per_supervisor = Waiting versions per supervisor
app-nothing_waiting = Nothing is waiting.
app-chart_versions = versions
app-chart_decisions = decisions
app-chart_waiting = waiting
app-desk_failed = The document viewer could not be loaded; try again.
app-desk_title = Version { $version }
app-desk_toolbar = Document tools
app-desk_pages = Pages
app-desk_thumbnails = Page thumbnails
app-desk_go_to_page = Go to page { $page }
app-desk_zoom_in = Zoom in
app-desk_zoom_out = Zoom out
app-desk_page = Page { $page } of { $pages }
app-desk_page_image = Page { $page }
app-desk_find = Find
app-desk_find_label = Find in the text
app-desk_find_placeholder = Find in the text
app-desk_finding = Searching…
app-desk_found = { $count ->
    [0] Not found.
    [one] Found { $count } time.
   *[other] Found { $count } times.
}
app-desk_found_on = { $count ->
    [one] Found on page { $pages }.
   *[other] Found on { $count } pages: { $pages }.
}
app-desk_region = ▭ Mark a region
app-desk_region_hint = Drag over the page to mark a region, then write your comment.
app-desk_comments = Comments on passages
app-desk_earlier = Comments on earlier versions
app-desk_how_to_comment = Select a sentence on a page (or mark a region) to comment on it.
app-desk_no_comments = No comments on passages.
app-desk_comment_on_text = Comment on page { $page }:
app-desk_comment_on_region = Comment on a region of page { $page }
app-desk_comment_label = Your comment
app-desk_comment_save = Save comment
app-desk_cancel = Cancel
app-desk_comment_empty = Write a comment first.
app-desk_comment_saved = Comment saved. It goes to the student with Request changes.
app-desk_where = p. { $page }
app-desk_version_short = v{ $version }
app-desk_draft = not sent yet
app-desk_open = open
app-desk_closed = done
app-desk_delete = Delete
app-desk_delete_label = Delete the comment on page { $page }
app-desk_passage_changed = { $page ->
    [0] passage changed
   *[other] passage changed, p. { $page }
}
app-desk_passage_unchanged = { $page ->
    [0] passage unchanged
   *[other] passage unchanged, p. { $page }
}
app-desk_passage_removed = passage removed
app-desk_decide = Decision
app-desk_drafts_go_with = { $count ->
    [0] No comment on a passage yet.
    [one] { $count } comment on a passage goes with Request changes.
   *[other] { $count } comments on passages go with Request changes.
}
app-desk_decision_comment = Comment for the student (required to reject)
app-desk_approve = Approve
app-desk_request_changes = Request changes
app-desk_reject = Reject
app-desk_decided_approved = Approved. The student is told.
app-desk_decided_changes_requested = { $count ->
    [0] Changes requested. The student is told.
    [one] Changes requested, with { $count } item. The student is told.
   *[other] Changes requested, with { $count } items. The student is told.
}
app-desk_decided_rejected = Rejected. The student is told.
app-desk_decision_waiting = Your approval is recorded; the other supervisors are still to decide.
app-desk_text_not_ready = The text of this version is not read yet; try again in a few seconds.
app-tab_topics = Topics
app-topics_search = Search topics
app-topics_language = Language
app-topics_any_language = Any language
app-topics_tag = Tag
app-topics_any_tag = Any tag
app-topics_total = { $count ->
    [one] 1 open topic
   *[other] { $count } open topics
}
app-topics_empty = No open topics match.
app-topics_requirements = Requirements: { $text }
app-topics_places = { $count ->
    [one] 1 place
   *[other] { $count } places
}
app-topics_proposal = a proposal first
app-topics_apply = To apply, send the bot in the chat: /start { $start }
app-roster_title = Import a roster
app-roster_choose = The department's roster as a CSV or XLSX file (the columns are in the template of /roster in the chat):
app-roster_create = { $supervisors ->
        [one] { $supervisors } supervisor
       *[other] { $supervisors } supervisors
    } and { $students ->
        [one] { $students } student
       *[other] { $students } students
    } to create.
app-roster_updated = { $count ->
        [one] { $count } pending person to update.
       *[other] { $count } pending people to update.
    }
app-roster_unchanged = { $count ->
        [one] { $count } row already imported, nothing to change.
       *[other] { $count } rows already imported, nothing to change.
    }
app-roster_problem = Row { $row }: { $reason }
app-roster_reason_unknown_supervisor = unknown supervisor
app-roster_reason_duplicate = duplicate
app-roster_reason_bad_email = bad e-mail
app-roster_reason_title_too_long = title too long
app-roster_reason_no_name = no name
app-roster_reason_bad_role = unknown role
app-roster_import = Import
app-roster_imported = ✅ Roster imported. Send everyone their personal link from /roster in the chat.
app-roster_unreadable = This file could not be read as a roster: a CSV or XLSX file whose first row names at least the name, role and email columns.
