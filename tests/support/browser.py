"""Headless Debian Chromium driven by Playwright, for the browser tests (the sandbox's and
the Mini App's). Chromium comes from Debian (``tests/browser/ensure_chromium.sh``);
Playwright's own browser download is never used. Without Chromium a browser test fails
under ``CI=true`` and is skipped otherwise."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ENSURE_CHROMIUM = ROOT / "tests" / "browser" / "ensure_chromium.sh"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 20_000


def _chromium_or_skip() -> Path:
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    problem = None
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem is None and not CHROMIUM.exists() and shutil.which("apt-get"):
        # Idempotent; needs root (or passwordless sudo), otherwise it reports and fails.
        subprocess.run(["bash", str(ENSURE_CHROMIUM)], check=False, timeout=900)
    if problem is None and not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing; run {ENSURE_CHROMIUM.relative_to(ROOT)}"
    if problem is not None:
        if in_ci:
            pytest.fail(problem)
        pytest.skip(problem)
    return CHROMIUM


@contextlib.asynccontextmanager
async def browser_page(url: str, profile: Path, init_script: str | None = None,
                       viewport: dict[str, int] | None = None) -> AsyncIterator[Any]:
    """Headless Debian Chromium on a fresh profile, showing ``url``."""
    chromium = _chromium_or_skip()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
            viewport=viewport or {"width": 1280, "height": 860}, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page = context.pages[0] if context.pages else await context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        if init_script:
            await page.add_init_script(init_script)
        await page.goto(url)
        try:
            yield page
        finally:
            await context.close()
        assert not errors, f"JavaScript errors on the page: {errors}"
