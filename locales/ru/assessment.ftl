# Оценивание (handlers/assessment.py): схема, заявление, оценки, согласование, объявление.
cmd-scheme = Схема оценивания
thesis-declaration = ожидает заявления об авторстве
thesis-released = оценена, оценка объявлена
status-turn-declaration = ✍️ Научный руководитель отметил вашу работу как итоговую: подтвердите заявление об авторстве (сообщение с кнопкой <b>Подтверждаю</b>), чтобы завершить её.
status-turn-released = 🎓 Ваша работа оценена; оценка — в /history.
left-MarkStates = Выставление оценок прервано (ничего не записано).
left-ProposeStates = Предложение оценки прервано.

assess-scheme-current = Схема оценивания v{ $version }: { $scheme }
assess-scheme-saved = ✅ Новая схема сохранена. Работы, которые уже оцениваются, сохраняют свою схему.
assess-scheme-usage = Чтобы изменить: <code>/scheme Содержание 40, Методы 30, Оформление 20, Защита 10; scale 2-5; tolerance 10; release supervisor</code>
    Веса в сумме дают 100; каждый критерий оценивается в процентах (0–100). Шкалы: 0-100, 1-5, 2-5 (5 — от 85 %, 4 — от 70 %, 3 — от 50 %). Допуск: наибольшая разница итогов оценивающих, при которой оценка согласуется автоматически. Объявляет: admin (администратор) или supervisor (научный руководитель).
assess-statement-usage = Отправьте <code>/statement ЯЗЫК текст</code>, чтобы заменить заявление об авторстве для одного языка ({ $languages }).
assess-statement-saved = ✅ Заявление об авторстве для языка «{ $language }» заменено.

assess-declaration-default = Заявляю, что эта работа выполнена мной самостоятельно, все использованные источники и средства указаны, и работа не представлялась к оцениванию в другом месте.
assess-declaration-ask = 🎓 { $supervisor_name } отметил(а) вашу работу «{ $title }» (v{ $version }) как итоговую. Чтобы она стала итоговой, подтвердите заявление об авторстве:

    <i>{ $statement }</i>
assess-declaration-done = ✅ Заявление записано для работы «{ $title }». Работа итоговая и передана на оценивание. Отпечаток версии (SHA-256): <code>{ $sha256 }</code>
assess-button-declare = Подтверждаю

assess-notify-mark = 📝 Работа «{ $title }» ({ $student }) итоговая. Пожалуйста, оцените её: нажмите <b>Поставить оценку</b>. Ваши оценки скрыты от других оценивающих, пока все не отправят свои.
assess-notify-third = 📝 Вы назначены третьим оценивающим работы «{ $title }» ({ $student }): ваша оценка решающая. Нажмите <b>Поставить оценку</b>.
assess-mark-intro = Оценивание работы «{ $title }» ({ $student }): { $count ->
    [one] { $count } критерий
    [few] { $count } критерия
   *[other] { $count } критериев
} в процентах (0–100), затем ваш отзыв или рецензия.
assess-mark-ask = { $position }/{ $count }: <b>{ $name }</b> (вес { $weight }). Ваша оценка, 0–100?
assess-mark-ask_report = Теперь письменный отзыв или рецензию: текстом или файлом PDF/DOCX.
assess-mark-done = ✅ Ваши оценки записаны ({ $student }; взвешенный итог { $total }). { $state }
assess-after-marking = Остальные оценки ещё не поступили; до тех пор ваши никто не видит.
assess-after-disagreed = Все оценки получены, но расходятся больше допуска: оба набора показаны рядом; предложите оценку или примите предложенную.
assess-after-agreed = Согласованная оценка вычислена.
assess-after-third_marker = Решает третий оценивающий.
assess-after-released = Оценка объявлена.

assess-role-supervisor = научный руководитель
assess-role-examiner = рецензент
assess-role-third = третий оценивающий
assess-grade-percent = { $grade } / 100
assess-grade-scaled = { $grade } (шкала { $scale }; { $total } %)

assess-button-board = Оценки
assess-button-propose = Предложить оценку
assess-button-accept = Принять
assess-button-release = Объявить
assess-button-appoint = Назначить третьего оценивающего
assess-board-header = Оценивание работы «{ $title }» ({ $student })
assess-board-hidden = 🔒 Оценки скрыты, пока все оценивающие не отправят свои.
assess-board-line = • { $name } ({ $role }): { $marks } → <b>{ $total }</b>
assess-board-agreed = Согласованная оценка: <b>{ $grade }</b>
assess-board-proposal = Предложение ({ $name }): <b>{ $total }</b>
assess-notify-disagree = ⚖️ Все оценки работы «{ $title }» ({ $student }) получены и расходятся больше допуска ({ $tolerance }). Рядом:
assess-notify-proposed = ⚖️ { $name } предлагает согласованный итог <b>{ $total }</b> для работы «{ $title }» ({ $student }).
assess-propose-ask = Какой итог (0–100) вы предлагаете?
assess-propose-done = Предложено { $total } ({ $student }); остальные оценивающие получили запрос.
assess-accepted = Принято: { $total }. { $state }
assess-notify-agreed-computed = ✅ Согласованная оценка работы «{ $title }» ({ $student }): <b>{ $grade }</b> (среднее итогов оценивающих, в пределах допуска).
assess-notify-agreed-proposal = ✅ Согласованная оценка работы «{ $title }» ({ $student }): <b>{ $grade }</b> (согласована оценивающими).
assess-notify-agreed-third = ✅ Согласованная оценка работы «{ $title }» ({ $student }): <b>{ $grade }</b> (оценка третьего оценивающего).
assess-notify-third_needed = ⏰ Оценивающие работы «{ $title }» ({ $student }) не согласовали оценку за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
}. Назначьте третьего оценивающего: его оценка решающая.
assess-appoint-pick = Кто будет третьим оценивающим этой работы ({ $student })?
assess-appoint-nobody = Других научных руководителей для назначения нет.
assess-appoint-done = Третий оценивающий работы ({ $student }): { $marker }. Запрос отправлен.
assess-release-done = ✅ Объявлено ({ $student }): оценка, критерии и отзывы отправлены.
assess-released-header = 🎓 Оценка работы «{ $title }» объявлена. Оценка: <b>{ $grade }</b>
assess-released-component = • { $name }: { $mark }
assess-released-report = 📄 { $name } ({ $role }): { $text } { $file }

error-assessment_invalid_scheme = Не удалось прочитать схему. Пример: <code>/scheme Содержание 40, Методы 30, Оформление 30; scale 0-100; tolerance 10; release admin</code> (веса в сумме — 100).
error-assessment_invalid_mark = Оценка — целое число от 0 до 100.
error-assessment_not_marker = Вы не оцениваете эту работу.
error-assessment_already_marked = Ваши оценки этой работы уже записаны.
error-assessment_not_open = Эта работа сейчас не оценивается.
error-assessment_not_agreed = Согласованной оценки для объявления нет (или она уже объявлена).
error-assessment_no_proposal = Пока нечего принимать: предложений нет.
error-assessment_no_declaration_asked = Заявление от вас не ожидается.
assess-final-asked = 🎓 Отправлен запрос подтвердить заявление об авторстве для работы «{ $title }» ({ $student }); после подтверждения работа станет итоговой и оценивающие получат запрос.
assess-history-header = 🎓 Оценивание (оценка объявлена):

cmd-receipt = Квитанция о версии
receipt-usage = Отправьте /receipt для последней версии или /receipt 2 для версии 2.
receipt-caption = 🧾 Квитанция о версии { $version } работы «{ $title }», подписанная ботом (SHA-256 файла: <code>{ $sha256 }</code>). Проверить её может любой, у кого есть ключ развёртывания: <code>python -m bot verify-receipt FILE</code>.
receipt-pdf-title = Квитанция о приёме версии работы
receipt-pdf-name = Студент
receipt-pdf-thesis = Работа
receipt-pdf-version = Версия
receipt-pdf-file = Файл
receipt-pdf-submitted = Получена
receipt-pdf-size = Размер
receipt-pdf-bytes = { $size } байт
receipt-pdf-sha256 = SHA-256 файла
receipt-pdf-issued = Квитанция выдана
receipt-pdf-signed = Квитанция подписана ключом развёртывания (HMAC-SHA256, в конце файла); любое изменение файла делает подпись недействительной.

protocol-caption = 📜 Протокол оценивания работы «{ $title }» сохранён вместе с работой (он есть и в /mydata студента).
protocol-pdf-title = Протокол оценивания
protocol-pdf-scheme = Схема
protocol-pdf-marker = Оценки: { $name } ({ $role })
protocol-pdf-signed = Отправлено: { $name }, { $at }
protocol-pdf-agreed = Согласованная оценка
protocol-pdf-how-computed = среднее итогов оценивающих, в пределах допуска
protocol-pdf-how-proposal = согласована оценивающими
protocol-pdf-how-third = оценка третьего оценивающего
protocol-pdf-declaration = Заявление об авторстве
protocol-pdf-released = Объявил(а): { $name }, { $at }
