## Чат, как им пользуются: файлы без команды, вопросы вне шага.

chat-drop-ask_title = Это будет первая версия вашей работы. Как она называется? (от 1 до { $max } символов) Чтобы прервать, отправьте /cancel.
chat-drop-confirm = Отправить этот файл как версию { $version } работы <b>«{ $title }»</b>?
chat-drop-submit = Отправить
chat-drop-cancel = Отмена
chat-drop-need_button = Пожалуйста, нажмите «Отправить» или «Отмена» под вопросом выше.
chat-ask-offer = Отправить это научному руководителю?
chat-ask-send = Отправить
chat-ask-kept = Не отправлено.
chat-ask-sent_thread = ✉️ Отправлено научному руководителю — в обсуждение версии { $version }.
chat-ask-sent_team = ✉️ Отправлено научному руководителю.
chat-notify-student_message =
    ✉️ Сообщение: <b>{ $student }</b> (версий пока нет):

    { $text }
left-AskStates = Сообщение не отправлено.
chat-notify-examiner_final = 🎓 Работа «{ $title }» ({ $student }) итоговая (версия { $version }). Как рецензент, пожалуйста, оцените её: нажмите <b>Поставить оценку</b>. Ваши оценки скрыты от других оценивающих, пока все не отправят свои.
chat-rename-button = ✏️ Переименовать
chat-rename-ask = Новое название работы? (от 1 до { $max } символов) Чтобы прервать, отправьте /cancel.
chat-rename-done = ✅ Теперь работа называется <b>«{ $title }»</b>. Все участники уведомлены.
chat-notify-renamed = ✏️ Новое название работы ({ $student }): <b>«{ $title }»</b>, прежнее — «{ $old }». Изменение: { $by }.
left-RenameStates = Переименование прервано; название осталось прежним.
chat-drop-reply_ask = Этот файл — новая версия работы «{ $title }» (версия { $next }) или вложение к обсуждению версии { $version }?
chat-drop-new_version = Новая версия
chat-drop-attachment = Вложение
