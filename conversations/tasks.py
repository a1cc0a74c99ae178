"""Celery tasks: take ids, re-fetch, tolerate deleted rows, hand work to plain modules."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from conversations import (
    connectors,
    fill,
    generation_jobs,
    library,
    pipeline,
    presence,
    ranking,
    sweeper,
)
from conversations.generation import GenerateIn, generate
from conversations.models import Message, OperatorDecision
from core import dispatch
from mlops.models import TrainingJob

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
    analysis = pipeline.perceive(message)
    # DRAFT_ORDER "fifo" drafts in arrival order: one priority for every message.
    priority = None
    if settings.DRAFT_ORDER == "latest":
        priority = presence.draft_priority(
            message.conversation_id, analysis["triage"]["priority"], message.workspace_id
        )
    dispatch.suggest(message_id, priority)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def suggest_replies(message_id: int, request_key: str) -> None:
    message = load_message(message_id)
    if message is None:
        return
    # A regeneration asks for new samples, not the cached ones.
    # Latest wins (DRAFT_ORDER "latest"): work queued for a message the customer has
    # written past is dropped.
    pipeline.suggest(
        message,
        request_key,
        use_cache=not request_key.startswith("regenerate:"),
        latest_only=settings.DRAFT_ORDER == "latest",
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def fill_suggestions(suggestion_set_id: int, use_cache: bool = True) -> None:
    """The options after a set's first, once no first draft waits (latest wins)."""
    fill.fill(suggestion_set_id, use_cache)


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


@shared_task(acks_late=True, ignore_result=True)
def sweep_pending_work() -> dict:
    """Beat's periodic re-enqueue of work whose task was lost (conversations.sweeper)."""
    report = sweeper.sweep()
    return {"perceive": report.perceive, "suggest": report.suggest, "deliver": report.deliver}


@shared_task(acks_late=True, ignore_result=True)
def run_generation_job(workspace_id: int, job_id: str, request: dict) -> None:
    """An async /generate: the same code as the sync endpoint, with its state in Redis."""
    if generation_jobs.update(workspace_id, job_id, status="processing") is None:
        return  # expired or unknown: nobody is waiting for it
    try:
        result = generate(workspace_id, GenerateIn(**request))
    except Exception as exc:  # every failure is reported to the poller, none is retried
        generation_jobs.update(
            workspace_id,
            job_id,
            status="failed",
            error=str(getattr(exc, "message", "") or exc)[:500],
            completed_at=generation_jobs.now_iso(),
        )
        return
    generation_jobs.update(
        workspace_id,
        job_id,
        status="completed",
        result=result,
        completed_at=generation_jobs.now_iso(),
    )


@shared_task(acks_late=True)
def learn_reply(decision_id: int) -> None:
    """What an operator did with a suggestion (or typed), for the persona's reply library."""
    decision = (
        OperatorDecision.objects.select_related(
            "conversation__contact", "conversation__persona", "suggestion", "suggestion_set"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is not None:
        library.learn(decision)


@shared_task(acks_late=True)
def train_ranker(job_pk: int) -> None:
    job = TrainingJob.objects.filter(
        pk=job_pk, kind=ranking.KIND, status=TrainingJob.Status.QUEUED
    ).first()
    if job is not None:
        ranking.run(job)
