## Milestones and deadlines: /deadline, /milestones, /deadlines, reminders.

error-invalid_deadline = { $reason_text }
deadline-no_students = You have no students yet, so there is nobody to set a deadline for.
deadline-ask_student = 📅 <b>New milestone.</b> Who is it for?
deadline-all_button = 👥 All my students ({ $count })
deadline-all_students = all your students
deadline-ask_title = Milestone for { $target }. What is it called? (e.g. <i>Chapter 2 draft</i>, 1–{ $max } characters) /cancel to stop.
deadline-ask_due = When is it due? Write it as you would to a person, e.g. <code>15.01.2027 10:00</code>, <code>tomorrow 10:00</code>, <code>next friday</code>, <code>in 2 weeks</code> (a date alone means 23:59), time zone { $tz }; or pick one below. /cancel to stop.
deadline-need_text = Please answer with text, or /cancel.
deadline-created = ✅ Milestone <b>{ $title }</b> set for { $target }, due { $due }. { $count ->
    [one] { $count } student has
   *[other] { $count } students have
} been told. See all with /milestones.
deadline-in = in { $left }
deadline-ago = { $ago } ago
milestone-line = { $icon } { $number }<b>{ $title }</b>{ $student } — due { $due } ({ $when }) · { $status }
milestone-student = {" "}· { $name }
milestone-status-open = open
milestone-status-on_time = submitted on time
milestone-status-late = submitted late
milestone-status-overdue = overdue
milestones-none = No milestones yet. Set one with /deadline.
milestones-header = <b>Milestones</b> ({ $count }):
milestones-move_button = ✏️ Move { $number }
milestones-delete_button = 🗑 Delete { $number }
milestones-deleted = 🗑 Milestone <b>{ $title }</b> deleted.
milestones-ask_new_due = Moving <b>{ $title }</b> for { $student } (now due { $due }). Send the new date, e.g. <code>15.01.2027 10:00</code>, <code>tomorrow 10:00</code>, <code>next friday</code>, <code>in 2 weeks</code> (a date alone means 23:59), time zone { $tz }; or pick one below. /cancel to stop.
milestones-moved = ✅ <b>{ $title }</b> is now due { $due }. The student has been told.
deadlines-none = You have no deadlines.
deadlines-header = <b>Your deadlines</b> ({ $count }):
deadlines-block_header = 📅 <b>Upcoming deadlines</b>
reason-deadline_title = The milestone title must be 1–200 characters. Please send it again.
reason-deadline_submitted = This milestone is already met by a submission; it can't be moved.
notify-deadline_set =
    📅 New milestone from { $supervisor_name }: <b>{ $title }</b>, due { $due_at }.
    Submit with /submit; see all your deadlines with /deadlines.
notify-deadline_moved = 📅 { $supervisor_name } moved <b>{ $title }</b>: now due { $due_at } (was { $old_due_at }).
notify-deadline_reminder = ⏰ Reminder: <b>{ $title }</b> is due { $left }, on { $due_at }. Submit with /submit.
remind-left-7d = in 7 days
remind-left-3d = in 3 days
remind-left-1d = tomorrow
remind-left-12h = in 12 hours
remind-left-1h = in 1 hour
notify-deadline_overdue = ❗ <b>{ $title }</b> was due { $due_at } and nothing has been submitted. Please submit with /submit as soon as you can, or talk to your supervisor.
notify-student_overdue = ❗ <b>Overdue</b> ({ $count }):
notify-student_overdue-line = • { $student } — <b>{ $title }</b>, due { $due_at }
milestones-extend_button = ⏩ Extend { $name }
milestones-cohort =
    {""}
    Set for { $count ->
        [one] { $count } student
       *[other] { $count } students
    }; give one of them more time:
extend-ask_due = More time for { $student } on <b>{ $title }</b> (due { $due } for everyone, { $own } for them). Send their own due date, e.g. <code>15.01.2027 10:00</code>, <code>tomorrow 10:00</code>, <code>next friday</code>, <code>in 2 weeks</code> (a date alone means 23:59), time zone { $tz }; or pick one below. /cancel to stop.
extend-done = ✅ { $student } now has until { $due } for <b>{ $title }</b>; the others keep their date. They have been told.
milestone-extended = {" "}(extended)
reason-extension_not_later = The new date must be later than the milestone's own due date. Please send another.
notify-milestone_extended = 📅 { $supervisor_name } gave you more time for <b>{ $title }</b>: now due { $due_at } for you.
notify-milestone_deleted = 🗑 { $supervisor_name } deleted the milestone <b>{ $title }</b> (was due { $due_at }).
reason-deadline_past = That moment has already passed. Please send a date in the future.
