"""Fault injection for the tests that prove the product survives its parts failing.

`lossy_publish` is the real live-event publisher (conversations.live_hub.redis_publish)
losing events on purpose: a test server started with
LIVE_EVENTS_PUBLISHER=tests.faults.lossy_publish drops one group's event in every
`faults:drop-every` (a key in the app's Redis database, shared by every process, so the
drops are exactly counted). Redis pub/sub delivers at most once, so this is a failure it
may really have; the pages must converge to the database anyway.
"""

from __future__ import annotations

import redis
from django.conf import settings

from conversations.live_hub import redis_publish

DROP_EVERY_KEY = "faults:drop-every"
SENT_KEY = "faults:sent"
DROPPED_KEY = "faults:dropped"


def app_redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def lose_one_group_message_in(n: int) -> None:
    """From now on drop every n-th group message (1: all of them); 0 turns it off."""
    app_redis().set(DROP_EVERY_KEY, n)


def dropped() -> int:
    return int(app_redis().get(DROPPED_KEY) or 0)


def reset() -> None:
    app_redis().delete(DROP_EVERY_KEY, SENT_KEY, DROPPED_KEY)


def lossy_publish(groups: list[str], text: str) -> None:
    kept = [group for group in groups if not lost()]
    if kept:
        redis_publish(kept, text)


def lost() -> bool:
    # A round trip to loopback Redis is fine in a test server; one counter for every
    # process makes "one in n" exact across the web server and workers.
    client = app_redis()
    every = int(client.get(DROP_EVERY_KEY) or 0)
    if every <= 0 or client.incr(SENT_KEY) % every:
        return False
    client.incr(DROPPED_KEY)
    return True
