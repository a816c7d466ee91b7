"""Prometheus metrics; names are a contract with dashboards and alarms."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
TELEGRAM_UPDATES = Counter(
    "telegram_updates_total", "Updates received", ["type"], registry=REGISTRY)
UPDATE_SECONDS = Histogram(
    "update_handling_seconds", "Time to handle one update", ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=REGISTRY)
APP_ERRORS = Counter(
    "application_errors_total", "Errors by type", ["error_type"], registry=REGISTRY)
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds", "HTTP requests served by the aiohttp app",
    ["path", "method", "status"], registry=REGISTRY)
DEPENDENCY_FAILURES = Counter(
    "dependency_failures_total", "Failures talking to a dependency", ["dependency"],
    registry=REGISTRY)
FLOOD_DROPPED = Counter(
    "flood_dropped_updates_total", "Updates dropped by per-user flood control", registry=REGISTRY)
DUPLICATE_UPDATES = Counter(
    "duplicate_updates_total", "Redelivered updates skipped", registry=REGISTRY)

OUTBOX_PENDING = Gauge("outbox_pending", "Notifications waiting to be sent", registry=REGISTRY)
OUTBOX_SENT = Counter("outbox_sent_total", "Notifications delivered", registry=REGISTRY)
OUTBOX_RETRIED = Counter(
    "outbox_retried_total", "Notification attempts to be retried", ["reason"], registry=REGISTRY)
OUTBOX_FAILED = Counter(
    "outbox_failed_total", "Notifications given up on", ["reason"], registry=REGISTRY)
REMINDERS_SENT = Counter(
    "reminders_sent_total", "Reminders and digests queued", ["kind"], registry=REGISTRY)
STAGED_FILES_SWEPT = Counter(
    "staged_files_swept_total", "Staged files deleted because no version or feedback refers "
    "to them", registry=REGISTRY)
