"""Issue 26, item 5: the login rate limit's client address. Only the configured number of
proxy hops (``TRUSTED_PROXY_HOPS``) is trusted from the right of ``X-Forwarded-For``, or the
proxy's ``X-Real-IP``: a forged public address to the left never names the client."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from api.ratelimit import client_ip
from bot.config import load_settings


def request(peer: str, **headers: str) -> object:
    names = {"xff": "X-Forwarded-For", "real": "X-Real-IP"}
    req = make_mocked_request("POST", "/api/auth/login",
                              headers={names[k]: v for k, v in headers.items()})
    req._transport_peername = (peer, 40000)  # type: ignore[attr-defined]
    return req


def test_a_forged_public_address_on_a_private_network_does_not_escape_the_limit() -> None:
    # A client at 10.1.2.3 sends "X-Forwarded-For: 1.1.1.1"; nginx appends its peer.
    forged = request("127.0.0.1", xff="1.1.1.1, 10.1.2.3")
    assert client_ip(forged, 1) == "10.1.2.3"  # type: ignore[arg-type]
    # Every forged value still counts against the same address.
    assert {client_ip(request("127.0.0.1", xff=f"{n}.1.1.1, 10.1.2.3"), 1)  # type: ignore[arg-type]
            for n in range(1, 6)} == {"10.1.2.3"}


def test_hops_count_from_the_right() -> None:
    # nginx, then an internal load balancer: two hops; the client is the second from the right.
    two = request("10.0.0.9", xff="6.6.6.6, 203.0.113.7, 10.0.0.8")
    assert client_ip(two, 2) == "203.0.113.7"  # type: ignore[arg-type]
    assert client_ip(two, 1) == "10.0.0.8"  # type: ignore[arg-type]
    # No proxy trusted: the peer itself, whatever the headers say.
    assert client_ip(two, 0) == "10.0.0.9"  # type: ignore[arg-type]


def test_the_proxys_x_real_ip_without_x_forwarded_for() -> None:
    assert client_ip(request("127.0.0.1", real="198.51.100.4"), 1) == "198.51.100.4"  # type: ignore[arg-type]
    # Fewer hops than trusted, nothing usable: the peer.
    assert client_ip(request("127.0.0.1", xff="garbage"), 1) == "127.0.0.1"  # type: ignore[arg-type]
    assert client_ip(request("127.0.0.1"), 1) == "127.0.0.1"  # type: ignore[arg-type]


def test_the_defaults() -> None:
    settings = load_settings(telegram_bot_token="1:x")
    assert settings.trusted_proxy_hops == 1
    assert settings.webapp_auth_max_age_seconds == 3600
