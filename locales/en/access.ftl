## Access: deactivating and reactivating people (/users), and what they are told.

access-refused-deactivated = ⛔ Your access has been deactivated by the administrator. Your data is kept; ask them to reactivate you.
access-refused-not_admin = ⛔ You are no longer an administrator of this bot.
access-start-deactivated = ⛔ Your access has been deactivated by the administrator, so the bot does not take your commands for now. Your data is kept; ask them to reactivate you.
access-start-not_admin = ⛔ You are no longer an administrator of this bot, so it does not take your commands. Ask the person who runs it if this is a mistake.
notify-access_deactivated = ⛔ The administrator has deactivated your access. Your data is kept; the bot will take your commands again once you are reactivated.
notify-access_reactivated = ✅ The administrator has reactivated your access. Welcome back! Send /help to see what you can do.
users-none = No supervisors or students yet. Invite supervisors with /invite.
users-header = <b>People</b> ({ $total }), page { $page } of { $pages }:
users-line = • { $name } — { $role }{ $deactivated }
users-line-deactivated = {" "}⛔ deactivated
users-person =
    <b>{ $name }</b>{ $username }
    Role: { $role }
    Status: { $status }
users-username = {" "}(@{ $username })
users-status-active = active
users-status-deactivated = deactivated since { $at }
users-deactivate = Deactivate
users-reactivate = Reactivate
users-back = « All people
users-deactivated = { $name } is deactivated.
users-reactivated = { $name } is reactivated.
users-already_deactivated = { $name } was already deactivated.
users-already_reactivated = { $name } was already active.
users-invites_revoked = {" "}Their open invites ({ $count }) are revoked.
error-cannot_change_access = { $reason_text }
reason-self = You cannot deactivate yourself.
reason-configured_admin = This person is an administrator by configuration (ADMIN_IDS); remove them there.
