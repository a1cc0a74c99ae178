"""The ingestion API as a connector sees it: POST /api/messages, personas, health, docs."""

from __future__ import annotations

import os
import socket

import pytest
from django.conf import settings
from django.test import Client

from conversations.models import Contact, Conversation, Message
from core.models import ApiKey, hash_api_key
from core.redis import redis_client
from dashboard import health
from personas.models import Persona
from tests.conftest import message_body, wait_until

pytestmark = pytest.mark.django_db


def stored_counts() -> tuple[int, int, int]:
    return Message.objects.count(), Contact.objects.count(), Conversation.objects.count()


def test_it_stores_a_new_message_and_answers_201(persona, post_message, workspace):
    response = post_message()

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"message_id", "conversation_id", "seq", "duplicate"}
    assert body["seq"] == 1
    assert body["duplicate"] is False

    message = Message.objects.get(pk=body["message_id"])
    assert message.conversation_id == body["conversation_id"]
    assert message.workspace == workspace
    assert message.text == "hey, love your pics!"
    assert message.direction == Message.Direction.IN
    assert message.author_kind == Message.AuthorKind.CONTACT
    assert message.delivery == Message.Delivery.RECEIVED
    assert (message.channel, message.external_id) == ("api", "msg-1")

    conversation = message.conversation
    assert conversation.persona == persona
    assert conversation.workspace == workspace
    assert conversation.last_seq == 1
    assert conversation.contact.external_id == "contact-1"
    assert conversation.contact.display_name == "Sam"
    assert conversation.contact.workspace == workspace


def test_it_numbers_messages_of_one_contact_1_2_3_in_one_conversation(persona, post_message):
    bodies = [post_message(external_id=f"msg-{n}").json() for n in (1, 2, 3)]

    assert [body["seq"] for body in bodies] == [1, 2, 3]
    assert len({body["conversation_id"] for body in bodies}) == 1
    assert stored_counts() == (3, 1, 1)


def test_it_gives_another_contact_its_own_conversation(persona, post_message):
    first = post_message().json()
    second = post_message(external_id="msg-2", contact={"external_id": "contact-2"}).json()

    assert second["conversation_id"] != first["conversation_id"]
    assert second["seq"] == 1
    assert stored_counts() == (2, 2, 2)


def test_it_stores_a_redelivered_message_once(persona, post_message):
    first = post_message()
    again = post_message()

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert Message.objects.count() == 1


def test_it_treats_the_same_external_id_on_another_channel_as_new(persona, post_message):
    first = post_message().json()
    other = post_message(channel="whatsapp")

    assert other.status_code == 201
    assert other.json()["message_id"] != first["message_id"]
    assert Message.objects.count() == 2


def test_it_refuses_malformed_json_with_400_and_stores_nothing(persona, api):
    before = stored_counts()

    response = api.post("/api/messages", '{"channel": "api",', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]
    assert stored_counts() == before


def without(field: str) -> dict:
    body = message_body()
    del body[field]
    return body


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param(without("text"), "text", id="missing text"),
        pytest.param(without("persona"), "persona", id="missing persona"),
        pytest.param(without("channel"), "channel", id="missing channel"),
        pytest.param(without("external_id"), "external_id", id="missing external_id"),
        pytest.param(without("contact"), "contact", id="missing contact"),
        pytest.param(
            message_body(contact={"name": "Sam"}),
            "contact.external_id",
            id="missing contact.external_id",
        ),
        pytest.param(
            message_body(text="x" * (settings.MESSAGE_MAX_CHARS + 1)), "text", id="oversize text"
        ),
        pytest.param(message_body(text=""), "text", id="empty text"),
        pytest.param(message_body(text=" \n\t "), "text", id="blank text"),
        pytest.param(message_body(persona="Nobody"), "Nobody", id="unknown persona"),
        pytest.param(message_body(channel="Insta Gram!"), "channel", id="bad channel characters"),
        pytest.param(message_body(channel=""), "channel", id="empty channel"),
        pytest.param(message_body(external_id=""), "external_id", id="empty external_id"),
        pytest.param(message_body(text=42), "text", id="text not a string"),
    ],
)
def test_it_refuses_an_invalid_message_with_422_naming_the_problem(persona, api, body, named):
    before = stored_counts()

    response = api.post("/api/messages", body, content_type="application/json")

    assert response.status_code == 422
    assert named in response.json()["detail"]
    assert stored_counts() == before


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        pytest.param({"text": "hey\x00there"}, "text", id="text"),
        pytest.param({"persona": "Mia\x00"}, "persona", id="persona"),
        pytest.param({"external_id": "\x00"}, "external_id", id="external_id"),
        pytest.param({"contact": {"external_id": "c\x00"}}, "contact.external_id", id="contact"),
        pytest.param({"contact": {"external_id": "c", "name": "\x00"}}, "contact.name", id="name"),
        pytest.param({"campaign": "\x00"}, "campaign", id="campaign"),
    ],
)
def test_nul_character_bug_is_a_422_naming_the_field_not_a_500(
    persona, post_message, overrides, named
):
    # Found by tests/test_api_fuzz.py: PostgreSQL text cannot hold NUL (U+0000), and the
    # database's refusal came back as a 500.
    before = stored_counts()

    response = post_message(**overrides)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{named}: ")
    assert stored_counts() == before


def test_it_names_the_unknown_persona_field_too(persona, post_message):
    response = post_message(persona="Nobody")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("persona")


def test_it_accepts_text_of_exactly_the_maximum_length(persona, post_message):
    response = post_message(text="x" * settings.MESSAGE_MAX_CHARS)

    assert response.status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no key"),
        pytest.param({"X-API-Key": ""}, id="empty key"),
        pytest.param({"X-API-Key": "od_not-a-real-key"}, id="wrong key"),
    ],
)
def test_it_refuses_a_request_without_a_valid_key_with_401(persona, api_key, headers):
    before = stored_counts()

    response = Client(headers=headers).post(
        "/api/messages", message_body(), content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["detail"]
    assert stored_counts() == before


def test_it_refuses_a_revoked_key_with_401(persona, api, api_key):
    ApiKey.objects.filter(key_hash=hash_api_key(api_key)).update(revoked=True)
    before = stored_counts()

    response = api.post("/api/messages", message_body(), content_type="application/json")

    assert response.status_code == 401
    assert api.get("/api/personas").status_code == 401
    assert stored_counts() == before


def test_it_lists_the_workspace_personas_by_name(persona, api, workspace, other_workspace):
    Persona.objects.create(workspace=workspace, name="Zoe")
    Persona.objects.create(workspace=workspace, name="Ava", profile={"city": "Lisbon"})
    Persona.objects.create(workspace=other_workspace, name="Bella")

    response = api.get("/api/personas")

    assert response.status_code == 200
    personas = response.json()
    assert [p["name"] for p in personas] == ["Ava", "Mia", "Zoe"]
    assert personas[0]["profile"] == {"city": "Lisbon"}
    assert personas[1]["common_phrases"] == ["omg stop it", "you're sweet"]


def test_it_needs_a_key_to_list_personas(persona):
    assert Client().get("/api/personas").status_code == 401


def test_health_reports_the_stack(api):
    response = api.get("/api/health")  # queue lengths are for callers with a key

    assert response.status_code == 200
    health = response.json()
    assert {"status", "model_loaded", "model_version", "redis_connected", "queue_length"} <= set(
        health
    )
    assert health["status"] in {"healthy", "degraded"}
    assert health["model_loaded"] is True
    assert isinstance(health["model_version"], str)
    assert health["model_version"]
    assert health["db_connected"] is True
    assert health["redis_connected"] is True
    assert isinstance(health["queue_length"], int)
    assert set(health["workers"]) == {"default", "ml", "llm", "train", "training"}


def live_workers() -> dict[str, int]:
    return Client().get("/api/health").json()["workers"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_health_counts_workers_from_their_heartbeats_and_forgets_a_stopped_one(
    workspace, celery_worker
):
    served = wait_until(lambda: all(live_workers().values()) and live_workers(), timeout=30)
    assert served == {"default": 1, "ml": 1, "llm": 1, "train": 1, "training": 1}
    hostname = f"test-{os.getpid()}@{socket.gethostname()}"
    ttl = redis_client().ttl(health.HEARTBEAT_KEY.format(hostname=hostname))
    assert 0 < ttl <= health.HEARTBEAT_TTL_SECONDS  # a killed worker drops out by itself


def test_a_heartbeat_counts_for_its_queues_until_it_stops(db):
    before = live_workers()
    health.beat("gone@host", ["ml", "not-a-queue"])
    assert live_workers() == {**before, "ml": before["ml"] + 1}
    health.stop_beating("gone@host")
    assert live_workers() == before


def test_the_docs_page_is_served(db):
    response = Client().get("/api/docs")

    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]


def test_the_openapi_schema_describes_the_endpoints(db):
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/messages" in paths
    assert "post" in paths["/api/messages"]
    assert "/api/personas" in paths
    assert "/api/webhooks/{workspace_slug}/messages" in paths
