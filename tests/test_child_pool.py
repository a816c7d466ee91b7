"""Issue 26, item 3: the comparison pool (bot/isolation.py) against a child whose answer is
too long, a child that names files outside its job's folder, and the child's own limits.
Real child processes; no services."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from bot.isolation import SUMMARY_LIST_CAP, ChildPool, JobFailed, Limits
from tests.support.theses import docx_with

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def headings_docx(count: int, length: int) -> bytes:
    body = "".join(f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{i} '
                   f'{"Long heading " * (length // 13)}</w:t></w:r></w:p>'
                   for i in range(count))
    body += "<w:p><w:r><w:t>The text under the headings.</w:t></w:r></w:p>"
    return docx_with(f"<w:document {W}><w:body>{body}</w:body></w:document>".encode())


def job(folder: Path, new: bytes, old: bytes) -> dict[str, object]:
    folder.mkdir()
    (folder / "new").write_bytes(new)
    (folder / "old").write_bytes(old)
    return {"new_path": str(folder / "new"), "new_kind": "docx", "new_version": 2,
            "title": "T", "old_version": 1, "old_kind": "docx", "old_text_path": None,
            "old_path": str(folder / "old"), "old_reason": None, "out_dir": str(folder)}


async def test_a_docx_of_three_thousand_long_headings_spoils_nobody_elses_job(
        tmp_path: Path) -> None:
    hostile = headings_docx(3000, 400)
    assert len(hostile) < 20_000  # a 15 KB file whose summary alone is over a megabyte
    plain_old = headings_docx(2, 20)
    pool = ChildPool(1, Limits(timeout_seconds=60, memory_mb=512))
    try:
        # Its own job: the summary's lists are capped in the child, so the answer fits (or,
        # were it still too long, the job fails alone and the child is replaced).
        try:
            answer = await pool.run(job(tmp_path / "hostile", hostile, plain_old))
        except JobFailed:
            answer = None
        if answer is not None:
            assert len(answer["summary"]["sections_added"]) <= SUMMARY_LIST_CAP
            assert len(json.dumps(answer)) < 64 * 1024
        # The next, innocent job on the same slot is compared as usual.
        innocent = await pool.run(job(tmp_path / "innocent", headings_docx(3, 20),
                                      plain_old))
        assert innocent.get("failed") is None and innocent["summary"] is not None
        assert len(innocent["summary"]["sections_added"]) == 1
    finally:
        await pool.close()


async def test_an_answer_longer_than_the_read_limit_kills_the_slot(tmp_path: Path) -> None:
    pool = ChildPool(1, Limits(timeout_seconds=60, memory_mb=512),
                     target="tests.support.isolation_targets:oversized")
    try:
        with pytest.raises(JobFailed) as failed:
            await pool.run({"out_dir": str(tmp_path), "size": 3 * 1024 * 1024})
        assert failed.value.reason == "crashed"
        # The leftover bytes of that answer went with the killed child.
        assert await pool.run({"out_dir": str(tmp_path), "size": 10}) == {
            "data": "x" * 10, "seconds": pytest.approx(0, abs=60),
            "peak_rss_mb": pytest.approx(0, abs=10_000)}
        assert pool.started == 2
    finally:
        await pool.close()


async def test_paths_outside_the_jobs_folder_are_refused(tmp_path: Path) -> None:
    pool = ChildPool(1, Limits(timeout_seconds=60, memory_mb=512),
                     target="tests.support.isolation_targets:outside_paths")
    try:
        with pytest.raises(JobFailed):
            await pool.run({"out_dir": str(tmp_path)})
    finally:
        await pool.close()


async def test_the_child_cannot_write_big_files_nor_start_processes(tmp_path: Path) -> None:
    pool = ChildPool(1, Limits(timeout_seconds=60, memory_mb=256),
                     target="tests.support.isolation_targets:limits")
    try:
        answer = await pool.run({"out_dir": str(tmp_path)})
    finally:
        await pool.close()
    assert answer["fsize"] == 256 * 1024 * 1024
    assert answer["nproc"] != resource.RLIM_INFINITY
