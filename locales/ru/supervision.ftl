## Студенты научного руководителя (/students) и /stats администратора.

students-none = Студентов пока нет. Пригласите их командой /invite.
students-none-admin = У администраторов нет своих студентов; каждый научный руководитель видит своих через /students.
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
