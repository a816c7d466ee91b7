"""Prometheus metrics; names are a contract with dashboards and alarms."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# The registry and the domain counters live beside the services that count them.
from services.metrics import REGISTRY as REGISTRY
from services.metrics import REMINDERS_SENT as REMINDERS_SENT
from services.metrics import REVIEW_COMPLETIONS as REVIEW_COMPLETIONS
from services.metrics import REVIEW_TURNAROUND as REVIEW_TURNAROUND
from services.metrics import STAGED_FILES_SWEPT as STAGED_FILES_SWEPT
from services.metrics import THESIS_SUBMISSIONS as THESIS_SUBMISSIONS
from services.metrics import USER_REGISTRATIONS as USER_REGISTRATIONS
from services.metrics import VERSION_COMPARE_FAILURES as VERSION_COMPARE_FAILURES

UPDATES_UNREADABLE = Counter(
    "telegram_updates_unreadable_total", "Updates of a getUpdates batch that could not be "
    "read (skipped; the rest of the batch was handled)", registry=REGISTRY)
TELEGRAM_UPDATES = Counter(
    "telegram_updates_total", "Updates received", ["type"], registry=REGISTRY)
UPDATE_SECONDS = Histogram(
    "update_handling_seconds", "Time to handle one update", ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=REGISTRY)
APP_ERRORS = Counter(
    "application_errors_total", "Errors by type", ["error_type"], registry=REGISTRY)
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds", "HTTP requests served by the aiohttp app",
    ["route", "method", "status"], registry=REGISTRY)
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
OUTBOX_MALFORMED = Counter(
    "outbox_malformed_total", "Outbox rows no payload schema reads (failed, never retried)",
    ["kind"], registry=REGISTRY)

# Counted by the API's authentication (api/routing.py).
from api.routing import API_AUTH_FAILURES as API_AUTH_FAILURES  # noqa: E402
from api.routing import API_ERRORS as API_ERRORS  # noqa: E402

# Counted by the progress helper every long operation uses (telegram/progress.py).
from telegram.progress import PROGRESS_EDIT_FAILURES as PROGRESS_EDIT_FAILURES  # noqa: E402
from telegram.progress import PROGRESS_EDITS as PROGRESS_EDITS  # noqa: E402
from telegram.progress import PROGRESS_FAILURES as PROGRESS_FAILURES  # noqa: E402
