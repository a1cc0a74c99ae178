"""Where a message's drafts wait: how many drafts the llm workers take before them.

The page says "queued, 3 ahead" rather than a bare "drafting…", so an operator can tell a
busy floor from a stuck one. Read straight from the broker's lists (core.broker) in the
order workers take from them; a message not in the lists is being drafted (or not yet
read, or its work was already dropped as superseded)."""

from __future__ import annotations

import json

import redis
from django.conf import settings

from core.broker import broker_client, queue_keys
from core.dispatch import SUGGEST

# Enough to find a message behind any realistic backlog without reading an unbounded list
# on every page refresh; deeper than this the page says "more than".
SCAN_LIMIT = 2000


def drafts_ahead(message_id: int, queue: str = "llm") -> int | None:
    """How many queued drafts run before this message's; None when it is not queued."""
    try:
        client = broker_client(settings.CELERY_BROKER_URL)
        pipe = client.pipeline(transaction=False)
        for key in queue_keys(queue):
            pipe.lrange(key, -SCAN_LIMIT, -1)
        lists = pipe.execute()
    except redis.RedisError:
        return None
    ahead = 0
    for waiting in lists:
        # Workers pop from the right end: the last entry is the next to run.
        for position, raw in enumerate(reversed(waiting)):
            if is_draft_for(raw, message_id):
                return ahead + position
        ahead += len(waiting)
    return None


def is_draft_for(raw: bytes, message_id: int) -> bool:
    """Whether a queued kombu message is the drafting task for `message_id`: its headers
    carry the task name and its arguments' repr in plain text, so most entries are ruled
    out without parsing."""
    if SUGGEST.encode() not in raw or str(message_id).encode() not in raw:
        return False
    try:
        headers = json.loads(raw)["headers"]
    except (ValueError, KeyError, TypeError):
        return False
    return headers.get("task") == SUGGEST and str(headers.get("argsrepr", "")).startswith(
        f"({message_id},"
    )
