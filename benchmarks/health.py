"""/api/health's worker count: heartbeats read from Redis against the Celery broadcast
it replaced (`inspect().active_queues()`, which waits its whole timeout for answers).

Run: ./dev bench health [CALLS]. Four workers beat into Redis (the keys a real worker
writes), then the whole report is built CALLS times from the heartbeats and a few times
with the broadcast (run here as the baseline: each call costs its 1 s timeout). Prints
p50/p95 of both, and ends with the speed-up as `N.Nx`. The keys are removed at the end.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import django

# Run as a script, this folder is sys.path[0]; the apps are imported from the repository.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

from dashboard import health  # noqa: E402
from dashboard.celery import app  # noqa: E402

WORKERS = {
    "bench-web@host": ["default"],
    "bench-ml@host": ["ml"],
    "bench-llm@host": ["llm"],
    "bench-train@host": ["train", "training"],
}
BROADCAST_CALLS = 5


def broadcast_workers(timeout: float = 1.0) -> dict[str, int]:
    """The old count: ask every live worker over the broker, wait for the answers."""
    counts = dict.fromkeys(health.QUEUES, 0)
    replies = app.control.inspect(timeout=timeout).active_queues() or {}
    for queues in replies.values():
        for queue in queues:
            if queue["name"] in counts:
                counts[queue["name"]] += 1
    return counts


def timed(build, calls: int) -> list[float]:
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        build()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def show(name: str, latencies: list[float]) -> None:
    p95 = sorted(latencies)[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(f"{name:<32} p50 {statistics.median(latencies):9.2f} ms   p95 {p95:9.2f} ms")


def main(calls: int) -> None:
    for hostname, queues in WORKERS.items():
        health.beat(hostname, queues)
    try:
        counted = health.report()["workers"]
        assert all(counted[q] >= 1 for q in health.QUEUES), counted
        heartbeat_ms = timed(health.report, calls)
        broadcast_ms = timed(lambda: health.report(broadcast_workers), BROADCAST_CALLS)
    finally:
        for hostname in WORKERS:
            health.stop_beating(hostname)
    show(f"report, heartbeats ({calls} calls)", heartbeat_ms)
    show(f"report, broadcast ({BROADCAST_CALLS} calls)", broadcast_ms)
    print(f"{statistics.median(broadcast_ms) / statistics.median(heartbeat_ms):.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
