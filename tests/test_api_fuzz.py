"""Issue 26: schemathesis, a property-based fuzzer nobody here wrote, against the running API
(the real bot process on PostgreSQL, Redis and S3, as ``tests/test_api.py`` starts it) as a
student, a supervisor and an admin, with every one of its checks, positive and negative
cases. Bounded example counts keep it near a minute on the 2-core machine."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.conftest import BotFactory, Harness
from tests.support.webapp import (
    ADMIN,
    ALICE,
    SAM,
    Seeded,
    register,
    seed_university,
    token_for,
    webapp_settings,
)

EXAMPLES = 12  # per operation, per mode, per person


@pytest.fixture
async def web(make_bot: BotFactory, db: str, bucket: str, s3_endpoint: str,
              ) -> tuple[Harness, Seeded]:
    seeded = await seed_university(db, bucket, s3_endpoint)
    harness = await make_bot(admin_ids=[ADMIN], **webapp_settings())
    register(harness.emu)
    return harness, seeded


def fuzz(document: dict[str, Any], base_url: str, token: str,
         seen: dict[int, int]) -> list[str]:
    """Every operation of ``document`` (the login apart: it has its own rate limit), in
    both generation modes, every registered check; the failures, described."""
    import hypothesis
    import schemathesis
    from schemathesis.checks import CHECKS, load_all_checks
    from schemathesis.generation import GenerationMode

    load_all_checks()
    checks = [c for c in CHECKS.get_all() if not isinstance(c, type)]
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/auth/login":
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                                 derandomize=True, phases=[hypothesis.Phase.generate],
                                 suppress_health_check=list(hypothesis.HealthCheck))
            def run(case: Any) -> None:
                response = case.call_and_validate(base_url=base_url, headers=headers,
                                                  checks=checks, timeout=30)
                seen[response.status_code] = seen.get(response.status_code, 0) + 1

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): "
                                f"{exc}")
    return failures


async def test_schemathesis_finds_nothing_as_a_student_a_supervisor_and_an_admin(
        web: tuple[Harness, Seeded]) -> None:
    harness, _seeded = web
    base = harness.http
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/api/openapi.json") as response:
            document = await response.json()
        tokens = {who: await token_for(http, base, harness.emu, who)
                  for who in (ALICE, SAM, ADMIN)}
    document["servers"] = [{"url": base}]
    failures: list[str] = []
    seen: dict[int, int] = {}
    for who, token in tokens.items():
        # The fuzzer is synchronous (requests): in a thread, so the bot keeps serving.
        found = await asyncio.to_thread(fuzz, document, base, token, seen)
        failures += [f"as {who}: {line}" for line in found]
    assert not failures, "\n\n".join(failures)
    print("schemathesis: answers by status", dict(sorted(seen.items())))
    # It did call the API, and got both answers and refusals.
    assert sum(seen.values()) >= 100 and 200 in seen and 400 in seen, seen
