"""The llm queue's order: conversations an operator has open first, then by the message's
triage priority, first come first served within one; a message that waited out the grace
period jumps the queue (the starvation bound). Real Redis, real Celery worker, real
websockets for presence."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone

from conversations import ingestion, pipeline, presence, sweeper
from conversations.models import Message, Suggestion, SuggestionSet
from core import dispatch
from core.broker import broker_client, queue_keys
from core.redis import redis_client
from tests.conftest import running_worker, wait_until
from tests.test_tenancy import connect

pytestmark = pytest.mark.django_db(transaction=True)


def perceived(workspace, contact: str, text: str) -> Message:
    result = ingestion.ingest(
        workspace, ingestion.InboundMessage("api", f"m-{contact}", contact, contact, "Mia", text)
    )
    message = Message.objects.get(pk=result.message_id)
    pipeline.perceive(message)
    return message


def drafting_order(messages: list[Message]) -> list[str]:
    """Start a worker on what is queued and read back the order the drafts were stored.

    The reply library's options were stored when each message was perceived, in arrival
    order; the drafts are appended later, so their rows' order is the drafting order."""
    sets = SuggestionSet.objects.filter(message__in=messages)
    with running_worker():
        wait_until(
            lambda: sets.exclude(generation__drafting=True).count() == len(messages),
            timeout=90,
            interval=0.2,
        )
    order: list[str] = []
    drafts = Suggestion.objects.filter(suggestion_set__in=sets).exclude(
        source__in=["sent", "bootstrap", "phrase"]
    )
    for draft in drafts.select_related("suggestion_set__message__conversation__contact").order_by(
        "pk"
    ):
        contact = draft.suggestion_set.message.conversation.contact.external_id
        if contact not in order:
            order.append(contact)
    return order


@pytest.mark.worker
def test_open_conversations_then_urgent_then_routine_then_low(workspace, persona):
    queued = [
        ("low", "low"),
        ("routine", "routine"),
        ("urgent", "urgent"),
        ("watched", "routine"),  # routine, but an operator has its page open
    ]
    messages = [perceived(workspace, contact, "hey") for contact, _ in queued]
    watched = messages[-1].conversation_id
    presence.watch(watched, "test-socket")
    try:
        # Sent in arrival order, before any worker runs: the broker decides the order.
        for message, (_, triage_priority) in zip(messages, queued, strict=True):
            dispatch.suggest(
                message.pk, presence.draft_priority(message.conversation_id, triage_priority)
            )
        assert drafting_order(messages) == ["watched", "urgent", "routine", "low"]
    finally:
        presence.unwatch(watched, "test-socket")


@pytest.mark.worker
def test_a_message_past_the_grace_period_jumps_the_queue(workspace, persona, settings):
    settings.PENDING_WORK_GRACE_SECONDS = 60
    settings.PENDING_WORK_LOOKBACK_SECONDS = 3600
    waited, busy = perceived(workspace, "waited", "hey"), perceived(workspace, "busy", "hi")
    dispatch.suggest(waited.pk, presence.draft_priority(waited.conversation_id, "low"))
    dispatch.suggest(busy.pk, presence.draft_priority(busy.conversation_id, "routine"))
    Message.objects.filter(pk=waited.pk).update(created_at=timezone.now() - timedelta(seconds=61))

    assert sweeper.sweep().suggest == 1  # sent again, at the front
    assert drafting_order([waited, busy]) == ["waited", "busy"]
    # The low-priority copy still queued found its drafts already made: one set each.
    assert SuggestionSet.objects.filter(message=waited).count() == 1


async def test_an_open_conversation_page_marks_the_conversation_watched(
    operator, workspace, persona
):
    result = await ingestion_ingest(workspace)
    assert not await is_watched(result.conversation_id)
    communicator, connected, _ = await connect(operator, f"/ws/w/acme/c/{result.conversation_id}/")
    assert connected
    assert await is_watched(result.conversation_id)
    assert await draft_priority(result.conversation_id, "low") == presence.TOP_PRIORITY
    await communicator.disconnect()
    assert not await is_watched(result.conversation_id)
    assert await draft_priority(result.conversation_id, "low") == 8


def test_a_socket_that_vanished_stops_counting_after_the_watch_ttl(workspace, persona):
    message = perceived(workspace, "c-1", "hey")
    key = presence.watchers_key(message.conversation_id)
    presence.watch(message.conversation_id, "gone-socket")
    stale = timezone.now().timestamp() - presence.WATCH_TTL_SECONDS - 1
    redis_client().zadd(key, {"gone-socket": stale})
    assert not presence.is_watched(message.conversation_id)
    redis_client().delete(key)


# -- async wrappers for the websocket test ----------------------------------------------------


async def ingestion_ingest(workspace):
    return await sync_to_async(ingestion.ingest)(
        workspace, ingestion.InboundMessage("api", "m-ws", "c-ws", "Sam", "Mia", "hey")
    )


async def is_watched(conversation_id: int) -> bool:
    return await sync_to_async(presence.is_watched)(conversation_id)


async def draft_priority(conversation_id: int, triage_priority: str) -> int:
    return await sync_to_async(presence.draft_priority)(conversation_id, triage_priority)


def suggestions_html(client, message: Message) -> str:
    response = client.get(
        f"/w/acme/c/{message.conversation_id}/suggestions/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_where_the_drafts_wait_in_the_queue(workspace, persona, operator_client):
    # Perceived (the library's options are on screen) and queued before any worker runs.
    first, second = perceived(workspace, "first", "hey"), perceived(workspace, "second", "hey")
    for message in (first, second):
        dispatch.suggest(message.pk, presence.draft_priority(message.conversation_id, "routine"))

    assert 'data-queued="0"' in suggestions_html(operator_client, first)
    assert "queued (next in line)" in suggestions_html(operator_client, first)
    assert "queued (1 ahead)" in suggestions_html(operator_client, second)

    # Once the worker has drafted them, nothing is said to be queued any more.
    drafting_order([first, second])
    for message in (first, second):
        assert "data-queued" not in suggestions_html(operator_client, message)


def test_a_new_message_in_an_open_conversation_is_read_before_a_burst_elsewhere(workspace, persona):
    def ingest(contact: str, external_id: str) -> int:
        inbound = ingestion.InboundMessage("api", external_id, contact, contact, "Mia", "hi")
        return ingestion.ingest(workspace, inbound).message_id

    watched_conversation = Message.objects.get(pk=ingest("watched", "m-1")).conversation_id
    broker = broker_client(settings.CELERY_BROKER_URL)
    ml_lists = queue_keys("ml")
    broker.delete(*ml_lists)
    presence.watch(watched_conversation, "test-socket")
    try:
        burst = [ingest(f"burst-{n}", f"b-{n}") for n in range(3)]
        watched = ingest("watched", "m-2")  # arrives last, on the page an operator has open
    finally:
        presence.unwatch(watched_conversation, "test-socket")

    # Workers take the lists in order, each from its right end: the watched one is next.
    waiting = [raw for key in ml_lists for raw in reversed(broker.lrange(key, 0, -1))]
    order = [json.loads(raw)["headers"]["argsrepr"] for raw in waiting]
    assert order[0] == f"({watched},)"
    assert order[1:] == [f"({message_id},)" for message_id in burst]


@pytest.mark.worker
def test_every_conversations_first_draft_comes_before_anyones_remaining_options(
    workspace, persona, monkeypatch
):
    """Latest wins on a streaming model: the options after a set's first wait at the back
    of the llm queue, so a second conversation's first draft is written before the first
    conversation's second and third options (in FIFO order it waited for all three)."""
    from tests.streaming_model import Script, StreamingModelServer
    from tests.test_llm import clear_llm_keys

    model = StreamingModelServer([Script("sounds lovely, tell me more about it")])
    for name, value in {
        "LLM_BASE_URL": model.url,
        "LLM_MODEL": "stand-in",
        "LLM_STRUCTURED_OUTPUT": "json_object",
        "LLM_SUGGESTIONS": "3",
        "LLM_DEADLINE_MS": "60000",
    }.items():
        monkeypatch.setenv(name, value)
    clear_llm_keys()
    first, second = perceived(workspace, "first", "hey"), perceived(workspace, "second", "hi")
    try:
        for message in (first, second):
            dispatch.suggest(message.pk, presence.draft_priority(message.conversation_id, "urgent"))
        model_drafts = Suggestion.objects.filter(
            suggestion_set__message__in=[first, second], source="model"
        )
        with running_worker():
            wait_until(lambda: model_drafts.count() == 6, timeout=90, interval=0.2)
    finally:
        model.close()
    order = [
        draft.suggestion_set.message.conversation.contact.external_id
        for draft in model_drafts.select_related(
            "suggestion_set__message__conversation__contact"
        ).order_by("pk")
    ]
    assert order[:2] == ["first", "second"]  # both first drafts before any second option
    assert sorted(order[2:]) == ["first", "first", "second", "second"]


def test_the_queue_position_is_found_chunk_by_chunk_across_the_priority_lists():
    """Entries as kombu stores them, in a queue of this test's own: a position past a
    chunk boundary and in a later priority list is counted exactly, one deeper than the
    scan limit is not claimed."""
    from conversations import draft_queue

    def entry(message_id: int) -> str:
        headers = {"task": dispatch.SUGGEST, "argsrepr": f"({message_id}, 'auto:{message_id}')"}
        return json.dumps({"headers": headers, "body": "..."})

    client = broker_client(settings.CELERY_BROKER_URL)
    top, *later = queue_keys("scan-test")
    try:
        # Workers pop from the right, so the first pushed with LPUSH runs first.
        client.lpush(top, *[entry(1000 + n) for n in range(450)])
        client.lpush(later[0], *[entry(5000 + n) for n in range(100)])
        client.lpush(later[-1], *[entry(9000 + n) for n in range(1600)])
        assert draft_queue.drafts_ahead(1000, "scan-test") == 0
        assert draft_queue.drafts_ahead(1000 + 320, "scan-test") == 320
        assert draft_queue.drafts_ahead(5000 + 10, "scan-test") == 450 + 10
        assert draft_queue.drafts_ahead(9000 + 1000, "scan-test") == 550 + 1000
        assert draft_queue.drafts_ahead(9000 + 1500, "scan-test") is None  # past 2000 read
        assert draft_queue.drafts_ahead(4242, "scan-test") is None
    finally:
        client.delete(top, *later)
