"""Money in the analytics: the funnel's revenue is the sum of its cohort's events net of
refunds; revenue per operator, persona and variant; AI-drafted against human-typed replies
with the A/B page's intervals; and the CTA page's NOW-then-payment rate."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from analytics import abtest, funnels
from analytics import revenue as money
from conversations import decisions, pipeline
from conversations.models import Conversation, CtaDecision, Playbook, RevenueEvent
from core import dispatch
from core.models import ApiKey, Role
from mlops.datasets import PURCHASE_WEIGHT, cta_purchase_rows
from mlops.training import build_rows
from personas.models import Persona
from tests.conftest import make_user, receive
from tests.test_revenue import decide_cta

pytestmark = pytest.mark.django_db

JSON = "application/json"


def pay(client: Client, external_id: str, contact: str, amount: str, **more) -> dict:
    body = {
        "kind": "purchase",
        "external_id": external_id,
        "amount": amount,
        "currency": "USD",
        "contact_external_id": contact,
        **more,
    }
    answer = client.post("/api/events", json.dumps(body), content_type=JSON)
    assert answer.status_code == 201, answer.content
    return answer.json()


def query_for(workspace) -> funnels.FunnelQuery:
    today = timezone.localdate()
    playbook = Playbook.objects.resolve(workspace, "creator-dm")
    assert playbook is not None
    return funnels.FunnelQuery(
        playbook, today - timedelta(days=29), today, funnels.default_steps(playbook)
    )


@pytest.fixture
def manager(workspace) -> Client:
    client = Client()
    client.force_login(make_user("mona", workspace, Role.MANAGER))
    return client


def test_the_funnel_revenue_is_the_sum_of_the_cohorts_events_net_of_refunds(
    api, workspace, persona, other_workspace, manager
):
    for n in range(4):
        receive(workspace, "hi", f"m-{n}", contact=f"c-{n}")
    pay(api, "o-1", "c-0", "19.99")
    pay(api, "o-2", "c-1", "5.00", kind="tip")
    pay(api, "o-3", "c-1", "12.00", currency="EUR", kind="subscription")
    pay(api, "r-1", "c-0", "4.99", kind="refund", refund_of="o-1")
    pay(api, "o-4", "c-2", "7.50")
    pay(api, "r-2", "c-2", "7.50", kind="refund")  # fully refunded: pays nothing in the end
    # Before the range: its conversation is not in the cohort, nor is its money.
    early = pay(api, "o-5", "c-3", "100.00")["conversation_id"]
    Conversation.objects.filter(pk=early).update(created_at=timezone.now() - timedelta(days=40))
    # Another workspace's money never counts here.
    Persona.objects.create(workspace=other_workspace, name="Mia")
    theirs = Client(headers={"X-API-Key": ApiKey.issue(other_workspace, "theirs")})
    receive(other_workspace, "hi", "m-x", contact="c-0")
    pay(theirs, "o-1", "c-0", "999.00")

    query = query_for(workspace)
    found = money.cohort_revenue(workspace, query)

    in_cohort = funnels.cohort(workspace, query).values_list("pk", flat=True)
    expected: dict[str, int] = defaultdict(int)
    for event in RevenueEvent.objects.filter(workspace=workspace, conversation__in=in_cohort):
        expected[event.currency] += event.signed_minor
    assert found.revenue == dict(expected) == {"USD": 1500 + 500, "EUR": 1200}
    assert (found.conversations, found.paying) == (3, 2)
    # Every breakdown shares the same money out: its groups add up to the total.
    for by in ("persona", "operator", "campaign", "variant"):
        groups = money.revenue_by(workspace, query, by)
        summed: dict[str, int] = defaultdict(int)
        for group in groups:
            for code, minor in group.revenue.items():
                summed[code] += minor
        assert dict(summed) == found.revenue, by

    page = manager.get("/w/acme/analytics/").content.decode()
    total = re.search(r"data-revenue-total>([^<]*)<", page)
    assert total is not None and total.group(1) == "EUR 12.00 · USD 20.00"


def test_revenue_is_credited_to_the_operator_who_sent_the_reply(api, workspace, persona, manager):
    olivia = make_user("olivia", workspace, Role.OPERATOR)
    message = receive(workspace, "hey, love your pics!", "m-1")
    options = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
    assert options is not None
    option = options.suggestions.order_by("position")[0]
    decisions.send_reply(message.conversation, olivia, option.text, option.pk)
    pay(api, "o-1", "c-1", "30.00")

    [row] = [r for r in money.revenue_by(workspace, query_for(workspace), "operator")]

    assert (row.key, row.conversations, row.paying, row.revenue) == ("olivia", 1, 1, {"USD": 3000})
    page = manager.get("/w/acme/analytics/?revenue_by=operator").content.decode()
    assert 'data-revenue-group="olivia"' in page and "USD 30.00" in page


def test_ai_drafted_and_human_typed_replies_with_the_ab_pages_intervals(api, workspace, persona):
    olivia = make_user("olivia", workspace, Role.OPERATOR)
    for n, contact in enumerate(["c-1", "c-2", "c-3"]):
        message = receive(workspace, "hey, love your pics!", f"m-{n}", contact=contact)
        options = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
        assert options is not None
        option = options.suggestions.order_by("position")[0]
        if contact == "c-3":
            decisions.send_reply(message.conversation, olivia, "typed by hand, all mine")
        else:
            decisions.send_reply(message.conversation, olivia, option.text, option.pk)
    pay(api, "o-1", "c-1", "10.00")
    pay(api, "o-2", "c-3", "40.00")
    pay(api, "o-3", "c-3", "20.00", kind="refund", refund_of="o-2")

    today = timezone.localdate()
    found = money.ai_vs_human(workspace, today, today)

    ai, human = found["ai"], found["human"]
    assert (ai.replies, ai.paid, ai.revenue) == (2, 1, {"USD": 1000})
    assert (human.replies, human.paid, human.revenue) == (1, 1, {"USD": 2000})
    assert (ai.low, ai.high) == abtest.wilson(1, 2)
    assert found["p_value"] == round(abtest.two_proportion_p(1, 2, 1, 1), 5)
    mean, low, high = ai.per_reply["USD"]
    assert mean == 500 and low < mean < high
    accepted = next(kind for kind in found["kinds"] if kind.kind == "accepted")
    assert (accepted.replies, accepted.paid) == (2, 1)


def test_the_cta_page_shows_how_often_now_was_followed_by_a_payment(api, workspace, persona):
    manager = make_user("mona", workspace, Role.MANAGER)
    client = Client()
    client.force_login(manager)
    for n, contact in enumerate(["c-1", "c-2"]):
        decide_cta(receive(workspace, "hey, love your pics!", f"m-{n}", contact=contact), "NOW")
    pay(api, "o-1", "c-1", "10.00")
    # A payment long after the NOW (outside the window) is not "followed by".
    late = pay(api, "o-2", "c-2", "10.00")
    RevenueEvent.objects.filter(pk=late["id"]).update(
        occurred_at=timezone.now() + timedelta(hours=100)
    )

    page = client.get("/w/acme/models/").content.decode()

    shown = CtaDecision.objects.filter(workspace=workspace, is_shadow=False).count()
    assert shown == 2
    assert "CTA NOW shown 2 times" in page
    assert re.search(r"within 72 h <strong>1</strong> time", page)


def test_an_unknown_revenue_grouping_is_a_400_naming_it(manager, workspace, persona):
    answer = manager.get("/w/acme/analytics/?revenue_by=planet")
    assert answer.status_code == 400 and "revenue_by" in answer.content.decode()


def test_a_now_followed_by_a_payment_becomes_a_weighted_training_label(api, workspace, persona):
    made = {}
    for n, (contact, decision) in enumerate([("c-1", "NOW"), ("c-2", "NOW"), ("c-3", "WAIT")]):
        made[contact] = decide_cta(receive(workspace, "hey", f"m-{n}", contact=contact), decision)
        CtaDecision.objects.filter(pk=made[contact].pk).update(features={"turn": n})
    pay(api, "o-1", "c-1", "10.00")  # NOW, then a payment: a NOW label
    pay(api, "o-3", "c-3", "10.00")  # WAIT, then a payment: not a NOW label

    rows = cta_purchase_rows(workspace.pk, 72)

    assert [(row["features"], row["label"]) for row in rows] == [({"turn": 0}, "NOW")]
    training_rows, sources = build_rows(workspace.pk)
    assert sources["purchases"] == 1 and sources["labels"] == 0
    assert sum(row.get("source") == "purchases" for row in training_rows) == PURCHASE_WEIGHT
