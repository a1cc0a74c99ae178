"""GET /metrics: Prometheus text format, for a scraper only.

What the web and worker processes recorded (conversations.metrics) is summed from
PROMETHEUS_MULTIPROC_DIR when it is set; queue depths and circuit states are read from
Redis at scrape time, a pipeline of LLENs and one SCAN, so a scrape costs little.

Access: a bearer token (METRICS_TOKEN) when one is configured; without one, only a scraper
on this machine (a loopback address, and no proxy in between, since a reverse proxy on the
same host would make every visitor look local).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Metric,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.models import Workspace
from core.redis import redis_client
from dashboard import health

# conversations.replies.circuit names each workspace's breaker `llm:ws<id>`.
CIRCUIT_OPEN_PATTERN = "circuit:llm:ws*:open"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def refusal(request: HttpRequest) -> HttpResponse | None:
    """Why this request may not read the metrics, or None when it may."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return None
        response = HttpResponse(
            "metrics need the bearer token: Authorization: Bearer <METRICS_TOKEN>\n",
            status=401,
            content_type="text/plain",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if is_loopback(request.META.get("REMOTE_ADDR", "")) and not any(
        header in request.META for header in PROXY_HEADERS
    ):
        return None
    return HttpResponse(
        "metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere\n",
        status=403,
        content_type="text/plain",
    )


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class LiveStateCollector(Collector):
    """Gauges read when scraped: Celery queue depths and open LLM circuits."""

    def collect(self) -> Iterator[Metric]:
        depths = GaugeMetricFamily(
            "celery_queue_depth", "Tasks waiting in each Celery queue", labels=["queue"]
        )
        for queue, length in (health.queue_lengths() or {}).items():
            depths.add_metric([queue], length)
        yield depths
        open_ids = open_circuit_workspaces()
        yield GaugeMetricFamily(
            "llm_circuits_open",
            "Workspaces whose model circuit is open (drafts fall back at once)",
            value=len(open_ids) if open_ids is not None else float("nan"),
        )
        per_workspace = GaugeMetricFamily(
            "llm_circuit_open",
            "1 for each workspace whose model circuit is open",
            labels=["workspace"],
        )
        slugs = Workspace.objects.filter(pk__in=open_ids or []).values_list("slug", flat=True)
        for slug in slugs:
            per_workspace.add_metric([slug], 1)
        yield per_workspace


def open_circuit_workspaces() -> list[int] | None:
    """Workspace ids with an open circuit; None when Redis does not answer."""
    try:
        keys = redis_client().scan_iter(match=CIRCUIT_OPEN_PATTERN, count=500)
        found = [key.decode() if isinstance(key, bytes) else key for key in keys]
    except redis.RedisError:
        return None
    ids = [name.split(":")[2].removeprefix("ws") for name in found]
    return [int(workspace_id) for workspace_id in ids if workspace_id.isdigit()]


def recorded_metrics() -> bytes:
    """The counters and histograms of every process (or of this one, outside the stack)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    refused = refusal(request)
    if refused is not None:
        return refused
    live = CollectorRegistry()
    live.register(LiveStateCollector())
    body = recorded_metrics() + generate_latest(live)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
