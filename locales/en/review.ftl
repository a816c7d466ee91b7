## Reviewing: the card a supervisor gets, decisions, /queue, the daily digest.

review-pending = not reviewed yet
review-superseded = superseded
decision-approved = approved
decision-changes_requested = changes requested
decision-rejected = rejected
card-new_submission =
    📥 <b>New version</b> from { $student }
    <b>{ $title }</b> — version { $version }
    Submitted { $at }{ $note }
card-note =
    {""}
    💬 { $note }
button-approve = Approve
button-request_changes = Request changes
button-reject = Reject
card-outcome =
    {""}

    <b>{ $decision }</b> by { $reviewer } on { $at }
review-ask_comment_required = Your decision on version { $version } of <b>{ $title }</b>: { $decision }. Write your comment (up to { $max } characters), or send an annotated PDF/DOCX with an optional caption. /cancel to stop.
review-done = ✅ Recorded: <b>{ $decision }</b> for { $student }, version { $version }.
review-need_comment = Please write a comment as text, or send a PDF/DOCX file.
decision-notice =
    { $icon } Your supervisor { $reviewer } reviewed version { $version } of <b>{ $title }</b>: <b>{ $decision }</b>.{ $comment }{ $grade }

    { $next }
decision-comment =
    {""}

    💬 { $comment }
decision-grade =
    {""}
    Grade: <b>{ $grade }</b>/100
decision-next-approved = Congratulations! Send the next version with /submit when it is ready.
decision-next-changes_requested = Please revise your thesis and send a new version with /submit.
decision-next-rejected = Please talk to your supervisor about how to proceed.
queue-empty = 🎉 No versions are waiting for review.
queue-footer = <b>Waiting for review</b>: { $total } (page { $page } of { $pages })
queue-item =
    <b>{ $student }</b> — { $title }
    version { $version } · waiting { $age }
queue-prev = « Previous
queue-next = Next »
error-already_reviewed = Already reviewed by { $reviewer_name } on { $at }.
error-superseded = This version was superseded by version { $version }.
error-comment_required = A comment is required for this decision. Please write it.
error-comment_too_long = The comment is { $length } characters; the limit is { $max }. Please shorten it.
error-invalid_grade = The grade must be a whole number from 0 to 100, or /skip.
notify-review_digest = 📬 { $total ->
    [one] <b>{ $total } version</b> has
   *[other] <b>{ $total } versions</b> have
} waited more than { $days ->
    [one] { $days } day
   *[other] { $days } days
} for your review:
notify-review_digest-line = • { $student } — { $title }, v{ $version }, submitted { $submitted_at }
notify-review_digest-more = …and { $more } more.
notify-review_digest-button = Open the queue
review-asked_already = Already asked: the question is just below.
review-button-add_comment = Add comment
review-button-add_grade = Add grade
review-button-done = Done
review-button-close_them = Close them
review-button-keep_open = Keep open
review-ask_carry = { $total ->
    [one] { $total } requested change is still open
   *[other] { $total } requested changes are still open
}; this version addresses { $addressed } of them. Close them with the approval, or keep the other { $left } open for the next version?
review-need_carry = Please press Close them or Keep open.
review-approved = ✅ Approved: version { $version } of { $student }. { $student } is told when you press Done, or in { $seconds } seconds; a comment or a grade added meanwhile goes in the same message.
review-approved_already = Already approved. Add a comment or a grade with the buttons on the card, or press Done.
review-add_comment_ask = Write your comment (up to { $max } characters), or send an annotated PDF/DOCX with an optional caption. /skip adds nothing.
review-add_grade_ask = The grade, a whole number from 0 to 100? /skip adds nothing.
review-comment_added = 💬 Comment added.
review-grade_added = 🎓 Grade { $grade } added.
review-addition_held = { $student } gets it with the approval.
review-addition_told = { $student } has been told.
review-nothing_added = Nothing added.
review-told = ✅ Recorded: <b>approved</b> for { $student }, version { $version }. { $student } has been told.
review-told_already = ✅ Recorded: <b>approved</b> for { $student }, version { $version }. { $student } was told already.
review-vote_done = ✅ Recorded: your approval of version { $version } of { $student }.
left-AmendStates = Nothing more was added to your approval.
error-nothing_to_amend = Only the supervisor who approved this version can add to that approval.
decision-addition = { $icon } Your supervisor { $reviewer } added to the approval of version { $version } of <b>{ $title }</b>:{ $comment }{ $grade }
