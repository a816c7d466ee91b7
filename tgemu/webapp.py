"""What Telegram hands a Mini App: ``initData`` signed with the bot's token, as specified in
https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app, and the
URL hash a client opens the app with (``#tgWebAppData=...&tgWebAppThemeParams=...``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.parse
from typing import Any

from .chats import Chats

JSONDict = dict[str, Any]
# Telegram's light theme, as a client passes it in tgWebAppThemeParams.
LIGHT_THEME = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#999999",
               "link_color": "#2481cc", "button_color": "#2481cc",
               "button_text_color": "#ffffff", "secondary_bg_color": "#efeff3"}


def sign_init_data(token: str, fields: dict[str, str]) -> str:
    """The query string Telegram.WebApp.initData is: the fields plus their ``hash``."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urllib.parse.urlencode({**fields, "hash": digest})


def init_data_for(token: str, user: JSONDict, auth_date: int | None = None) -> str:
    fields = {"query_id": "AA" + secrets.token_urlsafe(12),
              "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
              "auth_date": str(int(time.time()) if auth_date is None else auth_date)}
    return sign_init_data(token, fields)


def launch_hash(init_data: str, theme: JSONDict | None = None, platform: str = "web") -> str:
    """The fragment a client appends to the Mini App's URL."""
    return urllib.parse.urlencode({
        "tgWebAppData": init_data, "tgWebAppVersion": "8.0", "tgWebAppPlatform": platform,
        "tgWebAppThemeParams": json.dumps(theme or LIGHT_THEME, separators=(",", ":"))})


class WebApps(Chats):
    """The emulator's side of Mini Apps: a user opens one."""

    def web_app_init_data(self, user_id: int, auth_date: int | None = None) -> str:
        """The init data Telegram would give this user's Mini App, signed with our token."""
        return init_data_for(self.token, self._chat_or_raise(user_id).as_user(), auth_date)
