"""The Celery app. Queues: default (delivery), ml (perception: CPU models), llm
(generation), train (LoRA) and training (CTA, intent and ranker training): training never
shares a queue with the work a message waits on."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery, Task
from celery.signals import (
    worker_init,
    worker_process_init,
    worker_process_shutdown,
    worker_ready,
    worker_shutdown,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

logger = logging.getLogger(__name__)


class CappedRedelivery(Task):
    """Tasks are acknowledged late, so a task whose worker dies is delivered again. One
    that kills every worker it lands on (a poison message) would loop forever: each
    attempt (a retry counts as a new attempt) may start at most TASK_MAX_REDELIVERIES + 1
    times, counted in Redis by task id, then it is dropped with an error."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        task_id = self.request.id
        if task_id and not self.request.called_directly:
            starts = self.starts(task_id)
            if starts > self.cap():
                logger.error(
                    "dropped %s[%s]: delivered %d times without finishing",
                    self.name,
                    task_id,
                    starts,
                )
                return None
        return super().__call__(*args, **kwargs)

    def cap(self) -> int:
        """How many times one attempt may start: the first delivery and the redeliveries."""
        from django.conf import settings

        return int(settings.TASK_MAX_REDELIVERIES) + 1

    def starts(self, task_id: str) -> int:
        from core.redis import redis_client

        key = f"task:starts:{task_id}:{self.request.retries or 0}"
        client = redis_client()
        count = int(client.incr(key))
        client.expire(key, 24 * 3600)
        return count


app = Celery("dashboard", task_cls=CappedRedelivery)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Workers that run model tasks load their readers (mlops/warmup.py) before taking work, so
# the first message of a shift is as fast as the rest (and a slow load never eats a task's
# time).
MODEL_QUEUES = {"ml", "llm"}


def consumes_model_queues(app: Celery) -> bool:
    return bool(MODEL_QUEUES & set(app.amqp.queues.consume_from or ()))


def warm_models() -> None:
    from mlops.warmup import warm

    warm(perception="ml" in set(app.amqp.queues.consume_from or ()))


@worker_init.connect
def warm_single_process_worker(sender: Any, **kwargs: Any) -> None:
    # solo and threads pools run tasks in this process; prefork children warm themselves
    # (loading torch before a fork invites OpenMP deadlocks in the children).
    pool = str(sender.pool_cls).lower()
    if ("solo" in pool or "thread" in pool) and consumes_model_queues(sender.app):
        warm_models()


@worker_process_init.connect
def warm_pool_process(**kwargs: Any) -> None:
    if consumes_model_queues(app):
        warm_models()


# hostname -> the event that stops its heartbeat thread
HEARTBEATS: dict[str, threading.Event] = {}


@worker_ready.connect
def start_heartbeat(sender: Any, **kwargs: Any) -> None:
    """Tell /api/health this worker is alive and which queues it serves, every few
    seconds, from a thread of its own: a long task does not stop the beat."""
    from dashboard import health

    hostname = sender.hostname
    queues = sorted(app.amqp.queues.consume_from or ())
    stopped = HEARTBEATS.setdefault(hostname, threading.Event())

    def beat_until_stopped() -> None:
        while True:
            try:
                health.beat(hostname, queues)
            except Exception as exc:  # Redis away: health reports that itself
                logger.warning("worker heartbeat failed: %s", exc)
            if stopped.wait(health.HEARTBEAT_SECONDS):
                return

    threading.Thread(target=beat_until_stopped, name="health-heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_heartbeat(sender: Any = None, **kwargs: Any) -> None:
    """A worker that stops cleanly leaves the count at once, not when its key expires."""
    from dashboard import health

    for hostname, stopped in list(HEARTBEATS.items()):
        stopped.set()
        try:
            health.stop_beating(hostname)
        except Exception as exc:
            logger.warning("could not clear the worker heartbeat: %s", exc)


@worker_process_shutdown.connect
def forget_pool_process_metrics(pid: int | None = None, **kwargs: Any) -> None:
    """A pool process that exits stops counting in /metrics' live gauges (its counters and
    histograms stay: they are totals)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
