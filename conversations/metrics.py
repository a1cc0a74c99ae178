"""Every Prometheus metric the pipeline records, in one place (served by /metrics).

The web server and each Celery worker process record into files of their own under
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode; `./dev run` and
`./dev test` set it), and /metrics sums them. Labels stay bounded: stage names, decision
kinds and delivery outcomes, never a conversation or message id.

Queue depths and circuit states are not recorded here: they live in Redis and are read at
scrape time (dashboard/metrics_view.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from prometheus_client import Counter, Histogram

from core import dispatch

# Seconds: a stage runs in milliseconds (rules) to tens of seconds (a CPU model server).
STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80)
# Seconds from an inbound message to the first option an operator can see.
FIRST_SUGGESTION_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 60, 120, 300)

STAGE_SECONDS = Histogram(
    "pipeline_stage_seconds",
    "Time spent in each pipeline stage, per message",
    ["stage"],
    buckets=STAGE_BUCKETS,
)
FIRST_SUGGESTION_SECONDS = Histogram(
    "first_suggestion_seconds",
    "Time from an inbound message to its first stored suggestion set",
    buckets=FIRST_SUGGESTION_BUCKETS,
)
GENERATION_ERRORS = Counter(
    "generation_errors_total",
    "Reply generations that failed (the circuit was open, or the model server failed)",
    ["reason"],
)
FALLBACKS = Counter(
    "generation_fallbacks_total", "Suggestion sets made of the state's fallback lines"
)
SUGGESTIONS = Counter(
    "suggestions_total",
    "Suggestions shown to operators, and what operators decided about them",
    ["decision"],
)
AUTOSENDS = Counter("autosends_total", "Replies sent by autonomy without an operator")
DELIVERIES = Counter(
    "webhook_deliveries_total",
    "Outbound reply deliveries by connector and outcome",
    ["connector", "status"],
)

# OperatorDecision.Action values -> the `decision` label a dashboard reads.
DECISION_LABELS = {
    "accept": "accepted",
    "edit": "edited",
    "reject": "rejected",
    "manual": "typed",
}


def observe_stage_timings(timings: dict) -> None:
    """A message's stored timings (`perceive_ms`, `cta_ms`, ...) as stage latencies."""
    for key, value in timings.items():
        if key.endswith("_ms") and isinstance(value, int | float):
            STAGE_SECONDS.labels(stage=key.removesuffix("_ms")).observe(value / 1000)


@contextmanager
def timed_stage(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS.labels(stage=stage).observe(time.perf_counter() - started)


def suggestions_shown(count: int) -> None:
    after_commit(lambda: SUGGESTIONS.labels(decision="shown").inc(count))


def first_suggestion(message_id: int, received_at, request_key: str) -> None:
    """Only the pipeline's own set counts: a regeneration minutes later is not a first."""
    if request_key == dispatch.auto_request_key(message_id):
        seconds = (timezone.now() - received_at).total_seconds()
        FIRST_SUGGESTION_SECONDS.observe(max(seconds, 0.0))


def generation_failed(error: Exception) -> None:
    reason = "circuit_open" if "circuit open" in str(error) else type(error).__name__[:40]
    GENERATION_ERRORS.labels(reason=reason).inc()
    FALLBACKS.inc()


def after_commit(record: Callable[[], None]) -> None:
    """Count what the transaction stores only once it is stored (a rollback counts
    nothing)."""
    transaction.on_commit(record)


def decided(action: str) -> None:
    """An operator's decision on a suggestion, counted once its row is committed."""
    label = DECISION_LABELS.get(action, action)
    after_commit(lambda: SUGGESTIONS.labels(decision=label).inc())


def autosent() -> None:
    after_commit(AUTOSENDS.inc)


def delivered(connector: str, status: str, seconds: float) -> None:
    """One delivery attempt: sent, failed (retried later), refused (the URL or a redirect),
    unconfigured (no URL) or error. The connectors name the status (they own the
    exceptions; this module imports none of theirs)."""
    DELIVERIES.labels(connector=connector, status=status).inc()
    STAGE_SECONDS.labels(stage="deliver").observe(seconds)
