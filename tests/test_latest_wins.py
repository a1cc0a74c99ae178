"""Latest wins: per conversation only the customer's newest message gets drafts. Work
queued for an older message is dropped when it starts, drafts made while a newer message
arrived are never stored, the sweeper does not bring superseded work back, and the page
says what it is waiting for instead of "waiting for the customer"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from conversations import ingestion, pipeline, sweeper, tasks
from conversations.models import Message, Suggestion, SuggestionSet
from core import dispatch
from tests.conftest import wait_until


def ingest(workspace, text: str, external_id: str) -> Message:
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage("api", external_id, "contact-1", "Sam", "Mia", text),
    )
    return Message.objects.get(pk=result.message_id)


def burst(workspace) -> list[Message]:
    """Three customer messages in a row, before any of them was drafted."""
    lines = ("hey", "are you there?", "ok so how much is it")
    return [ingest(workspace, line, f"m-{n}") for n, line in enumerate(lines, start=1)]


def test_queued_drafts_for_a_superseded_message_are_skipped(workspace, persona):
    first, second, third = burst(workspace)
    for message in (first, second, third):
        pipeline.perceive(message)
    # The llm queue runs them in the order they were queued, as a worker would.
    for message in (first, second, third):
        tasks.suggest_replies(message.pk, dispatch.auto_request_key(message.pk))

    drafted = SuggestionSet.objects.filter(conversation=third.conversation)
    assert [s.message_id for s in drafted] == [third.pk]
    assert drafted.get().suggestions.exists()


def test_a_caller_waiting_on_its_message_still_gets_drafts(workspace, persona):
    """/api/chat answers the message it was given, superseded or not."""
    first, _, _ = burst(workspace)
    pipeline.perceive(first)
    suggestion_set = pipeline.suggest(first, dispatch.auto_request_key(first.pk))
    assert suggestion_set is not None and suggestion_set.message_id == first.pk


def test_a_regeneration_queued_before_the_customer_wrote_again_is_dropped(workspace, persona):
    first = ingest(workspace, "hey", "m-1")
    pipeline.perceive(first)
    key = f"regenerate:{first.pk}:abc"
    newer = ingest(workspace, "hello??", "m-2")
    tasks.suggest_replies(first.pk, key)
    assert not SuggestionSet.objects.filter(request_key=key).exists()
    pipeline.perceive(newer)
    tasks.suggest_replies(newer.pk, dispatch.auto_request_key(newer.pk))
    drafted = SuggestionSet.objects.filter(conversation=newer.conversation).exclude(
        model_version="library"  # the library's instant options for the first message
    )
    assert [s.message for s in drafted] == [newer]


def test_the_sweeper_does_not_bring_back_drafts_for_a_superseded_message(
    workspace, persona, settings
):
    settings.PENDING_WORK_GRACE_SECONDS = 60
    settings.PENDING_WORK_LOOKBACK_SECONDS = 3600
    older, newer = ingest(workspace, "hey", "m-1"), ingest(workspace, "you there?", "m-2")
    for message in (older, newer):
        pipeline.perceive(message)
    Message.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert set(sweeper.unsuggested()) == {newer}


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_burst_through_the_real_worker_ends_with_one_set_for_the_last_message(
    workspace, persona, celery_worker
):
    # One transaction: all three are stored before the worker sees the first one.
    with transaction.atomic():
        first, second, third = burst(workspace)
    drafted = wait_until(
        lambda: SuggestionSet.objects.filter(message=third).first(), timeout=90, interval=0.2
    )
    assert drafted.suggestions.exists()
    # Every message was still read (memory and the journey need each one)...
    wait_until(
        lambda: all(
            "triage" in m.analysis for m in Message.objects.filter(pk__in=[first.pk, second.pk])
        ),
        timeout=30,
    )
    # ...but only the last one was drafted, and nothing half-written was left behind.
    assert list(
        SuggestionSet.objects.filter(conversation=third.conversation).values_list(
            "message_id", flat=True
        )
    ) == [third.pk]
    assert not Suggestion.objects.exclude(suggestion_set=drafted).exists()


def suggestions_html(operator: Client, message: Message) -> str:
    response = operator.get(
        f"/w/acme/c/{message.conversation_id}/suggestions/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_drafts_are_on_the_way_under_an_unanswered_message(
    workspace, persona, operator_client
):
    message = ingest(workspace, "hey", "m-1")
    html = suggestions_html(operator_client, message)
    assert f'data-drafting="{message.seq}"' in html
    assert "waiting for the customer" not in html


def test_the_page_labels_drafts_for_a_message_the_customer_wrote_past(
    workspace, persona, operator_client
):
    older = ingest(workspace, "hey", "m-1")
    pipeline.perceive(older)
    pipeline.suggest(older, dispatch.auto_request_key(older.pk))
    newer = ingest(workspace, "you there?", "m-2")
    html = suggestions_html(operator_client, newer)
    assert "data-superseded" in html
    assert f"the customer wrote again (#{newer.seq})" in html


def test_after_the_operator_replies_the_page_waits_for_the_customer(
    workspace, persona, operator_client
):
    message = ingest(workspace, "hey", "m-1")
    operator_client.post(f"/w/acme/c/{message.conversation_id}/reply/", {"text": "hi there"})
    html = suggestions_html(operator_client, message)
    assert "waiting for the customer" in html
    assert "data-drafting" not in html
