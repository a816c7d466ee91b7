## Команда работы: научный руководитель, соруководители, рецензент; порядок одобрения, оценка рецензента.

team-role-supervisor = научный руководитель
team-role-co_supervisor = соруководитель
team-role-examiner = рецензент
team-marker-co_supervisor = {" "}· <i>вы соруководитель</i>
team-marker-examiner = {" "}· <i>вы рецензент</i>
team-view-header = 👥 <b>Команда работы</b>: { $student } — «{ $title }»
team-view-member = • { $name } — { $role }{ $inactive }
team-view-inactive = {" "}(доступ отключён)
team-view-rule-any = Одобрение: любой — решает первое же решение любого из руководителей.
team-view-rule-all = Одобрение: все — одобрить должны научный руководитель и каждый соруководитель; первое же «Запросить правки» или «Отклонить» решает сразу.
team-view-grade = Оценка рецензента: { $grade }
team-button-add_co = Добавить соруководителя
team-button-add_examiner = Добавить рецензента
team-button-rule_any = Одобрение: любой
team-button-rule_all = Одобрение: все
team-button-remove = Исключить: { $name }
team-button-grade = Поставить оценку
team-invite-created =
    🔗 Приглашение в команду работы ({ $student }), роль — { $role } (одноразовое, действует до { $expires }):
    { $link }
team-removed = { $member } больше не в команде работы ({ $student }). Команда уведомлена.
team-rule-set = Работа: { $student }. { $rule }
team-start-registered = ✅ Добро пожаловать, { $name }! Вы зарегистрированы как участник команды и вошли в команду работы ({ $student }); ваша роль — { $role }. Все команды — /help.
team-start-joined = ✅ { $name }, вы вошли в команду работы ({ $student }); ваша роль — { $role }.
team-notify-joined = 👥 Новый участник команды работы ({ $student }): { $member } ({ $role }).
team-notify-left = 👥 { $by }: участник { $member } ({ $role }) больше не в команде работы ({ $student }).
team-notify-graded = 🎓 Оценка рецензента ({ $examiner }) за работу <b>«{ $title }»</b> ({ $student }) выставлена: { $grade }.
team-card-progress =
    {""}

    Одобрили: { $approved } · ждём: { $waiting }
team-review-waiting = ✅ Ваше одобрение версии { $version } ({ $student }) записано. Ждём решения: { $waiting }.
team-history-grades = 🎓 Оценки: научный руководитель — { $supervisor } · рецензент — { $examiner }
team-history-no_grade = —
team-history-report = 📝 Рецензия: { $report }
team-history-report_button = 📝 Рецензия
error-team_already_member = Вы уже в команде этой работы ({ $student }).
error-team_examiner_taken = У этой работы уже есть рецензент.
error-team_cannot_remove_supervisor = Научного руководителя нельзя исключить из команды.
error-team_not_final = Рецензент оценивает только итоговую работу.
error-team_already_graded = Оценка рецензента за эту работу уже выставлена.
error-team_report_required = Пожалуйста, отправьте рецензию текстом или файлом PDF/DOCX.
