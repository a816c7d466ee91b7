"""POST /api/auth/login: Telegram's signed ``initData`` in, a bearer token (JWT) out.

The init data is checked as Telegram specifies (HMAC-SHA-256 keyed by the bot token, through
aiogram's ``safe_parse_webapp_init_data``), its ``auth_date`` must be recent
(``WEBAPP_AUTH_MAX_AGE_SECONDS``), and its user registered and allowed to act, exactly as
the chat decides who someone is (an id in ``ADMIN_IDS`` is registered as the chat would).
"""

from __future__ import annotations

from datetime import timedelta

from aiogram.utils.web_app import WebAppInitData, safe_parse_webapp_init_data
from aiohttp import web
from pydantic import ValidationError

from api.models import LoginIn, TokenOut
from api.ratelimit import LoginRateLimit, client_ip
from api.routing import API_CONFIG, ApiError, Call, Endpoint, unauthorized
from services.access import revoked
from services.context import Services
from services.registration import Person
from storage.models import User

LOGIN_PATH = "/api/auth/login"
LOGIN_PER_MINUTE = 5
# Telegram's clock and ours may differ a little; an auth_date further ahead is forged.
FUTURE_SKEW = timedelta(seconds=60)
RATE_LIMIT = web.AppKey("login_rate_limit", LoginRateLimit)


async def login(call: Call) -> web.StreamResponse:
    request = call.request
    allowed, retry_after = await request.app[RATE_LIMIT].allow(
        client_ip(request, request.app[API_CONFIG].trusted_proxy_hops))
    if not allowed:
        raise ApiError(429, "rate_limited", "too many logins; try again in a minute",
                       {"Retry-After": str(retry_after)})
    body = await _body(request)
    config = request.app[API_CONFIG]
    try:
        data = safe_parse_webapp_init_data(config.bot_token, body.init_data)
    except (ValueError, ValidationError):
        raise unauthorized("bad_signature", "the init data is not signed by this bot") from None
    now = call.services.deps.clock.now()
    age = now - data.auth_date
    if age > timedelta(seconds=config.auth_max_age_seconds) or age < -FUTURE_SKEW:
        raise unauthorized("expired_init_data", "the init data is too old; reopen the app")
    user = await _registered(call.services, data)
    token = config.tokens.issue(user.id, user.role, now)
    out = TokenOut(access_token=token, expires_in=config.tokens.ttl_seconds)
    return web.json_response(out.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


ENDPOINTS = (
    Endpoint("POST", LOGIN_PATH, login, "Exchange Telegram.WebApp.initData for a bearer token",
             TokenOut, auth=False),
)


async def _body(request: web.Request) -> LoginIn:
    try:
        return LoginIn.model_validate_json(await request.read())
    except ValidationError:
        raise ApiError(400, "bad_request", 'expected {"init_data": "<Telegram.WebApp.initData>"}'
                       ) from None


async def _registered(services: Services, data: WebAppInitData) -> User:
    if data.user is None:
        raise unauthorized("bad_signature", "the init data names no user")
    user = await services.registration.current(data.user.id)
    if user is None and data.user.id in services.deps.config.admin_ids:
        tg = data.user
        name = " ".join(part for part in (tg.first_name, tg.last_name) if part)
        user = await services.registration.admin_from_config(Person(
            id=tg.id, full_name=name or str(tg.id), username=tg.username,
            language=tg.language_code or "en"))
    if user is None:
        raise unauthorized("unknown_user", "you are not registered: open the bot's invite link")
    if revoked(user, services.deps.config) is not None:
        raise unauthorized("access_revoked", "your access has been revoked")
    return user
