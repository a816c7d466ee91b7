"""`python -m bench --quick` keeps working: it exits 0 and writes its report.

No timing is asserted here: the numbers of a smoke run on a shared CI machine mean nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_runs_and_writes_the_report(s3_endpoint: str, tmp_path: Path) -> None:
    report = tmp_path / "bench-quick.md"
    env = {**os.environ, "TEST_S3_ENDPOINT_URL": s3_endpoint}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(report)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    text = report.read_text()
    for heading in ("## Machine", "## How to reproduce", "## Targets",
                    "## 1. Floor vs full bot",
                    "## 1b. Floor vs full bot: students who each submitted",
                    "## 2. Upload pipeline", "## 3. Data scale",
                    "## 4. Notification rate", "## 5. Start and idle",
                    "## 6. Exports", "## 7. Mini App API", "## 8. What changed",
                    "## 11. Review desk"):
        assert heading in text, heading
    assert "This phase failed" not in text, text
    assert "| concurrency | floor upd/s | bot upd/s |" in text
    assert "| GET /api/students |" in text and "7. Mini App first open, gzip" in text
