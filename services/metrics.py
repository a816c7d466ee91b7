"""Domain counters, counted by the services that make the events happen.

Neutral ground: services import it (they never import ``bot``), and ``bot/metrics.py``
adds the process and HTTP metrics to the same registry. Names are a contract with
dashboards and alarms.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

THESIS_SUBMISSIONS = Counter(
    "thesis_submissions_total", "Thesis versions recorded", registry=REGISTRY)
USER_REGISTRATIONS = Counter(
    "user_registrations_total", "Users registered", ["role"], registry=REGISTRY)
REVIEW_COMPLETIONS = Counter(
    "review_completions_total", "Review decisions recorded", ["decision"], registry=REGISTRY)
REVIEW_TURNAROUND = Histogram(
    "review_turnaround_seconds", "Time from a version's submission to its decision",
    buckets=(3600, 6 * 3600, 86400, 2 * 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400),
    registry=REGISTRY)
REMINDERS_SENT = Counter(
    "reminders_sent_total", "Reminders and digests queued", ["kind"], registry=REGISTRY)
STAGED_FILES_SWEPT = Counter(
    "staged_files_swept_total", "Staged files deleted because no version or feedback refers "
    "to them", registry=REGISTRY)
VERSION_COMPARE_FAILURES = Counter(
    "version_compare_failures_total", "Versions that could not be compared with the one "
    "before, by reason (no_text, encrypted, timeout, memory, crashed, unreadable…)",
    ["reason"], registry=REGISTRY)
