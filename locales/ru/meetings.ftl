## Встречи: /meeting, /meetings, протоколы встреч; календарь (/calendar); выгрузки (/export); /mydata.

cmd-meeting = Назначить встречу
cmd-meetings = Встречи
cmd-calendar = Ссылка на ваш календарь
cmd-export = Выгрузить данные
cmd-mydata = Ваши данные
left-MeetingStates = Создание встречи прервано.
meeting-no_students = У вас ещё нет студентов. Пригласите их командой /invite.
meeting-ask_student = 🗓 <b>Новая встреча.</b> С кем она?
meeting-all_button = 👥 Все мои студенты ({ $count })
meeting-all_students = все ваши студенты
meeting-ask_title = Новая встреча (участники: { $target }). Какова её тема? (например, <i>Замечания по главе 2</i>, от 1 до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}) Чтобы прервать, отправьте /cancel.
meeting-ask_when = Когда? Отправьте <code>ГГГГ-ММ-ДД ЧЧ:ММ</code>, часовой пояс { $tz }. Чтобы прервать, отправьте /cancel.
meeting-ask_place = Где? Отправьте номер аудитории или ссылку на видеовстречу либо /skip.
meeting-need_text = Пожалуйста, ответьте текстом или отправьте /cancel.
meeting-created = ✅ Встреча <b>«{ $title }»</b> назначена на { $at } (участники: { $target }). Просьба подтвердить участие отправлена { $count ->
    [one] { $count } студенту
    [few] { $count } студентам
    [many] { $count } студентам
   *[other] { $count } студентам
}; вы увидите ответы. Все встречи — /meetings.
meeting-confirm_button = Подтвердить
meeting-decline_button = Не смогу прийти
meeting-agree_button = Согласиться
meeting-correct_button = ✏️ Предложить правку
meeting-add_notes_button = 📝 Протокол и задачи
meeting-you_confirmed = ✅ Вы подтвердили участие во встрече <b>«{ $title }»</b> ({ $at }).
meeting-you_declined = 🚫 Вы не сможете прийти на встречу <b>«{ $title }»</b> ({ $at }); научный руководитель уведомлён.
meeting-agreed = 👍 Вы согласились с протоколом встречи <b>«{ $title }»</b>.
meeting-ask_correction = Что должно быть в протоколе встречи <b>«{ $title }»</b> вместо этого? Отправьте свою правку — она уйдёт научному руководителю. Чтобы прервать, отправьте /cancel.
meeting-correction_sent = ✉️ Ваша правка к протоколу встречи <b>«{ $title }»</b> отправлена научному руководителю.
meeting-cancelled = 🗑 Встреча <b>«{ $title }»</b> ({ $at }) отменена; студенты уведомлены.
meeting-ask_new_when = Перенос встречи <b>«{ $title }»</b> (сейчас — { $at }). Новые дата и время? <code>ГГГГ-ММ-ДД ЧЧ:ММ</code>, часовой пояс { $tz }. Чтобы прервать, отправьте /cancel.
meeting-moved = ✅ Встреча <b>«{ $title }»</b> перенесена на { $at }; студенты уведомлены, их снова попросили подтвердить участие.
meeting-ask_notes = 📝 Протокол встречи <b>«{ $title }»</b>: отправьте заметки; каждая строка, начинающаяся с <code>-</code>, станет задачей. Чтобы прервать, отправьте /cancel.
meeting-recorded = ✅ Протокол встречи <b>«{ $title }»</b> сохранён и отправлен { $count ->
    [one] { $count } студенту
    [few] { $count } студентам
    [many] { $count } студентам
   *[other] { $count } студентам
}.
meeting-record-notes = 📝 { $notes }
meeting-record-items_header = <b>Задачи</b>
meeting-record-item = { $number }. { $text }
meeting-item_button = 🎯 Контрольная точка { $number }: { $text }
meeting-item_done = 🎯 <b>{ $text }</b> — теперь контрольная точка для { $count ->
    [one] { $count } студента
    [few] { $count } студентов
    [many] { $count } студентов
   *[other] { $count } студентов
}, срок — { $due }; перенести её можно в /milestones.
meeting-line = { $number }🗓 <b>«{ $title }»</b> — { $at }{ $place } · { $state }{ $who }
meeting-line-place = {" "}· { $place }
meeting-line-who =
    {""}
    {"   "}{ $names }
meeting-line-mine = {" "}· вы: { $answer }
meeting-state-upcoming = предстоит
meeting-state-past = прошла
meeting-answer-pending = ещё не ответили
meeting-answer-confirmed = подтвердили
meeting-answer-declined = не сможете прийти
meeting-left-1d = завтра
meeting-left-1h = через час
meetings-none = Встреч пока нет.
meetings-header = <b>Встречи</b>: предстоящих — { $upcoming }, прошедших — { $past }
meetings-block_header = 🗓 <b>Ближайшие встречи</b>
meetings-history_header = 🗓 <b>Встречи</b> ({ $count })
meetings-move_button = ✏️ Перенести { $number }
meetings-cancel_button = 🗑 Отменить { $number }
meetings-notes_button = 📝 Протокол { $number }
error-invalid_meeting = { $reason_text }
reason-meeting_title = Тема встречи должна быть от 1 до 200 символов. Пожалуйста, отправьте её ещё раз.
reason-meeting_place = Это слишком длинно для места или ссылки. Пожалуйста, отправьте ещё раз.
reason-meeting_past = Этот момент уже прошёл. Пожалуйста, отправьте время в будущем.
reason-meeting_started = Эта встреча уже началась.
reason-meeting_not_yet = Протокол можно написать, когда встреча начнётся.
reason-meeting_record_empty = Пожалуйста, отправьте заметки текстом или отправьте /cancel.
reason-meeting_record_long = Протокол слишком длинный. Пожалуйста, отправьте покороче.
reason-meeting_items = Не больше 20 задач, каждая — до 200 символов. Пожалуйста, отправьте ещё раз.
reason-meeting_item_done = Эта задача уже стала контрольной точкой.
reason-meeting_no_record = У этой встречи ещё нет протокола.
reason-meeting_correction = Пожалуйста, отправьте правку текстом, до 2000 символов.
notify-meeting_invited = 🗓 Научный руководитель ({ $supervisor_name }) назначил встречу{ $group }: <b>«{ $title }»</b>, { $at }{ $place }. Сможете прийти?
notify-meeting_group = {" "}со всеми своими студентами
notify-meeting_answered-confirmed = ✅ { $student }: участие во встрече подтверждено — <b>«{ $title }»</b> ({ $at }).
notify-meeting_answered-declined = 🚫 { $student }: не получится прийти на встречу <b>«{ $title }»</b> ({ $at }).
notify-meeting_reminder = ⏰ Встреча <b>«{ $title }»</b> — { $left }: { $at }{ $place }.
notify-meeting_notes_request = 📝 Как прошла встреча <b>«{ $title }»</b> ({ $at })? Отправьте протокол и задачи.
notify-meeting_record = 📝 Протокол встречи <b>«{ $title }»</b> ({ $at }) от научного руководителя ({ $supervisor_name }):
notify-meeting_agreed = 👍 { $student }: согласие с протоколом встречи <b>«{ $title }»</b>.
notify-meeting_correction =
    ✏️ Правка к протоколу встречи <b>«{ $title }»</b> — { $student }:
    { $correction }
notify-meeting_moved = 🗓 Научный руководитель ({ $supervisor_name }) перенёс встречу <b>«{ $title }»</b>: теперь { $at } (было { $old }){ $place }. Сможете прийти?
notify-meeting_cancelled = 🗑 Научный руководитель ({ $supervisor_name }) отменил встречу <b>«{ $title }»</b> ({ $at }).
calendar-link =
    📆 Ваш личный календарь (контрольные точки и встречи). Подпишитесь на него в приложении-календаре:
    <code>{ $url }</code>

    Календарь видит любой, у кого есть ссылка: кнопка «Сбросить ссылку» создаёт новую, а старая перестаёт работать.
calendar-reset =
    🔁 Новая ссылка (старая больше не работает):
    <code>{ $url }</code>
calendar-reset_button = Сбросить ссылку
export-ask-mine = 📤 Выгрузка данных ваших студентов:
export-ask-all = 📤 Выгрузка данных всех пользователей:
export-table_button = 📊 Студенты, работы, версии, встречи (CSV + XLSX)
export-latest_button = 🗂 Последние версии (ZIP)
export-working = Готовим выгрузку…
export-latest_none = Выгружать пока нечего: версий ещё нет.
export-preparing = ⏳ Готовим выгрузку…
export-progress = ⏳ Готовим выгрузку… { $done } из { $total ->
    [one] { $total } работы
    [few] { $total } работ
    [many] { $total } работ
   *[other] { $total } работ
}
export-ready = ✅ Выгрузка готова.
export-failed = 😔 Извините, выгрузку сейчас не удалось подготовить. Попробуйте ещё раз через минуту.
export-latest_caption = 🗂 Последние версии { $count ->
    [one] { $count } работы
    [few] { $count } работ
    [many] { $count } работ
   *[other] { $count } работ
}.
export-link =
    📦 Выгрузка слишком велика для Telegram. Скачайте её по ссылке до { $expires }:
    { $url }
mydata-caption = 🔐 Всё, что бот хранит о вас: ваши записи (data.json) и файлы.
