"""Tenancy of the JSON API: every operation addressed by an object's id (enumerated from
the OpenAPI schema, so a new one fails the suite until it is listed here) answers 404 to
another workspace's key for this workspace's object, and leaves the object as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from conversations import generation_jobs
from conversations.chat_api import more_key
from conversations.models import Conversation, Memory, ReplyEntry, RevenueEvent
from core.models import ApiKey
from core.redis import redis_client
from dashboard.api import api as ninja_api
from mlops.models import Dataset, TrainingJob
from personas.models import Persona, StyleProfile

pytestmark = pytest.mark.django_db

JSON = "application/json"
STYLE_SAMPLES = [{"input": "hey", "output": "heyy babe 💕 how r u??"}]


@dataclass
class Owned:
    """Objects of the workspace under attack, made as its own clients make them."""

    conversation_id: int
    persona_id: int
    dataset_id: int
    training_job_id: str
    generation_job_id: str
    memory_id: str
    suggestions_request_id: str
    library_entry_id: int


def post(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type=JSON)


@pytest.fixture
def owner(api_key) -> Client:
    return Client(headers={"X-API-Key": api_key})


@pytest.fixture
def intruder(other_workspace) -> Client:
    Persona.objects.create(workspace=other_workspace, name="Mia")
    return Client(headers={"X-API-Key": ApiKey.issue(other_workspace, "intruder")})


@pytest.fixture
def owned(owner, workspace, persona) -> Owned:
    started = post(owner, "/api/conversations", {"user_id": "u-1", "initial_message": "Hi"})
    dataset = Dataset.objects.create(
        kind="replies", version="v1", workspace_id=workspace.pk, persona_id=persona.pk,
        rows=1, path="/nonexistent", sha256="-",
    )  # fmt: skip
    job = TrainingJob.objects.create(
        kind="lora", workspace_id=workspace.pk, persona_id=persona.pk, dataset=dataset
    )
    said = [{"role": "user", "content": "I love jazz"}]
    memory = {"user_id": "u-1", "contact_id": "c-1", "messages": said}
    stored = post(owner, "/api/memory/store", memory)
    learned = {"user_id": "u-1", "contact_id": "c-1", "samples": STYLE_SAMPLES}
    assert post(owner, "/api/style/learn", learned).status_code == 200
    creator = {"creator_id": "creator-1", "samples": ["heyy 💕"]}
    assert post(owner, "/api/flirty/style/learn", creator).status_code == 200
    suggestions = post(
        owner,
        "/api/suggestions",
        {"conversation_id": "crm-1", "messages": [{"role": "user", "content": "hi"}],
         "count": 3, "persona": "Mia"},
    )  # fmt: skip
    assert (started.status_code, stored.status_code, suggestions.status_code) == (201, 201, 200)
    request_id = suggestions.json()["request_id"]
    # The template generator gives one page only; the rest, as a model's would be kept.
    rest = [{"text": "more?", "theme": "warm", "descriptor": "", "confidence": 0.5,
             "quality_score": 0.5}]  # fmt: skip
    redis_client().set(more_key(workspace.pk, request_id), json.dumps(rest), ex=60)
    return Owned(
        conversation_id=started.json()["conversation_id"],
        persona_id=persona.pk,
        dataset_id=dataset.pk,
        training_job_id=str(job.job_id),
        generation_job_id=generation_jobs.enqueue(workspace.pk, {"prompt": "hi"})["job_id"],
        memory_id=stored.json()["memory_id"],
        suggestions_request_id=request_id,
        library_entry_id=ReplyEntry.objects.create(
            workspace=workspace, persona=persona, source="sent", text="the owner's own reply",
            key="the owner's own reply", embedding=[0.1] * 384, reply_embedding=[0.1] * 384,
        ).pk,
    )  # fmt: skip


# Each operation addressed by an id: the request another workspace's key makes for this
# workspace's object.
Request = Callable[[Owned], tuple[str, dict | None]]
BY_ID: dict[tuple[str, str], Request] = {
    ("get", "/api/conversations/{conversation_id}"): lambda o: (
        f"/api/conversations/{o.conversation_id}", None),
    ("post", "/api/conversations/{conversation_id}/transition"): lambda o: (
        f"/api/conversations/{o.conversation_id}/transition", {"user_message": "yes"}),
    ("get", "/api/training/status/{job_id}"): lambda o: (
        f"/api/training/status/{o.training_job_id}", None),
    ("post", "/api/training/cancel/{job_id}"): lambda o: (
        f"/api/training/cancel/{o.training_job_id}", {}),
    ("post", "/api/model/deploy/{job_id}"): lambda o: (
        f"/api/model/deploy/{o.training_job_id}", {}),
    ("post", "/api/model/rollback/{persona_id}"): lambda o: (
        f"/api/model/rollback/{o.persona_id}", {}),
    ("get", "/api/datasets/{dataset_id}"): lambda o: (f"/api/datasets/{o.dataset_id}", None),
    ("get", "/api/datasets/{dataset_id}/download"): lambda o: (
        f"/api/datasets/{o.dataset_id}/download", None),
    ("delete", "/api/memory/{memory_id}"): lambda o: (f"/api/memory/{o.memory_id}", None),
    ("get", "/api/style/{user_id}/{contact_id}"): lambda o: ("/api/style/u-1/c-1", None),
    ("delete", "/api/style/{user_id}/{contact_id}"): lambda o: ("/api/style/u-1/c-1", None),
    ("get", "/api/flirty/style/{creator_id}"): lambda o: ("/api/flirty/style/creator-1", None),
    ("get", "/api/generate/status/{job_id}"): lambda o: (
        f"/api/generate/status/{o.generation_job_id}", None),
    ("get", "/api/suggestions/more/{request_id}"): lambda o: (
        f"/api/suggestions/more/{o.suggestions_request_id}", None),
    ("get", "/api/personas/{persona_id}/library"): lambda o: (
        f"/api/personas/{o.persona_id}/library", None),
    ("post", "/api/personas/{persona_id}/library"): lambda o: (
        f"/api/personas/{o.persona_id}/library", {"text": "an intruder's reply"}),
    ("patch", "/api/personas/{persona_id}/library/{entry_id}"): lambda o: (
        f"/api/personas/{o.persona_id}/library/{o.library_entry_id}", {"retired": True}),
}  # fmt: skip
# Addressed by the workspace itself, and refused by signature (tests/test_webhooks.py,
# tests/test_revenue.py::test_the_webhook_verifies_like_the_message_webhook).
BY_WORKSPACE = {
    ("post", "/api/webhooks/{workspace_slug}/messages"),
    ("post", "/api/webhooks/{workspace_slug}/events"),
}


def operations_with_path_parameters() -> set[tuple[str, str]]:
    paths = ninja_api.get_openapi_schema()["paths"]
    return {(method, path) for path, ops in paths.items() for method in ops if "{" in path}


def test_every_operation_addressed_by_an_id_is_covered_here():
    assert operations_with_path_parameters() == set(BY_ID) | BY_WORKSPACE


def snapshot(workspace) -> dict:
    """What the owner has: enough to see any change another key could make."""
    return {
        "conversations": list(Conversation.objects.filter(workspace=workspace).values()),
        "jobs": list(TrainingJob.objects.filter(workspace_id=workspace.pk).values()),
        "memories": list(Memory.objects.filter(workspace=workspace).values("memory_id")),
        "styles": list(StyleProfile.objects.filter(workspace=workspace).values("pk")),
        "personas": list(Persona.objects.filter(workspace=workspace).values()),
        "library": list(ReplyEntry.objects.filter(workspace=workspace).values("pk", "retired")),
    }


@pytest.mark.parametrize(("method", "path"), sorted(BY_ID))
def test_another_workspaces_key_gets_404_and_changes_nothing(
    method, path, owned, intruder, owner, workspace
):
    url, body = BY_ID[(method, path)](owned)
    before = snapshot(workspace)
    if method == "get":
        response = intruder.get(url)
    elif method == "delete":
        response = intruder.delete(url)
    elif method == "patch":
        response = intruder.patch(url, json.dumps(body or {}), content_type=JSON)
    else:
        response = post(intruder, url, body or {})
    assert response.status_code == 404, (url, response.status_code, response.content[:200])
    assert snapshot(workspace) == before
    # The owner still reaches it (the 404 is about the key, not a missing object).
    if method == "get":
        assert owner.get(url).status_code == 200, url


def test_another_workspaces_key_cannot_attach_an_event_to_this_workspaces_conversation(
    owned, intruder, owner, workspace
):
    """POST /api/events takes the conversation's id in its body, not its path."""
    event = {"kind": "purchase", "external_id": "order-1", "amount": "9.99", "currency": "USD",
             "contact_external_id": "u-1", "conversation_id": owned.conversation_id}  # fmt: skip
    before = snapshot(workspace)
    response = post(intruder, "/api/events", event)
    assert response.status_code == 404, response.content[:200]
    assert snapshot(workspace) == before
    assert not RevenueEvent.objects.exists()
    assert post(owner, "/api/events", event).status_code == 201
