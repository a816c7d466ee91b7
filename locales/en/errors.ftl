## Errors every feature may show; each domain error's text is error-<code>.

error-not_allowed = Sorry, you are not allowed to do that.
error-not_found = That no longer exists.
error-invite_invalid = This invite code is not valid. Please ask for a new invite link.
error-invite_expired = This invite expired on { $expired_at }. Please ask for a new one.
error-invite_revoked = This invite was revoked. Please ask for a new one.
error-invite_used_up = This invite has already been used. Please ask for a new one.
error-illegal_transition = That is not possible while the thesis is { $status }.
error-storage_unavailable = ⚠️ I could not store your file just now. Please try again in a minute.
error-unavailable = ⚠️ The service is briefly unavailable. Please try again in a minute.
error-unexpected = 😔 Something went wrong on our side. It has been logged; please try again.
error-slow_down = ⏳ You are sending too fast. Please wait a few seconds.
error-bad_button = This button is no longer valid.
error-source_unavailable = ⚠️ I could not fetch your file from Telegram. Please send it again.
error-unavailable_retrying = ⚠️ The service is briefly unavailable. I will handle your message as soon as it is back; there is no need to send it again.
error-foreign_button = This button only works in a private chat with the bot.
error-command_not_text = { $command } is a command, not an answer to this step. Please write your answer in words, or send /cancel to stop.
error-roster_unreadable = I could not read this roster. Please send a CSV or XLSX file whose first row names at least the name, role and email columns (Template in /roster shows them all).
