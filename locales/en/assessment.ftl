# The assessment (handlers/assessment.py): scheme, declaration, marks, agreement, release.
cmd-scheme = Assessment scheme
thesis-declaration = waiting for the declaration
thesis-released = assessed and released
status-turn-declaration = ✍️ Your supervisor marked your thesis final: confirm the authorship declaration (the message with <b>I confirm</b>) to finish it.
status-turn-released = 🎓 Your thesis has been assessed; the grade is in /history.
left-MarkStates = Left the unfinished marking (nothing was recorded).
left-ProposeStates = Left the unfinished proposal.

assess-scheme-current = Assessment scheme v{ $version }: { $scheme }
assess-scheme-saved = ✅ New scheme saved. Theses already being assessed keep their scheme.
assess-scheme-usage = To change it: <code>/scheme Content 40, Method 30, Writing 20, Defence 10; scale 2-5; tolerance 10; release supervisor</code>
    Weights add up to 100; each component is marked in per cent (0–100). Scales: 0-100, 1-5, 2-5 (5 from 85 %, 4 from 70 %, 3 from 50 %). Tolerance: the largest difference of the markers' totals agreed automatically. Release: admin or supervisor.
assess-statement-usage = Send <code>/statement LANGUAGE text</code> to replace the authorship statement for one language ({ $languages }).
assess-statement-saved = ✅ The authorship statement for “{ $language }” has been replaced.

assess-declaration-default = I declare that this thesis is my own work, that I have written it independently, that all sources and aids I used are acknowledged, and that it has not been submitted for assessment elsewhere.
assess-declaration-ask = 🎓 { $supervisor_name } marked your thesis <b>{ $title }</b> (v{ $version }) final. Before it is final, please confirm the authorship statement:

    <i>{ $statement }</i>
assess-declaration-done = ✅ Declaration recorded for <b>{ $title }</b>. Your thesis is final and goes to assessment. Version fingerprint (SHA-256): <code>{ $sha256 }</code>
assess-button-declare = I confirm

assess-notify-mark = 📝 The thesis <b>{ $title }</b> of { $student } is final. Please mark it: press <b>Grade</b>. Your marks stay hidden from the other markers until everyone has submitted.
assess-notify-third = 📝 You have been appointed third marker for <b>{ $title }</b> of { $student }: your grade decides. Press <b>Grade</b>.
assess-mark-intro = Marking <b>{ $title }</b> of { $student }: { $count ->
    [one] { $count } component
   *[other] { $count } components
}, each in per cent (0–100), then your report.
assess-mark-ask = { $position }/{ $count }: <b>{ $name }</b> (weight { $weight }). Your mark, 0–100?
assess-mark-ask_report = Now your written report: send it as text, or as a PDF/DOCX file.
assess-mark-done = ✅ Your marks for { $student } are recorded (weighted total { $total }). { $state }
assess-after-marking = The other marks are still to come; nobody sees yours until then.
assess-after-disagreed = All marks are in but further apart than the tolerance: you have both sets side by side; propose a grade or accept one.
assess-after-agreed = The agreed grade has been computed.
assess-after-third_marker = A third marker decides.
assess-after-released = The grade has been released.

assess-role-supervisor = supervisor
assess-role-examiner = examiner
assess-role-third = third marker
assess-grade-percent = { $grade } / 100
assess-grade-scaled = { $grade } (scale { $scale }; { $total } %)

assess-button-board = Marks
assess-button-propose = Propose a grade
assess-button-accept = Accept
assess-button-release = Release
assess-button-appoint = Appoint third marker
assess-board-header = Assessment of <b>{ $title }</b> ({ $student })
assess-board-hidden = 🔒 The marks stay hidden until every marker has submitted.
assess-board-line = • { $name } ({ $role }): { $marks } → <b>{ $total }</b>
assess-board-agreed = Agreed grade: <b>{ $grade }</b>
assess-board-proposal = Open proposal by { $name }: <b>{ $total }</b>
assess-notify-disagree = ⚖️ All marks for <b>{ $title }</b> of { $student } are in, further apart than the tolerance ({ $tolerance }). Side by side:
assess-notify-proposed = ⚖️ { $name } proposes <b>{ $total }</b> as the agreed total for <b>{ $title }</b> of { $student }.
assess-propose-ask = Which total (0–100) do you propose?
assess-propose-done = Proposed { $total } for { $student }; the other markers have been asked.
assess-accepted = Accepted { $total }. { $state }
assess-notify-agreed-computed = ✅ Agreed grade for <b>{ $title }</b> of { $student }: <b>{ $grade }</b> (the mean of the markers' totals, within the tolerance).
assess-notify-agreed-proposal = ✅ Agreed grade for <b>{ $title }</b> of { $student }: <b>{ $grade }</b> (agreed by the markers).
assess-notify-agreed-third = ✅ Agreed grade for <b>{ $title }</b> of { $student }: <b>{ $grade }</b> (the third marker's grade).
assess-notify-third_needed = ⏰ The markers of <b>{ $title }</b> of { $student } have not agreed within { $days ->
    [one] { $days } day
   *[other] { $days } days
}. Please appoint a third marker: their grade decides.
assess-appoint-pick = Who is the third marker for { $student }?
assess-appoint-nobody = There is no other supervisor to appoint.
assess-appoint-done = { $marker } is the third marker for { $student } and has been asked.
assess-release-done = ✅ Released: { $student } has been told the grade, the components and the reports.
assess-released-header = 🎓 The assessment of <b>{ $title }</b> has been released. Grade: <b>{ $grade }</b>
assess-released-component = • { $name }: { $mark }
assess-released-report = 📄 Report of { $name } ({ $role }): { $text } { $file }

error-assessment_invalid_scheme = That scheme could not be read. Example: <code>/scheme Content 40, Method 30, Writing 30; scale 0-100; tolerance 10; release admin</code> (weights add up to 100).
error-assessment_invalid_mark = A mark is a whole number from 0 to 100.
error-assessment_not_marker = You are not a marker of this thesis.
error-assessment_already_marked = Your marks for this thesis are in already.
error-assessment_not_open = This thesis is not open for marking now.
error-assessment_not_agreed = There is no agreed grade to release (or it is released already).
error-assessment_no_proposal = There is no proposal to accept yet.
error-assessment_no_declaration_asked = No declaration is waiting for you.
assess-final-asked = 🎓 { $student } has been asked to confirm the authorship declaration for <b>{ $title }</b>; the thesis is final once they do, and the markers are then asked.
assess-history-header = 🎓 Assessment (released):

cmd-receipt = Receipt for a version
receipt-usage = Send /receipt for your latest version, or /receipt 2 for version 2.
receipt-caption = 🧾 Receipt for version { $version } of <b>{ $title }</b>, signed by this bot (SHA-256 of the file: <code>{ $sha256 }</code>). Anyone with the deployment's key checks it with <code>python -m bot verify-receipt FILE</code>.
receipt-pdf-title = Receipt of a thesis version
receipt-pdf-name = Student
receipt-pdf-thesis = Thesis
receipt-pdf-version = Version
receipt-pdf-file = File
receipt-pdf-submitted = Received
receipt-pdf-size = Size
receipt-pdf-bytes = { $size } bytes
receipt-pdf-sha256 = SHA-256 of the file
receipt-pdf-issued = Receipt issued
receipt-pdf-signed = This receipt is signed with the deployment's key (HMAC-SHA256, at the end of the file); any change to the file makes the signature check fail.

protocol-caption = 📜 The protocol of the assessment of <b>{ $title }</b>, kept with the thesis (also in the student's /mydata).
protocol-pdf-title = Assessment protocol
protocol-pdf-scheme = Scheme
protocol-pdf-marker = Marks of { $name } ({ $role })
protocol-pdf-signed = Submitted by { $name }, { $at }
protocol-pdf-agreed = Agreed grade
protocol-pdf-how-computed = the mean of the markers' totals, within the tolerance
protocol-pdf-how-proposal = agreed by the markers
protocol-pdf-how-third = the third marker's grade
protocol-pdf-declaration = Authorship declaration
protocol-pdf-released = Released by { $name }, { $at }
