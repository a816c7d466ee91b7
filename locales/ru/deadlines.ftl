## Контрольные точки и сроки: /deadline, /milestones, /deadlines, напоминания.

error-invalid_deadline = { $reason_text }
deadline-no_students = У вас ещё нет студентов, поэтому назначать срок некому.
deadline-ask_student = 📅 <b>Новая контрольная точка.</b> Для кого она?
deadline-all_button = 👥 Все мои студенты ({ $count })
deadline-all_students = всем вашим студентам
deadline-ask_title = Новая контрольная точка (кому: { $target }). Как она называется? (например, <i>Черновик главы 2</i>, от 1 до { $max ->
    [one] { $max } символа
   *[other] { $max } символов
}) Чтобы прервать, отправьте /cancel.
deadline-ask_due = Каков срок? Отправьте <code>ГГГГ-ММ-ДД</code> (этот день, 23:59) или <code>ГГГГ-ММ-ДД ЧЧ:ММ</code>, часовой пояс { $tz }. Чтобы прервать, отправьте /cancel.
deadline-need_text = Пожалуйста, ответьте текстом или отправьте /cancel.
deadline-created = ✅ Контрольная точка <b>«{ $title }»</b> назначена (кому: { $target }), срок — { $due }. { $count ->
    [one] Уведомлён { $count } студент.
    [few] Уведомлены { $count } студента.
   *[other] Уведомлены { $count } студентов.
} Все точки — /milestones.
deadline-in = через { $left }
deadline-ago = { $ago } назад
milestone-line = { $icon } { $number }<b>«{ $title }»</b>{ $student } — срок { $due } ({ $when }) · { $status }
milestone-student = {" "}· { $name }
milestone-status-open = открыта
milestone-status-on_time = сдана в срок
milestone-status-late = сдана с опозданием
milestone-status-overdue = просрочена
milestones-none = Контрольных точек пока нет. Назначьте первую командой /deadline.
milestones-header = <b>Контрольные точки</b> ({ $count }):
milestones-move_button = ✏️ Перенести { $number }
milestones-delete_button = 🗑 Удалить { $number }
milestones-deleted = 🗑 Контрольная точка <b>«{ $title }»</b> удалена.
milestones-ask_new_due = Перенос точки <b>«{ $title }»</b> — { $student } (сейчас срок — { $due }). Отправьте новую дату: <code>ГГГГ-ММ-ДД</code> или <code>ГГГГ-ММ-ДД ЧЧ:ММ</code>, часовой пояс { $tz }. Чтобы прервать, отправьте /cancel.
milestones-moved = ✅ Новый срок точки <b>«{ $title }»</b> — { $due }. Студент уведомлён.
deadlines-none = У вас нет сроков.
deadlines-header = <b>Ваши сроки</b> ({ $count }):
deadlines-block_header = 📅 <b>Ближайшие сроки</b>
reason-deadline_format = Не удалось разобрать дату. Пожалуйста, отправьте <code>ГГГГ-ММ-ДД</code> или <code>ГГГГ-ММ-ДД ЧЧ:ММ</code>, например <code>2030-05-31 18:00</code>.
reason-deadline_past = Этот момент уже прошёл. Пожалуйста, отправьте дату в будущем.
reason-deadline_too_far = Это слишком далеко. Пожалуйста, отправьте дату в пределах трёх лет.
reason-deadline_title = Название контрольной точки должно быть от 1 до 200 символов. Пожалуйста, отправьте его ещё раз.
reason-deadline_submitted = Эта контрольная точка уже закрыта отправленной версией; перенести её нельзя.
notify-deadline_set =
    📅 Новая контрольная точка от научного руководителя ({ $supervisor_name }): <b>«{ $title }»</b>, срок — { $due_at }.
    Отправить работу — /submit; все ваши сроки — /deadlines.
notify-deadline_moved = 📅 Научный руководитель ({ $supervisor_name }) перенёс срок точки <b>«{ $title }»</b>: теперь { $due_at } (было { $old_due_at }).
notify-deadline_reminder = ⏰ Напоминание: срок точки <b>«{ $title }»</b> — { $left }, { $due_at }. Отправить работу — /submit.
remind-left-7d = через 7 дней
remind-left-3d = через 3 дня
remind-left-1d = завтра
remind-left-12h = через 12 часов
remind-left-1h = через час
notify-deadline_overdue = ❗ Срок точки <b>«{ $title }»</b> истёк { $due_at }, а ничего не отправлено. Пожалуйста, отправьте работу командой /submit как можно скорее или обсудите это с научным руководителем.
notify-student_overdue = ❗ <b>Просрочено</b> ({ $count }):
notify-student_overdue-line = • { $student } — <b>«{ $title }»</b>, срок { $due_at }
milestones-extend_button = ⏩ Продлить: { $name }
milestones-cohort =
    {""}
    Назначена { $count ->
        [one] { $count } студенту
       *[other] { $count } студентам
    }; можно дать одному из них больше времени:
extend-ask_due = Больше времени по точке <b>«{ $title }»</b> — { $student } (общий срок — { $due }, личный — { $own }). Отправьте новый личный срок: <code>ГГГГ-ММ-ДД</code> или <code>ГГГГ-ММ-ДД ЧЧ:ММ</code>, часовой пояс { $tz }. Чтобы прервать, отправьте /cancel.
extend-done = ✅ Личный срок по точке <b>«{ $title }»</b> — { $student }: { $due }; у остальных срок прежний. Уведомление отправлено.
milestone-extended = {" "}(продлено)
reason-extension_not_later = Новая дата должна быть позже общего срока контрольной точки. Пожалуйста, отправьте другую.
notify-milestone_extended = 📅 Научный руководитель ({ $supervisor_name }) продлил вам срок точки <b>«{ $title }»</b>: теперь { $due_at }.
notify-milestone_deleted = 🗑 Научный руководитель ({ $supervisor_name }) удалил контрольную точку <b>«{ $title }»</b> (срок был { $due_at }).
