#!/usr/bin/env python3
"""Offline checks of the repository's deployment files, run by infra/validate.sh and
tests/test_infra.py (no Docker engine, no network).

* every *.json / *.yaml / *.yml in the repository parses (json, yaml.safe_load_all);
* docker-compose.yml is structurally sound (what `docker compose config` would reject
  plus our own rules: healthchecks behind service_healthy, one-shots not restarted,
  declared volumes, mounted files present, no committed bot token);
* the Dockerfile keeps its promises (pinned slim base, multi-stage, non-root USER,
  HEALTHCHECK on /health, EXPOSE 8000, CMD python -m bot), and the runtime stage copies
  no development tool (tgemu/, sandbox/, bench/, tests/), which .dockerignore excludes too,
  and every part the bot runs on (its packages, migrations/, the catalogs in locales/).

Usage: python infra/check_files.py [REPO_ROOT]   (exit 1 and one line per failure)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "dist",
    "data",
    "test-artifacts",
}
DEPENDS_CONDITIONS = {
    "service_started",
    "service_healthy",
    "service_completed_successfully",
}


def repo_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.name.endswith(suffixes):
            found.append(path)
    return sorted(found)


def check_json_yaml(root: Path = ROOT) -> tuple[int, list[str]]:
    """Parse every JSON and YAML file; return (files checked, failures)."""
    import yaml

    failures = []
    files = repo_files(root, (".json", ".yaml", ".yml"))
    for path in files:
        rel = path.relative_to(root)
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                json.loads(text)
            else:
                list(yaml.safe_load_all(text))
        except Exception as exc:
            failures.append(f"{rel}: does not parse: {exc}".splitlines()[0])
    return len(files), failures


def _depends(service: dict[str, Any]) -> dict[str, str]:
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {name: "service_started" for name in raw}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def check_compose(root: Path = ROOT, filename: str = "docker-compose.yml") -> Iterator[str]:
    import yaml

    path = root / filename
    if not path.exists():
        yield f"{filename} is missing"
        return
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), dict):
        yield f"{filename}: no services mapping"
        return
    services: dict[str, dict[str, Any]] = doc["services"]
    volumes = set((doc.get("volumes") or {}).keys())

    if re.search(r"TELEGRAM_BOT_TOKEN\s*[:=]\s*['\"]?\d{5,}:[A-Za-z0-9_-]{20,}", text):
        yield f"{filename}: a real-looking bot token is committed"

    for name, svc in services.items():
        where = f"{filename}: service {name}"
        if not isinstance(svc, dict):
            yield f"{where}: not a mapping"
            continue
        if "image" not in svc and "build" not in svc:
            yield f"{where}: needs image or build"
        for dep, condition in _depends(svc).items():
            if dep not in services:
                yield f"{where}: depends_on unknown service {dep}"
                continue
            if condition not in DEPENDS_CONDITIONS:
                yield f"{where}: unknown depends_on condition {condition}"
            if condition == "service_healthy" and "healthcheck" not in services[dep]:
                yield f"{where}: waits for {dep} to be healthy but {dep} has no healthcheck"
            if condition == "service_completed_successfully" and services[dep].get(
                "restart", "no"
            ) not in ("no", False):
                yield f"{where}: one-shot {dep} must not be restarted"
        for mount in svc.get("volumes") or []:
            source = mount.split(":", 1)[0] if isinstance(mount, str) else mount.get("source")
            if not source:
                continue
            if source.startswith((".", "/")):
                if source.startswith(".") and not (root / source).exists():
                    yield f"{where}: mounted path {source} does not exist"
            elif source not in volumes:
                yield f"{where}: volume {source} is not declared under volumes"
        health = svc.get("healthcheck")
        if health is not None and not health.get("disable") and not health.get("test"):
            yield f"{where}: healthcheck without test"

    required = {
        "app": "python -m bot",
        "migrate": "migrate",
        "postgres": "postgres:16",
        "redis": "redis:7",
        "nginx": "nginx",
    }
    for name, needle in required.items():
        if name not in services:
            yield f"{filename}: service {name} is missing"
        elif needle not in json.dumps(services[name]).replace('", "', " "):
            yield f"{filename}: service {name} should involve {needle!r}"
    if "app" in services:
        deps = _depends(services["app"])
        if deps.get("migrate") != "service_completed_successfully":
            yield f"{filename}: app must wait for migrate to complete successfully"
        if "healthcheck" not in services["app"]:
            yield f"{filename}: app has no healthcheck"
    if "${TELEGRAM_BOT_TOKEN:?" not in text:
        yield f"{filename}: TELEGRAM_BOT_TOKEN must come from the environment (${{...:?}})"


# Development tools that never enter the runtime image: the Bot API emulator, the sandbox,
# the benchmark and the tests.
DEV_ONLY = frozenset({"tgemu", "sandbox", "bench", "tests"})
# What the bot runs on: the packages, the migrations and the translation catalogs.
RUNTIME = frozenset({"api", "bot", "handlers", "telegram", "services", "storage", "migrations",
                     "locales"})


def check_dockerfile(root: Path = ROOT) -> Iterator[str]:
    path = root / "Dockerfile"
    if not path.exists():
        yield "Dockerfile is missing"
        return
    text = path.read_text(encoding="utf-8")
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    froms = [line for line in lines if line.upper().startswith("FROM ")]
    if len(froms) < 2:
        yield "Dockerfile: expected a multi-stage build (builder + runtime)"
    base = re.search(r"ARG PYTHON_IMAGE=(\S+)", text)
    image = base.group(1) if base else (froms[0].split()[1] if froms else "")
    if not re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", image):
        yield f"Dockerfile: base image must be a pinned python:3.11.x-slim-bookworm, got {image!r}"
    users = [line.split(None, 1)[1] for line in lines if line.upper().startswith("USER ")]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        yield "Dockerfile: the runtime stage must switch to a non-root USER"
    if not re.search(r"HEALTHCHECK .*127\.0\.0\.1:%s/health|HEALTHCHECK [^\n]*/health", text, re.S):
        yield "Dockerfile: HEALTHCHECK on /health is missing"
    if "EXPOSE 8000" not in text:
        yield "Dockerfile: EXPOSE 8000 is missing"
    if 'CMD ["python", "-m", "bot"]' not in text:
        yield 'Dockerfile: CMD ["python", "-m", "bot"] is missing'
    if "postgresql-client" not in text:
        yield "Dockerfile: postgresql-client (pg_dump for backups) is missing"
    if re.search(r"pip install[^\n]*\[test\]", text):
        yield "Dockerfile: test extras must not be installed in the image"
    for needle in ("PYTHONUNBUFFERED=1", "LOG_FORMAT=json"):
        if needle not in text:
            yield f"Dockerfile: {needle} is missing"
    copied: set[str] = set()
    for line in runtime_copy_lines(text):
        parts = {part.strip("./").split("/")[0] for part in line.split()[1:]
                 if not part.startswith("--")}
        copied |= parts
        named = DEV_ONLY & parts
        if named:
            yield f"Dockerfile: the runtime image must not copy {', '.join(sorted(named))}: {line}"
    if runtime_copy_lines(text) and not RUNTIME <= copied:
        yield f"Dockerfile: the runtime image must copy {', '.join(sorted(RUNTIME - copied))}"
    ignore = root / ".dockerignore"
    if not ignore.exists():
        yield ".dockerignore is missing"
    else:
        ignored = set(ignore.read_text(encoding="utf-8").split())
        if not {".env", ".venv", ".git"} <= ignored:
            yield ".dockerignore must exclude .git, .venv and .env"
        if not DEV_ONLY <= ignored:
            yield f".dockerignore must exclude {', '.join(sorted(DEV_ONLY - ignored))}"


def runtime_copy_lines(text: str) -> list[str]:
    """The COPY instructions of the last stage (the runtime image), continuations joined."""
    joined = re.sub(r"\\\n", " ", text)
    stages = re.split(r"(?im)^\s*FROM\s", joined)
    return [
        " ".join(line.split())
        for line in stages[-1].splitlines()
        if line.strip().upper().startswith(("COPY ", "ADD "))
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]).resolve() if args else ROOT
    count, failures = check_json_yaml(root)
    print(f"json/yaml: parsed {count} files")
    compose = list(check_compose(root))
    print(f"docker-compose.yml: structure {'OK' if not compose else 'FAILED'}")
    docker = list(check_dockerfile(root))
    print(f"Dockerfile: {'OK' if not docker else 'FAILED'}")
    failures += compose + docker
    for line in failures:
        print(f"file check FAILED: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
