## A supervisor with many students: /students by urgency and its filters, the queue's file button.

students-urgency-header =
    <b>Your students</b>: { $all } · ⏳ waiting { $waiting } · ⚠️ overdue { $overdue } · 💤 silent { $silent }
    Shown: { $shown }, most urgent first (page { $page } of { $pages })
students-shown-all = all
students-shown-waiting = waiting for review
students-shown-overdue = with an overdue milestone
students-shown-silent = silent
students-shown-none = no submission yet
students-filter-waiting = Waiting
students-filter-overdue = Overdue
students-filter-silent = Silent
students-filter-all = All
students-filter-empty = Nobody here right now.
students-u-waiting = { $n }. ⏳ <b>{ $name }</b> — version { $version } waiting { $age } · { $title }{ $unreachable }
students-u-overdue = { $n }. ⚠️ <b>{ $name }</b> — a milestone overdue since { $since } ({ $days ->
    [one] { $days } day
   *[other] { $days } days
}){ $unreachable }
students-u-silent = { $n }. 💤 <b>{ $name }</b> — silent for { $days ->
    [one] { $days } day
   *[other] { $days } days
}{ $unreachable }
students-u-none = { $n }. 📭 <b>{ $name }</b> — no submission yet{ $unreachable }
students-u-rest = { $n }. • <b>{ $name }</b> — { $title }: { $status }, version { $version }{ $unreachable }
students-team_button = 👥 Team
queue-file_button = 📄 File
notify-joined-student = 🎓 <b>{ $name }</b> joined as your student through your invite. They appear in /students.
notify-joined-supervisor = 🧑‍🏫 <b>{ $name }</b> joined as a supervisor through your invite.
message-ask_whom = ✉️ Who is the message for?
message-no_students = You have no students yet. Invite them with /invite.
message-audience-all = 👥 All my students ({ $count })
message-audience-waiting = ⏳ Waiting ({ $count })
message-audience-overdue = ⚠️ Overdue ({ $count })
message-audience-silent = 💤 Silent ({ $count })
message-audience-none = 📭 No submission ({ $count })
message-audience-supervisors = 🧑‍🏫 All supervisors ({ $count })
message-audience-everyone = 👥 Everyone ({ $count })
message-target-all = all your students
message-target-waiting = your students waiting for review
message-target-overdue = your students with an overdue milestone
message-target-silent = your silent students
message-target-none = your students with no submission yet
message-target-one = one student
message-target-supervisors = all supervisors
message-target-everyone = everyone
message-ask_text = Write the message to { $target } (or send a file, with a caption if you like). /cancel stops.
message-need_text = Please send the message as text (or a file), or /cancel.
message-preview =
    <b>Preview</b> — to { $target }: { $count ->
        [one] { $count } recipient
       *[other] { $count } recipients
    }{ $file }

    { $body }
message-send = Send
message-cancel = Cancel
message-cancelled = Not sent. Nothing was changed.
message-stale = This preview was already sent or cancelled.
message-already = This message was already sent; nobody gets it twice.
message-sent = ✅ Sent to { $count ->
    [one] { $count } person
   *[other] { $count } people
}.
message-notify =
    ✉️ <b>{ $sender }</b> writes:

    { $body }
message-notify-answer =
    💬 <b>{ $sender }</b> answers:

    { $body }
message-answer_button = 💬 Answer
message-ask_answer = Write your answer (or send a file). /cancel stops.
message-answered = ✅ Your answer was sent to { $name }.
nudge-template = { $one ->
    [yes] Dear { $name }, I have not heard from you for a while. How is your thesis going? Please send me a short update, your latest version or a question — whatever you have. Best regards, { $supervisor }
   *[other] Dear student, I have not heard from you for a while. How is your thesis going? Please send me a short update, your latest version or a question — whatever you have. Best regards, { $supervisor }
}
nudge-edit_hint = ✏️ Send another text to replace it, or press Send.
left-MessageStates = Left the unfinished message.
left-AnswerStates = Left the unfinished answer.
message-preview-file = {" "}· 📎 { $name }
promise-button = 🗓 Review by…
promise-ask =
    🗓 By when will you decide on this version? The student sees your promise.
    Tomorrow: { $tomorrow } · In 3 days: { $in_3 } · Friday: { $friday }
promise-choice-tomorrow = Tomorrow
promise-choice-in_3 = In 3 days
promise-choice-friday = Friday
promise-choice-date = 📅 Another date
promise-ask_date = Type the date as YYYY-MM-DD (or YYYY-MM-DD HH:MM), or /cancel.
promise-done = 🗓 Promised: you will decide on version { $version } of { $student } by { $at }. They have been told.
promise-open_queue = Open the queue
promise-notify-made = 🗓 { $supervisor } will review version { $version } of <b>{ $title }</b> by { $at }.
promise-notify-passed = ⏰ You promised to decide on version { $version } of <b>{ $title }</b> ({ $student }) by { $at }. It is still waiting.
promise-notify-escalated = ⏰ { $supervisor } promised to decide on version { $version } of <b>{ $title }</b> ({ $student }) by { $at }; a day later it is still waiting. You are told as a co-supervisor or administrator.
promise-status = 🗓 { $supervisor } promised to decide by { $at }.
promise-stats = Review promises (last 30 days): kept { $kept }, broken { $broken }
promise-digest = 🗓 Your review promises of the last 30 days: kept { $kept }, broken { $broken }.
silent-digest-header = 💤 <b>{ $count ->
    [one] { $count } student has
   *[other] { $count } students have
}</b> sent no version, comment or meeting for { $days ->
    [one] { $days } day
   *[other] { $days } days
} or more:
silent-digest-line = { $n }. { $name } — silent for { $days ->
    [one] { $days } day
   *[other] { $days } days
}
silent-digest-more = And { $more } more in /students (Silent).
silent-nudge = Nudge { $name }
silent-nudge_all = Nudge all
silent-admin-header = 💤 <b>Silent students</b> (nothing for { $days ->
    [one] { $days } day
   *[other] { $days } days
} or more): { $count } in all
silent-admin-line = • { $supervisor }: { $silent } of { $students }
cmd-message = Write to students (or everyone)
left-PromiseStates = Left the unfinished review promise.
