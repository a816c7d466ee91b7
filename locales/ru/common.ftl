## Общее для всех разделов: даты, длительности, размеры, отмена.

# Вид дат: шаблоны CLDR (https://babel.pocoo.org/en/latest/dates.html); после даты со временем
# идёт сокращение часового пояса.
format-datetime = d MMMM y, HH:mm
format-date = d MMMM y
cancelled = Отменено. Ничего не изменилось.
nothing_to_cancel = Отменять нечего.
age-minutes = { $n } мин
age-hours = { $n } ч
age-days = { $n ->
    [one] { $n } день
    [few] { $n } дня
   *[other] { $n } дней
}
size-kb = { $n } КБ
size-mb = { $n } МБ
