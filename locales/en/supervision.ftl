## A supervisor's students (/students) and the administrator's /stats.

students-none = No students yet. Invite them with /invite.
students-none-admin = Administrators supervise no students; each supervisor sees theirs with /students.
students-unreachable = {" "}⚠️ has blocked the bot
stats-view =
    <b>Statistics</b>
    Users: { $users }
    Theses: { $theses }
    Submissions in the last 7 days: { $week }
    Median review time: { $median }
stats-none = none
notify-student_unreachable = ⚠️ { $student_name } has blocked the bot, so they no longer receive messages from it.
stats-median = { $hours } h
leftovers-card-supervisor_deactivated = ⚠️ Sent to you because their supervisor { $supervisor } is deactivated.
