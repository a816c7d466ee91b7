## Проверка: карточка для научного руководителя, решения, /queue, ежедневная сводка.

review-pending = ещё не проверена
review-superseded = заменена более новой
decision-approved = одобрено
decision-changes_requested = нужны правки
decision-rejected = отклонено
card-new_submission =
    📥 <b>Новая версия</b>: { $student }
    <b>«{ $title }»</b> — версия { $version }
    Отправлена { $at }{ $note }
card-note =
    {""}
    💬 { $note }
button-approve = Одобрить
button-request_changes = Правки
button-reject = Отклонить
card-outcome =
    {""}

    <b>{ $decision }</b> — { $reviewer }, { $at }
review-ask_comment_required = Решение «{ $decision }» по версии { $version } работы <b>«{ $title }»</b>: напишите комментарий (до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}) или отправьте файл PDF/DOCX с пометками, можно с подписью. Чтобы прервать, отправьте /cancel.
review-done = ✅ Записано: <b>{ $decision }</b> — { $student }, версия { $version }.
review-need_comment = Пожалуйста, напишите комментарий текстом или отправьте файл PDF/DOCX.
decision-notice =
    { $icon } Отзыв научного руководителя ({ $reviewer }) о версии { $version } работы <b>«{ $title }»</b> — <b>{ $decision }</b>.{ $comment }{ $grade }

    { $next }
decision-comment =
    {""}

    💬 { $comment }
decision-grade =
    {""}
    Оценка: <b>{ $grade }</b> из 100
decision-next-approved = Поздравляем! Когда будет готова следующая версия, отправьте её командой /submit.
decision-next-changes_requested = Пожалуйста, доработайте работу и отправьте новую версию командой /submit.
decision-next-rejected = Пожалуйста, обсудите с научным руководителем, как быть дальше.
queue-empty = 🎉 Проверки не ждёт ни одна версия.
queue-footer = <b>Ждут проверки</b>: { $total } (страница { $page } из { $pages })
queue-item =
    <b>{ $student }</b> — «{ $title }»
    версия { $version } · ждёт { $age }
queue-prev = « Назад
queue-next = Вперёд »
error-already_reviewed = Уже проверено: { $reviewer_name }, { $at }.
error-superseded = Эту версию заменила версия { $version }.
error-comment_required = Для этого решения нужен комментарий. Пожалуйста, напишите его.
error-comment_too_long = В комментарии { $length ->
    [one] { $length } символ
    [few] { $length } символа
   *[other] { $length } символов
}, а можно не больше { $max }. Пожалуйста, сократите его.
error-invalid_grade = Оценка должна быть целым числом от 0 до 100 — или отправьте /skip.
notify-review_digest = 📬 { $total ->
    [one] <b>{ $total } версия</b> ждёт
    [few] <b>{ $total } версии</b> ждут
   *[other] <b>{ $total } версий</b> ждут
} вашей проверки дольше { $days ->
    [one] { $days } дня
   *[other] { $days } дней
}:
notify-review_digest-line = • { $student } — «{ $title }», версия { $version }, отправлена { $submitted_at }
notify-review_digest-more = …и ещё { $more }.
notify-review_digest-button = Открыть очередь
review-asked_already = Вопрос уже задан — он чуть ниже.
review-button-add_comment = Комментарий
review-button-add_grade = Оценка
review-button-done = Готово
review-button-close_them = Закрыть
review-button-keep_open = Оставить
review-ask_carry = { $total ->
    [one] Открыта { $total } запрошенная правка
    [few] Открыты { $total } запрошенные правки
   *[other] Открыто { $total } запрошенных правок
}; эта версия закрывает { $addressed }. Закрыть их вместе с одобрением или оставить остальные ({ $left }) открытыми до следующей версии?
review-need_carry = Пожалуйста, нажмите «Закрыть» или «Оставить».
review-approved = ✅ Одобрено: версия { $version }, { $student }. Уведомление уйдёт, когда вы нажмёте «Готово», или через { $seconds } с; комментарий или оценка, добавленные за это время, войдут в то же сообщение.
review-approved_already = Уже одобрено. Добавьте комментарий или оценку кнопками на карточке или нажмите «Готово».
review-add_comment_ask = Напишите комментарий (до { $max } символов) или отправьте файл PDF/DOCX с пометками, можно с подписью. /skip — ничего не добавлять.
review-add_grade_ask = Оценка — целое число от 0 до 100? /skip — ничего не добавлять.
review-comment_added = 💬 Комментарий добавлен.
review-grade_added = 🎓 Оценка выставлена: { $grade }.
review-addition_held = Это войдёт в уведомление об одобрении ({ $student }).
review-addition_told = Уведомление отправлено ({ $student }).
review-nothing_added = Ничего не добавлено.
review-told = ✅ Записано: <b>одобрено</b> — { $student }, версия { $version }. Уведомление отправлено.
review-told_already = ✅ Записано: <b>одобрено</b> — { $student }, версия { $version }. Уведомление уже отправлено.
review-vote_done = ✅ Записано: вы одобрили версию { $version } ({ $student }).
left-AmendStates = К одобрению больше ничего не добавлено.
error-nothing_to_amend = Дополнить одобрение может только тот, кто одобрил эту версию.
decision-addition = { $icon } Научный руководитель ({ $reviewer }) дополнил одобрение версии { $version } работы <b>«{ $title }»</b>:{ $comment }{ $grade }
