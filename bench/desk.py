"""Phase 11, the review desk (issue 29): its API under load, what opening it downloads, and
relocating anchored comments in a revision.

- **API under load.** A bot started with the Mini App on phase 1's database; students ask
  for their timeline (``GET /api/thesis``), supervisors for a student's timeline
  (``GET /api/students/{id}``) and the anchored comments of the version waiting for them
  (``GET /api/versions/{id}/anchors``), each with its bearer token, in a closed loop at each
  concurrency level (one worker per person, as the chat mixes). Throughput and latency are
  reported; the targets of issue 29 are sizes and the relocation time, not this.
- **Bytes.** The desk (``desk.js``, ``desk.css``) and pdf.js with its worker are fetched the
  first time a document is opened, gzip, on top of the first open of the dashboard
  (phase 7): ≤ 600 KB.
- **Relocation.** 50 passages quoted from a ~300-page thesis found again in its revision
  (about 5 % of the words changed), as the comparison job does (``services/relocate.py``,
  in this process): ≤ 1 s.
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp

from api.tokens import Tokens
from bench.load import median, percentile
from bench.phases import _api_token, pending_submissions, webapp_transfer

DESK_ANCHORS = 50
VIEWER_BUDGET = 600 * 1024
RELOCATE_BUDGET_SECONDS = 1.0


async def desk(env: Any, cfg: Any, mix_url: str, log: Any) -> dict[str, Any]:

    shape = cfg.mix
    dsn = mix_url.replace("postgresql+asyncpg://", "postgresql://")
    pending = await pending_submissions(dsn)
    secret = "bench-" + secrets.token_hex(24)
    child, _target = env.start_bot("bot-desk", mix_url, WEBAPP_URL="http://127.0.0.1/app/",
                                   JWT_SECRET_KEY=secret)
    try:
        await child.wait_ready()
        async with aiohttp.ClientSession(
                auto_decompress=False,
                connector=aiohttp.TCPConnector(limit=max(cfg.levels) * 2)) as http:
            # One login through the API (it is rate-limited per address); the other tokens
            # are minted with the same secret, as the login would.
            await _api_token(http, child.base, env.token, shape.supervisor_id(1))
            people = _people(child.base, Tokens(secret, 3600), shape, pending)
            loads = {}
            for level in cfg.levels:
                await _closed_loop(http, people, level, cfg.warmup_seconds)
                runs = [await _closed_loop(http, people, level, cfg.run_seconds)
                        for _ in range(cfg.reps)]
                loads[level] = _summary(runs)
                row = loads[level]
                log(f"  c={level:<3} {row['throughput']:7.1f} req/s  p50 {row['p50']:6.1f} ms  "
                    f"p99 {row['p99']:6.1f} ms")
            first_open = await webapp_transfer(http, child.base)
            viewer = await viewer_transfer(http, child.base)
    finally:
        env.stop(child)
    pages = 30 if cfg.quick else 300
    relocated = await asyncio.to_thread(relocation, pages, 10_000 if cfg.quick else 100_000)
    log(f"  viewer {sum(viewer.values()) / 1024:.1f} KiB gzip; {relocated['anchors']} anchors "
        f"relocated in a {relocated['pages']}-page revision in {relocated['seconds']:.2f} s")
    return {"load": loads, "requests": _kinds(people), "first_open": sum(first_open.values()),
            "viewer": viewer, "viewer_total": sum(viewer.values()), "relocate": relocated}


def _people(base: str, tokens: Tokens, shape: Any,
            pending: dict[int, int]) -> list[list[tuple[str, str, str]]]:
    """Per person, the requests they make: (kind, url, bearer token)."""
    now = datetime.now(UTC)
    people: list[list[tuple[str, str, str]]] = []
    for sup in range(1, shape.supervisors + 1):
        sup_id = shape.supervisor_id(sup)
        students = [s for k, s in enumerate(shape.students_of(sup)) if k < shape.with_thesis]
        bearer = tokens.issue(sup_id, "supervisor", now)
        mine = [("student timeline", f"{base}/api/students/{s}", bearer) for s in students]
        mine += [("anchors", f"{base}/api/versions/{pending[s]}/anchors", bearer)
                 for s in students if s in pending]
        people.append(mine)
        for student in students:
            own = tokens.issue(student, "student", now)
            people.append([("own timeline", f"{base}/api/thesis", own)])
    return people


def _kinds(people: list[list[tuple[str, str, str]]]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for requests in people:
        for kind, _url, _bearer in requests:
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


async def _closed_loop(http: aiohttp.ClientSession, people: list[list[tuple[str, str, str]]],
                       workers: int, seconds: float) -> tuple[list[float], float]:
    """``workers`` workers (people dealt to them in turn), each asking its next request as
    soon as the previous one is answered, for ``seconds``."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(index: int) -> None:
        mine = [r for person in people[index::workers] for r in person]
        if not mine:
            return
        rng = random.Random(index)
        while time.perf_counter() < deadline:
            _kind, url, bearer = rng.choice(mine)
            started = time.perf_counter()
            async with http.get(url, headers={"Authorization": f"Bearer {bearer}"}) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"GET {url}: HTTP {resp.status}")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    return latencies, time.perf_counter() - started


def _summary(runs: list[tuple[list[float], float]]) -> dict[str, float]:
    if not any(latencies for latencies, _ in runs):
        raise RuntimeError("the desk's API answered no request")
    return {"throughput": median([len(lat) / elapsed for lat, elapsed in runs]),
            "p50": median([percentile(lat, 50) for lat, _ in runs]) * 1000,
            "p99": median([percentile(lat, 99) for lat, _ in runs]) * 1000,
            "requests": sum(len(lat) for lat, _ in runs)}


async def viewer_transfer(http: aiohttp.ClientSession, base: str) -> dict[str, int]:
    """Bytes (gzip) the first opened document adds: the desk's script and style, pdf.js and
    its worker, as the page names them (``<meta name="desk-assets">``)."""
    async with http.get(f"{base}/app/", headers={"Accept-Encoding": "identity"}) as resp:
        page = (await resp.read()).decode()
    meta = re.search(r'<meta name="desk-assets"([^>]*)>', page)
    if meta is None:
        raise RuntimeError("the page names no desk assets")
    sizes: dict[str, int] = {}
    for asset in re.findall(r'data-(?:script|style|pdf|worker)="([^"]+)"', meta.group(1)):
        url = asset if asset.startswith("http") else f"{base}/app/{asset.removeprefix('./')}"
        async with http.get(url, headers={"Accept-Encoding": "gzip"}) as resp:
            if resp.status != 200:
                raise RuntimeError(f"GET {url}: HTTP {resp.status}")
            sizes[asset.rsplit("/", 1)[-1]] = len(await resp.read())
    return sizes


def relocation(pages: int, words: int) -> dict[str, Any]:
    """Time to find ``DESK_ANCHORS`` quoted passages of a thesis again in its revision."""
    from services.relocate import Wanted, pdf_pages, relocate
    from tests.support.theses import Writer, pdf_and_pages

    writer = Writer(seed=pages)
    old = writer.thesis(words, chapters=max(3, pages // 30), per_chapter=5)
    new = writer.revise(old, 0.05)
    old_text = pdf_pages(pdf_and_pages(old, font_size=11)[0])
    new_text = pdf_pages(pdf_and_pages(new, font_size=11)[0])
    rng = random.Random(29)
    wanted = []
    for _ in range(DESK_ANCHORS * 10):
        page = rng.randrange(len(old_text))
        sentences = [s.strip() for s in old_text[page].split(".") if len(s.split()) >= 6]
        if sentences:
            wanted.append(Wanted(id=len(wanted), page=page + 1, quote=rng.choice(sentences)))
        if len(wanted) == DESK_ANCHORS:
            break
    started = time.perf_counter()
    found = relocate(new_text, wanted)
    seconds = time.perf_counter() - started
    states: dict[str, int] = {}
    for item in found:
        states[item.state.value] = states.get(item.state.value, 0) + 1
    return {"pages": len(new_text), "anchors": len(wanted), "seconds": seconds,
            "states": states}


def targets(desk: Any) -> list[tuple[str, str, str, bool | None]]:
    if not isinstance(desk, dict) or "relocate" not in desk:
        return []
    moved = desk["relocate"]
    viewer = desk["viewer_total"]
    return [
        ("11. desk viewer on first document, gzip", "≤ 600 KB",
         f"{viewer / 1024:.1f} KiB ({len(desk['viewer'])} files)", viewer <= VIEWER_BUDGET),
        (f"11. relocate {moved['anchors']} anchors, {moved['pages']}-page revision", "≤ 1 s",
         f"{moved['seconds']:.2f} s", moved["seconds"] <= RELOCATE_BUDGET_SECONDS),
    ]


def section(add: Any, desk: Any) -> None:
    add("## 11. Review desk\n")
    add("A bot started with the Mini App on phase 1's database. Supervisors ask for their "
        "students' timelines (`GET /api/students/{id}`) and the anchored comments of the "
        "versions waiting for them (`GET /api/versions/{id}/anchors`), students for their "
        "own timeline (`GET /api/thesis`), each with a bearer token, in a closed loop at each "
        "concurrency (one worker per person); medians over repetitions. The viewer is what "
        "the first opened document adds to the first open of the dashboard (phase 7): the "
        "desk's script and style, pdf.js and its worker, gzip. Relocation: 50 passages "
        "quoted from a thesis found again in its revision (about 5 % of the words changed), "
        "`services/relocate.py` on each page's text, in one process.\n")
    if not isinstance(desk, dict) or "error" in desk:
        add("This phase failed:\n\n```\n" + str((desk or {}).get("error", "not run"))
            + "\n```\n")
        return
    kinds = ", ".join(f"{k} {n}" for k, n in desk["requests"].items())
    add(f"Requests of the people: {kinds}.\n")
    add("| concurrency | req/s | p50 ms | p99 ms | requests |\n|---|---|---|---|---|")
    for level, row in desk["load"].items():
        add(f"| {level} | {row['throughput']:.1f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['requests']:,} |")
    add("")
    add("| viewer file | bytes (gzip) |\n|---|---|")
    for name, size in desk["viewer"].items():
        add(f"| {name} | {size:,} |")
    add(f"| **total** | **{desk['viewer_total']:,}** |\n")
    moved = desk["relocate"]
    states = ", ".join(f"{k} {n}" for k, n in sorted(moved["states"].items()))
    add(f"Relocation: {moved['anchors']} anchors in a {moved['pages']}-page revision in "
        f"{moved['seconds']:.2f} s ({states}).\n")

