"""Hostile text from customers, models, persona documents and labels renders inert on
every page that shows it: hypothesis builds payloads (HTML and event handlers, htmx
attributes, markdown images, control characters, RTL overrides, long strings), stores
them where each kind of text lives, renders the pages, and looks for the payload as
markup."""

from __future__ import annotations

import html
import itertools

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import decisions, ingestion, pipeline
from conversations.models import ContactFact, Conversation, Message, Suggestion
from core.models import Role
from mlops.models import Dataset, ModelVersion, TrainingJob
from personas import knowledge
from personas.models import Campaign, CampaignVariant, Persona
from tests.conftest import make_user
from tests.test_tenancy import PAGES, page_url

pytestmark = pytest.mark.django_db

MARKUP = [
    '<img src=x onerror="alert(1)">',
    "<script>alert(document.cookie)</script>",
    '<a hx-get="/w/acme/" hx-trigger="load" hx-target="body">x</a>',
    '<div hx-on:click="alert(1)">x</div>',
    "<svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)">',
    "![tracker](https://evil.example/pixel.png)",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }} {% now 'Y' %}",
]
NOISE = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs", "Cc", "Cf"),
        exclude_characters="\x00",
    ),
    max_size=40,
)
RTL = ["\u202e", "\u2066", "\u200f"]
EXAMPLES = itertools.count()


@st.composite
def hostile(draw) -> str:
    parts = draw(
        st.lists(st.one_of(st.sampled_from(MARKUP), NOISE, st.sampled_from(RTL)), max_size=4)
    )
    payload = "".join([draw(st.sampled_from(MARKUP)), *parts])
    return payload[:1500] if draw(st.booleans()) else payload


def assert_inert(page: str, payload: str) -> None:
    """No markup of the payload survives: every tag it holds appears escaped, never raw."""
    for fragment in MARKUP:
        if fragment in payload and "<" in fragment:
            assert fragment not in page, fragment
    assert 'onerror="alert' not in page
    assert "<script>alert" not in page
    assert 'hx-on:click="alert' not in page


@pytest.fixture
def pages(workspace, persona):
    manager = make_user("mona", workspace, Role.MANAGER)
    client = Client()
    client.force_login(manager)
    return client, manager


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(customer=hostile(), suggestion=hostile(), document=hostile(), reason=hostile())
def test_hostile_text_renders_inert_everywhere(
    pages, workspace, persona, customer, suggestion, document, reason
):
    client, manager = pages
    number = next(EXAMPLES)
    knowledge.store_document(Persona.objects.get(pk=persona.pk), "notes.txt", document or "x")
    text = customer if customer.strip() else "hi"
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage("api", f"h-{number}", f"c-{number}", customer[:80], "Mia", text),
    )
    message = Message.objects.get(pk=result.message_id)
    pipeline.perceive(message)
    suggestion_set = pipeline.suggest(message, f"h-{number}")
    assert suggestion_set is not None
    first = Suggestion.objects.filter(suggestion_set=suggestion_set).order_by("position")[0]
    Suggestion.objects.filter(pk=first.pk).update(text=suggestion or "x")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    decisions.reject_suggestion(conversation, manager, first.pk, reason or "no")

    urls = [
        "/w/acme/",
        f"/w/acme/c/{conversation.pk}/",
        f"/w/acme/c/{conversation.pk}/messages/?after=0",
        f"/w/acme/c/{conversation.pk}/suggestions/",
        f"/w/acme/c/{conversation.pk}/journey/",
        f"/w/acme/personas/{persona.pk}/",
        "/w/acme/labels/",
        "/w/acme/analytics/conversations/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for payload in (customer, suggestion, document, reason):
            assert_inert(page, payload)

    # What the customer wrote is still shown to the operator, as text.
    messages = client.get(f"/w/acme/c/{conversation.pk}/messages/?after=0").content.decode()
    first_line = message.text.replace("\r", "\n").split("\n")[0][:20]
    assert html.escape(first_line) in messages


def store_hostile_everywhere(workspace, persona, payload: str) -> Conversation:
    """The payload wherever a page shows stored text: a customer's message, name and facts,
    a persona's name and phrases, a campaign and its variant, training jobs' stages, errors
    and gate reasons, and the fine-tuning evaluation's example replies."""
    text = payload if payload.strip() else "hi"
    campaign = Campaign.objects.create(workspace=workspace, slug="spring", name=payload[:120])
    CampaignVariant.objects.create(campaign=campaign, name=payload[:60] or "a")
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage(
            "api", "hostile-1", "c-hostile", payload[:80], "Mia", text, campaign="spring"
        ),
    )
    message = Message.objects.get(pk=result.message_id)
    pipeline.perceive(message)
    pipeline.suggest(message, "hostile-1")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    ContactFact.objects.create(
        workspace=workspace,
        contact=conversation.contact,
        kind="occupation",
        value=payload[:200],
        normalized=payload[:200].lower(),
        embedding=[0.1] * 384,
        last_mentioned_at=timezone.now(),
    )
    Persona.objects.create(workspace=workspace, name=payload[:80] or "x", common_phrases=payload)
    Persona.objects.filter(pk=persona.pk).update(common_phrases=payload)
    dataset = Dataset.objects.create(
        kind="replies", version="v0", workspace_id=workspace.pk, persona_id=persona.pk,
        rows=1, path="/nonexistent", sha256="-",
    )  # fmt: skip
    example = {"message": payload, "operator": payload, "base": payload, "adapter": payload}
    adapter = ModelVersion.objects.create(
        kind="lora", version=1, workspace_id=workspace.pk, persona_id=persona.pk,
        dataset=dataset, artifact="/nonexistent",
        metrics={"examples": [example], "reference_name": payload, "adapter": payload},
    )  # fmt: skip
    for kind in ("lora", "cta"):
        TrainingJob.objects.create(
            kind=kind, workspace_id=workspace.pk, persona_id=persona.pk, dataset=dataset,
            status=TrainingJob.Status.FAILED, stage=payload[:80], error=payload,
            result=adapter if kind == "lora" else None,
            gate={"passed": False, "reasons": [payload], "compared_with": payload},
        )  # fmt: skip
    return conversation


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=hostile())
def test_every_page_renders_stored_hostile_text_inert(workspace, persona, payload):
    """Every GET page of the workspace (the tenancy suite's complete list), as an admin
    who sees everything, with the payload in every kind of stored text."""
    with transaction.atomic():  # each example starts from the same empty workspace
        admin = make_user("ada", workspace, Role.ADMIN)
        client = Client()
        client.force_login(admin)
        conversation = store_hostile_everywhere(workspace, persona, payload)
        checked = []
        for name in [name for name, method in PAGES if method == "get"]:
            response = client.get(page_url(name, "acme", conversation))
            assert response.status_code == 200, name
            if response["Content-Type"].startswith("text/html"):
                assert_inert(response.content.decode(), payload)
                checked.append(name)
        transaction.set_rollback(True)
    # Every HTML page was checked (downloads such as the CSV export are not HTML).
    assert len(checked) >= 15, checked
