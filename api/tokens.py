"""The API's bearer tokens: JWT, HS256, signed with ``JWT_SECRET_KEY`` (PyJWT).

Times come from the injected clock, as everywhere else, so PyJWT's own wall-clock checks
are turned off and ``exp`` is compared here; the algorithm is pinned (no ``alg: none``, no
key confusion) and every claim is required.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ALGORITHM = "HS256"
ISSUER = "thesis-supervisor"
AUDIENCE = "thesis-supervisor-webapp"
LEEWAY_SECONDS = 30


class TokenProblem(StrEnum):
    """Why a token is refused; the ``reason`` of ``api_auth_failures_total``."""

    MISSING = "missing_token"
    INVALID = "invalid_token"
    EXPIRED = "expired_token"


class TokenRefused(Exception):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Claims:
    user_id: int
    role: str
    expires_at: int


class Tokens:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, user_id: int, role: str, now: datetime) -> str:
        # PyJWT pulls in cryptography's bindings (~9 MiB): imported with the first Mini App
        # call, not by every replica at start (issue 33).
        import jwt

        issued = int(now.timestamp())
        return jwt.encode({"sub": str(user_id), "role": role, "iat": issued,
                           "exp": issued + self.ttl_seconds, "iss": ISSUER, "aud": AUDIENCE},
                          self._secret, algorithm=ALGORITHM)

    def verify(self, token: str, now: datetime) -> Claims:
        import jwt

        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                options={"require": ["sub", "role", "iat", "exp", "iss", "aud"],
                         "verify_exp": False, "verify_iat": False, "verify_nbf": False})
            user_id, role, expires = int(claims["sub"]), str(claims["role"]), int(claims["exp"])
        except (jwt.InvalidTokenError, ValueError, TypeError, KeyError):
            raise TokenRefused(TokenProblem.INVALID) from None
        if expires + LEEWAY_SECONDS <= now.timestamp():
            raise TokenRefused(TokenProblem.EXPIRED)
        return Claims(user_id, role, expires)


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not header:
        raise TokenRefused(TokenProblem.MISSING)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused(TokenProblem.INVALID)
    return token.strip()
