"""Ingestion under concurrency, on real PostgreSQL connections in threads: the one-statement
path of conversations.inbound_sql numbers messages as the locking ORM path did."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from conversations import ingestion, messages
from conversations.models import Conversation, Message

THREADS = 6
PER_THREAD = 8


def inbound(external_id: str, contact: str = "contact-1") -> ingestion.InboundMessage:
    return ingestion.InboundMessage(
        channel="api",
        external_id=external_id,
        contact_external_id=contact,
        contact_name="Sam",
        persona="Mia",
        text=f"message {external_id}",
    )


def in_thread(work):
    """Run `work` on a connection of its own, closed afterwards."""

    def run(*args):
        try:
            return work(*args)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_and_later_messages_share_one_gapless_sequence(workspace, persona):
    @in_thread
    def send(thread: int) -> list[ingestion.IngestResult]:
        return [ingestion.ingest(workspace, inbound(f"t{thread}-{i}")) for i in range(PER_THREAD)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [result for batch in pool.map(send, range(THREADS)) for result in batch]

    conversation = Conversation.objects.get()  # the new contact's first messages raced
    seqs = sorted(result.seq for result in results)
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    assert {result.conversation_id for result in results} == {conversation.pk}
    conversation.refresh_from_db()
    assert conversation.last_seq == THREADS * PER_THREAD


@pytest.mark.django_db(transaction=True)
def test_inbound_and_outbound_writers_never_share_a_number(workspace, persona):
    first = ingestion.ingest(workspace, inbound("seed"))
    conversation = Conversation.objects.get(pk=first.conversation_id)

    @in_thread
    def inbound_writer(i: int) -> None:
        ingestion.ingest(workspace, inbound(f"in-{i}"))

    @in_thread
    def outbound_writer(i: int) -> None:
        with transaction.atomic():
            messages.append_message(
                conversation,
                text=f"reply {i}",
                direction=Message.Direction.OUT,
                author_kind=Message.AuthorKind.SYSTEM,
                delivery=Message.Delivery.PENDING,
            )

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(inbound_writer, range(20)))
        list(pool.map(outbound_writer, range(20)))
        work = [pool.submit(w, i) for i in range(20, 40) for w in (inbound_writer, outbound_writer)]
        for done in work:
            done.result()

    stored = list(conversation.messages.order_by("seq").values_list("seq", flat=True))
    assert stored == list(range(1, 82))


@pytest.mark.django_db(transaction=True)
def test_a_redelivery_racing_its_first_delivery_is_stored_once(workspace, persona):
    ingestion.ingest(workspace, inbound("seed"))

    @in_thread
    def deliver(_: int) -> ingestion.IngestResult:
        return ingestion.ingest(workspace, inbound("same-id"))

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(deliver, range(THREADS * 2)))

    assert Message.objects.filter(external_id="same-id").count() == 1
    assert sorted(result.duplicate for result in results) == [False] + [True] * (THREADS * 2 - 1)
    assert len({(result.message_id, result.seq) for result in results}) == 1
    assert Conversation.objects.get().last_seq == 2


@pytest.mark.django_db
def test_a_message_after_the_conversation_closed_opens_a_new_one(workspace, persona):
    first = ingestion.ingest(workspace, inbound("one"))
    Conversation.objects.filter(pk=first.conversation_id).update(status=Conversation.Status.CLOSED)

    second = ingestion.ingest(workspace, inbound("two"))

    assert second.conversation_id != first.conversation_id
    assert second.seq == 1
    assert Conversation.objects.get(pk=first.conversation_id).last_seq == 1
