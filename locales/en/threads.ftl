threads-reply_button = 💬 Reply
threads-ask_comment = 💬 Your comment on version { $version } of <b>{ $title }</b>: write it (up to { $max } characters), or send a PDF/DOCX with the text as its caption, a voice message or a photo. /cancel to stop.
threads-need_comment = Please write your comment as text, or send a PDF/DOCX file, a voice message or a photo. /cancel to stop.
threads-sent = ✅ Your comment on version { $version } was sent.
threads-saved = ✅ Your comment on version { $version } was saved in its thread.
threads-comment-by_student = 💬 <b>{ $author }</b> commented on version { $version } of <b>{ $title }</b>:{ $text }{ $file }
threads-comment-to_student = 💬 <b>{ $author }</b> on your version { $version } of <b>{ $title }</b>:{ $text }{ $file }
threads-comment-to_supervisor = 💬 <b>{ $author }</b> on { $student }'s version { $version } of <b>{ $title }</b>:{ $text }{ $file }
threads-comment-text =
    {""}

    { $text }
threads-comment-file =
    {""}
    📎 { $name }

    <i>Reply to this message to answer.</i>
threads-history_count = {" "}· 💬 { $count }
threads-read_button = 💬 v{ $version } ({ $count })
threads-view-header = 💬 <b>Version { $version }</b> of <b>{ $title }</b>: { $total ->
    [one] { $total } comment
   *[other] { $total } comments
}, page { $page } of { $pages }
threads-view-entry =
    {""}

    <b>{ $author }</b> · { $at }{ $text }{ $file }
threads-view-empty = No comments on version { $version } yet. Reply to its notice, or press 💬 Reply.
threads-older = « Older
threads-newer = Newer »
threads-file_button = 📎 { $n }
threads-note_button = 📝 Note
threads-ask_note = 📝 A note about { $student }, for the supervisors only: students never see it. Up to { $max } characters. /cancel to stop.
threads-need_note = Please write the note as text. /cancel to stop.
threads-note_saved = 📝 Note about { $student } saved; it is listed in their view.
threads-notes-header = 📝 <b>Notes</b> (supervisors only):
threads-notes-line = • { $at } · { $author }: { $text }
error-empty_comment = The comment is empty. Please write something, or send a PDF/DOCX.
left-ThreadStates = Left the unfinished comment.
left-NoteStates = Left the unfinished note.
checklist-ask = Which of the requested changes does this version address?
checklist-ask-hint =
    {""}

    Tick them, then press <b>Done</b>; /skip if none.
checklist-off = ⬜ { $label }
checklist-on = ✅ { $label }
checklist-done = Done
checklist-picked = 📋 This version addresses { $count } of { $total ->
    [one] { $total } requested change
   *[other] { $total } requested changes
}.
checklist-need_buttons = Please tick the changes this version addresses with the buttons, then press Done (/skip if none).
checklist-card =
    {""}

    📋 <b>Addressed { $addressed }/{ $total }</b>{ $lines }
checklist-card-line =
    {""}
    { $mark } { $text }
checklist-card-more =
    {""}
    … and { $more } more
checklist-notice =
    {""}

    📋 <b>Requested changes</b>:{ $lines }
checklist-notice-carried =
    {""}

    Still open from earlier rounds:{ $lines }
checklist-line =
    {""}
    { $n }. { $text }
checklist-status =
    {""}

    📋 <b>Open requested changes</b> ({ $count }):{ $lines }
checklist-ask_carry = { $total ->
    [one] { $total } earlier requested change is open
   *[other] { $total } earlier requested changes are open
}; this version addresses { $addressed } of them (those are closed now). Keep the other { $left } open, to carry over into the next round with the new ones, or close them all?
checklist-keep = Keep open items
checklist-close_all = Close all
checklist-need_carry = Please press Keep open items or Close all (/skip keeps them).
threads-comment-voice =
    {""}
    🎤 Voice message, { $duration }
threads-comment-photo =
    {""}
    🖼 Photo, { $size } KB
