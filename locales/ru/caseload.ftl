## Научный руководитель и много студентов: /students по срочности, фильтры, файл в очереди.

students-urgency-header =
    <b>Ваши студенты</b>: { $all } · ⏳ ждут проверки { $waiting } · ⚠️ просрочено { $overdue } · 💤 молчат { $silent }
    Показаны: { $shown }, сначала самые срочные (страница { $page } из { $pages })
students-shown-all = все
students-shown-waiting = ждут проверки
students-shown-overdue = с просроченной контрольной точкой
students-shown-silent = молчат
students-shown-none = без единой версии
students-filter-waiting = Ждут
students-filter-overdue = Просрочено
students-filter-silent = Молчат
students-filter-all = Все
students-filter-empty = Сейчас здесь никого нет.
students-u-waiting = { $n }. ⏳ <b>{ $name }</b> — версия { $version } ждёт проверки { $age } · «{ $title }»{ $unreachable }
students-u-overdue = { $n }. ⚠️ <b>{ $name }</b> — контрольная точка просрочена с { $since } ({ $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}){ $unreachable }
students-u-silent = { $n }. 💤 <b>{ $name }</b> — молчит { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}{ $unreachable }
students-u-none = { $n }. 📭 <b>{ $name }</b> — ещё нет ни одной версии{ $unreachable }
students-u-rest = { $n }. • <b>{ $name }</b> — «{ $title }»: { $status }, версия { $version }{ $unreachable }
students-team_button = 👥 Команда
queue-file_button = 📄 Файл
notify-joined-student = 🎓 <b>{ $name }</b> присоединяется к вам как студент по вашему приглашению. Вы найдёте этого студента в /students.
notify-joined-supervisor = 🧑‍🏫 <b>{ $name }</b> присоединяется как научный руководитель по вашему приглашению.
message-ask_whom = ✉️ Кому отправить сообщение?
message-no_students = У вас пока нет студентов. Пригласите их командой /invite.
message-audience-all = 👥 Всем моим студентам ({ $count })
message-audience-waiting = ⏳ Ждут проверки ({ $count })
message-audience-overdue = ⚠️ Просрочено ({ $count })
message-audience-silent = 💤 Молчат ({ $count })
message-audience-none = 📭 Без версий ({ $count })
message-audience-supervisors = 🧑‍🏫 Всем научным руководителям ({ $count })
message-audience-everyone = 👥 Всем ({ $count })
message-target-all = всем вашим студентам
message-target-waiting = вашим студентам, чьи версии ждут проверки
message-target-overdue = вашим студентам с просроченной контрольной точкой
message-target-silent = вашим студентам, которые молчат
message-target-none = вашим студентам, ещё не приславшим ни одной версии
message-target-one = одному студенту
message-target-supervisors = всем научным руководителям
message-target-everyone = всем
message-ask_text = Напишите сообщение: { $target } (или пришлите файл, можно с подписью). /cancel — отмена.
message-need_text = Пришлите сообщение текстом (или файлом) либо /cancel.
message-preview =
    <b>Предпросмотр</b> — { $target }: { $count ->
        [one] { $count } получатель
        [few] { $count } получателя
       *[other] { $count } получателей
    }{ $file }

    { $body }
message-send = Отправить
message-cancel = Отмена
message-cancelled = Не отправлено. Ничего не изменилось.
message-stale = Это сообщение уже отправлено или отменено.
message-already = Это сообщение уже отправлено; дважды его никто не получит.
message-sent = ✅ Отправлено: { $count ->
    [one] { $count } получатель
    [few] { $count } получателя
   *[other] { $count } получателей
}.
message-notify =
    ✉️ <b>{ $sender }</b> пишет:

    { $body }
message-notify-answer =
    💬 <b>{ $sender }</b> отвечает:

    { $body }
message-answer_button = 💬 Ответить
message-ask_answer = Напишите ответ (или пришлите файл). /cancel — отмена.
message-answered = ✅ Ответ отправлен: { $name }.
nudge-template = { $one ->
    [yes] Здравствуйте, { $name }! Давно ничего о вас не слышно. Как продвигается работа? Пришлите, пожалуйста, короткую весточку, последнюю версию или вопрос — что угодно. С уважением, { $supervisor }
   *[other] Здравствуйте! Давно ничего о вас не слышно. Как продвигается работа? Пришлите, пожалуйста, короткую весточку, последнюю версию или вопрос — что угодно. С уважением, { $supervisor }
}
nudge-edit_hint = ✏️ Пришлите другой текст, чтобы заменить этот, или нажмите «Отправить».
left-MessageStates = Сообщение не отправлено.
left-AnswerStates = Ответ не отправлен.
message-preview-file = {" "}· 📎 { $name }
promise-button = 🗓 Проверю до…
promise-ask =
    🗓 К какому сроку вы примете решение по этой версии? Студент увидит ваше обещание.
    Завтра: { $tomorrow } · Через 3 дня: { $in_3 } · В пятницу: { $friday }
promise-choice-tomorrow = Завтра
promise-choice-in_3 = Через 3 дня
promise-choice-friday = В пятницу
promise-choice-date = 📅 Другая дата
promise-ask_date = Введите дату в формате ГГГГ-ММ-ДД (или ГГГГ-ММ-ДД ЧЧ:ММ) либо /cancel.
promise-done = 🗓 Обещано: решение по версии { $version } ({ $student }) — до { $at }. Студенту сообщено.
promise-open_queue = Открыть очередь
promise-notify-made = 🗓 { $supervisor } проверит версию { $version } работы «{ $title }» до { $at }.
promise-notify-passed = ⏰ Вы обещали принять решение по версии { $version } работы «{ $title }» ({ $student }) до { $at }. Версия всё ещё ждёт.
promise-notify-escalated = ⏰ { $supervisor }: решение по версии { $version } работы «{ $title }» ({ $student }) было обещано до { $at }; прошёл день, а версия всё ещё ждёт. Вам сообщается как соруководителю или администратору.
promise-status = 🗓 { $supervisor }: решение обещано до { $at }.
promise-stats = Обещания проверить (за 30 дней): выполнено { $kept }, нарушено { $broken }
promise-digest = 🗓 Ваши обещания проверить за 30 дней: выполнено { $kept }, нарушено { $broken }.
silent-digest-header = 💤 <b>{ $count ->
    [one] { $count } студент
    [few] { $count } студента
   *[other] { $count } студентов
}</b> без версий, комментариев и встреч не менее { $days ->
    [one] { $days } дня
   *[other] { $days } дней
}:
silent-digest-line = { $n }. { $name } — молчит { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}
silent-digest-more = И ещё { $more } в /students («Молчат»).
silent-nudge = Напомнить: { $name }
silent-nudge_all = Напомнить всем
silent-admin-header = 💤 <b>Молчащие студенты</b> (ничего не менее { $days ->
    [one] { $days } дня
   *[other] { $days } дней
}): всего { $count }
silent-admin-line = • { $supervisor }: { $silent } из { $students }
cmd-message = Написать студентам (или всем)
left-PromiseStates = Обещание проверить не записано.
