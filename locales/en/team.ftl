team-role-supervisor = supervisor
team-role-co_supervisor = co-supervisor
team-role-examiner = examiner
team-marker-co_supervisor = {" "}· <i>co-supervised</i>
team-marker-examiner = {" "}· <i>co-supervised (examiner)</i>
team-view-header = 👥 <b>Thesis team of { $student }</b> — { $title }
team-view-member = • { $name } — { $role }{ $inactive }
team-view-inactive = {" "}(deactivated)
team-view-rule-any = Approval: any — the first decision by a supervisor decides.
team-view-rule-all = Approval: all — every supervisor and co-supervisor must approve; the first Request changes or Reject decides at once.
team-view-grade = Examiner's grade: { $grade }
team-button-add_co = Add co-supervisor
team-button-add_examiner = Add examiner
team-button-rule_any = Approval: any
team-button-rule_all = Approval: all
team-button-remove = Remove { $name }
team-button-grade = Grade
team-invite-created =
    🔗 Invite for the { $role } of { $student }'s thesis (single use, valid until { $expires }):
    { $link }
team-removed = { $member } was removed from { $student }'s thesis team. The team has been told.
team-rule-set = { $student }'s thesis. { $rule }
team-start-registered = ✅ Welcome, { $name }! You are registered as a team member and joined the thesis team of { $student } as { $role }. Send /help to see what you can do.
team-start-joined = ✅ { $name }, you joined the thesis team of { $student } as { $role }.
team-notify-joined = 👥 { $member } joined the thesis team of { $student } as { $role }.
team-notify-left = 👥 { $member } ({ $role }) was removed from the thesis team of { $student } by { $by }.
team-notify-graded = 🎓 { $examiner } (examiner) graded the thesis <b>{ $title }</b> of { $student }: { $grade }.
team-card-progress =
    {""}

    Approved by { $approved } · waiting for { $waiting }
team-review-waiting = ✅ Recorded your approval of { $student }'s version { $version }. Waiting for { $waiting }.
team-history-grades = 🎓 Grades: supervisor { $supervisor } · examiner { $examiner }
team-history-no_grade = —
team-history-report = 📝 Examiner's report: { $report }
team-history-report_button = 📝 examiner's report
error-team_already_member = You are on the thesis team of { $student } already.
error-team_examiner_taken = This thesis has an examiner already.
error-team_cannot_remove_supervisor = The supervisor cannot be removed from the team.
error-team_not_final = The examiner grades a final thesis only.
error-team_already_graded = This thesis has been graded by its examiner already.
error-team_report_required = Please send the report as text or as a PDF/DOCX file.
