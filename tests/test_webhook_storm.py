"""A storm of signed webhook deliveries against the real server: 1,000 requests, 30 %
of them redeliveries (same webhook-id, newly signed, as a Standard Webhooks sender retries),
in shuffled order from 16 concurrent senders. Exactly one row per message, none lost, and
each conversation's sequence stays gapless."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from django.db.models import Count, Max
from standardwebhooks.webhooks import Webhook

from conversations.models import Conversation, Message
from tests.conftest import message_body

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERIES = 1000
DUPLICATE_SHARE = 0.3
CONTACTS = 50
SENDERS = 16


def storm_bodies(seed: int = 7) -> tuple[list[tuple[str, bytes]], int]:
    """The deliveries (webhook-id, body) in the order they are sent, and how many distinct
    messages."""
    rng = random.Random(seed)
    unique = int(DELIVERIES * (1 - DUPLICATE_SHARE))
    messages = [
        (
            f"msg_storm_{n}",
            json.dumps(
                message_body(
                    channel="webhook",
                    external_id=f"storm-{n}",
                    contact={"external_id": f"c-{n % CONTACTS}", "name": f"Contact {n % CONTACTS}"},
                    text=f"message number {n}",
                )
            ).encode(),
        )
        for n in range(unique)
    ]
    deliveries = messages + [rng.choice(messages) for _ in range(DELIVERIES - unique)]
    rng.shuffle(deliveries)
    return deliveries, unique


@pytest.mark.timeout(300)
def test_a_storm_of_redelivered_shuffled_webhooks_stores_each_message_once(
    asgi_server, workspace, persona
):
    deliveries, unique = storm_bodies()
    url = f"{asgi_server}/api/webhooks/acme/messages"
    sender = Webhook(workspace.webhook_secret)

    def send(delivery: tuple[str, bytes]) -> tuple[int, bool]:
        webhook_id, body = delivery
        now = datetime.now(UTC)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": sender.sign(webhook_id, now, body),
        }
        with httpx.Client(timeout=30) as client:
            response = client.post(url, content=body, headers=headers)
        duplicate = response.status_code == 200 and response.json()["duplicate"]
        return response.status_code, duplicate

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        results = list(pool.map(send, deliveries))
    seconds = time.monotonic() - started

    statuses = Counter(status for status, _ in results)
    stored = Message.objects.filter(workspace=workspace, channel="webhook").count()
    distinct = Message.objects.filter(workspace=workspace).values("external_id").distinct().count()
    print(
        f"\nwebhook storm: {DELIVERIES} deliveries ({DELIVERIES - unique} redeliveries) from "
        f"{SENDERS} senders in {seconds:.1f} s: statuses {dict(statuses)}, "
        f"{stored} messages stored for {unique} sent, {unique - distinct} lost"
    )
    assert statuses == {201: unique, 200: DELIVERIES - unique}
    assert all(duplicate for status, duplicate in results if status == 200)
    assert stored == distinct == unique
    sequences = list(
        Conversation.objects.filter(workspace=workspace)
        .annotate(n=Count("messages"), top=Max("messages__seq"))
        .values_list("n", "top")
    )
    assert len(sequences) == CONTACTS
    assert all(n == top for n, top in sequences)  # seqs 1..n, no gap, no repeat
