"""Hostile text from customers, models, persona documents and labels renders inert on
every page that shows it: hypothesis builds payloads (HTML and event handlers, htmx
attributes, markdown images, control characters, RTL overrides, long strings), stores
them where each kind of text lives, renders the pages, and looks for the payload as
markup."""

from __future__ import annotations

import html
import itertools

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import decisions, ingestion, pipeline
from conversations.models import Conversation, Message, Suggestion
from dashboard.models import Role
from personas import knowledge
from personas.models import Persona
from tests.conftest import make_user

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
