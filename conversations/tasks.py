"""Celery tasks: take ids, re-fetch, tolerate deleted rows, hand work to plain modules."""

from __future__ import annotations

import logging

from celery import shared_task

from conversations import connectors, pipeline
from conversations.models import Message

logger = logging.getLogger(__name__)


def load_message(message_id: int) -> Message | None:
    message = (
        Message.objects.select_related("conversation__contact", "conversation__persona")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        logger.info("message %s is gone; nothing to do", message_id)
    return message


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def perceive_message(message_id: int) -> None:
    message = load_message(message_id)
    if message is None or message.direction != Message.Direction.IN:
        return
    pipeline.perceive(message)
    suggest_replies.delay(message_id, pipeline.auto_request_key(message_id))


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def suggest_replies(message_id: int, request_key: str) -> None:
    message = load_message(message_id)
    if message is None:
        return
    pipeline.suggest(message, request_key)


@shared_task(bind=True, acks_late=True, max_retries=5)
def deliver_reply(self, message_id: int) -> None:
    message = (
        Message.objects.select_related(
            "conversation__contact", "conversation__persona", "workspace"
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.delivery == Message.Delivery.SENT:
        return
    try:
        connectors.deliver(message)
    except connectors.NoConnector as exc:
        logger.warning("reply %s not delivered: %s", message_id, exc)
        connectors.mark_delivery(message, Message.Delivery.FAILED)
    except connectors.DeliveryError as exc:
        if self.request.retries >= self.max_retries:
            connectors.mark_delivery(message, Message.Delivery.FAILED)
            return
        raise self.retry(exc=exc, countdown=min(60, 2**self.request.retries)) from exc
