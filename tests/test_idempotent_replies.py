"""An operator's send is stored once: a retry with the same idempotency key gets the first
result, a retry while the first is still being stored gets 409, the same key for another
reply 422, and two operators accepting one suggestion make one send."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connections
from django.test import Client

from conversations import decisions, pipeline
from conversations.models import Message, OperatorDecision
from core.models import Role
from core.redis import redis_client
from tests.conftest import make_user, receive


def suggested(workspace):
    message = receive(workspace, "hey, love your pics!", "idem-1")
    suggestion_set = pipeline.suggest(message, "idem-1")
    assert suggestion_set is not None
    return message.conversation, suggestion_set.suggestions.order_by("position")[0]


def client_for(user) -> Client:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(user)
    return client


def send(client: Client, conversation, text: str, suggestion=None, key: str = "k-1"):
    url = f"/w/acme/c/{conversation.pk}/reply/"
    data = {"text": text, "idempotency_key": key}
    if suggestion is not None:
        data["suggestion_id"] = suggestion.pk
    return client.post(url, data)


def replies_sent(conversation) -> int:
    return Message.objects.filter(conversation=conversation, direction="out").count()


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_result(workspace, persona, operator):
    conversation, suggestion = suggested(workspace)
    client = client_for(operator)

    first = send(client, conversation, suggestion.text, suggestion)
    again = send(client, conversation, suggestion.text, suggestion)

    assert first.status_code == again.status_code == 200
    assert replies_sent(conversation) == 1
    decision = OperatorDecision.objects.get()
    assert decision.idempotency_key == "k-1" and decision.action == "accept"


@pytest.mark.django_db
def test_a_duplicate_while_the_first_is_being_stored_gets_409(workspace, persona, operator):
    conversation, _ = suggested(workspace)
    # The first request holds the key (it is between its claim and its commit).
    digest = decisions.request_digest(conversation, None, "see you soon")
    redis_client().set(f"reply:claim:{workspace.pk}:k-busy", digest, ex=60)

    response = send(client_for(operator), conversation, "see you soon", key="k-busy")

    assert response.status_code == 409
    assert "already being sent" in response.content.decode()
    assert replies_sent(conversation) == 0


@pytest.mark.django_db
def test_the_same_key_for_another_reply_is_refused_with_422(workspace, persona, operator):
    conversation, _ = suggested(workspace)
    client = client_for(operator)

    first = send(client, conversation, "see you soon")
    other = send(client, conversation, "actually, see you tomorrow")

    assert first.status_code == 200
    assert other.status_code == 422
    assert "already used for a different reply" in other.content.decode()
    assert list(Message.objects.filter(direction="out").values_list("text", flat=True)) == [
        "see you soon"
    ]


@pytest.mark.django_db
def test_two_operators_accepting_one_suggestion_make_one_send(workspace, persona, operator):
    conversation, suggestion = suggested(workspace)
    second = make_user("otto", workspace, Role.OPERATOR)

    first = send(client_for(operator), conversation, suggestion.text, suggestion, key="a")
    late = send(client_for(second), conversation, suggestion.text, suggestion, key="b")

    assert first.status_code == 200
    assert late.status_code == 409
    assert "already sent by olivia" in late.content.decode()
    assert replies_sent(conversation) == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_accepting_at_the_same_moment_make_one_send(workspace, persona, operator):
    """Both sends run at once in their own transactions: the suggestion's row lock lets
    one through and tells the other it was already sent."""
    conversation, suggestion = suggested(workspace)
    second = make_user("otto", workspace, Role.OPERATOR)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user, key: str) -> None:
        try:
            start.wait()
            decisions.send_reply(conversation, user, suggestion.text, suggestion.pk, key)
            outcomes.append("sent")
        except decisions.DecisionConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=accept, args=(operator, "x")),
        threading.Thread(target=accept, args=(second, "y")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["conflict", "sent"]
    assert replies_sent(conversation) == 1


@pytest.mark.django_db
def test_every_send_form_carries_its_own_key(workspace, persona, operator):
    conversation, _ = suggested(workspace)
    page = Client()
    page.force_login(operator)

    html = page.get(f"/w/acme/c/{conversation.pk}/").content.decode()

    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert len(keys) >= 2  # each suggestion's Send, and the composer
    assert len(set(keys)) == len(keys)
