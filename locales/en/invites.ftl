## Invites: /invite and /invites.

invite-created =
    🔗 Invite for a new <b>{ $role }</b>:
    { $link }

    Code: <code>{ $code }</code>
    Valid until { $expires } · { $uses_text }
invite-uses-one = single use
invite-uses-many = up to { $uses } people
invite-usage = Usage: /invite [days 1–{ $max_days }] [uses 1–{ $max_uses }], e.g. <code>/invite 30 25</code>.
invites-none = You have no open invites. Create one with /invite.
invites-header = <b>Open invites</b> ({ $count }):
invites-line = • <code>{ $code }</code> — { $role }, used { $uses }/{ $max_uses }, until { $expires }
invites-revoke_button = Revoke { $short }
invites-revoked = Invite { $short } revoked.
invite-share_button = Share
invite-share_text = Join me on Thesis Supervisor
