"""How workers and Redis are configured so that tasks are neither lost nor repeated:
late acknowledgement, redelivery when a worker dies (capped), time limits under the
broker's visibility timeout, no eviction, and separate Redis databases per use."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings

from core.redis import redis_client
from dashboard.celery import app


def our_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_tasks_are_acknowledged_late_and_given_back_when_their_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1  # a dying worker holds one task at most
    for name, task in our_tasks().items():
        assert task.acks_late is not False, name


def test_every_task_ends_before_the_broker_would_hand_it_to_another_worker():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    tasks = our_tasks()
    assert {"conversations.tasks.suggest_replies", "mlops.tasks.train_lora"} <= set(tasks)
    for name, task in tasks.items():
        limit = task.time_limit or app.conf.task_time_limit
        assert limit is not None and limit < visibility, name


def channel_layer_config() -> dict[str, Any]:
    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
    return layer["CONFIG"]


def channel_layer_host() -> str:
    return str(channel_layer_config()["hosts"][0]["address"])


def test_the_channel_layer_publishes_once_per_group_and_outwaits_redis_reads():
    """One publish per event and group, whatever the number of open pages; and a socket
    timeout longer than the 5 s Redis reads of channels_redis, or idle pages lose their
    sockets (tests/test_tenancy.py::test_an_idle_socket_stays_open_and_still_receives)."""
    from channels.layers import get_channel_layer
    from channels_redis.core import RedisChannelLayer
    from channels_redis.pubsub import RedisPubSubChannelLayer

    assert isinstance(get_channel_layer(), RedisPubSubChannelLayer)
    host = channel_layer_config()["hosts"][0]
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout


def test_broker_channel_layer_and_cache_live_in_separate_redis_databases():
    urls = {
        "cache": settings.REDIS_URL,
        "broker": app.conf.broker_url,
        "channels": channel_layer_host(),
    }
    servers = {urlsplit(url).netloc for url in urls.values()}
    databases = {urlsplit(url).path for url in urls.values()}
    assert len(servers) == 1 and len(databases) == 3, urls

    # What the app writes is not in the broker's keyspace (and a scan there cannot see it).
    redis_client().set("test:separate", "cache")
    broker = redis.Redis.from_url(app.conf.broker_url)
    assert broker.get("test:separate") is None
    redis_client().delete("test:separate")


def test_redis_never_evicts_keys():
    for url in (settings.REDIS_URL, app.conf.broker_url):
        policy = redis.Redis.from_url(url).config_get("maxmemory-policy")
        assert policy["maxmemory-policy"] == "noeviction"


@pytest.mark.django_db
def test_a_task_delivered_again_and_again_is_dropped_after_the_cap(caplog):
    """A poison message (one that kills its worker each time) is given up after
    TASK_MAX_REDELIVERIES redeliveries instead of looping forever; a retry is a new
    attempt with its own count."""
    from conversations.tasks import deliver_reply

    cap = settings.TASK_MAX_REDELIVERIES
    redis_client().delete(*redis_client().keys("task:starts:poison-1:*") or ["none"])
    with caplog.at_level(logging.ERROR, logger="dashboard.celery"):
        for _ in range(cap + 3):
            deliver_reply.apply(args=[10**9], task_id="poison-1")
        deliver_reply.apply(args=[10**9], task_id="poison-1", retries=1)

    dropped = [
        r for r in caplog.records if "dropped conversations.tasks.deliver_reply" in r.message
    ]
    assert len(dropped) == 2  # the two starts past 1 + cap; the retry still ran
    assert "[poison-1]" in dropped[0].message
    assert redis_client().get("task:starts:poison-1:1") == b"1"


def test_training_has_its_own_queues_and_the_dev_stack_a_worker_for_each_queue():
    """Perception (`ml`) and drafting (`llm`) never share a queue or a worker with training;
    every queue a task is routed to has a worker in `./dev run` (one task at a time, two
    cores being shared by everything, except drafting, whose processes mostly wait on the
    model servers) and in the production recipe."""
    from dashboard.health import QUEUES
    from stack.processes import worker_command
    from stack.services import ROOT, WORKER_QUEUES

    routes = settings.CELERY_TASK_ROUTES
    training = {"mlops.tasks.train_cta", "mlops.tasks.train_intent"}
    training |= {"conversations.tasks.train_ranker", "mlops.tasks.train_lora"}
    assert {routes[task]["queue"] for task in training} == {"training", "train"}
    assert routes["conversations.tasks.perceive_message"]["queue"] == "ml"

    consumed = {name: set(queues.split(",")) for name, queues in WORKER_QUEUES.items()}
    routed = {route["queue"] for route in routes.values()} | {"default"}
    assert routed <= set().union(*consumed.values()) and set(QUEUES) == routed
    for name, queues in consumed.items():
        assert not (queues & {"train", "training"} and queues & {"ml", "llm"}), name
        command = worker_command(name, WORKER_QUEUES[name])
        assert command[command.index("--concurrency") + 1] == "1"

    recipe = (ROOT / "docs" / "gpu-deployment.md").read_text()
    documented = {q for arg in re.findall(r"-Q ([\w,]+)", recipe) for q in arg.split(",")}
    assert routed <= documented


def test_a_model_worker_loads_its_readers_before_its_first_message():
    """A fresh process, as a worker's pool process starts: after warm(), the readers the
    first message would otherwise load on its own time are already held in memory."""
    import subprocess
    import sys

    from tests.conftest import ROOT, child_env

    script = (
        "import django; django.setup()\n"
        "from mlops import intent_training, red_flag_head, sentiment\n"
        "from mlops.embeddings import embedder\n"
        "from mlops.warmup import warm\n"
        "readers = [embedder, intent_training.bootstrap_head, red_flag_head.default_head,"
        " sentiment.vader]\n"
        "print([f.cache_info().currsize for f in readers])\n"
        "warm()\n"
        "print([f.cache_info().currsize for f in readers])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    before, after = done.stdout.strip().splitlines()[-2:]
    assert before == "[0, 0, 0, 0]"
    assert after == "[1, 1, 1, 1]"
