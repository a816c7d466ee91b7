"""Child processes for work on untrusted files, with a time and a memory limit per job.

A student's file goes through parsers (pdfium, zip, XML) that a crafted file can make slow
or greedy. That work never runs in the bot's process: each slot of a ``ChildPool`` is a
separate Python process (``python -m bot.isolation``) that

- limits its own address space to ``memory_mb`` (``RLIMIT_AS``) before importing anything,
  so a bomb ends in a MemoryError (or the child's death), never in the bot's swap; the
  files it writes to the same size (``RLIMIT_FSIZE``); and starts no process (``RLIMIT_NPROC``
  at what its user runs already);
- runs at the lowest priority (nice 19): on a small machine the bot's answers come first,
  the comparison takes what CPU is left (a 300-page one needs ~0.3 s of it);
- gets no secrets: its environment is PATH, PYTHONPATH and the locale only;
- reads its input from files and writes its output to files in a folder the parent made,
  and answers with one small JSON line (never pickle: the parent trusts nothing it says).

The parent waits at most ``timeout_seconds`` for an answer; a child that takes longer, or
whose answer cannot be read whole (longer than ``READ_LIMIT``, not JSON, naming a file
outside its job's folder), is killed and the slot starts a fresh one for its next job: no
leftover byte of one job's answer is ever read as the next one's. The lists of a summary
are capped in the child (``SUMMARY_LIST_CAP`` names of ``SUMMARY_NAME_CAP`` characters).
Children are started lazily and kept between jobs (starting one costs ~0.1 s of CPU).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import resource
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

READ_LIMIT = 1024 * 1024  # one answer line at most
SUMMARY_LIST_CAP = 20
SUMMARY_NAME_CAP = 200
# A fresh child's start (the interpreter and its imports) is not counted in a job's time.
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float = 60.0
    memory_mb: int = 512


class JobFailed(Exception):
    """A job did not finish in its child; ``reason`` is a metric label."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Slot:
    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None


class ChildPool:
    """``size`` children running ``target`` ("module:function"), one job each at a time."""

    def __init__(self, size: int, limits: Limits,
                 target: str = "bot.isolation:comparison_job") -> None:
        self.limits = limits
        self.target = target
        self._free: asyncio.Queue[_Slot] = asyncio.Queue()
        self._slots = [_Slot() for _ in range(max(size, 1))]
        for slot in self._slots:
            self._free.put_nowait(slot)
        self.started = 0  # children started, for the tests (a killed one is replaced)

    @property
    def size(self) -> int:
        return len(self._slots)

    async def run(self, job: dict[str, Any]) -> dict[str, Any]:
        """Run one job in a free child; its answer, or JobFailed(timeout|memory|crashed)."""
        slot = await self._free.get()
        try:
            return await self._run(slot, job)
        finally:
            self._free.put_nowait(slot)

    async def _run(self, slot: _Slot, job: dict[str, Any]) -> dict[str, Any]:
        process = await self._child(slot)
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps(job).encode() + b"\n")
            await process.stdin.drain()
            line = await asyncio.wait_for(process.stdout.readline(),
                                          self.limits.timeout_seconds)
        except TimeoutError:
            await self._kill(slot)
            raise JobFailed("timeout") from None
        except Exception:  # noqa: BLE001 - an answer over READ_LIMIT (ValueError), a pipe...
            # Whatever is left of this answer must not become the next job's: a new child.
            await self._kill(slot)
            raise JobFailed("crashed") from None
        if not line:
            await self._kill(slot)
            raise JobFailed("crashed")
        try:
            answer = json.loads(line)
        except ValueError:
            await self._kill(slot)
            raise JobFailed("crashed") from None
        if not isinstance(answer, dict):
            await self._kill(slot)
            raise JobFailed("crashed")
        if answer.get("failed"):
            reason = str(answer["failed"])[:32]
            if reason == "memory":
                # After a MemoryError the child's heap is in doubt: start afresh.
                await self._kill(slot)
            raise JobFailed(reason)
        if not _paths_inside(answer, job.get("out_dir")):
            # A child that names another file is not to be trusted with the next job.
            await self._kill(slot)
            raise JobFailed("crashed")
        return answer

    async def _child(self, slot: _Slot) -> asyncio.subprocess.Process:
        if slot.process is not None and slot.process.returncode is None:
            return slot.process
        slot.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.isolation", str(self.limits.memory_mb), self.target,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, env=_child_env(), limit=READ_LIMIT)
        self.started += 1
        assert slot.process.stdout is not None
        try:
            ready = await asyncio.wait_for(slot.process.stdout.readline(), START_TIMEOUT)
        except TimeoutError:
            ready = b""
        if ready.strip() != b"ready":
            await self._kill(slot)
            raise JobFailed("crashed")
        return slot.process

    async def _kill(self, slot: _Slot) -> None:
        process, slot.process = slot.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()

    async def close(self) -> None:
        for slot in self._slots:
            await self._kill(slot)


def _paths_inside(answer: dict[str, Any], out_dir: Any) -> bool:
    """Every ``*_path`` of the answer is a file inside the job's folder (or None)."""
    paths = [value for key, value in answer.items() if key.endswith("_path") and value]
    if not paths:
        return True
    if not isinstance(out_dir, str):
        return False
    folder = Path(out_dir).resolve()
    for value in paths:
        if not isinstance(value, str):
            return False
        path = Path(value).resolve()
        if not path.is_relative_to(folder) or path == folder:
            return False
    return True


def capped_summary(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """The summary with each list of sections cut to ``SUMMARY_LIST_CAP`` names of at most
    ``SUMMARY_NAME_CAP`` characters: what a card shows, and an answer that stays small."""
    if summary is None:
        return None
    capped = dict(summary)
    for key, value in summary.items():
        if isinstance(value, list):
            capped[key] = [str(name)[:SUMMARY_NAME_CAP] for name in value[:SUMMARY_LIST_CAP]]
    return capped


def _child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[1])
    paths = [root, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
           "PYTHONDONTWRITEBYTECODE": "1",
           # One thread per numeric library: the child may start no more (RLIMIT_NPROC); so
           # numpy's BLAS (services/similarity.py) keeps no per-thread buffers either.
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("LANG", "LC_ALL"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


# --- the child ------------------------------------------------------------------------

def comparison_job(job: dict[str, Any]) -> dict[str, Any]:
    """Read the files the parent wrote, run services.text_diff.run_job, write its output.

    ``job``: new_path, new_kind, old_text_path | None, old_path | None, old_kind | None,
    old_reason | None, old_version | None, new_version, title, out_dir. Answer: text_path | None,
    pages | None, words | None, summary | None, html_path | None, reason | None.
    With ``task: "similarity"`` it is the shared-text check instead (``similarity_job``).
    """
    from services.text_diff import run_job

    if job.get("task") == "similarity":
        return similarity_job(job)
    if job.get("task") == "fingerprint":  # a stored text (the benchmark, a reindex)
        return {"fingerprint_path": _fingerprint(Path(job["text_path"]).read_text("utf-8"),
                                                 Path(job["out_dir"]))}
    out = Path(job["out_dir"])
    old_text = Path(job["old_text_path"]).read_text("utf-8") \
        if job.get("old_text_path") else None
    old_data = Path(job["old_path"]).read_bytes() if job.get("old_path") else None
    result = run_job(job["new_kind"], Path(job["new_path"]).read_bytes(), old_text,
                     job.get("old_kind"), old_data, job.get("old_version"),
                     job["new_version"], job["title"], old_reason=job.get("old_reason"))
    answer: dict[str, Any] = {"summary": capped_summary(result.summary),
                              "reason": result.reason,
                              "text_path": None, "html_path": None,
                              "pages": result.pages, "words": result.words}
    if result.text is not None:
        (out / "text.json").write_text(result.text, "utf-8")
        answer["text_path"] = str(out / "text.json")
        answer["fingerprint_path"] = _fingerprint(result.text, out)
    if result.html is not None:
        (out / "changes.html").write_text(result.html, "utf-8")
        answer["html_path"] = str(out / "changes.html")
    if job.get("anchors") and result.text is not None:
        answer["located"] = _relocate(job["new_kind"], Path(job["new_path"]).read_bytes(),
                                      result.text, job["anchors"])
    return answer


def _relocate(kind: str, data: bytes, text: str, wanted: list[dict[str, Any]]
              ) -> list[dict[str, object]]:
    """The open anchored comments found in the new version (services/relocate.py): page by
    page in a PDF, in the whole text of a DOCX (which has no pages)."""
    from services.relocate import Wanted, pdf_pages, relocate
    from services.text_diff import DocumentText

    items = [Wanted(int(w["id"]), int(w["page"]), str(w["quote"])) for w in wanted]
    if kind == "pdf":
        found = relocate(pdf_pages(data), items)
    else:
        document = DocumentText.from_json(text)
        whole = "\n".join(p for s in document.sections for p in (s.label, *s.paragraphs))
        found = relocate([whole], items, paged=False)
    return [located.to_dict() for located in found]


def _fingerprint(text: str, out: Path) -> str:
    """The version's LSH bands (services/similarity.py), for the index and its look-up."""
    from services.similarity import fingerprint
    from services.text_diff import DocumentText

    found = fingerprint(DocumentText.from_json(text))
    (out / "fingerprint.json").write_text(json.dumps(
        {"words": found.words, "chunks": found.chunks, "windows": found.windows}), "utf-8")
    return str(out / "fingerprint.json")


def similarity_job(job: dict[str, Any]) -> dict[str, Any]:
    """The passages a version shares with the candidates the parent found in the index.

    ``job``: text_path (the version's DocumentText JSON), candidates_path (one JSON object a
    line: submission_id, title, year, supervisor, text), title, version, out_dir. Answer:
    summary (services.similarity.Check.summary), html_path | None (only when text is shared).
    """
    from services.similarity import Candidate, check, render_html
    from services.text_diff import DocumentText

    out = Path(job["out_dir"])
    text = DocumentText.from_json(Path(job["text_path"]).read_text("utf-8"))
    candidates = []
    with Path(job["candidates_path"]).open(encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            candidates.append(Candidate(
                submission_id=int(raw["submission_id"]), title=str(raw["title"]),
                year=int(raw["year"]), supervisor=str(raw["supervisor"]),
                text=DocumentText.from_json(raw["text"])))
    result, words = check(text, candidates)
    answer: dict[str, Any] = {"summary": result.summary(), "html_path": None}
    if result.sources:
        page = render_html(result, words, title=str(job["title"]),
                           version=int(job["version"]))
        (out / "shared-text.html").write_text(page, "utf-8")
        answer["html_path"] = str(out / "shared-text.html")
    return answer


# Imported while the child starts, so that a job's time is the job's.
comparison_job.preload = (  # type: ignore[attr-defined]
    "services.text_diff", "services.relocate", "services.similarity", "pypdfium2",
    "rapidfuzz.fuzz",
    "defusedxml.ElementTree")


def _child_main(memory_mb: int, target: str) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # No file it writes grows past its memory (EFBIG, not a signal, ends the job), and it
    # starts no process: its user's tasks now are all it may have.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    with contextlib.suppress(OSError):
        os.nice(19)
    module, _, name = target.partition(":")
    work = getattr(importlib.import_module(module), name)
    for heavy in getattr(work, "preload", ()):
        importlib.import_module(heavy)
    # Its imports done (a library may start its threads then), no new process or thread.
    tasks = _user_tasks()
    resource.setrlimit(resource.RLIMIT_NPROC, (tasks, tasks))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        started = time.perf_counter()
        try:
            answer = dict(work(json.loads(line)))
        except MemoryError:
            answer = {"failed": "memory"}
        except Exception:  # noqa: BLE001 - any failure is this job's, reported as such
            answer = {"failed": "crashed"}
        answer["seconds"] = time.perf_counter() - started
        answer["peak_rss_mb"] = _peak_rss_mb()
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if answer.get("failed") == "memory":
            return


def _user_tasks() -> int:
    """How many tasks (processes and threads) this user runs now, this one's included."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue
    return max(count, 1)


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss carries the parent's over
    fork and exec; VmHWM is this program's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), sys.argv[2])
