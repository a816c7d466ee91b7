## The chat as people use it: files dropped in, questions typed outside a step.

chat-drop-ask_title = This will be the first version of your thesis. What is its title? (1–{ $max } characters) /cancel to stop.
chat-drop-confirm = Submit this file as version { $version } of <b>{ $title }</b>?
chat-drop-submit = Submit
chat-drop-cancel = Cancel
chat-drop-need_button = Please press Submit or Cancel under the question above.
chat-ask-offer = Send this to your supervisor?
chat-ask-send = Send
chat-ask-kept = Not sent.
chat-ask-sent_thread = ✉️ Sent to your supervisor, in the thread of version { $version }.
chat-ask-sent_team = ✉️ Sent to your supervisor.
chat-notify-student_message =
    ✉️ <b>{ $student }</b> writes (no version yet):

    { $text }
left-AskStates = Your message was not sent.
chat-notify-examiner_final = 🎓 The thesis «{ $title }» by { $student } is final (version { $version }). As its examiner, please mark it: press <b>Grade</b>. Your marks stay hidden from the other markers until everyone has submitted.
chat-rename-button = ✏️ Rename
chat-rename-ask = The new title of the thesis? (1–{ $max } characters) /cancel to stop.
chat-rename-done = ✅ The thesis is now called <b>{ $title }</b>. Everyone on it has been told.
chat-notify-renamed = ✏️ { $by } renamed the thesis of { $student }: <b>{ $title }</b> (was { $old }).
left-RenameStates = Renaming stopped; the title is as it was.
chat-drop-reply_ask = Is this file a new version of <b>{ $title }</b> (version { $next }), or an attachment to the thread of version { $version }?
chat-drop-new_version = New version
chat-drop-attachment = Attachment
