"""The pending-work sweeper: messages whose task never reached the broker are found from
their rows and queued again, once per grace period, and drafted exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conversations import ingestion, messages, pipeline, sweeper
from conversations.models import Contact, Conversation, Message, SuggestionSet
from core import dispatch
from core.broker import queue_keys
from dashboard.health import QUEUES
from personas.models import Persona
from tests.conftest import wait_until


def committed_without_publish(workspace, external_id: str, contact: str = "c-1") -> Message:
    """An inbound message stored as ingestion stores it, committed, whose publish never
    happened (as if Redis went down right after the commit)."""
    with transaction.atomic():
        customer, _ = Contact.objects.get_or_create(
            workspace=workspace,
            channel="api",
            external_id=contact,
            defaults={"display_name": "Sam"},
        )
        persona = Persona.objects.get(workspace=workspace, name="Mia")
        return messages.append_message(
            ingestion.current_conversation(customer, persona, None),
            text="hey, love your pics!",
            direction=Message.Direction.IN,
            author_kind=Message.AuthorKind.CONTACT,
            external_id=external_id,
            delivery=Message.Delivery.RECEIVED,
        )


def age(message: Message, seconds: float) -> None:
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def queued() -> int:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return sum(int(broker.llen(key)) for queue in QUEUES for key in queue_keys(queue))


@pytest.fixture
def grace(settings):
    settings.PENDING_WORK_GRACE_SECONDS = 60
    settings.PENDING_WORK_LOOKBACK_SECONDS = 3600
    return 60


def test_a_message_waits_out_the_grace_period_before_it_is_swept(workspace, persona, grace):
    message = committed_without_publish(workspace, "m-1")
    assert sweeper.sweep().total == 0  # its own task may still be on the way
    age(message, grace + 1)
    assert sweeper.sweep().perceive == 1
    age(message, 3600 + 1)
    Message.objects.filter(pk=message.pk).update(analysis={})
    assert sweeper.sweep().total == 0  # beyond the lookback: no longer worth drafting


def test_each_message_is_queued_once_per_grace_period(workspace, persona, grace):
    for n in range(3):
        age(committed_without_publish(workspace, f"m-{n}", contact=f"c-{n}"), grace + 1)
    before = queued()
    assert sweeper.sweep().perceive == 3
    assert queued() - before == 3
    assert sweeper.sweep().total == 0  # the workers may still be draining: not again


def test_it_picks_the_stage_that_was_lost(workspace, persona, grace):
    lost_perception = committed_without_publish(workspace, "m-1", contact="c-1")
    lost_drafts = committed_without_publish(workspace, "m-2", contact="c-2")
    drafted = committed_without_publish(workspace, "m-3", contact="c-3")
    answered = committed_without_publish(workspace, "m-4", contact="c-4")
    for message in (lost_drafts, drafted, answered):
        pipeline.perceive(message)
    pipeline.suggest(drafted, dispatch.auto_request_key(drafted.pk))
    with transaction.atomic():
        messages.append_message(
            answered.conversation,
            text="hey you",
            direction=Message.Direction.OUT,
            author_kind=Message.AuthorKind.OPERATOR,
            delivery=Message.Delivery.SENT,
        )
    for message in Message.objects.all():
        age(message, grace + 1)

    assert set(sweeper.unperceived()) == {lost_perception}
    assert set(sweeper.unsuggested()) == {lost_drafts}  # not the answered one
    report = sweeper.sweep()
    assert (report.perceive, report.suggest, report.deliver) == (1, 1, 0)


def test_muted_conversations_and_delivered_replies_are_not_pending(workspace, persona, grace):
    muted = committed_without_publish(workspace, "m-1")
    Conversation.objects.filter(pk=muted.conversation_id).update(moderation="muted")
    with transaction.atomic():
        reply = messages.append_message(
            muted.conversation,
            text="on its way",
            direction=Message.Direction.OUT,
            author_kind=Message.AuthorKind.OPERATOR,
            delivery=Message.Delivery.PENDING,
        )
    for message in (muted, reply):
        age(message, grace + 1)
    assert sweeper.sweep() == sweeper.SweepReport(perceive=0, suggest=0, deliver=1)
    Message.objects.filter(pk=reply.pk).update(delivery=Message.Delivery.SENT)
    redis.Redis.from_url(settings.REDIS_URL).delete(f"sweep:deliver:{reply.pk}")
    assert sweeper.sweep().total == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_swept_message_is_drafted_once_by_the_real_worker(
    workspace, persona, celery_worker, settings
):
    settings.PENDING_WORK_GRACE_SECONDS = 1
    message = committed_without_publish(workspace, "m-1")
    age(message, 2)
    assert sweeper.sweep().perceive == 1
    # The library's options open the set at once; it is drafted when the drafts close it.
    sets = SuggestionSet.objects.filter(message=message)
    drafted = wait_until(lambda: sets.exclude(generation__drafting=True).first(), timeout=60)
    assert drafted.request_key == dispatch.auto_request_key(message.pk)
    age(message, 2)
    redis.Redis.from_url(settings.REDIS_URL).delete(f"sweep:perceive:{message.pk}")
    assert sweeper.sweep().total == 0  # analysed and drafted: nothing pending any more
    assert SuggestionSet.objects.filter(message=message).count() == 1
