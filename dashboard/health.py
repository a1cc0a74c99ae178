"""What /api/health reports: database, Redis, workers per queue, queue lengths, models."""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import connection

from mlops.generation import TEMPLATE_MODEL_VERSION

QUEUES = ("default", "ml", "llm", "train")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def queue_lengths() -> dict[str, int] | None:
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1)
        return {queue: int(client.llen(queue)) for queue in QUEUES}
    except redis.RedisError:
        return None


def workers_per_queue(timeout: float = 1.0) -> dict[str, int]:
    """Ask live workers which queues they consume (a broadcast, answered within timeout)."""
    from dashboard.celery import app

    counts = dict.fromkeys(QUEUES, 0)
    try:
        replies = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception:
        return counts
    for queues in replies.values():
        for queue in queues:
            if queue["name"] in counts:
                counts[queue["name"]] += 1
    return counts


def report() -> dict[str, Any]:
    db_ok = database_ok()
    lengths = queue_lengths()
    redis_ok = lengths is not None
    workers = workers_per_queue() if redis_ok else dict.fromkeys(QUEUES, 0)
    all_served = all(workers.values())
    return {
        "status": "healthy" if db_ok and redis_ok and all_served else "degraded",
        "db_connected": db_ok,
        "redis_connected": redis_ok,
        "workers": workers,
        "queue_length": sum((lengths or {}).values()),
        "queues": lengths or {},
        # The generator is the per-state template one until an LLM backend is configured.
        "model_loaded": True,
        "model_version": TEMPLATE_MODEL_VERSION,
        "models": {"generator": TEMPLATE_MODEL_VERSION, "sentiment": "vader-3.3.2"},
    }
