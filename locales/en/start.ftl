## Joining and help: /start, /help, roles, what the bot says to anything else.

start-unknown =
    👋 Welcome to <b>Thesis Supervisor</b>.

    To join, open the invite link your supervisor (or the administrator) sent you, or find a thesis topic with /topics and apply.
    Your Telegram id is <code>{ $user_id }</code>, should they ask for it.
start-registered-admin = ✅ You are an <b>administrator</b>. Send /help to see what you can do.
start-registered-supervisor =
    ✅ Welcome, { $name }! You are registered as a <b>supervisor</b>.
    Invite your students with /invite. Send /help to see everything.
start-registered-student =
    ✅ Welcome, { $name }! You are registered as a <b>student</b> of { $supervisor }.
    Send /submit to upload your thesis. Send /help to see everything.
start-already = You are already registered as <b>{ $role }</b>, { $name }.{ $supervisor_line }
start-already-supervisor_line =
    {""}
    Your supervisor: { $supervisor }.
start-already-code_ignored =
    {""}
    (An invite only works for people who are not registered yet.)
role-admin = administrator
role-supervisor = supervisor
role-student = student
help-admin =
    <b>Administrator</b>
    /invite [days] [uses] — invite a supervisor
    /invites — your open invites (revoke them there)
    /roster — import the department's roster (CSV or XLSX), see who joined, send personal links
    /queue — every version waiting for review
    /stats — statistics, with review promises kept and broken
    /users — supervisors and students; deactivate or reactivate them
    /message — write to all supervisors or to everyone (each gets it once and may answer)
    You are told when a supervisor joins through your invite, and every Monday how many silent students each supervisor has.
    /export — everyone's students, theses, versions and meetings (CSV, XLSX, ZIP)
    /calendar — your private calendar link
    /mydata — everything the bot holds about you
    /language — the bot's language
    /cancel — leave the current step
help-supervisor =
    <b>Supervisor</b>
    /invite [days] [uses] — invite students (e.g. /invite 30 25 for a cohort)
    /invites — your open invites
    /topics — your thesis topics: New topic, each with its link, Share and QR code; applications come as cards (Accept, Decline, Interview)
    /queue — versions waiting for your review, oldest first, each with its 📄 file and 🗓 Review by… (Tomorrow, In 3 days, Friday or a date: the student sees it; you are reminded when it passes, your co-supervisors a day later)
    /students — your students, most urgent first: Waiting, Overdue, Silent, All; a student's view has their 👥 Team, Mark final, Reopen
    Grade — as a thesis's examiner: the button on the notice that the thesis is final, or in the student's view in /students
    /message — write to all your students, a filter of them (Silent, Overdue, No submission, Waiting) or one; they can answer
    /deadline — set a milestone for one or all students (for all: students who join later get it too)
    /milestones — milestones and their status; Move opens one, where Extend gives one student more time
    /meeting — set a meeting with one or all students
    /meetings — upcoming and past meetings, their records; move or cancel one
    /calendar — milestones and meetings in your own calendar app
    /export — your students' data as CSV and XLSX, or their latest versions as a ZIP
    /mydata — everything the bot holds about you
    /language — the bot's language
    /cancel — leave the current step (any other command leaves it too)
    You are told when a student joins through your invite, and every Monday which of your students went silent (no version, comment or meeting for a while), with Nudge and Nudge all.
help-student =
    <b>Student</b>
    /submit — upload a new version of your thesis (PDF or DOCX)
    /proposal — upload your proposal, when your topic asks for one first
    /status — where your thesis stands, your next deadline and when your supervisor promised to review
    /history — every version with its feedback, and your meetings
    /deadlines — your upcoming deadlines
    /meetings — your meetings and their records
    /calendar — deadlines and meetings in your own calendar app
    /mydata — everything the bot holds about you
    /language — the bot's language
    /cancel — leave the current step
    A message from your supervisor has 💬 Answer: your answer goes straight to them.
fallback-text = I did not understand that. Send /help to see what I can do.
fallback-unsupported = I can't use that kind of message here. Send /help to see what I can do.
fallback-not_registered = You are not registered yet. Open the invite link from your supervisor. Your Telegram id is <code>{ $user_id }</code>.
fallback-not_allowed_command = That command is not available to you. Send /help.
group-private_only = Hello! I work only in private chats. Please message me directly: @{ $bot_username }
