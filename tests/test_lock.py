"""The lock files keep their promise: every dependency pyproject.toml declares is pinned, by
a version it allows, with hashes; the runtime lock agrees with the test lock (the image runs
what CI tested); the environment running the tests is the locked one. Offline and fast."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", re.M)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    found = {canonicalize_name(n): v for n, v in PIN.findall(text)}
    # Each pin is followed by at least one hash: --require-hashes accepts nothing else.
    blocks = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.M)
    assert all("--hash=sha256:" in b for b in blocks if PIN.match(b)), name
    assert len(found) == len([b for b in blocks if PIN.match(b)]), "a pin without hashes"
    return found


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    items = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(item) for item in items]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    for lock, requirements in ((runtime, declared()), (test, declared() + declared("test"))):
        for requirement in requirements:
            version = lock.get(canonicalize_name(requirement.name))
            assert version is not None, f"{requirement.name} is not in the lock"
            assert requirement.specifier.contains(version, prereleases=True), \
                (requirement, version)


def test_runtime_lock_is_the_test_lock_without_the_test_tools() -> None:
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {name: test.get(name) for name in runtime} == runtime
    assert Version(runtime["aiohttp"]) >= Version("3.14.4")  # the decompression CVE fixes


def test_the_tests_run_on_the_locked_versions() -> None:
    for name, version in pins("requirements-test.lock").items():
        assert metadata.version(name) == version, name
