## One record per fact: the team member's role, and a staged file that is gone.

role-member = team member
start-registered-member =
    ✅ Welcome, { $name }! You are a <b>team member</b> on the theses you were invited to.
    Send /help to see everything.
help-member =
    <b>Team member</b>
    You act on the theses whose teams you were invited to: as a co-supervisor you review
    versions and set milestones and meetings; as an examiner you read and grade.
    /queue — versions waiting for your review
    /students — the students whose teams you are on
    Grade — as a thesis's examiner: the button on the notice that the thesis is final, or in the student's view in /students
    /deadline — set a milestone for a student you co-supervise
    /milestones — the milestones you set
    /meeting — set a meeting with a student you co-supervise
    /meetings — your meetings and their records
    /calendar — milestones and meetings in your own calendar app
    /export — your students' data as CSV and XLSX, or their latest versions as a ZIP
    /mydata — everything the bot holds about you
    /language — the bot's language
    /cancel — leave the current step
error-file_gone = The file you sent earlier in this step is no longer here (the step waited too long). Nothing was recorded: please send the file again.
error-file_removed = This file was removed by retention: the files of a thesis are deleted some years after its grade is released. The record of the version stays.
