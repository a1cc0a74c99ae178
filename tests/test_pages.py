"""Operator pages with the Django test client: who may see and do what."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conversations import ingestion
from conversations.models import Conversation, Message, OperatorDecision, Suggestion, SuggestionSet

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def ingest(workspace, text: str, external_id: str) -> ingestion.IngestResult:
    return ingestion.ingest(
        workspace,
        ingestion.InboundMessage(
            channel="api",
            external_id=external_id,
            contact_external_id="contact-1",
            contact_name="Sam",
            persona="Mia",
            text=text,
        ),
    )


@pytest.fixture
def conversation(workspace, persona) -> Conversation:
    result = ingest(workspace, "hey, love your pics!", "msg-1")
    return Conversation.objects.get(pk=result.conversation_id)


@pytest.fixture
def suggestion(conversation) -> Suggestion:
    suggestion_set = SuggestionSet.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        message=conversation.messages.get(seq=1),
        request_key="test:1",
        journey_state="rapport_building",
        model_version="test",
        prompt_version="test",
    )
    return Suggestion.objects.create(
        suggestion_set=suggestion_set,
        position=0,
        text="omg stop it, you're sweet",
        theme="warm",
        descriptor="flattered",
        confidence=0.8,
        model_version="test",
        prompt_version="test",
    )


@pytest.fixture
def labeler_client(labeler) -> Client:
    client = Client()
    client.force_login(labeler)
    return client


def url(conversation: Conversation, page: str = "") -> str:
    return f"/w/acme/c/{conversation.pk}/{page}"


def stored() -> tuple[int, int]:
    return Message.objects.count(), OperatorDecision.objects.count()


def message_seqs(html: str) -> list[int]:
    return [int(seq) for seq in re.findall(r'data-seq="(\d+)"', html)]


def test_the_login_page_renders(db):
    response = Client().get("/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_an_operator_can_log_in_with_a_password(operator):
    response = Client().post(
        "/login/", {"username": "olivia", "password": "correct-horse-battery"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/w/acme/"
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/w/acme/", "/w/acme/c/1/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(workspace, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_home_takes_a_member_to_their_inbox(operator_client):
    response = operator_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/w/acme/"


def test_the_inbox_lists_an_ingested_conversation(operator_client, conversation):
    response = operator_client.get("/w/acme/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-conversation-id="{conversation.pk}"' in page
    assert "Sam" in page
    assert "hey, love your pics!" in page
    assert "Mia" in page


def test_the_inbox_partial_for_htmx_is_only_the_list(operator_client, conversation):
    response = operator_client.get("/w/acme/", headers=HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-conversation-id="{conversation.pk}"' in page
    assert "<html" not in page


def test_the_conversation_page_shows_messages_and_composer(operator_client, conversation):
    ingest(conversation.workspace, "are you there?", "msg-2")

    response = operator_client.get(url(conversation))

    assert response.status_code == 200
    page = response.content.decode()
    assert message_seqs(page) == [1, 2]
    assert "hey, love your pics!" in page
    assert "are you there?" in page
    assert "data-composer" in page


def test_the_conversation_page_shows_open_suggestions(operator_client, suggestion):
    response = operator_client.get(url(suggestion.suggestion_set.conversation))

    assert "omg stop it, you&#x27;re sweet" in response.content.decode()
    suggestion.suggestion_set.refresh_from_db()
    assert suggestion.suggestion_set.shown_at is not None


def test_a_labeler_reads_the_conversation_without_a_composer(labeler_client, conversation):
    response = labeler_client.get(url(conversation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "hey, love your pics!" in page
    assert "data-composer" not in page
    assert "can read conversations but not send" in page


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("reply/", {"text": "hi Sam"}),
        ("reject/", {"reason": "Wrong tone"}),
        ("regenerate/", {}),
    ],
)
def test_a_labeler_may_not_act_on_the_conversation(labeler_client, suggestion, page, data):
    conversation = suggestion.suggestion_set.conversation
    data = {**data, "suggestion_id": suggestion.pk}
    before = stored()

    response = labeler_client.post(url(conversation, page), data, headers=HTMX)

    assert response.status_code == 403
    assert stored() == before


def test_an_operator_reply_is_stored_as_pending_with_a_manual_label(
    operator_client, operator, conversation
):
    response = operator_client.post(url(conversation, "reply/"), {"text": "hi Sam!"}, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "reply-sent"
    assert "data-composer" in response.content.decode()
    reply = conversation.messages.get(seq=2)
    assert reply.text == "hi Sam!"
    assert reply.direction == Message.Direction.OUT
    assert reply.author_kind == Message.AuthorKind.OPERATOR
    assert reply.author == operator
    assert reply.delivery == Message.Delivery.PENDING
    decision = OperatorDecision.objects.get()
    assert decision.action == OperatorDecision.Action.MANUAL
    assert decision.sent_message == reply
    assert decision.operator == operator


def test_sending_a_suggestion_from_the_page_is_an_accept(operator_client, suggestion):
    conversation = suggestion.suggestion_set.conversation

    response = operator_client.post(
        url(conversation, "reply/"),
        {"text": suggestion.text, "suggestion_id": suggestion.pk},
        headers=HTMX,
    )

    assert response.status_code == 200
    decision = OperatorDecision.objects.get()
    assert decision.action == OperatorDecision.Action.ACCEPT
    assert decision.suggestion == suggestion
    assert decision.sent_message is not None
    assert decision.sent_message.text == suggestion.text


def test_after_a_reply_the_answered_suggestions_are_no_longer_offered(operator_client, suggestion):
    conversation = suggestion.suggestion_set.conversation
    operator_client.post(url(conversation, "reply/"), {"text": "hi"}, headers=HTMX)

    response = operator_client.get(url(conversation, "suggestions/"))

    assert response.status_code == 200
    assert "data-no-suggestions" in response.content.decode()


def test_a_reply_without_htmx_redirects_back_to_the_conversation(operator_client, conversation):
    response = operator_client.post(url(conversation, "reply/"), {"text": "hi"})

    assert response.status_code == 302
    assert response["Location"] == url(conversation)
    assert conversation.messages.count() == 2


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_reply_is_refused_with_422(operator_client, conversation, text):
    before = stored()

    response = operator_client.post(url(conversation, "reply/"), {"text": text}, headers=HTMX)

    assert response.status_code == 422
    assert "the reply is empty" in response.content.decode()
    assert "HX-Trigger" not in response
    assert stored() == before


def test_a_reply_naming_a_foreign_suggestion_is_refused(operator_client, conversation):
    before = stored()

    response = operator_client.post(
        url(conversation, "reply/"), {"text": "hi", "suggestion_id": "999999"}, headers=HTMX
    )

    assert response.status_code == 422
    assert "does not belong" in response.content.decode()
    assert stored() == before


def test_rejecting_a_suggestion_records_the_reason(operator_client, suggestion):
    conversation = suggestion.suggestion_set.conversation

    response = operator_client.post(
        url(conversation, "reject/"),
        {"suggestion_id": suggestion.pk, "reason": "Wrong tone"},
        headers=HTMX,
    )

    assert response.status_code == 200
    decision = OperatorDecision.objects.get()
    assert (decision.action, decision.reason) == (OperatorDecision.Action.REJECT, "Wrong tone")
    assert f'data-suggestion-id="{suggestion.pk}"' in response.content.decode()


def test_rejecting_without_a_reason_is_refused_with_422(operator_client, suggestion):
    conversation = suggestion.suggestion_set.conversation

    response = operator_client.post(
        url(conversation, "reject/"), {"suggestion_id": suggestion.pk}, headers=HTMX
    )

    assert response.status_code == 422
    assert "say why" in response.content.decode()
    assert OperatorDecision.objects.count() == 0


def test_messages_after_a_sequence_number_are_the_newer_ones_in_order(
    operator_client, conversation
):
    for n in range(2, 6):
        ingest(conversation.workspace, f"message {n}", f"msg-{n}")

    response = operator_client.get(url(conversation, "messages/?after=2"))

    assert response.status_code == 200
    page = response.content.decode()
    assert message_seqs(page) == [3, 4, 5]
    assert "message 3" in page
    assert "hey, love your pics!" not in page
    assert "<html" not in page


def test_messages_after_the_newest_is_empty(operator_client, conversation):
    response = operator_client.get(url(conversation, "messages/?after=1"))

    assert response.status_code == 200
    assert message_seqs(response.content.decode()) == []


@pytest.mark.parametrize("after", ["abc", "1.5"])
def test_messages_after_something_not_a_number_is_400(operator_client, conversation, after):
    response = operator_client.get(url(conversation, f"messages/?after={after}"))

    assert response.status_code == 400


@pytest.mark.parametrize("page", ["", "messages/", "suggestions/"])
def test_conversation_pages_only_answer_get(operator_client, conversation, page):
    assert operator_client.post(url(conversation, page)).status_code == 405


@pytest.mark.parametrize("page", ["reply/", "reject/", "regenerate/"])
def test_actions_only_answer_post(operator_client, conversation, page):
    assert operator_client.get(url(conversation, page)).status_code == 405


def test_an_operator_can_ask_for_new_suggestions(operator_client, conversation):
    response = operator_client.post(url(conversation, "regenerate/"), headers=HTMX)

    assert response.status_code == 200
    assert "Regenerating" in response.content.decode()
