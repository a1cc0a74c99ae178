"""Workspaces are sealed: pages, API and websockets of one tenant are invisible to another."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from conversations import events, ingestion
from conversations.models import (
    ContactFact,
    Conversation,
    IntentLabel,
    Message,
    OperatorDecision,
    PhaseOverride,
    Playbook,
    ReplyEntry,
)
from conversations.routing import websocket_urlpatterns
from core.models import ApiKey, Role
from dashboard.urls import urlpatterns
from mlops.models import Dataset, TrainingJob
from personas import knowledge
from personas.models import KnowledgeDocument, Persona
from tests.config_pages import CONFIG_PAGES, config_page_url
from tests.conftest import make_user, message_body
from tests.team_pages import TEAM_PAGES, TEAM_WORKSPACE_PAGES, team_page_url


def ingest(workspace, contact: str = "contact-1", external_id: str = "msg-1") -> Conversation:
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage(
            channel="api",
            external_id=external_id,
            contact_external_id=contact,
            contact_name="Sam",
            persona="Mia",
            text="hey, love your pics!",
        ),
    )
    return Conversation.objects.get(pk=result.conversation_id)


@pytest.fixture
def conversation(workspace, persona) -> Conversation:
    return ingest(workspace)


@pytest.fixture
def other_conversation(other_workspace) -> Conversation:
    """A conversation of workspace B, with B's own persona also called Mia."""
    Persona.objects.create(workspace=other_workspace, name="Mia")
    return ingest(other_workspace, contact="contact-b")


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


# Pages

PAGES = [
    ("inbox", "get"),
    ("journeys", "get"),
    ("import_playbook", "post"),
    ("export_playbook", "get"),
    ("conversation", "get"),
    ("conversation_messages", "get"),
    ("conversation_suggestions", "get"),
    ("conversation_journey", "get"),
    ("send_reply", "post"),
    ("reject_suggestion", "post"),
    ("regenerate_suggestions", "post"),
    ("override_phase", "post"),
    ("moderate_conversation", "post"),
    ("cta_verdict", "post"),
    ("label_queue", "get"),
    ("intent_queue", "get"),
    ("models", "get"),
    ("retrain_intents", "post"),
    ("retrain_ranker", "post"),
    ("add_phrasing", "post"),
    ("add_intent", "post"),
    ("remove_intent", "post"),
    ("retrain", "post"),
    ("set_model_status", "post"),
    ("analytics", "get"),
    ("analytics_conversations", "get"),
    ("analytics_csv", "get"),
    ("ab_results", "get"),
    ("personas", "get"),
    ("persona", "get"),
    ("upload_document", "post"),
    ("delete_document", "post"),
    ("persona_style", "post"),
    ("persona_library", "get"),
    ("change_library_entry", "post"),
    ("edit_fact", "post"),
    ("conversation_primer", "get"),
    ("take_over", "post"),
    ("finetune", "get"),
    ("finetune_build", "post"),
    ("finetune_download", "get"),
    ("finetune_train", "post"),
    ("finetune_cancel", "post"),
    ("finetune_deploy", "post"),
    ("finetune_rollback", "post"),
    ("conversation_owner", "get"),
    ("claim_conversation", "post"),
    ("release_conversation", "post"),
    ("assign_conversation", "post"),
    ("set_shift", "post"),
    ("settings_assignment", "get"),
    ("settings_assignment_save", "post"),
    *CONFIG_PAGES.items(),
    *TEAM_PAGES.items(),
]
# Pages of one persona, addressed by the persona's id.
PERSONA_PAGES = {
    "persona",
    "upload_document",
    "delete_document",
    "persona_style",
    "persona_library",
    "change_library_entry",
}
# Fine-tuning pages addressed by the id of a reply dataset, a LoRA job or a persona.
FINETUNE_PAGES = {
    "finetune_download",
    "finetune_train",
    "finetune_cancel",
    "finetune_deploy",
    "finetune_rollback",
}
# Pages of the workspace as a whole, not of one conversation.
WORKSPACE_PAGES = {
    "inbox",
    "journeys",
    "import_playbook",
    "export_playbook",
    "label_queue",
    "intent_queue",
    "models",
    "retrain",
    "retrain_intents",
    "retrain_ranker",
    "add_phrasing",
    "add_intent",
    "remove_intent",
    "set_model_status",
    "analytics",
    "analytics_conversations",
    "analytics_csv",
    "ab_results",
    "personas",
    "finetune",
    "finetune_build",
    "set_shift",
    "settings_assignment",
    "settings_assignment_save",
    *PERSONA_PAGES,
    *FINETUNE_PAGES,
    *CONFIG_PAGES,
    *TEAM_WORKSPACE_PAGES,
}


def page_url(name: str, slug: str, conversation: Conversation) -> str:
    if name in CONFIG_PAGES:
        return config_page_url(name, slug, conversation)
    if name in TEAM_PAGES:
        return team_page_url(name, slug, conversation)
    if name == "export_playbook":
        return reverse(name, kwargs={"slug": slug, "playbook_slug": "creator-dm"})
    if name == "set_model_status":
        return reverse(name, kwargs={"slug": slug, "version_id": 1})
    if name in PERSONA_PAGES:
        ids = {"persona_id": conversation.persona_id}
        if name == "delete_document":
            ids["document_id"] = document_of(conversation.persona).pk
        if name == "change_library_entry":
            ids["entry_id"] = library_entry_of(conversation.persona).pk
        return reverse(name, kwargs={"slug": slug, **ids})
    if name in FINETUNE_PAGES:
        return reverse(name, kwargs={"slug": slug, **finetune_ids(name, conversation)})
    if name == "edit_fact":
        fact = fact_of(conversation)
        return reverse(
            name, kwargs={"slug": slug, "conversation_id": conversation.pk, "fact_id": fact.pk}
        )
    if name in WORKSPACE_PAGES:
        return reverse(name, kwargs={"slug": slug})
    return reverse(name, kwargs={"slug": slug, "conversation_id": conversation.pk})


def finetune_ids(name: str, conversation: Conversation) -> dict[str, int]:
    """A reply dataset or a queued LoRA job of the conversation's workspace and persona."""
    if name == "finetune_rollback":
        return {"persona_id": conversation.persona_id}
    dataset = Dataset.objects.create(
        kind="replies",
        version="v1",
        workspace_id=conversation.workspace_id,
        persona_id=conversation.persona_id,
        rows=0,
        path="/nonexistent",
        sha256="-",
    )
    if name in ("finetune_download", "finetune_train"):
        return {"dataset_id": dataset.pk}
    job = TrainingJob.objects.create(
        kind="lora",
        workspace_id=conversation.workspace_id,
        persona_id=conversation.persona_id,
        dataset=dataset,
    )
    return {"job_id": job.pk}


def document_of(persona: Persona) -> KnowledgeDocument:
    return knowledge.store_document(persona, "secret.txt", "The owner's secret notes.").document


def library_entry_of(persona: Persona) -> ReplyEntry:
    return ReplyEntry.objects.create(
        workspace_id=persona.workspace_id,
        persona=persona,
        source="sent",
        text="the owner's own reply",
        key="the owner's own reply",
        embedding=[0.1] * 384,
        reply_embedding=[0.1] * 384,
    )


def fact_of(conversation: Conversation) -> ContactFact:
    return ContactFact.objects.get_or_create(
        workspace_id=conversation.workspace_id,
        contact=conversation.contact,
        kind="occupation",
        normalized="nurse",
        defaults={"value": "nurse", "embedding": [0.1] * 384, "last_mentioned_at": timezone.now()},
    )[0]


def test_every_workspace_page_is_covered_here():
    """A new page under /w/<slug>/ must be added to PAGES, so its tenancy gets tested."""
    workspace_pages = {
        pattern.name
        for pattern in urlpatterns
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith("w/<slug:slug>/")
    }

    assert workspace_pages == {name for name, _ in PAGES}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), PAGES)
def test_an_outsider_gets_404_for_every_page_of_the_workspace(
    outsider_client, conversation, name, method
):
    messages, decisions = Message.objects.count(), OperatorDecision.objects.count()
    url = page_url(name, "acme", conversation)

    if method == "get":
        response = outsider_client.get(url)
    else:
        response = outsider_client.post(
            url,
            {
                "text": "hello from outside",
                "reason": "Wrong tone",
                "suggestion_id": "",
                "to_state": "cta",
                "document": "slug: intruder",
                "action": "block",
                "name": "intruder.txt",
                "value": "hacked",
                "intent": "yes",
            },
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 404
    assert not IntentLabel.objects.exists()
    assert Message.objects.count() == messages
    assert OperatorDecision.objects.count() == decisions
    assert not PhaseOverride.objects.exists()
    assert not Playbook.objects.filter(slug="intruder").exists()
    assert KnowledgeDocument.objects.filter(name="secret.txt").count() == (
        1 if name == "delete_document" else 0
    )
    assert ContactFact.objects.filter(value="nurse").count() == (1 if name == "edit_fact" else 0)
    assert not ReplyEntry.objects.filter(Q(retired=True) | Q(pinned=True)).exists()
    assert not TrainingJob.objects.exclude(status=TrainingJob.Status.QUEUED).exists()
    assert TrainingJob.objects.count() == (
        1 if name in ("finetune_cancel", "finetune_deploy") else 0
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), [p for p in PAGES if p[0] not in WORKSPACE_PAGES])
def test_a_member_gets_404_for_another_workspaces_conversation_through_their_slug(
    operator_client, other_conversation, name, method
):
    messages = Message.objects.count()
    url = page_url(name, "acme", other_conversation)

    response = getattr(operator_client, method)(url, {"text": "hi"} if method == "post" else {})

    assert response.status_code == 404
    assert Message.objects.count() == messages
    assert OperatorDecision.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PERSONA_PAGES))
def test_a_manager_gets_404_for_another_workspaces_persona_through_their_slug(
    workspace, other_conversation, name
):
    manager = Client()
    manager.force_login(make_user("mona", workspace, Role.MANAGER))
    url = page_url(name, "acme", other_conversation)

    response = manager.post(url, {"action": "learn", "name": "x.txt", "text": "intruder"})
    if name in ("persona", "persona_library"):
        response = manager.get(url)

    assert response.status_code == 404
    assert KnowledgeDocument.objects.filter(name="secret.txt").count() == (
        1 if name == "delete_document" else 0
    )
    assert not KnowledgeDocument.objects.filter(name="x.txt").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), [p for p in PAGES if p[0] in FINETUNE_PAGES])
def test_a_manager_gets_404_for_another_workspaces_finetuning_through_their_slug(
    workspace, other_conversation, name, method
):
    manager = Client()
    manager.force_login(make_user("mona", workspace, Role.MANAGER))
    url = page_url(name, "acme", other_conversation)
    datasets = Dataset.objects.count()

    data = {"persona": other_conversation.persona_id, "learning_rate": "0.001"}
    response = getattr(manager, method)(url, data if method == "post" else {})

    assert response.status_code == 404
    assert Dataset.objects.count() == datasets
    assert not TrainingJob.objects.exclude(status=TrainingJob.Status.QUEUED).exists()
    assert TrainingJob.objects.count() == (
        1 if name in ("finetune_cancel", "finetune_deploy") else 0
    )


@pytest.mark.django_db
def test_the_personas_page_lists_only_the_workspaces_own(operator_client, persona, other_workspace):
    Persona.objects.create(workspace=other_workspace, name="Zed")
    page = operator_client.get("/w/acme/personas/").content.decode()
    assert 'data-persona="Mia"' in page
    assert "Zed" not in page


@pytest.mark.django_db
def test_the_outsider_sees_their_own_workspace(outsider_client, other_conversation):
    assert outsider_client.get("/w/other/").status_code == 200
    assert outsider_client.get(f"/w/other/c/{other_conversation.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_outsider_inbox_does_not_list_the_other_workspaces_conversations(
    outsider_client, conversation, other_conversation
):
    page = outsider_client.get("/w/other/").content.decode()

    assert f'data-conversation-id="{other_conversation.pk}"' in page
    assert f'data-conversation-id="{conversation.pk}"' not in page


@pytest.mark.django_db
def test_an_unknown_workspace_is_404_too(operator_client):
    assert operator_client.get("/w/nowhere/").status_code == 404


# API keys


@pytest.fixture
def other_api(other_workspace) -> Client:
    return Client(headers={"X-API-Key": ApiKey.issue(other_workspace, "b")})


@pytest.mark.django_db
def test_a_key_of_another_workspace_does_not_list_its_personas(persona, other_api, other_workspace):
    Persona.objects.create(workspace=other_workspace, name="Bella")

    response = other_api.get("/api/personas")

    assert response.status_code == 200
    assert [p["name"] for p in response.json()] == ["Bella"]


@pytest.mark.django_db
def test_a_key_of_another_workspace_cannot_post_to_its_persona(persona, other_api):
    response = other_api.post("/api/messages", message_body(), content_type="application/json")

    assert response.status_code == 422
    assert "Mia" in response.json()["detail"]
    assert Message.objects.count() == 0
    assert Conversation.objects.count() == 0


# Websockets, through the consumers' routing with the user put in the scope


def communicator_for(user, path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


async def connect(user, path: str) -> tuple[WebsocketCommunicator, bool, object]:
    communicator = communicator_for(user, path)
    connected, detail = await communicator.connect()
    return communicator, connected, detail


async def publish_created(workspace_id: int, conversation: Conversation, seq: int = 1) -> dict:
    event = events.MessageCreated(
        conversation_id=conversation.pk, message_id=1000 + seq, seq=seq, direction="in"
    )
    await sync_to_async(events.publish)(workspace_id, event)
    return {
        "type": "message.created",
        "conversation_id": conversation.pk,
        "message_id": 1000 + seq,
        "seq": seq,
        "direction": "in",
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/w/acme/inbox/", "conversation"])
async def test_an_outsider_cannot_open_the_workspace_sockets(outsider, conversation, path):
    if path == "conversation":
        path = f"/ws/w/acme/c/{conversation.pk}/"

    communicator, connected, code = await connect(outsider, path)

    assert (connected, code) == (False, 4404)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/w/acme/inbox/", "conversation"])
async def test_an_anonymous_user_is_refused_with_4401(conversation, path):
    if path == "conversation":
        path = f"/ws/w/acme/c/{conversation.pk}/"

    communicator, connected, code = await connect(AnonymousUser(), path)

    assert (connected, code) == (False, 4401)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_member_cannot_open_another_workspaces_conversation_socket(
    operator, other_conversation
):
    communicator, connected, code = await connect(
        operator, f"/ws/w/acme/c/{other_conversation.pk}/"
    )

    assert (connected, code) == (False, 4404)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/w/acme/inbox/", "conversation"])
async def test_a_member_receives_message_created_events(operator, workspace, conversation, path):
    if path == "conversation":
        path = f"/ws/w/acme/c/{conversation.pk}/"
    communicator, connected, _ = await connect(operator, path)
    assert connected
    try:
        expected = await publish_created(workspace.pk, conversation, seq=7)

        assert await communicator.receive_json_from(timeout=3) == expected
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_idle_socket_stays_open_and_still_receives(operator, workspace, conversation):
    """Idle longer than channels_redis's 5 s Redis reads: a socket timeout at or below
    that (redis-py 8's default) crashed the consumer and closed every quiet page's socket."""
    communicator, connected, _ = await connect(operator, "/ws/w/acme/inbox/")
    assert connected
    try:
        await asyncio.sleep(7)
        expected = await publish_created(workspace.pk, conversation, seq=3)
        assert await communicator.receive_json_from(timeout=3) == expected
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_labeler_may_watch_the_conversation(labeler, conversation):
    communicator, connected, _ = await connect(labeler, f"/ws/w/acme/c/{conversation.pk}/")

    assert connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_another_workspaces_inbox_does_not_receive_the_event(
    operator, outsider, workspace, conversation
):
    ours, ours_connected, _ = await connect(operator, "/ws/w/acme/inbox/")
    theirs, theirs_connected, _ = await connect(outsider, "/ws/w/other/inbox/")
    assert ours_connected
    assert theirs_connected
    try:
        expected = await publish_created(workspace.pk, conversation)

        assert await ours.receive_json_from(timeout=3) == expected
        assert await theirs.receive_nothing(timeout=0.5)
    finally:
        await ours.disconnect()
        await theirs.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_conversation_socket_does_not_receive_another_conversations_events(
    operator, workspace, conversation
):
    second = await sync_to_async(ingest)(workspace, contact="contact-2", external_id="msg-2")
    communicator, connected, _ = await connect(operator, f"/ws/w/acme/c/{conversation.pk}/")
    assert connected
    try:
        await publish_created(workspace.pk, second)

        assert await communicator.receive_nothing(timeout=0.5)
    finally:
        await communicator.disconnect()


# The real ASGI application: session cookie and origin checks in front of the consumers


@pytest.mark.django_db(transaction=True)
async def test_the_asgi_app_authenticates_the_socket_by_session_cookie(operator, outsider):
    from dashboard.asgi import application

    def session_cookie(user) -> bytes:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}".encode()

    origin = (b"origin", b"http://localhost")
    cases = [
        ([origin, (b"cookie", await sync_to_async(session_cookie)(operator))], (True, None)),
        ([origin, (b"cookie", await sync_to_async(session_cookie)(outsider))], (False, 4404)),
        ([origin], (False, 4401)),
    ]
    for headers, expected in cases:
        communicator = WebsocketCommunicator(application, "/ws/w/acme/inbox/", headers=headers)
        assert await communicator.connect() == expected, headers
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", [b"http://evil.example", None])
async def test_the_asgi_app_refuses_a_foreign_or_missing_origin(operator, origin):
    from dashboard.asgi import application

    def session_cookie() -> bytes:
        client = Client()
        client.force_login(operator)
        return f"sessionid={client.cookies['sessionid'].value}".encode()

    headers = [(b"cookie", await sync_to_async(session_cookie)())]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/w/acme/inbox/", headers=headers)

    connected, _ = await communicator.connect()

    assert not connected
    await communicator.disconnect()
