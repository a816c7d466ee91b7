## The command menu (setMyCommands), one description per command.

cmd-help = Show help
cmd-topics = Thesis topics
cmd-proposal = Submit your proposal
cmd-invite = Create an invite link
cmd-invites = Open invites
cmd-queue = Versions waiting for review
cmd-students = Your students
cmd-stats = Statistics
cmd-users = People and their access
cmd-deadline = Set a milestone
cmd-milestones = Milestones
cmd-submit = Submit a version
cmd-status = Thesis status
cmd-history = All versions
cmd-deadlines = Upcoming deadlines
cmd-cancel = Cancel the current step
cmd-language = Language
