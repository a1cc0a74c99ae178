"""The Celery broker's Redis lists, read directly: how long a queue is, and where one task
waits in it. Kombu's Redis transport keeps one list per priority step; workers pop the
lists in step order, each from its right end."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings
from kombu.transport.redis import Channel as KombuChannel


def queue_keys(queue: str) -> list[str]:
    """The Redis lists behind one Celery queue, in the order workers take from them (kombu
    names the top step after the queue itself and the others with a separator)."""
    steps = settings.BROKER_PRIORITY_STEPS
    return [queue, *(f"{queue}{KombuChannel.sep}{step}" for step in steps[1:])]


@lru_cache(maxsize=1)
def broker_client(url: str) -> redis.Redis:
    """One client (and its connection pool) per process: a new connection per report
    would cost a TCP handshake every call."""
    return redis.Redis.from_url(url, socket_timeout=1)
