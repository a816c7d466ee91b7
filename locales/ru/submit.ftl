## Отправка работы: /submit, /status, /history.

submit-ask_title = Как называется ваша работа? (от 1 до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
})
submit-ask_file =
    Отправьте работу файлом <b>PDF</b> или <b>DOCX</b> (не больше { $limit_mb } МБ).
    Чтобы прервать, отправьте /cancel.
submit-ask_note = Добавьте короткое сообщение для научного руководителя или отправьте /skip.
submit-received =
    ✅ Версия { $version } получена { $at }.
    Научный руководитель уведомлён. Следить за состоянием работы — /status.
submit-need_document = Пожалуйста, отправьте работу файлом: документом <b>PDF</b> или <b>DOCX</b> (не фото и не текстом). Чтобы прервать, отправьте /cancel.
submit-need_text_note = Пожалуйста, отправьте сообщение текстом или /skip.
submit-need_title = Пожалуйста, отправьте название текстом (от 1 до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}).
error-no_supervisor = К вам ещё не привязан научный руководитель, поэтому отправлять работу некому.
status-none = Вы ещё ничего не отправляли. Чтобы начать, отправьте /submit.
status-view =
    <b>«{ $title }»</b>
    Состояние: <b>{ $status }</b>
    Последняя: версия { $version }, { $at } — { $review }
    { $turn }
status-turn-supervisor = ⏳ С { $since } работа ждёт проверки научным руководителем.
status-turn-student = ✏️ Ваш ход: доработайте работу и отправьте новую версию командой /submit.
status-turn-rejected = Работа отклонена. Обсудите её с научным руководителем, затем отправьте заново через /submit.
thesis-draft = черновик
thesis-submitted = отправлена, ждёт проверки
thesis-changes_requested = нужны правки
thesis-approved = одобрена
thesis-rejected = отклонена
history-none = Версий пока нет.
history-header = <b>«{ $title }»</b> — { $count ->
    [one] { $count } версия
    [few] { $count } версии
   *[other] { $count } версий
}:
history-line = <b>Версия { $version }</b> · { $at } · { $size } · { $decision }{ $comment }{ $grade }
history-comment =
    {""}
    {"   "}💬 { $comment }
history-grade = {" "}· оценка { $grade }
history-file_button = 📄 Версия { $version }
history-feedback_button = 📝 Отзыв, версия { $version }
error-invalid_title = Название должно быть от 1 до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}. Пожалуйста, отправьте его ещё раз.
error-file_too_large = Файл слишком большой: ограничение — { $limit_mb } МБ. Пожалуйста, отправьте файл поменьше.
error-empty_file = Файл пустой. Пожалуйста, отправьте работу файлом PDF или DOCX.
error-unsupported_document = { $reason_text } Я принимаю только файлы PDF и DOCX.
reason-not_pdf_or_docx = Это не документ PDF или DOCX.
reason-truncated_pdf = Этот PDF неполный или повреждён.
reason-broken_zip = Этот файл DOCX повреждён.
reason-not_docx = Этот архив не является документом Word (DOCX).
reason-zip_bomb = Этот файл DOCX распаковывается в неправдоподобно большой объём.
error-duplicate_submission = Этот файл совпадает с версией { $version }. Пожалуйста, отправьте исправленный файл.
