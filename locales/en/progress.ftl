progress-upload = ⏳ Receiving your file… { $percent } %
progress-interrupted = ⚠️ Receiving your file was interrupted; it is tried again by itself, no need to send it.
progress-background =
    ⏳ Receiving your file… { $percent } %
    A big file: I will write here when it is in. /cancel stops it.
error-upload_cancelled = ✖️ Cancelled: the file was not kept.
error-upload_still_arriving = ⏳ Your file is still arriving; I will ask for the note when it is in. /cancel stops it.
error-upload_gave_up = ⚠️ I could not receive your file after several attempts. Please send it again.
progress-received = ✅ File received.
