## Submitting: /submit, /status, /history.

submit-ask_title = What is the title of your thesis? (1–{ $max } characters)
submit-ask_file =
    Send your thesis as a <b>PDF</b> or <b>DOCX</b> file (at most { $limit_mb } MB).
    /cancel to stop.
submit-ask_note = Add a short note for your supervisor, or send /skip.
submit-received =
    ✅ Version { $version } received on { $at }.
    Your supervisor has been notified. Check progress with /status.
submit-need_document = Please send your thesis as a file: a <b>PDF</b> or <b>DOCX</b> document (not a photo or text). /cancel to stop.
submit-need_text_note = Please send the note as text, or /skip.
submit-need_title = Please send the title as text (1–{ $max } characters).
error-no_supervisor = You have no supervisor linked yet, so there is nobody to submit to.
status-none = You have not submitted anything yet. Send /submit to start.
status-view =
    <b>{ $title }</b>
    Status: <b>{ $status }</b>
    Latest: version { $version }, { $at } — { $review }
    { $turn }
status-turn-supervisor = ⏳ Waiting for your supervisor's review since { $since }.
status-turn-student = ✏️ Your turn: revise and send a new version with /submit.
status-turn-rejected = Your thesis was rejected. Talk to your supervisor, then /submit anew.
thesis-draft = draft
thesis-submitted = submitted, awaiting review
thesis-changes_requested = changes requested
thesis-approved = approved
thesis-rejected = rejected
history-none = No versions yet.
history-header = <b>{ $title }</b> — { $count ->
    [one] { $count } version
   *[other] { $count } versions
}:
history-line = <b>v{ $version }</b> · { $at } · { $size } · { $decision }{ $comment }{ $grade }
history-comment =
    {""}
    {"   "}💬 { $comment }
history-grade = {" "}· grade { $grade }
history-file_button = 📄 v{ $version }
history-feedback_button = 📝 feedback v{ $version }
error-invalid_title = The title must be 1–{ $max } characters. Please send it again.
error-file_too_large = This file is too large: the limit is { $limit_mb } MB. Please send a smaller file.
error-empty_file = This file is empty. Please send your thesis as a PDF or DOCX file.
error-unsupported_document = { $reason_text } I accept PDF and DOCX files only.
reason-not_pdf_or_docx = This is not a PDF or DOCX document.
reason-truncated_pdf = This PDF is incomplete or damaged.
reason-broken_zip = This DOCX file is damaged.
reason-not_docx = This archive is not a Word (DOCX) document.
reason-zip_bomb = This DOCX file unpacks to an unreasonable size.
error-duplicate_submission = This file is identical to version { $version }. Please send the revised file.
