## Доступ: отключение и восстановление доступа (/users) и что об этом сообщают.

access-refused-deactivated = ⛔ Администратор отключил ваш доступ. Ваши данные сохранены; попросите администратора восстановить доступ.
access-refused-not_admin = ⛔ Вы больше не администратор этого бота.
access-start-deactivated = ⛔ Администратор отключил ваш доступ, поэтому бот пока не выполняет ваши команды. Ваши данные сохранены; попросите администратора восстановить доступ.
access-start-not_admin = ⛔ Вы больше не администратор этого бота, поэтому он не выполняет ваши команды. Если это ошибка, обратитесь к тому, кто обслуживает бота.
notify-access_deactivated = ⛔ Администратор отключил ваш доступ. Ваши данные сохранены; бот снова будет выполнять ваши команды, когда доступ восстановят.
notify-access_reactivated = ✅ Администратор восстановил ваш доступ. С возвращением! Отправьте /help, чтобы узнать, что вам доступно.
users-none = Научных руководителей и студентов пока нет. Пригласите научных руководителей командой /invite.
users-header = <b>Пользователи</b> ({ $total }), страница { $page } из { $pages }:
users-line = • { $name } — { $role }{ $deactivated }
users-line-deactivated = {" "}⛔ доступ отключён
users-person =
    <b>{ $name }</b>{ $username }
    Роль: { $role }
    Состояние: { $status }
users-username = {" "}(@{ $username })
users-status-active = доступ открыт
users-status-deactivated = доступ отключён с { $at }
users-deactivate = Отключить доступ
users-reactivate = Восстановить доступ
users-back = « Все пользователи
users-deactivated = { $name }: доступ отключён.
users-reactivated = { $name }: доступ восстановлен.
users-already_deactivated = { $name }: доступ уже был отключён.
users-already_reactivated = { $name }: доступ уже был открыт.
users-invites_revoked = {" "}Открытые приглашения этого пользователя ({ $count }) отозваны.
error-cannot_change_access = { $reason_text }
reason-self = Нельзя отключить доступ самому себе.
reason-configured_admin = Этот человек — администратор по настройкам (ADMIN_IDS); уберите его оттуда.
