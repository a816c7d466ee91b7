# The defence (handlers/defence.py, services/defence.py) and reopening a released grade.
left-DefenceStates = Left the unfinished defence step (nothing was changed).
left-ReopenGradeStates = Left reopening the grade (nothing was changed).

defence-button-schedule = 🎓 Schedule defence
defence-button-confirm = Confirm
defence-button-decline = Can't make it
defence-button-minutes = 📝 Record minutes
defence-ask-when = 🎓 Defence of <b>{ $title }</b> ({ $student }). When? Send the date and time, e.g. <code>15.06.2027 10:00</code> (time zone { $tz }), or pick one below. /cancel to stop.
defence-ask-place = Where? Send the room or the video link.
defence-ask-externals = External committee members: their names separated by commas, or <code>-</code> for none. The thesis team is on the committee already.
defence-ask-taker = Who takes the minutes?
defence-scheduled = ✅ Defence of <b>{ $title }</b> ({ $student }) on { $at }, { $place }. Committee: { $committee }. Minute-taker: { $taker }. Everyone has been asked to confirm, and it is in their calendar feeds.
defence-ics_caption = The defence as a calendar file, for the external members.
defence-notify-student = 🎓 Your defence of <b>{ $title }</b> is on { $at }, { $place }. Committee: { $committee }. Can you come?
defence-notify-member = 🎓 Defence of <b>{ $title }</b> ({ $student }) on { $at }, { $place }. Committee: { $committee }. Minute-taker: { $taker }. Can you come?
defence-notify-taker = You take the minutes: after the start, press <b>Record minutes</b>.
defence-notify-answer-confirmed = ✅ { $name } confirmed the defence of <b>{ $title }</b> ({ $student }) on { $at }.
defence-notify-answer-declined = 🚫 { $name } can't make the defence of <b>{ $title }</b> ({ $student }) on { $at }.
defence-answered-confirmed = ✅ You confirmed the defence of <b>{ $title }</b> on { $at }.
defence-answered-declined = 🚫 You can't make the defence of <b>{ $title }</b> on { $at }; whoever scheduled it is told.
defence-ask-minutes = 📝 Minutes of the defence of <b>{ $title }</b> ({ $student }): send them as text.
defence-ask-mark = The <b>{ $name }</b> component: its mark, 0–100?
defence-recorded = ✅ The minutes of the defence of <b>{ $title }</b> ({ $student }) are recorded. The student sees them only when the assessment is released.
defence-recorded_agreed = The agreed grade is complete now and waits for Release.

error-invalid_defence = { $reason_text }
reason-defence_externals = Up to 5 names, separated by commas, each up to 120 characters; or <code>-</code> for none. Please send them again.
reason-defence_minutes_empty = The minutes cannot be empty. Please send them as text.
reason-defence_minutes_long = The minutes can be up to 3500 characters. Please send a shorter text.
reason-defence_not_final = A defence is scheduled for a final thesis whose assessment is still open.
reason-defence_place = Please send the room or the video link.
reason-defence_past = That moment has already passed. Please pick a time in the future.
reason-defence_recorded = The minutes of this defence are recorded already; it cannot be moved.
reason-defence_started = The defence has started already.
reason-defence_not_minute_taker = Only the minute-taker records the minutes.
reason-defence_not_yet = The defence has not begun yet: the minutes are recorded after its start.
reason-defence_mark = A mark is a whole number from 0 to 100.

assess-button-reopen = Reopen grade
assess-reopen-ask = Why is the released grade of <b>{ $title }</b> ({ $student }) reopened? The reason is recorded and the student is told it.
assess-reopen-ask_again = Please send the reason as text, or /cancel.
assess-reopen-done = ✅ The grade of { $student } is reopened: the markers agree again, and the student has been told.
assess-notify-reopened = ⚖️ The released grade of <b>{ $title }</b> ({ $student }) has been reopened by { $by }: { $reason }. Please agree on a grade again: propose one or accept a proposal.
assess-notify-reopened_student = ⚖️ The released grade of your thesis <b>{ $title }</b> has been reopened by the department: { $reason }. You will be told the new grade when it is released.
assess-after-defence = The written marks are agreed; the grade is complete once the defence's minutes give its component.
error-assessment_not_released = There is no released grade to reopen.

protocol-pdf-defence = Defence
protocol-pdf-defence-when = { $at }, { $place }
protocol-pdf-defence-committee = Committee: { $committee }
protocol-pdf-defence-minutes = Minutes recorded by { $name }, { $at }
cmd-reopen_grade = Reopen a released grade
assess-reopen-pick = Which released grade do you reopen? The latest releases first.
assess-reopen-none = No grade has been released yet.
