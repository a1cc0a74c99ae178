"""Where a message's drafts wait: how many drafts the llm workers take before them.

The page says "queued, 3 ahead" rather than a bare "drafting…", so an operator can tell a
busy floor from a stuck one. Read straight from the broker's lists (core.broker) in the
order workers take from them; a message not in the lists is being drafted (or not yet
read, or its work was already dropped as superseded)."""

from __future__ import annotations

import json
from typing import cast

import redis
from django.conf import settings

from core.broker import broker_client, queue_keys
from core.dispatch import SUGGEST

# Enough to find a message behind any realistic backlog without reading an unbounded list
# on every page refresh: entries read in all, across the priority lists, in chunks.
SCAN_LIMIT = 2000
CHUNK = 200


def drafts_ahead(message_id: int, queue: str = "llm") -> int | None:
    """How many queued drafts run before this message's; None when it is not queued (or
    lies deeper than SCAN_LIMIT entries). The lists' lengths come first, in one round trip;
    then each list is read from the end workers pop, a chunk at a time, only until the
    message is found: under a backlog the page is refreshed often, and most entries
    (a kilobyte or two each) never need to cross the wire."""
    try:
        client = broker_client(settings.CELERY_BROKER_URL)
        keys = queue_keys(queue)
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.llen(key)
        lengths = pipe.execute()
        ahead, budget = 0, SCAN_LIMIT
        for key, length in zip(keys, lengths, strict=True):
            position = position_in(client, key, min(length, budget), message_id)
            if position is not None:
                return ahead + position
            ahead, budget = ahead + length, budget - min(length, budget)
            if budget <= 0:
                return None
    except redis.RedisError:
        return None
    return None


def position_in(client: redis.Redis, key: str, depth: int, message_id: int) -> int | None:
    """Where the message's task is among the `depth` entries next to run from `key`."""
    for start in range(0, depth, CHUNK):
        # Workers pop from the right end: -1 is the next to run.
        stop = min(start + CHUNK, depth)
        entries = cast(list[bytes], client.lrange(key, -stop, -start - 1))
        for offset, raw in enumerate(reversed(entries)):
            if is_draft_for(raw, message_id):
                return start + offset
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
