# Защита (handlers/defence.py, services/defence.py) и повторное открытие объявленной оценки.
left-DefenceStates = Шаг подготовки защиты прерван (ничего не изменено).
left-ReopenGradeStates = Повторное открытие оценки прервано (ничего не изменено).

defence-button-schedule = 🎓 Назначить защиту
defence-button-confirm = Подтвердить
defence-button-decline = Не смогу
defence-button-minutes = 📝 Записать протокол
defence-ask-when = 🎓 Защита работы <b>«{ $title }»</b> ({ $student }). Когда? Отправьте дату и время, например <code>15.06.2027 10:00</code> (часовой пояс { $tz }), или выберите ниже. Чтобы прервать, отправьте /cancel.
defence-ask-place = Где? Отправьте номер аудитории или ссылку на видеовстречу.
defence-ask-externals = Внешние члены комиссии: имена через запятую или <code>-</code>, если их нет. Команда работы уже входит в комиссию.
defence-ask-taker = Кто ведёт протокол?
defence-scheduled = ✅ Защита работы <b>«{ $title }»</b> ({ $student }) назначена: { $at }, { $place }. Комиссия: { $committee }. Протокол ведёт: { $taker }. Всем участникам отправлена просьба подтвердить участие; защита есть в их календарях.
defence-ics_caption = Защита в виде файла календаря — для внешних членов комиссии.
defence-notify-student = 🎓 Ваша защита работы <b>«{ $title }»</b>: { $at }, { $place }. Комиссия: { $committee }. Сможете прийти?
defence-notify-member = 🎓 Защита работы <b>«{ $title }»</b> ({ $student }): { $at }, { $place }. Комиссия: { $committee }. Протокол ведёт: { $taker }. Сможете прийти?
defence-notify-taker = Протокол ведёте вы: после начала нажмите <b>Записать протокол</b>.
defence-notify-answer-confirmed = ✅ { $name }: участие в защите работы <b>«{ $title }»</b> ({ $student }, { $at }) подтверждено.
defence-notify-answer-declined = 🚫 { $name }: участие в защите работы <b>«{ $title }»</b> ({ $student }, { $at }) невозможно.
defence-answered-confirmed = ✅ Вы подтвердили участие в защите работы <b>«{ $title }»</b> ({ $at }).
defence-answered-declined = 🚫 Вы не сможете прийти на защиту работы <b>«{ $title }»</b> ({ $at }); назначивший её уведомлён.
defence-ask-minutes = 📝 Протокол защиты работы <b>«{ $title }»</b> ({ $student }): отправьте его текстом.
defence-ask-mark = Компонент <b>{ $name }</b>: оценка от 0 до 100?
defence-recorded = ✅ Протокол защиты работы <b>«{ $title }»</b> ({ $student }) записан. Студент увидит его только после объявления оценки.
defence-recorded_agreed = Согласованная оценка теперь полная и ждёт объявления.

error-invalid_defence = { $reason_text }
reason-defence_externals = До 5 имён через запятую, каждое до 120 знаков, или <code>-</code>, если их нет. Пожалуйста, отправьте ещё раз.
reason-defence_minutes_empty = Протокол не может быть пустым. Пожалуйста, отправьте его текстом.
reason-defence_minutes_long = Протокол — не более 3500 знаков. Пожалуйста, сократите текст.
reason-defence_not_final = Защиту назначают для окончательной работы, оценивание которой ещё не завершено.
reason-defence_place = Пожалуйста, отправьте номер аудитории или ссылку на видеовстречу.
reason-defence_past = Этот момент уже прошёл. Пожалуйста, выберите время в будущем.
reason-defence_recorded = Протокол этой защиты уже записан; перенести её нельзя.
reason-defence_started = Защита уже началась.
reason-defence_not_minute_taker = Протокол записывает только тот, кто его ведёт.
reason-defence_not_yet = Защита ещё не началась: протокол записывают после её начала.
reason-defence_mark = Оценка — целое число от 0 до 100.

assess-button-reopen = Открыть оценку
assess-reopen-ask = Почему объявленная оценка работы <b>«{ $title }»</b> ({ $student }) открывается повторно? Причина записывается и сообщается студенту.
assess-reopen-ask_again = Пожалуйста, отправьте причину текстом или /cancel.
assess-reopen-done = ✅ Оценка открыта повторно ({ $student }): оценивающие согласуют её заново, студент уведомлён.
assess-notify-reopened = ⚖️ Объявленная оценка работы <b>«{ $title }»</b> ({ $student }) открыта повторно ({ $by }): { $reason }. Пожалуйста, согласуйте оценку заново: предложите свою или примите предложенную.
assess-notify-reopened_student = ⚖️ Объявленная оценка вашей работы <b>«{ $title }»</b> открыта повторно кафедрой: { $reason }. Новую оценку вы узнаете, когда её объявят.
assess-after-defence = Оценки письменной работы согласованы; оценка будет полной, когда протокол защиты даст её компонент.
error-assessment_not_released = Объявленной оценки, которую можно открыть повторно, нет.

protocol-pdf-defence = Защита
protocol-pdf-defence-when = { $at }, { $place }
protocol-pdf-defence-committee = Комиссия: { $committee }
protocol-pdf-defence-minutes = Протокол записан: { $name }, { $at }
cmd-reopen_grade = Открыть объявленную оценку
assess-reopen-pick = Какую объявленную оценку открыть повторно? Сначала последние.
assess-reopen-none = Объявленных оценок пока нет.
