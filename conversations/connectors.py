"""Outbound connectors: how an operator's reply leaves the building.

- channel "simulator": pushed onto a Redis list that `manage.py simulate` reads, so the
  simulated customer answers like a real one would.
- any other channel: POSTed as JSON to the workspace's outbound webhook URL, signed the
  same way inbound webhooks are (X-Webhook-Timestamp, X-Webhook-Signature).
"""

from __future__ import annotations

import json
import time

import httpx
import redis
from django.conf import settings
from django.utils import timezone

from conversations import events
from conversations.models import Message
from conversations.signing import sign
from conversations.simulator import OUTBOX_KEY
from core.redis import redis_client

SIMULATOR_CHANNEL = "simulator"


class DeliveryError(Exception):
    """A delivery that may succeed if tried again later."""


class NoConnector(Exception):
    """Nowhere to deliver: retrying will not help."""


def simulator_outbox_key(workspace_id: int) -> str:
    return OUTBOX_KEY.format(workspace_id=workspace_id)


def outbound_payload(message: Message) -> dict:
    conversation = message.conversation
    return {
        "message_id": message.pk,
        "conversation_id": conversation.pk,
        "seq": message.seq,
        "channel": message.channel,
        "contact_external_id": conversation.contact.external_id,
        "persona": conversation.persona.name,
        "text": message.text,
    }


def send_to_simulator(message: Message) -> None:
    body = json.dumps(outbound_payload(message))
    try:
        redis_client().rpush(simulator_outbox_key(message.workspace_id), body)
    except redis.RedisError as exc:
        raise DeliveryError(str(exc)) from exc


def send_to_webhook(message: Message) -> None:
    url = message.workspace.outbound_webhook_url
    if not url:
        raise NoConnector("no outbound webhook URL is configured for this workspace")
    body = json.dumps(outbound_payload(message)).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Webhook-Timestamp": timestamp,
        "X-Webhook-Signature": sign(message.workspace.webhook_secret, timestamp, body),
    }
    try:
        response = httpx.post(
            url, content=body, headers=headers, timeout=settings.OUTBOUND_TIMEOUT_SECONDS
        )
    except httpx.HTTPError as exc:
        raise DeliveryError(str(exc)) from exc
    if response.status_code >= 300:
        raise DeliveryError(f"outbound webhook answered {response.status_code}")


def deliver(message: Message) -> None:
    """Send a stored outbound message through its conversation's connector."""
    if message.channel == SIMULATOR_CHANNEL:
        send_to_simulator(message)
    else:
        send_to_webhook(message)
    mark_delivery(message, Message.Delivery.SENT)


def mark_delivery(message: Message, delivery: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        delivery=delivery,
        delivered_at=timezone.now() if delivery == Message.Delivery.SENT else None,
    )
    events.publish(
        message.workspace_id,
        events.MessageDelivered(message.conversation_id, message.pk, message.seq, delivery),
    )
