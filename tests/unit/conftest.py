"""The fast tier: pure rules, no PostgreSQL, Redis, S3 or emulator, run in seconds with
``./dev.sh test -m unit`` or ``./dev.sh test tests/unit``. Every test here is marked
``unit``; none may ask for a fixture that starts a service."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SERVICES = {"pg_url", "db", "bucket", "s3_endpoint", "redis_url", "emulator", "make_bot",
            "harness"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.unit)
            used = SERVICES.intersection(getattr(item, "fixturenames", ()))
            assert not used, f"{item.nodeid}: a unit test uses {sorted(used)}"
