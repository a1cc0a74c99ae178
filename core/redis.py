"""The one Redis client of a process: rate limits, caches, circuits, outboxes, queues of
our own. Celery and the channel layer keep their own connections (and databases)."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)
