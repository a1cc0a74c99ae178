"""The `webhook-id` of a Standard Webhooks delivery is its idempotency key: a sender that
retries (same id, new timestamp and signature) gets the first delivery's answer, and nothing
new is stored.

Ids live in Redis for settings.WEBHOOK_ID_RETENTION_SECONDS (a sender's retries span hours
to days). A delivery claims its id before it stores anything, so two copies arriving at
once do not both store; the second waits briefly for the first's result. Without Redis the
message's own (channel, external_id) uniqueness still keeps a redelivered body from being
stored twice: ids are the second line, not the only one.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

import redis
from django.conf import settings

from conversations.ingestion import IngestResult
from conversations.models import Message
from core.models import Workspace
from core.redis import redis_client

logger = logging.getLogger(__name__)

PENDING = b"pending"
# A claim outlives the storing of one message by far, and frees itself if its process died.
CLAIM_SECONDS = 30
WAIT_SECONDS = 5.0


class InFlight(Exception):
    """Another copy of this delivery is being stored right now: the sender should retry."""


def key(workspace: Workspace, webhook_id: str) -> str:
    # Hashed: the id is the sender's text, and keys should have one shape.
    digest = hashlib.sha256(webhook_id.encode()).hexdigest()
    return f"webhook-id:{workspace.pk}:{digest}"


def once(workspace: Workspace, webhook_id: str, store: Callable[[], IngestResult]) -> IngestResult:
    """`store()` the first time this id is seen; the same message as a duplicate after."""
    try:
        earlier = claim(workspace, webhook_id)
    except redis.RedisError as exc:
        logger.warning("webhook-id not checked (Redis unavailable): %s", exc)
        return store()
    if earlier is not None:
        return earlier
    try:
        result = store()
    except BaseException:
        release(workspace, webhook_id)
        raise
    remember(workspace, webhook_id, result)
    return result


def claim(workspace: Workspace, webhook_id: str) -> IngestResult | None:
    """None when this delivery may store; the earlier delivery's result otherwise."""
    name = key(workspace, webhook_id)
    client = redis_client()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if client.set(name, PENDING, nx=True, ex=CLAIM_SECONDS):
            return None
        value = client.get(name)
        if value is not None and value != PENDING:
            earlier = stored_result(workspace, int(value))
            if earlier is not None:
                return earlier
            client.delete(name)  # the message is gone (deleted): store it anew
        if time.monotonic() > deadline:
            raise InFlight("a delivery with this webhook-id is still being stored; retry")
        time.sleep(0.05)


def stored_result(workspace: Workspace, message_id: int) -> IngestResult | None:
    message = Message.objects.filter(workspace=workspace, pk=message_id).first()
    if message is None:
        return None
    return IngestResult(message.pk, message.conversation_id, message.seq, duplicate=True)


def remember(workspace: Workspace, webhook_id: str, result: IngestResult) -> None:
    try:
        redis_client().set(
            key(workspace, webhook_id),
            str(result.message_id),
            ex=settings.WEBHOOK_ID_RETENTION_SECONDS,
        )
    except redis.RedisError as exc:
        logger.warning("webhook-id not remembered (Redis unavailable): %s", exc)


def release(workspace: Workspace, webhook_id: str) -> None:
    """A delivery that stored nothing (refused body) lets a later copy try again."""
    try:
        client = redis_client()
        name = key(workspace, webhook_id)
        if client.get(name) == PENDING:
            client.delete(name)
    except redis.RedisError as exc:
        logger.warning("webhook-id claim not released (Redis unavailable): %s", exc)
