cmd-meeting = Set a meeting
cmd-meetings = Meetings
cmd-calendar = Your calendar link
cmd-export = Export data
cmd-mydata = Your data
left-MeetingStates = Left the unfinished meeting step.
meeting-no_students = You have no students yet. Invite them with /invite.
meeting-ask_student = 🗓 <b>New meeting.</b> Who is it with?
meeting-all_button = 👥 All my students ({ $count })
meeting-all_students = all your students
meeting-ask_title = Meeting with { $target }. What is it about? (e.g. <i>Chapter 2 feedback</i>, 1–{ $max } characters) /cancel to stop.
meeting-ask_when = When? Send the date and time, e.g. <code>15.01.2027 10:00</code>, <code>tomorrow 10:00</code>, <code>next friday</code>, <code>in 2 weeks</code> (a date alone means 23:59), time zone { $tz }; or pick one below. /cancel to stop.
meeting-ask_place = Where? Send a room or a video link, or /skip.
meeting-need_text = Please answer with text, or /cancel.
meeting-created = ✅ Meeting <b>{ $title }</b> with { $target } on { $at }. { $count ->
    [one] { $count } student has
   *[other] { $count } students have
} been asked to confirm; you will see their answers. See all with /meetings.
meeting-confirm_button = Confirm
meeting-decline_button = Can't make it
meeting-agree_button = Agree
meeting-correct_button = ✏️ Correction
meeting-add_notes_button = 📝 Notes and action items
meeting-you_confirmed = ✅ You confirmed <b>{ $title }</b> on { $at }.
meeting-you_declined = 🚫 You can't make <b>{ $title }</b> on { $at }; your supervisor is told.
meeting-agreed = 👍 You agreed to the record of <b>{ $title }</b>.
meeting-ask_correction = What should the record of <b>{ $title }</b> say instead? Send your correction; it goes to your supervisor. /cancel to stop.
meeting-correction_sent = ✉️ Your correction of <b>{ $title }</b> went to your supervisor.
meeting-cancelled = 🗑 Meeting <b>{ $title }</b> on { $at } is cancelled; the students are told.
meeting-ask_new_when = Moving <b>{ $title }</b> (now { $at }). The new date and time, e.g. <code>15.01.2027 10:00</code>, <code>tomorrow 10:00</code>, <code>next friday</code>, <code>in 2 weeks</code> (a date alone means 23:59), time zone { $tz }; or pick one below. /cancel to stop.
meeting-moved = ✅ <b>{ $title }</b> is now on { $at }; the students are told and asked again.
meeting-ask_notes = 📝 The record of <b>{ $title }</b>: send the notes; each line starting with <code>-</code> is an action item. /cancel to stop.
meeting-recorded = ✅ Record of <b>{ $title }</b> saved and sent to { $count ->
    [one] { $count } student
   *[other] { $count } students
}.
meeting-record-notes = 📝 { $notes }
meeting-record-items_header = <b>Action items</b>
meeting-record-item = { $number }. { $text }
meeting-item_button = 🎯 Milestone { $number }: { $text }
meeting-item_done = 🎯 <b>{ $text }</b> is a milestone for { $count ->
    [one] { $count } student
   *[other] { $count } students
}, due { $due }; move it in /milestones.
meeting-line = { $number }🗓 <b>{ $title }</b> — { $at }{ $place } · { $state }{ $who }
meeting-line-place = {" "}· { $place }
meeting-line-who =
    {""}
    {"   "}{ $names }
meeting-line-mine = {" "}· you: { $answer }
meeting-state-upcoming = upcoming
meeting-state-past = past
meeting-answer-pending = not answered
meeting-answer-confirmed = confirmed
meeting-answer-declined = can't make it
meeting-left-1d = tomorrow
meeting-left-1h = in 1 hour
meetings-none = No meetings yet.
meetings-header = <b>Meetings</b>: { $upcoming } upcoming, { $past } past
meetings-block_header = 🗓 <b>Upcoming meetings</b>
meetings-history_header = 🗓 <b>Meetings</b> ({ $count })
meetings-move_button = ✏️ Move { $number }
meetings-cancel_button = 🗑 Cancel { $number }
meetings-notes_button = 📝 Notes { $number }
error-invalid_meeting = { $reason_text }
reason-meeting_title = The meeting's title must be 1–200 characters. Please send it again.
reason-meeting_place = That is too long for a place or a link. Please send it again.
reason-meeting_past = That moment has already passed. Please send a time in the future.
reason-meeting_started = This meeting has already started.
reason-meeting_not_yet = The record can be written once the meeting has started.
reason-meeting_record_empty = Please send the notes (text), or /cancel.
reason-meeting_record_long = The record is too long. Please send it shorter.
reason-meeting_items = At most 20 action items, each within 200 characters. Please send it again.
reason-meeting_item_done = This action item is a milestone already.
reason-meeting_no_record = This meeting has no record yet.
reason-meeting_correction = Please send the correction as text within 2000 characters.
notify-meeting_invited = 🗓 { $supervisor_name } set a meeting{ $group }: <b>{ $title }</b> on { $at }{ $place }. Can you come?
notify-meeting_group = {" "}with all their students
notify-meeting_answered-confirmed = ✅ { $student } confirmed <b>{ $title }</b> on { $at }.
notify-meeting_answered-declined = 🚫 { $student } can't make <b>{ $title }</b> on { $at }.
notify-meeting_reminder = ⏰ Meeting <b>{ $title }</b> { $left }: { $at }{ $place }.
notify-meeting_notes_request = 📝 How did <b>{ $title }</b> ({ $at }) go? Send its notes and action items.
notify-meeting_record = 📝 { $supervisor_name }'s record of <b>{ $title }</b> ({ $at }):
notify-meeting_agreed = 👍 { $student } agreed to the record of <b>{ $title }</b>.
notify-meeting_correction =
    ✏️ { $student } suggests a correction to the record of <b>{ $title }</b>:
    { $correction }
notify-meeting_moved = 🗓 { $supervisor_name } moved <b>{ $title }</b>: now on { $at } (was { $old }){ $place }. Can you come?
notify-meeting_cancelled = 🗑 { $supervisor_name } cancelled <b>{ $title }</b> on { $at }.
calendar-link =
    📆 Your private calendar (milestones and meetings): press Add to calendar, or copy the link into your calendar app:
    <code>{ $url }</code>

    Anyone with the link sees it: Reset link makes a new one and the old one stops working.
calendar-reset =
    🔁 New link (the old one no longer works):
    <code>{ $url }</code>
calendar-reset_button = Reset link
calendar-add_button = 📆 Add to calendar
export-ask-mine = 📤 Export your students' data:
export-ask-all = 📤 Export everyone's data:
export-table_button = 📊 Students, theses, versions, meetings (CSV + XLSX)
export-latest_button = 🗂 Latest versions (ZIP)
export-working = Preparing the export…
export-latest_none = There are no versions to export yet.
export-preparing = ⏳ Preparing the export…
export-progress = ⏳ Preparing the export… { $done } of { $total ->
    [one] { $total } thesis
   *[other] { $total } theses
}
export-ready = ✅ Export ready.
export-failed = 😔 Sorry, the export could not be prepared just now. Please try again in a minute.
export-latest_caption = 🗂 The latest version of { $count ->
    [one] { $count } thesis
   *[other] { $count } theses
}.
export-link =
    📦 The export is too big for Telegram. Download it here until { $expires }:
    { $url }
mydata-caption = 🔐 Everything the bot holds about you: your rows (data.json) and files.
