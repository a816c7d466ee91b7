## Вопрос о дате, где бы он ни задавался: быстрые кнопки, подтверждение с днём недели, отказы.

format-weekday = EEEE, d MMMM y, HH:mm
dates-week = +1 неделя
dates-two_weeks = +2 недели
dates-month_end = Конец месяца
dates-confirm = 📅 Дата: { $when } — верно?
dates-save = ✅ Сохранить
dates-change = ✏️ Другая дата
dates-again = Отправьте другую дату или выберите её ниже.
error-invalid_date = { $reason_text }
reason-date_format = Не получилось прочитать дату. Напишите её как человеку: <code>15.01.2027 10:00</code>, <code>завтра 10:00</code>, <code>в пятницу</code>, <code>через 2 недели</code> — или выберите ниже.
reason-date_past = Этот момент уже прошёл. Пожалуйста, укажите дату в будущем.
reason-date_too_far = Это слишком далеко. Пожалуйста, укажите дату в пределах трёх лет.
