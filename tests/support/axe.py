"""axe-core in a Playwright page: inject the pinned ``axe.min.js`` and return the violations.

axe-core is pinned exactly in ``tests/browser/package.json`` / ``package-lock.json`` and
installed by ``./dev.sh test`` (``npm ci``, only when the lock changed). Usage::

    from tests.support.axe import assert_accessible, axe_violations
    await assert_accessible(page)                      # no critical or serious violation
    found = await axe_violations(page, impacts=("critical", "serious", "moderate"))

The page's Content-Security-Policy does not stop it: the script is added through the
DevTools protocol (Playwright's ``add_script_tag(content=...)`` is refused under
``script-src 'self'``), so it runs in an isolated evaluation of the page's main world.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tests" / "browser"
AXE_JS = PACKAGE / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
_RUN = """async ([context, options]) => {
  const result = await window.axe.run(context || document, options);
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_source() -> str:
    """The text of the pinned axe.min.js; fails in CI (skips elsewhere) when not installed."""
    if not AXE_JS.exists():
        problem = f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci` in tests/browser"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(problem)
        pytest.skip(problem)
    return AXE_JS.read_text(encoding="utf-8")


async def axe_violations(page: Any, impacts: tuple[str, ...] = BLOCKING,
                         context: str | None = None,
                         options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on what ``page`` shows now (or on the ``context`` selector) and return
    the violations whose impact is in ``impacts``: ``{id, impact, help, nodes: [{target,
    summary}]}``."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        # evaluate() is not subject to the page's CSP, unlike a <script> tag.
        await page.evaluate(axe_source() + "\n;undefined")
    found: list[dict[str, Any]] = await page.evaluate(_RUN, [context, options or {}])
    return [v for v in found if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, for an assertion message."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"[{v['impact']}] {v['id']}: {v['help']} at {node['target']}: "
                         f"{node['summary']}")
    return "\n".join(lines)


async def assert_accessible(page: Any, where: str = "", context: str | None = None) -> None:
    """No critical or serious axe-core violation on what the page shows now."""
    found = await axe_violations(page, BLOCKING, context)
    assert not found, f"axe-core on {where or page.url}:\n{describe(found)}"
