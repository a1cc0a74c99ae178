"""Revenue events: stored once however often they are delivered, refunds net out, each
payment credited to the reply that preceded it (accepted, edited, typed or auto-sent) and
the journey ended or advanced as a success; every bad field is a 4xx naming it, and
nothing is stored."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis
from django.conf import settings
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from conversations import decisions, ingestion, pipeline
from conversations.models import (
    Conversation,
    CtaDecision,
    Message,
    Playbook,
    RevenueEvent,
    Turn,
)
from conversations.simulated_contacts import SCRIPTS, BuyerType
from conversations.simulator import SimulatedContact, Simulator
from core import dispatch
from core.models import ApiKey
from mlops.models import Dataset, ModelVersion
from personas.models import Persona
from tests.conftest import receive

pytestmark = pytest.mark.django_db

JSON = "application/json"


def event_body(**overrides) -> dict:
    body = {
        "kind": "purchase",
        "external_id": "order-1",
        "amount": "19.99",
        "currency": "USD",
        "contact_external_id": "c-1",
    }
    body.update(overrides)
    return body


def post_event(client: Client, **overrides):
    return client.post("/api/events", json.dumps(event_body(**overrides)), content_type=JSON)


def decide_cta(message: Message, decision: str = "WAIT") -> CtaDecision:
    """The CTA model's decision at this message (made by a version since retired, so no
    model file is needed to show its pages)."""
    dataset = Dataset.objects.get_or_create(
        kind="cta", version="v1", defaults={"rows": 10, "path": "-", "sha256": "-"}
    )[0]
    version = ModelVersion.objects.get_or_create(
        kind="cta", version=1, workspace_id=message.workspace_id,
        defaults={"dataset": dataset, "artifact": "-", "status": ModelVersion.Status.RETIRED,
                  "metrics": {}},
    )[0]  # fmt: skip
    return CtaDecision.objects.create(
        workspace_id=message.workspace_id, conversation_id=message.conversation_id,
        message=message, model_version=version, decision=decision, margin=0.3,
        probabilities={decision: 0.6}, top_features=[], features={},
    )  # fmt: skip


def suggested(workspace, text: str = "hey there, how are you?", external_id: str = "m-1"):
    """A perceived customer message, the CTA decision at it, and the drafts shown for it."""
    message = receive(workspace, text, external_id)
    decide_cta(message)
    suggestion_set = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
    assert suggestion_set is not None
    return message.conversation, suggestion_set.suggestions.order_by("position")[0]


def reply(kind: str, workspace, operator, persona: Persona) -> Message:
    """The conversation's newest reply, sent the way `kind` says."""
    if kind == "auto":
        persona.autonomy_enabled, persona.autonomy_min_confidence = True, 0.5
        persona.save()
    conversation, option = suggested(workspace)
    if kind == "auto":
        return Message.objects.get(conversation=conversation, author_kind="auto")
    text = {"accepted": option.text, "edited": option.text + " x", "typed": "all yours 💕"}[kind]
    suggestion_id = None if kind == "typed" else option.pk
    decision = decisions.send_reply(conversation, operator, text, suggestion_id)
    assert decision.sent_message is not None
    return decision.sent_message


@pytest.mark.parametrize("kind", ["accepted", "edited", "typed", "auto"])
def test_a_purchase_is_credited_to_the_reply_before_it(kind, api, workspace, persona, operator):
    sent = reply(kind, workspace, operator, persona)
    conversation = Conversation.objects.get(pk=sent.conversation_id)
    phase = conversation.journey_state
    cta = CtaDecision.objects.filter(conversation=conversation, is_shadow=False).latest(
        "created_at"
    )

    answer = post_event(api)

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["conversation_id"] == conversation.pk and body["amount"] == "19.99"
    credited = body["attribution"]
    assert (credited["phase"], credited["cta"], credited["cta_decision_id"]) == (
        phase,
        cta.decision,
        cta.pk,
    )
    assert credited["reply"]["message_id"] == sent.pk
    assert credited["reply"]["kind"] == kind
    assert credited["reply"]["persona"] == "Mia"
    assert credited["reply"]["operator"] == ("" if kind == "auto" else "olivia")
    event = RevenueEvent.objects.get()
    if kind == "typed":
        assert (event.model_version, event.prompt_version, event.reply_source) == ("", "", "")
    else:
        option = sent.conversation.suggestion_sets.get().suggestions.get(
            text__in=[sent.text, sent.text[:-2]]
        )
        assert (event.model_version, event.prompt_version, event.reply_source) == (
            option.model_version,
            option.prompt_version,
            option.source,
        )
    # The purchase ended the journey as a success, in the playbook's success end state.
    assert (body["journey_state"], body["outcome"]) == ("converted", "success")


def test_the_last_reply_before_the_payment_is_credited_not_an_earlier_or_later_one(
    api, workspace, persona, operator
):
    conversation, option = suggested(workspace)
    accepted = decisions.send_reply(conversation, operator, option.text, option.pk).sent_message
    typed = decisions.send_reply(conversation, operator, "typed by hand").sent_message
    paid_at = timezone.now()
    decisions.send_reply(conversation, operator, "a reply after the payment")

    answer = post_event(api, occurred_at=paid_at.isoformat())

    assert accepted is not None and typed is not None
    assert answer.json()["attribution"]["reply"]["message_id"] == typed.pk


def test_a_reply_older_than_the_window_is_not_credited(api, workspace, persona, operator):
    conversation, option = suggested(workspace)
    sent = decisions.send_reply(conversation, operator, option.text, option.pk).sent_message
    assert sent is not None
    Message.objects.filter(pk=sent.pk).update(created_at=timezone.now() - timedelta(hours=73))

    answer = post_event(api)

    assert answer.status_code == 201
    assert answer.json()["attribution"]["reply"] is None
    assert RevenueEvent.objects.get().reply_kind == ""


def test_a_redelivery_stores_nothing_new_and_a_reused_id_is_refused(api, workspace, persona):
    receive(workspace, "hi", "m-1")
    first = post_event(api)
    again = post_event(api)
    reused = post_event(api, amount="25.00")

    assert (first.status_code, again.status_code, reused.status_code) == (201, 200, 409)
    assert again.json()["id"] == first.json()["id"] and again.json()["duplicate"] is True
    assert "external_id" in reused.json()["detail"]
    assert RevenueEvent.objects.count() == 1
    assert Turn.objects.filter(trigger="purchase").count() == 1


def test_refunds_net_out_and_never_take_back_more_than_was_paid(api, workspace, persona):
    receive(workspace, "hi", "m-1")
    assert post_event(api, amount="30.00").status_code == 201
    named = post_event(api, kind="refund", external_id="r-1", amount="10.00", refund_of="order-1")
    by_contact = post_event(api, kind="refund", external_id="r-2", amount="20.00")
    too_much = post_event(api, kind="refund", external_id="r-3", amount="0.01", refund_of="order-1")

    assert (named.status_code, by_contact.status_code) == (201, 201)
    assert by_contact.json()["refund_of"] == "order-1"
    assert too_much.status_code == 422 and too_much.json()["detail"].startswith("amount:")
    events = RevenueEvent.objects.all()
    assert sum(event.signed_minor for event in events) == 0
    assert {event.conversation_id for event in events} == {events[0].conversation_id}
    over = post_event(api, kind="purchase", external_id="order-2", amount="5.00")
    assert over.status_code == 201
    refund = post_event(api, kind="refund", external_id="r-4", amount="6.00", refund_of="order-2")
    assert refund.status_code == 422 and refund.json()["detail"].startswith("amount:")
    assert RevenueEvent.objects.count() == 4


BAD = [
    ({"kind": "gift"}, "kind"),
    ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "lots"}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"amount": "19.999"}, "amount"),
    ({"amount": "1.5", "currency": "JPY"}, "amount"),
    ({"amount": "99999999999"}, "amount"),
    ({"currency": "usd"}, "currency"),
    ({"currency": "XYZ"}, "currency"),
    ({"contact_external_id": ""}, "contact_external_id"),
    ({"contact_external_id": "nobody"}, "contact_external_id"),
    ({"conversation_id": 987654}, "conversation_id"),
    ({"external_id": ""}, "external_id"),
    ({"external_id": "a\x00b"}, "external_id"),
    ({"refund_of": "order-0"}, "refund_of"),
    ({"kind": "refund", "refund_of": "no-such-order"}, "refund_of"),
    ({"kind": "refund"}, "refund_of"),
    ({"occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
    ({"occurred_at": "2999-01-01T10:00:00Z"}, "occurred_at"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f"{f}-{i}" for i, (_, f) in enumerate(BAD)])
def test_every_bad_field_is_a_4xx_naming_it_and_stores_nothing(
    change, field, api, workspace, persona
):
    receive(workspace, "hi", "m-1")
    conversation = Conversation.objects.get()

    answer = post_event(api, **change)

    assert 400 <= answer.status_code < 500, answer.content
    assert field in answer.json()["detail"]
    assert not RevenueEvent.objects.exists()
    conversation.refresh_from_db()
    assert conversation.outcome == "" and not Turn.objects.filter(trigger="purchase").exists()


def test_a_conversation_of_another_contact_is_refused(api, workspace, persona):
    receive(workspace, "hi", "m-1", contact="c-1")
    theirs = receive(workspace, "hello", "m-2", contact="c-2").conversation_id

    answer = post_event(api, conversation_id=theirs)

    assert answer.status_code == 422 and "contact_external_id" in answer.json()["detail"]
    assert not RevenueEvent.objects.exists()


def test_another_workspaces_key_cannot_attach_events_here(api, workspace, persona, other_workspace):
    conversation_id = receive(workspace, "hi", "m-1").conversation_id
    Persona.objects.create(workspace=other_workspace, name="Mia")
    intruder = Client(headers={"X-API-Key": ApiKey.issue(other_workspace, "intruder")})

    by_id = post_event(intruder, conversation_id=conversation_id)
    by_contact = post_event(intruder)

    assert by_id.status_code == 404 and "conversation_id" in by_id.json()["detail"]
    assert by_contact.status_code == 422 and "contact_external_id" in by_contact.json()["detail"]
    assert not RevenueEvent.objects.exists()
    assert Conversation.objects.get(pk=conversation_id).outcome == ""
    assert post_event(api, conversation_id=conversation_id).status_code == 201


def test_a_playbook_transition_on_purchase_advances_without_ending(api, workspace, persona):
    Playbook.objects.create(
        workspace=workspace,
        slug="upsell",
        name="Upsell",
        definition={
            "slug": "upsell",
            "name": "Upsell",
            "entry": "chat",
            "states": {
                "chat": {"goal": "Chat."},
                "thank_and_upsell": {"goal": "Thank them, offer the bundle."},
                "done": {"goal": "Bye.", "terminal": True, "outcome": "computed"},
            },
            "transitions": [
                {"from": "chat", "on": ["purchase"], "to": "thank_and_upsell"},
                {"from": "*", "on": ["goodbye", "max_turns"], "to": "done"},
            ],
        },
    )
    persona.playbook_slug = "upsell"
    persona.save()
    receive(workspace, "hi", "m-1")

    body = post_event(api).json()

    assert (body["journey_state"], body["outcome"]) == ("thank_and_upsell", "")
    assert body["attribution"]["phase"] == "chat"


def test_a_payment_after_the_conversation_ended_otherwise_makes_it_a_success(
    api, workspace, persona
):
    conversation_id = receive(workspace, "hi", "m-1").conversation_id
    Conversation.objects.filter(pk=conversation_id).update(
        outcome="declined", status="closed", ended_at=timezone.now(), journey_state="ended"
    )

    body = post_event(api, kind="tip", amount="5").json()

    assert (body["journey_state"], body["outcome"]) == ("ended", "success")
    assert body["amount"] == "5.00"


# -- the signed webhook -------------------------------------------------------------------


def signed(secret: str, webhook_id: str, body: bytes) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "Content-Type": JSON,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, now, body),
    }


def test_the_webhook_verifies_like_the_message_webhook(workspace, persona):
    receive(workspace, "hi", "m-1")
    body = json.dumps(event_body()).encode()
    client = Client()

    def deliver(slug: str, headers: dict[str, str]):
        signature = {name: value for name, value in headers.items() if name != "Content-Type"}
        return client.post(
            f"/api/webhooks/{slug}/events", body, content_type=JSON, headers=signature
        )

    good = signed(workspace.webhook_secret, "evt_1", body)
    forged = signed("whsec_" + "A" * 43, "evt_1", body)
    unknown = deliver("no-such-workspace", good)
    bad = deliver("acme", forged)

    assert (unknown.status_code, bad.status_code) == (401, 401)
    assert unknown.json() == bad.json()
    assert not RevenueEvent.objects.exists()
    first = deliver("acme", good)
    retried = deliver("acme", signed(workspace.webhook_secret, "evt_1", body))
    assert (first.status_code, retried.status_code) == (201, 200)
    assert retried.json()["duplicate"] is True
    assert RevenueEvent.objects.get().webhook_id == "evt_1"


STORM_EVENTS = 150
STORM_DELIVERIES = 220
STORM_CONTACTS = 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_a_storm_of_redelivered_purchase_webhooks_stores_each_event_once(
    asgi_server, workspace, persona
):
    for n in range(STORM_CONTACTS):
        ingestion.ingest(
            workspace, ingestion.InboundMessage("api", f"m-{n}", f"c-{n}", "Sam", "Mia", "hi")
        )
    rng = random.Random(11)
    events = [
        (
            f"evt_storm_{n}",
            json.dumps(
                event_body(
                    external_id=f"order-{n}",
                    amount=f"{rng.randint(100, 9999) / 100:.2f}",
                    contact_external_id=f"c-{n % STORM_CONTACTS}",
                    kind=rng.choice(["purchase", "tip", "subscription"]),
                )
            ).encode(),
        )
        for n in range(STORM_EVENTS)
    ]
    deliveries = events + [rng.choice(events) for _ in range(STORM_DELIVERIES - STORM_EVENTS)]
    rng.shuffle(deliveries)
    url = f"{asgi_server}/api/webhooks/acme/events"

    def send(delivery: tuple[str, bytes]) -> int:
        webhook_id, body = delivery
        with httpx.Client(timeout=30) as client:
            return client.post(
                url, content=body, headers=signed(workspace.webhook_secret, webhook_id, body)
            ).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = Counter(pool.map(send, deliveries))
    print(f"\n{STORM_DELIVERIES} deliveries in {time.monotonic() - started:.1f}s: {dict(answers)}")

    assert set(answers) <= {200, 201}, answers
    assert answers[201] == STORM_EVENTS
    assert RevenueEvent.objects.count() == STORM_EVENTS
    sent = sum(round(float(json.loads(body)["amount"]) * 100) for _, body in events)
    assert RevenueEvent.objects.aggregate(total=Sum("amount_minor"))["total"] == sent
    # Each conversation moved to its success state once, by its first payment.
    assert Turn.objects.filter(trigger="purchase").count() == STORM_CONTACTS


@pytest.mark.django_db(transaction=True)
def test_the_simulators_buyer_pays_through_the_api(asgi_server, workspace, persona, api_key):
    simulator = Simulator(
        api_url=asgi_server,
        api_key=api_key,
        redis_client=redis.Redis.from_url(settings.REDIS_URL),
        rng=random.Random(3),
        out=lambda line: None,
    )
    script = SCRIPTS[BuyerType.EAGER_BUYER]
    buyer = SimulatedContact(
        external_id="sim-buyer",
        name="Ana",
        buyer_type=BuyerType.EAGER_BUYER,
        persona="Mia",
        lines=[script.openers[0], *script.follow_ups, script.goodbyes[0]],
        last_heard_at=0.0,
    )
    try:
        while not buyer.finished:
            simulator.say_next(buyer)
    finally:
        simulator.http.close()

    [event] = RevenueEvent.objects.all()
    assert (event.kind, event.currency, event.contact.external_id) == (
        "purchase",
        "USD",
        "sim-buyer",
    )
    # The payment closed that conversation (a success); the goodbye opened a new one.
    paid_line = Message.objects.get(text=script.pays_after)
    assert event.conversation_id == paid_line.conversation_id
    assert simulator.stats.payments_sent == 1
    assert event.conversation.outcome == "success"
