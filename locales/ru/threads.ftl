## Обсуждение версий (комментарии), заметки руководителей, список запрошенных правок.

threads-reply_button = 💬 Ответить
threads-ask_comment = 💬 Ваш комментарий к версии { $version } работы <b>«{ $title }»</b>: напишите его (до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}) или отправьте файл PDF/DOCX (можно с текстом в подписи), голосовое сообщение или фото. Чтобы прервать, отправьте /cancel.
threads-need_comment = Пожалуйста, напишите комментарий текстом или отправьте файл PDF/DOCX, голосовое сообщение или фото. Чтобы прервать, отправьте /cancel.
threads-sent = ✅ Ваш комментарий к версии { $version } отправлен.
threads-saved = ✅ Ваш комментарий к версии { $version } сохранён в её обсуждении.
threads-comment-by_student = 💬 <b>{ $author }</b> — комментарий к версии { $version } работы <b>«{ $title }»</b>:{ $text }{ $file }
threads-comment-to_student = 💬 <b>{ $author }</b> — о вашей версии { $version } работы <b>«{ $title }»</b>:{ $text }{ $file }
threads-comment-to_supervisor = 💬 <b>{ $author }</b> — о версии { $version } работы <b>«{ $title }»</b> ({ $student }):{ $text }{ $file }
threads-comment-text =
    {""}

    { $text }
threads-comment-file =
    {""}
    📎 { $name }

    <i>Чтобы ответить, ответьте на это сообщение.</i>
threads-history_count = {" "}· 💬 { $count }
threads-read_button = 💬 Версия { $version } ({ $count })
threads-view-header = 💬 <b>Версия { $version }</b> работы <b>«{ $title }»</b>: { $total ->
    [one] { $total } комментарий
    [few] { $total } комментария
    [many] { $total } комментариев
   *[other] { $total } комментариев
}, страница { $page } из { $pages }
threads-view-entry =
    {""}

    <b>{ $author }</b> · { $at }{ $text }{ $file }
threads-view-empty = К версии { $version } ещё нет комментариев. Ответьте на уведомление о ней или нажмите «💬 Ответить».
threads-older = « Раньше
threads-newer = Позже »
threads-file_button = 📎 { $n }
threads-note_button = 📝 Заметка
threads-ask_note = 📝 Заметка ({ $student }) — только для руководителей, студенты её никогда не видят. До { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}. Чтобы прервать, отправьте /cancel.
threads-need_note = Пожалуйста, напишите заметку текстом. Чтобы прервать, отправьте /cancel.
threads-note_saved = 📝 Заметка ({ $student }) сохранена; она видна в карточке студента.
threads-notes-header = 📝 <b>Заметки</b> (только для руководителей):
threads-notes-line = • { $at } · { $author }: { $text }
error-empty_comment = Комментарий пустой. Пожалуйста, напишите что-нибудь или отправьте файл PDF/DOCX.
left-ThreadStates = Написание комментария прервано.
left-NoteStates = Написание заметки прервано.
checklist-ask = Какие из запрошенных правок учтены в этой версии?
checklist-ask-hint =
    {""}

    Отметьте их и нажмите <b>Готово</b>; если ни одной — /skip.
checklist-off = ⬜ { $label }
checklist-on = ✅ { $label }
checklist-done = Готово
checklist-picked = 📋 В этой версии учтено { $count } из { $total ->
    [one] { $total } запрошенной правки
    [few] { $total } запрошенных правок
    [many] { $total } запрошенных правок
   *[other] { $total } запрошенных правок
}.
checklist-need_buttons = Пожалуйста, отметьте кнопками правки, учтённые в этой версии, и нажмите «Готово» (если ни одной — /skip).
checklist-card =
    {""}

    📋 <b>Учтено { $addressed }/{ $total }</b>{ $lines }
checklist-card-line =
    {""}
    { $mark } { $text }
checklist-card-more =
    {""}
    … и ещё { $more }
checklist-notice =
    {""}

    📋 <b>Запрошенные правки</b>:{ $lines }
checklist-notice-carried =
    {""}

    Ещё открыты с прошлых раундов:{ $lines }
checklist-line =
    {""}
    { $n }. { $text }
checklist-status =
    {""}

    📋 <b>Открытые запрошенные правки</b> ({ $count }):{ $lines }
checklist-ask_carry = { $total ->
    [one] С прошлых раундов открыта { $total } запрошенная правка
    [few] С прошлых раундов открыты { $total } запрошенные правки
    [many] С прошлых раундов открыто { $total } запрошенных правок
   *[other] С прошлых раундов открыто { $total } запрошенных правок
}; в этой версии учтено { $addressed } из них (они теперь закрыты). Оставить остальные ({ $left }) открытыми, чтобы перенести их в следующий раунд вместе с новыми, или закрыть все?
checklist-keep = Оставить открытыми
checklist-close_all = Закрыть все
checklist-need_carry = Пожалуйста, нажмите «Оставить открытыми» или «Закрыть все» (/skip оставляет их открытыми).
threads-comment-voice =
    {""}
    🎤 Голосовое сообщение, { $duration }
threads-comment-photo =
    {""}
    🖼 Фото, { $size } КБ
