## A thesis over months: final, reopen, and leaving a step with a command.

thesis-final = final
status-turn-approved = ✅ Version { $version } approved — send the next version when it is ready.
status-turn-final = 🎓 Your thesis is final. To change it, ask your supervisor to reopen it.
error-no_thesis = There is no submission yet, so there is no thesis to change.
error-thesis_final = Your thesis is final; ask your supervisor to reopen it.
button-mark_final = Mark final
button-reopen = Reopen
final-now = { $student }'s thesis is now { $status }.
reopen-ask_reason = Reopening <b>{ $title }</b> of { $student }. Send a reason for them, or /skip.
reopen-need_text = Please send the reason as text, or /skip.
reopen-done = 🔓 { $student }'s thesis is reopened: changes requested. They have been told.
notify-thesis_final = 🎓 { $supervisor_name } marked your thesis <b>{ $title }</b> final (version { $version }). Congratulations! Uploads are closed unless it is reopened.
notify-thesis_reopened =
    🔓 { $supervisor_name } reopened your thesis <b>{ $title }</b>.{ $reason_line }
    Send the next version with /submit.
notify-reason_line =
    {""}
    💬 { $reason }
left-SubmitStates = Left the unfinished submission.
left-ReviewStates = Left the unfinished review.
left-DeadlineStates = Left the unfinished milestone.
left-ReopenStates = Left the unfinished reopening.
left-step = Left the unfinished step.
