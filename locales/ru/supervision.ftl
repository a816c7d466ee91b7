## Студенты научного руководителя (/students) и /stats администратора.

students-none = Студентов пока нет. Пригласите их командой /invite.
students-none-admin = У администраторов нет своих студентов; каждый научный руководитель видит своих через /students.
students-header = <b>Ваши студенты</b> ({ $count }):
students-line = • <b>{ $name }</b> — «{ $title }»: { $status }{ $latest }{ $unreachable }
students-line-no_thesis = • <b>{ $name }</b> — работа ещё не отправлялась{ $unreachable }
students-latest = , версия { $version } от { $at } ({ $days ->
    [0] сегодня
    [1] вчера
    [one] { $days } день назад
    [few] { $days } дня назад
   *[other] { $days } дней назад
})
students-unreachable = {" "}⚠️ бот заблокирован
stats-view =
    <b>Статистика</b>
    Пользователи: { $users }
    Работы: { $theses }
    Отправлено за последние 7 дней: { $week }
    Медианное время проверки: { $median }
stats-none = нет
notify-student_unreachable = ⚠️ { $student_name }: бот заблокирован в этом чате, сообщения от бота больше не доходят.
stats-median = { $hours } ч
leftovers-card-supervisor_deactivated = ⚠️ Пришло вам, потому что у научного руководителя ({ $supervisor }) отключён доступ.
