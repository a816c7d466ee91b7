## Студенты научного руководителя (/students) и /stats администратора.

students-none = Студентов пока нет. Пригласите их командой /invite.
students-none-admin = У администраторов нет своих студентов; каждый научный руководитель видит своих через /students.
students-header = <b>Ваши студенты</b> ({ $count }):
students-line = • <b>{ $name }</b> — { $title }: { $status }{ $latest }{ $unreachable }
students-line-no_thesis = • <b>{ $name }</b> — работа ещё не отправлялась{ $unreachable }
students-latest = , версия { $version } от { $at } ({ $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
} назад)
students-unreachable = {" "}⚠️ бот заблокирован
stats-view =
    <b>Статистика</b>
    Пользователи: { $users }
    Работы: { $theses }
    Отправлено за последние 7 дней: { $week }
    Медианное время проверки: { $median }
stats-none = нет
notify-student_unreachable = ⚠️ Студент { $student_name } заблокировал бота и больше не получает от него сообщений.
stats-median = { $hours } ч
leftovers-card-supervisor_deactivated = ⚠️ Пришло вам, потому что у научного руководителя этого студента ({ $supervisor }) отключён доступ.
