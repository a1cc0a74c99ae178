"""The Celery app. Queues: default (delivery), ml (CPU models), llm (generation)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

app = Celery("dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Workers that run model tasks load the embedding model before taking work, so the first
# message of a shift is as fast as the rest (and a slow load never eats a task's time).
MODEL_QUEUES = {"ml", "llm"}


def consumes_model_queues(app: Celery) -> bool:
    return bool(MODEL_QUEUES & set(app.amqp.queues.consume_from or ()))


def warm_models() -> None:
    from mlops.embeddings import embed

    embed(["warm up"])


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
