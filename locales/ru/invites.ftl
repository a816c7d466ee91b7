## Приглашения: /invite и /invites.

invite-created =
    🔗 Приглашение для нового пользователя с ролью «{ $role }»:
    { $link }

    Код: <code>{ $code }</code>
    Действует до { $expires } · { $uses_text }
invite-uses-one = одноразовое
invite-uses-many = до { $uses ->
    [one] { $uses } человека
   *[other] { $uses } человек
}
invite-usage = Формат: /invite [дни 1–{ $max_days }] [число мест 1–{ $max_uses }], например <code>/invite 30 25</code>.
invites-none = У вас нет открытых приглашений. Создайте его командой /invite.
invites-header = <b>Открытые приглашения</b> ({ $count }):
invites-line = • <code>{ $code }</code> — { $role }, использовано { $uses } из { $max_uses }, до { $expires }
invites-revoke_button = Отозвать { $short }
invites-revoked = Приглашение { $short } отозвано.
invite-share_button = Поделиться
invite-share_text = Присоединяйтесь ко мне в Thesis Supervisor
