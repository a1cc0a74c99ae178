"""What /api/health reports: database, Redis, workers per queue, models, and for a caller
with a workspace API key the queue lengths too (how busy the platform is is not for anyone
who can reach the port).

It answers from what is already there: workers write a heartbeat into Redis every few
seconds (dashboard.celery), so no call waits for a worker to answer; a report is a
database ping and a few Redis reads (`./dev bench health`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from conversations.model_health import model_status
from core.broker import broker_client, queue_keys
from core.models import ApiKey
from core.redis import redis_client

QUEUES = ("default", "ml", "llm", "train", "training")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def queue_lengths() -> dict[str, int] | None:
    try:
        client = broker_client(settings.CELERY_BROKER_URL)
        # One round trip for every priority list of every queue (40 lists).
        pipe = client.pipeline(transaction=False)
        for queue in QUEUES:
            for key in queue_keys(queue):
                pipe.llen(key)
        lengths = iter(pipe.execute())
        return {queue: sum(int(next(lengths)) for _ in queue_keys(queue)) for queue in QUEUES}
    except redis.RedisError:
        return None


# Each worker writes the queues it consumes under its own key every few seconds; the key
# outlives a few missed beats, then a dead worker drops out of the count by itself.
HEARTBEAT_KEY = "health:worker:{hostname}"
HEARTBEAT_SECONDS = 5
HEARTBEAT_TTL_SECONDS = 20


def beat(hostname: str, queues: list[str]) -> None:
    redis_client().set(
        HEARTBEAT_KEY.format(hostname=hostname), json.dumps(queues), ex=HEARTBEAT_TTL_SECONDS
    )


def stop_beating(hostname: str) -> None:
    redis_client().delete(HEARTBEAT_KEY.format(hostname=hostname))


def workers_per_queue() -> dict[str, int]:
    """Live workers per queue, from their heartbeats in Redis: one read, instead of a
    broadcast that waits a second for every worker to answer."""
    counts = dict.fromkeys(QUEUES, 0)
    client = redis_client()
    keys = list(client.scan_iter(match=HEARTBEAT_KEY.format(hostname="*"), count=100))
    for raw in client.mget(keys) if keys else []:
        if raw is None:
            continue  # expired between the scan and the read
        for queue in json.loads(raw):
            if queue in counts:
                counts[queue] += 1
    return counts


def broker_ok() -> bool:
    try:
        return bool(broker_client(settings.CELERY_BROKER_URL).ping())
    except redis.RedisError:
        return False


def counted_workers(count: Callable[[], dict[str, int]]) -> dict[str, int] | None:
    try:
        return count()
    except redis.RedisError:
        return None


def report_for(request: HttpRequest) -> dict[str, Any]:
    """The health document for this caller: queue lengths only with a valid API key."""
    key = request.headers.get("X-API-Key", "")
    keyed = bool(key) and ApiKey.objects.workspace_for(key) is not None
    return report(with_queues=keyed)


def report(
    count_workers: Callable[[], dict[str, int]] | None = None, with_queues: bool = True
) -> dict[str, Any]:
    """The health document; `count_workers` replaces the heartbeat count (the benchmark
    passes the broadcast it replaced). `with_queues`: add the queue lengths."""
    db_ok = database_ok()
    lengths = queue_lengths() if with_queues else None
    redis_ok = lengths is not None if with_queues else broker_ok()
    workers = counted_workers(count_workers or workers_per_queue) if redis_ok else None
    redis_ok = redis_ok and workers is not None
    workers = workers or dict.fromkeys(QUEUES, 0)
    model = model_status()
    all_served = all(workers.values())
    document: dict[str, Any] = {
        "status": "healthy"
        if db_ok and redis_ok and all_served and model["answers"]
        else "degraded",
        "db_connected": db_ok,
        "redis_connected": redis_ok,
        "workers": workers,
        # The model configured now and whether it answered (conversations.model_health).
        "model_loaded": model["answers"],
        "model_version": model["model"],
        "model": model,
        "models": {"generator": model["model"], "sentiment": "vader-3.3.2"},
    }
    if with_queues:
        document["queue_length"] = sum((lengths or {}).values())
        document["queues"] = lengths or {}
    return document
