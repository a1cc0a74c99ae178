"""The pending-work sweeper: re-enqueues work whose task never reached the broker.

Ingestion stores a message, commits, and only then queues its pipeline task. If Redis is
down at that moment (or restarts and loses its queues, or the process dies between the
commit and the publish), the message is safe in PostgreSQL but nobody will analyse it or
draft replies. Beat runs `sweep` every PENDING_SWEEP_SECONDS; it finds such messages
from their rows alone and queues them again. Every task is idempotent (analysis is reused,
a suggestion set is unique per request key, a sent reply is not delivered twice), so a
sweep that races a slow worker costs a duplicate task, never a duplicate result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from conversations.models import Message, SuggestionSet
from core import dispatch
from core.redis import redis_client

logger = logging.getLogger(__name__)

# Beyond this many per sweep, the rest wait for the next one: a backlog after a long
# outage drains steadily instead of flooding the queues at once.
SWEEP_BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    perceive: int = 0
    suggest: int = 0
    deliver: int = 0

    @property
    def total(self) -> int:
        return self.perceive + self.suggest + self.deliver


def sweep() -> SweepReport:
    """Queue again whatever has waited past the grace period; say how much."""
    report = SweepReport(
        perceive=requeue(unperceived(), "perceive"),
        suggest=requeue(unsuggested(), "suggest"),
        deliver=requeue(undelivered(), "deliver"),
    )
    if report.total:
        logger.warning(
            "re-enqueued pending work: %d to perceive, %d to suggest, %d to deliver",
            report.perceive,
            report.suggest,
            report.deliver,
        )
    return report


def window() -> Q:
    """Old enough that its own task should have run, young enough to still matter."""
    now = timezone.now()
    return Q(
        created_at__lte=now - timedelta(seconds=settings.PENDING_WORK_GRACE_SECONDS),
        created_at__gte=now - timedelta(seconds=settings.PENDING_WORK_LOOKBACK_SECONDS),
    )


def inbound() -> QuerySet[Message]:
    # A muted or blocked conversation gets no drafts by design: not pending work.
    return Message.objects.filter(
        window(), direction=Message.Direction.IN, conversation__moderation="none"
    )


def unperceived() -> QuerySet[Message]:
    """Inbound messages that were never analysed (their perceive task was lost)."""
    return inbound().exclude(analysis__has_key="triage")


def unsuggested() -> QuerySet[Message]:
    """Analysed messages without the pipeline's own drafts, that nobody has answered yet
    and the customer has not written past (latest wins: only the newest gets drafts)."""
    # Anything after it, an operator's reply or the customer writing again, settles it.
    followed = Message.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        seq__gt=OuterRef("seq"),
    )
    # The pipeline's own set has the request key "auto:<message id>" (regenerations and
    # API calls have others, and do not count).
    # A set the library opened is not drafted until the model's drafts closed it.
    drafted = SuggestionSet.objects.filter(
        message_id=OuterRef("pk"), request_key__startswith="auto:"
    ).exclude(generation__drafting=True)
    return (
        inbound()
        .filter(analysis__has_key="triage")
        .exclude(Exists(followed))
        .exclude(Exists(drafted))
    )


def undelivered() -> QuerySet[Message]:
    """Operators' replies still waiting for their delivery task."""
    return Message.objects.filter(
        window(), direction=Message.Direction.OUT, delivery=Message.Delivery.PENDING
    )


def requeue(messages: QuerySet[Message], stage: str) -> int:
    queued = 0
    for message_id in messages.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH]:
        if claim(stage, message_id):
            dispatch.requeue(stage, message_id)
            queued += 1
    return queued


def claim(stage: str, message_id: int) -> bool:
    """At most one re-enqueue per message and stage per grace period, so a backlog that
    the workers are still draining is not queued again on every sweep."""
    key = f"sweep:{stage}:{message_id}"
    return bool(redis_client().set(key, 1, nx=True, ex=settings.PENDING_WORK_GRACE_SECONDS))
