"""Seed 002's memory and style endpoints as an integrator calls them, and the pages built on
them: persona knowledge and style, and the contact card's fact corrections."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conversations import ingestion, pipeline
from conversations.models import ContactFact, FactCorrection, Memory, Message
from core.models import ApiKey, Role
from personas.knowledge import CHUNK_CHARS, store_document
from personas.models import CreatorStyle, KnowledgeChunk, KnowledgeDocument, Persona, StyleProfile
from personas.style import StyleProfile as StyleProfileData
from personas.style import apply_style
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CONCERT: dict[str, Any] = {
    "user_id": "user-123",
    "contact_id": "contact-456",
    "conversation_id": "conv-789",
    "messages": [
        {"role": "user", "content": "How was the concert?"},
        {"role": "assistant", "content": "It was amazing! The opening act was great."},
    ],
    "summary": None,
    "metadata": {"event": "concert-discussion"},
}
UNRELATED = {
    "interview": [
        {"role": "user", "content": "I have a job interview at the bank on Monday morning."},
        {"role": "assistant", "content": "Good luck! Prepare a few questions for the manager."},
    ],
    "dog": [
        {"role": "user", "content": "My dog Rex finally learned to fetch the newspaper."},
        {"role": "assistant", "content": "What a clever puppy, give him a treat from me!"},
    ],
    "cooking": [
        {"role": "user", "content": "I baked sourdough bread for the first time yesterday."},
        {"role": "assistant", "content": "Homemade bread with butter is the best thing ever."},
    ],
}
RECALL = {"user_id": "user-123", "contact_id": "contact-456", "query": "concert last month"}

STYLE_SAMPLES = [
    {"input": "How are you?", "output": "Good! You?"},
    {"input": "Meeting tomorrow?", "output": "yep, see you there"},
]
STYLE_FIELDS = {
    "formality",
    "emoji_usage",
    "avg_length",
    "punctuation_style",
    "capitalization",
    "common_phrases",
    "contraction_preference",
    "response_brevity",
    "samples_count",
}
STYLE_RESPONSE = "I am doing well, thank you for asking."
CREATOR_SAMPLES = [
    "Hey handsome, miss you already 😘",
    "Wouldn't you like to know... 😏",
    "Sub to my page first, then we'll talk 💕",
]
CREATOR_TEXT = "I'm doing well, thank you for asking."


def post(client: Client, path: str, body: dict) -> Any:
    return client.post(path, body, content_type="application/json")


def store(client: Client, **overrides: Any) -> dict:
    response = post(client, "/api/memory/store", {**CONCERT, **overrides})
    assert response.status_code == 201, response.content
    return response.json()


def store_unrelated(client: Client, user_id: str = "user-123") -> dict[str, str]:
    """The three unrelated memories of user-123 and contact-456; their ids by topic."""
    return {
        topic: store(client, user_id=user_id, messages=messages, metadata={"topic": topic})[
            "memory_id"
        ]
        for topic, messages in UNRELATED.items()
    }


def recall(client: Client, **overrides: Any) -> dict:
    response = post(client, "/api/memory/recall", {**RECALL, "top_k": 3, **overrides})
    assert response.status_code == 200, response.content
    return response.json()


def other_api(other_workspace) -> Client:
    return Client(headers={"X-API-Key": ApiKey.issue(other_workspace, "k")})


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(workspace):
    return logged_in(make_user("maya", workspace, Role.MANAGER))


# -- store and recall ----------------------------------------------------------------------


def test_store_the_seed_example_summarises_it(api, workspace):
    body = store(api)

    assert set(body) == {"memory_id", "summary", "stored_at"}
    memory = Memory.objects.get(memory_id=uuid.UUID(body["memory_id"]))
    assert memory.workspace == workspace
    summary = body["summary"]
    assert "concert" in summary.lower()
    assert "opening act" in summary.lower()
    assert memory.summary == summary
    # JSON carries milliseconds.
    assert abs(datetime.fromisoformat(body["stored_at"]) - memory.stored_at) < timedelta(
        milliseconds=1
    )
    assert (memory.user_key, memory.contact_key, memory.conversation_key) == (
        "user-123",
        "contact-456",
        "conv-789",
    )
    assert memory.messages == CONCERT["messages"]
    assert memory.metadata == {"event": "concert-discussion"}
    assert memory.embedding is not None and len(memory.embedding) == 384


def test_a_given_summary_is_stored_as_is(api):
    given = "They talked about the concert; the opening act was the highlight."

    body = store(api, summary=given)

    assert body["summary"] == given
    assert Memory.objects.get(memory_id=body["memory_id"]).summary == given


def test_recall_finds_the_concert_first_with_everything_it_stored(api):
    concert = store(api)["memory_id"]
    store_unrelated(api)

    body = recall(api)

    assert body["query"] == "concert last month"
    assert body["total_found"] == len(body["memories"]) == 3
    assert body["search_time_ms"] >= 0
    first = body["memories"][0]
    assert first["memory_id"] == concert
    assert (first["user_id"], first["contact_id"]) == ("user-123", "contact-456")
    assert first["messages"] == CONCERT["messages"]
    assert first["metadata"] == {"event": "concert-discussion"}
    assert "concert" in first["summary"].lower()
    scores = [memory["similarity_score"] for memory in body["memories"]]
    assert 0 < scores[0] <= 1
    assert all(-1 <= score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert scores[0] - scores[1] > 0.2  # clearly the best, not a near tie


def test_a_paraphrase_still_recalls_the_concert_first(api):
    concert = store(api)["memory_id"]
    store_unrelated(api)

    body = recall(api, query="that gig with the great support band")

    assert body["memories"][0]["memory_id"] == concert


def test_recall_honours_top_k(api):
    store(api)
    ids = store_unrelated(api)

    assert recall(api, top_k=1)["total_found"] == 1
    assert len(recall(api, top_k=2)["memories"]) == 2
    everything = recall(api, top_k=50)
    assert everything["total_found"] == 4
    assert (
        ids["dog"]
        == recall(api, query="my puppy fetching things", top_k=1)["memories"][0]["memory_id"]
    )


def test_recall_is_per_user_and_contact(api):
    concert = store(api)["memory_id"]
    elsewhere = store(api, contact_id="contact-999")["memory_id"]
    store(api, user_id="user-777")

    only_this_contact = recall(api, top_k=10)
    every_contact = recall(api, contact_id=None, top_k=10)

    assert [m["memory_id"] for m in only_this_contact["memories"]] == [concert]
    assert {m["memory_id"] for m in every_contact["memories"]} == {concert, elsewhere}
    assert recall(api, user_id="nobody")["memories"] == []


# -- inject --------------------------------------------------------------------------------


def test_inject_puts_recalled_memories_first_as_one_system_message(api):
    store(api)
    store_unrelated(api)
    memories = recall(api, top_k=2)["memories"]
    chat = [
        {"role": "user", "content": "Remember that concert?"},
        {"role": "assistant", "content": "Of course I do!"},
        {"role": "user", "content": "Who was the opening act again?"},
    ]

    response = post(api, "/api/memory/inject", {"messages": chat, "memories": memories})

    assert response.status_code == 200
    body = response.json()
    assert body["injected_count"] == 2
    system, *rest = body["messages"]
    assert system["role"] == "system"
    assert system["content"].startswith("# Relevant Past Conversations")
    for memory in memories:
        assert memory["summary"] in system["content"]
        assert memory["stored_at"][:10] in system["content"]
    assert rest == chat


def test_inject_without_memories_leaves_the_messages_alone(api):
    chat = [{"role": "user", "content": "Remember that concert?"}]

    response = post(api, "/api/memory/inject", {"messages": chat, "memories": []})

    assert response.status_code == 200
    assert response.json() == {"messages": chat, "injected_count": 0}


# -- stats and delete ----------------------------------------------------------------------


def test_stats_of_an_empty_store(api):
    body = api.get("/api/memory/stats").json()

    assert body["total_memories"] == body["unique_users"] == body["unique_contacts"] == 0
    assert body["oldest_memory"] is None and body["newest_memory"] is None
    assert isinstance(body["index_size_bytes"], int)


def test_stats_count_memories_users_and_contacts(api):
    first = store(api)
    store(api, contact_id="contact-999")
    store(api, user_id="user-777", contact_id="contact-111")
    last = store(api)

    body = api.get("/api/memory/stats").json()

    assert body["total_memories"] == 4
    assert body["unique_users"] == 2
    assert body["unique_contacts"] == 3
    assert isinstance(body["index_size_bytes"], int) and body["index_size_bytes"] > 0
    oldest = datetime.fromisoformat(body["oldest_memory"])
    newest = datetime.fromisoformat(body["newest_memory"])
    assert oldest < newest
    assert oldest == datetime.fromisoformat(first["stored_at"])
    assert newest == datetime.fromisoformat(last["stored_at"])


def test_delete_forgets_a_memory_once(api):
    concert = store(api)["memory_id"]
    store_unrelated(api)

    response = api.delete(f"/api/memory/{concert}")

    assert response.status_code == 200
    assert response.json() == {"deleted": True}
    assert not Memory.objects.filter(memory_id=concert).exists()
    assert concert not in [m["memory_id"] for m in recall(api, top_k=10)["memories"]]
    again = api.delete(f"/api/memory/{concert}")
    assert again.status_code == 404
    assert "detail" in again.json()
    assert Memory.objects.count() == 3


def test_delete_of_a_malformed_or_unknown_id_deletes_nothing(api):
    store(api)

    malformed = api.delete("/api/memory/not-a-uuid")
    unknown = api.delete(f"/api/memory/{uuid.uuid4()}")

    assert malformed.status_code == 422
    assert "memory_id" in malformed.json()["detail"]
    assert unknown.status_code == 404
    assert Memory.objects.count() == 1


# -- tenancy -------------------------------------------------------------------------------


def test_another_workspaces_memories_are_invisible(api, other_workspace):
    other = other_api(other_workspace)
    theirs = store(other)["memory_id"]
    store_unrelated(other)
    ours = store(api, messages=UNRELATED["dog"])["memory_id"]

    recalled = recall(api, top_k=50)
    stats = api.get("/api/memory/stats").json()
    deleted = api.delete(f"/api/memory/{theirs}")

    assert [m["memory_id"] for m in recalled["memories"]] == [ours]
    assert stats["total_memories"] == 1
    assert (stats["unique_users"], stats["unique_contacts"]) == (1, 1)
    assert deleted.status_code == 404
    assert Memory.objects.filter(memory_id=theirs, workspace=other_workspace).exists()
    assert recall(other)["memories"][0]["memory_id"] == theirs
    assert ours not in [m["memory_id"] for m in recall(other, top_k=50)["memories"]]


def test_another_workspaces_style_profiles_are_invisible(api, other_workspace):
    other = other_api(other_workspace)
    samples = {"user_id": "user-123", "contact_id": "contact-456", "samples": STYLE_SAMPLES}
    assert post(other, "/api/style/learn", samples).status_code == 200
    creator = {"creator_id": "creator-1", "samples": CREATOR_SAMPLES}
    assert post(other, "/api/flirty/style/learn", creator).status_code == 200

    apply_body = {"user_id": "user-123", "contact_id": "contact-456", "response": STYLE_RESPONSE}
    assert api.get("/api/style/user-123/contact-456").status_code == 404
    assert api.delete("/api/style/user-123/contact-456").status_code == 404
    assert post(api, "/api/style/apply", apply_body).status_code == 404
    assert api.get("/api/flirty/style/creator-1").status_code == 404
    applied = post(api, "/api/flirty/style/apply", {"creator_id": "creator-1", "text": "hi"})
    assert applied.json()["profile_applied"] is False
    assert StyleProfile.objects.filter(workspace=other_workspace).count() == 1
    assert other.get("/api/style/user-123/contact-456").status_code == 200


# -- bad input and authentication ----------------------------------------------------------


def without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


CHAT = [{"role": "user", "content": "hi"}]
STYLE_LEARN = {"user_id": "u", "contact_id": "c", "samples": STYLE_SAMPLES}
STYLE_APPLY = {"user_id": "u", "contact_id": "c", "response": "hello"}

BAD_INPUT = [
    ("/api/memory/store", without(CONCERT, "user_id"), "user_id"),
    ("/api/memory/store", without(CONCERT, "contact_id"), "contact_id"),
    ("/api/memory/store", without(CONCERT, "messages"), "messages"),
    ("/api/memory/store", {**CONCERT, "user_id": ""}, "user_id"),
    ("/api/memory/store", {**CONCERT, "messages": []}, "messages"),
    ("/api/memory/store", {**CONCERT, "messages": [{"role": "robot", "content": "hi"}]}, "role"),
    ("/api/memory/store", {**CONCERT, "messages": [{"role": "user", "content": ""}]}, "content"),
    ("/api/memory/store", {**CONCERT, "metadata": "not a dict"}, "metadata"),
    ("/api/memory/recall", {**RECALL, "top_k": 0}, "top_k"),
    ("/api/memory/recall", {**RECALL, "top_k": 51}, "top_k"),
    ("/api/memory/recall", {**RECALL, "query": ""}, "query"),
    ("/api/memory/recall", {**RECALL, "query": "  \n "}, "query"),
    ("/api/memory/recall", without(RECALL, "query"), "query"),
    ("/api/memory/recall", without(RECALL, "user_id"), "user_id"),
    ("/api/memory/inject", {"messages": [], "memories": []}, "messages"),
    ("/api/memory/inject", {"messages": CHAT}, "memories"),
    ("/api/memory/inject", {"messages": [{"role": "bot", "content": "x"}], "memories": []}, "role"),
    ("/api/memory/inject", {"messages": CHAT, "memories": [{"summary": ""}]}, "summary"),
    ("/api/style/learn", {**STYLE_LEARN, "samples": []}, "samples"),
    ("/api/style/learn", without(STYLE_LEARN, "contact_id"), "contact_id"),
    ("/api/style/learn", {**STYLE_LEARN, "samples": [{"input": "hi", "output": ""}]}, "output"),
    ("/api/style/learn", {**STYLE_LEARN, "samples": [{"output": "   "}]}, "samples"),
    ("/api/style/apply", without(STYLE_APPLY, "response"), "response"),
    ("/api/style/apply", {**STYLE_APPLY, "response": ""}, "response"),
    ("/api/flirty/style/learn", {"creator_id": "c", "samples": []}, "samples"),
    ("/api/flirty/style/learn", {"creator_id": "c", "samples": [" ", ""]}, "samples"),
    ("/api/flirty/style/learn", {"samples": ["hey"]}, "creator_id"),
    ("/api/flirty/style/apply", {"creator_id": "c"}, "text"),
]


def stored_counts() -> tuple[int, int, int]:
    return Memory.objects.count(), StyleProfile.objects.count(), CreatorStyle.objects.count()


@pytest.mark.parametrize(("path", "body", "field"), BAD_INPUT)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(api, path, body, field):
    store(api)
    before = stored_counts()

    response = post(api, path, body)

    assert response.status_code == 422, response.content
    assert field in response.json()["detail"]
    assert stored_counts() == before


# Found by tests/test_api_fuzz.py: PostgreSQL refuses NUL in text and jsonb, and jsonb an
# unpaired surrogate (which JSON can carry as "\ud800"); each was a 500 from the database.
NUL_CHAT = [{"role": "user", "content": "a\x00b"}]
UNSTORABLE_INPUT = [
    ("/api/memory/store", {**CONCERT, "user_id": "user\x00"}, "user_id"),
    ("/api/memory/store", {**CONCERT, "messages": NUL_CHAT}, "messages"),
    ("/api/memory/store", {**CONCERT, "metadata": {"event\x00": "x"}}, "metadata"),
    ("/api/memory/store", {**CONCERT, "metadata": {"event": ["\x00"]}}, "metadata"),
    ("/api/memory/store", {**CONCERT, "metadata": {"\ud800": "x"}}, "metadata"),
    ("/api/memory/store", {**CONCERT, "metadata": {"event": "\udfff"}}, "metadata"),
    ("/api/memory/recall", {**RECALL, "contact_id": "\x00"}, "contact_id"),
    ("/api/style/learn", {**STYLE_LEARN, "user_id": "\x00"}, "user_id"),
    ("/api/style/learn", {**STYLE_LEARN, "samples": [{"output": "yo\x00"}]}, "samples"),
    ("/api/style/apply", {**STYLE_APPLY, "contact_id": "c\x00"}, "contact_id"),
    ("/api/flirty/style/learn", {"creator_id": "c\x00", "samples": ["hey"]}, "creator_id"),
    ("/api/flirty/style/apply", {"creator_id": "c\x00", "text": "hi"}, "creator_id"),
]


@pytest.mark.parametrize(("path", "body", "field"), UNSTORABLE_INPUT)
def test_nul_or_lone_surrogate_bug_is_a_422_naming_the_field_not_a_500(api, path, body, field):
    store(api)
    before = stored_counts()

    response = post(api, path, body)

    assert response.status_code == 422, response.content
    assert field in response.json()["detail"]
    assert "cannot be stored" in response.json()["detail"]
    assert stored_counts() == before


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("get", "/api/style/user%00/c", "user_id"),
        ("delete", "/api/style/u/contact%00", "contact_id"),
        ("get", "/api/flirty/style/%00", "creator_id"),
    ],
)
def test_nul_in_a_style_path_bug_is_a_422_not_a_500(api, method, path, field):
    learn_style(api, STYLE_SAMPLES)
    before = stored_counts()

    response = getattr(api, method)(path)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert stored_counts() == before


def test_malformed_json_stores_nothing(api):
    response = api.post("/api/memory/store", "{not json", content_type="application/json")

    assert 400 <= response.status_code < 500
    assert Memory.objects.count() == 0


ENDPOINTS = [
    ("post", "/api/memory/store", CONCERT),
    ("post", "/api/memory/recall", RECALL),
    ("post", "/api/memory/inject", {"messages": CHAT, "memories": []}),
    ("get", "/api/memory/stats", None),
    ("delete", f"/api/memory/{uuid.uuid4()}", None),
    ("post", "/api/style/learn", STYLE_LEARN),
    ("get", "/api/style/u/c", None),
    ("delete", "/api/style/u/c", None),
    ("post", "/api/style/apply", STYLE_APPLY),
    ("post", "/api/flirty/style/learn", {"creator_id": "c", "samples": CREATOR_SAMPLES}),
    ("get", "/api/flirty/style/c", None),
    ("post", "/api/flirty/style/apply", {"creator_id": "c", "text": "hi"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "od_wrong"}], ids=["missing", "wrong"])
def test_every_endpoint_needs_a_valid_key(workspace, method, path, body, headers):
    client = Client(headers=headers)
    kwargs = {"data": body, "content_type": "application/json"} if body else {}

    response = getattr(client, method)(path, **kwargs)

    assert response.status_code == 401
    assert stored_counts() == (0, 0, 0)


# -- style ---------------------------------------------------------------------------------


def learn_style(client: Client, samples: list[dict]) -> Any:
    body = {"user_id": "user-123", "contact_id": "contact-456", "samples": samples}
    return post(client, "/api/style/learn", body)


def apply_body(**overrides: Any) -> dict:
    return {
        "user_id": "user-123",
        "contact_id": "contact-456",
        "response": STYLE_RESPONSE,
        "use_llm": False,
        **overrides,
    }


def test_style_learn_get_apply_and_delete(api, workspace):
    learned = learn_style(api, STYLE_SAMPLES)

    assert learned.status_code == 200
    profile = learned.json()
    assert set(profile) == STYLE_FIELDS
    assert profile["samples_count"] == 2
    assert 0 <= profile["formality"] <= 1 and 0 <= profile["response_brevity"] <= 1
    assert profile["emoji_usage"] is False
    assert profile["punctuation_style"] in ("minimal", "standard", "expressive")
    assert profile["capitalization"] in ("lowercase", "sentence", "mixed")
    assert profile["avg_length"] == round((len("Good! You?") + len("yep, see you there")) / 2)
    assert "yep" in profile["common_phrases"]
    row = StyleProfile.objects.get(workspace=workspace, user_id="user-123")
    assert row.profile == profile
    assert api.get("/api/style/user-123/contact-456").json() == profile

    applied = post(api, "/api/style/apply", apply_body())

    assert applied.status_code == 200
    body = applied.json()
    assert body["original_response"] == STYLE_RESPONSE
    assert body["profile_used"] == profile
    assert 0 < len(body["styled_response"]) < len(STYLE_RESPONSE)
    assert body["styled_response"] == apply_style(
        STYLE_RESPONSE, StyleProfileData.from_dict(profile)
    )

    deleted = api.delete("/api/style/user-123/contact-456")
    assert (deleted.status_code, deleted.json()) == (200, {"deleted": True})
    assert api.get("/api/style/user-123/contact-456").status_code == 404
    assert post(api, "/api/style/apply", apply_body()).status_code == 404
    assert api.delete("/api/style/user-123/contact-456").status_code == 404
    assert not StyleProfile.objects.exists()


def test_style_apply_with_an_llm_is_503_without_one(api):
    learn_style(api, STYLE_SAMPLES)

    response = post(api, "/api/style/apply", apply_body(use_llm=True))

    assert response.status_code == 503
    assert "LLM" in response.json()["detail"]


def test_learning_again_adds_samples(api):
    first = learn_style(api, STYLE_SAMPLES).json()

    second = learn_style(api, [{"input": "Dinner?", "output": "sure, sounds good"}]).json()

    assert second["samples_count"] == 3
    assert api.get("/api/style/user-123/contact-456").json() == second
    assert second != first
    assert StyleProfile.objects.count() == 1


def test_style_profiles_are_kept_per_contact(api):
    learn_style(api, STYLE_SAMPLES)

    assert api.get("/api/style/user-123/contact-999").status_code == 404
    assert api.get("/api/style/user-999/contact-456").status_code == 404


def test_flirty_style_learn_get_and_apply(api, workspace):
    learned = post(
        api, "/api/flirty/style/learn", {"creator_id": "creator-1", "samples": CREATOR_SAMPLES}
    )

    assert learned.status_code == 200
    style = learned.json()
    assert style["creator_id"] == "creator-1"
    assert style["sample_count"] == 3
    assert "handsome" in style["pet_names"]
    assert style["signature_emojis"] == ["😘", "😏", "💕"]
    assert "miss you" in style["escalation_phrases"]
    assert "sub to my page" in style["deflection_phrases"]
    assert CreatorStyle.objects.get(workspace=workspace, creator_id="creator-1").profile == style
    assert api.get("/api/flirty/style/creator-1").json() == style

    applied = post(
        api, "/api/flirty/style/apply", {"creator_id": "creator-1", "text": CREATOR_TEXT}
    )

    assert applied.status_code == 200
    body = applied.json()
    assert body["profile_applied"] is True
    assert body["original"] == CREATOR_TEXT
    assert "😘" in body["styled"]
    assert any(name in body["styled"] for name in style["pet_names"])
    assert body["styled"] != CREATOR_TEXT


def test_flirty_style_of_an_unknown_creator(api):
    applied = post(api, "/api/flirty/style/apply", {"creator_id": "nobody", "text": CREATOR_TEXT})

    assert applied.status_code == 200
    assert applied.json() == {
        "original": CREATOR_TEXT,
        "styled": CREATOR_TEXT,
        "profile_applied": False,
    }
    missing = api.get("/api/flirty/style/nobody")
    assert missing.status_code == 404
    assert "nobody" in missing.json()["detail"]


def test_relearning_a_creator_replaces_the_style(api):
    post(api, "/api/flirty/style/learn", {"creator_id": "c", "samples": CREATOR_SAMPLES})

    again = post(api, "/api/flirty/style/learn", {"creator_id": "c", "samples": ["night babe 💋"]})

    assert again.json()["sample_count"] == 1
    assert api.get("/api/flirty/style/c").json()["pet_names"] == ["babe"]
    assert CreatorStyle.objects.count() == 1


# -- persona pages: knowledge --------------------------------------------------------------


def knowledge_text() -> str:
    """About 4,300 characters in eight paragraphs."""
    return "\n\n".join(
        " ".join(
            f"Mia wrote note {n}.{k} about her hobby number {n} on a sunny afternoon."
            for k in range(8)
        )
        for n in range(8)
    )


def persona_url(persona: Persona, suffix: str = "") -> str:
    return f"/w/{persona.workspace.slug}/personas/{persona.pk}/{suffix}"


def test_an_operator_reads_personas_but_cannot_change_them(operator_client, persona):
    listing = operator_client.get("/w/acme/personas/")
    page = operator_client.get(persona_url(persona))

    assert listing.status_code == 200
    assert 'data-persona="Mia"' in listing.content.decode()
    assert f'href="{persona_url(persona)}"' in listing.content.decode()
    assert page.status_code == 200
    assert 'data-persona="Mia"' in page.content.decode()
    assert "data-upload" not in page.content.decode()

    upload = operator_client.post(persona_url(persona, "documents/"), {"name": "a", "text": "b"})
    style = operator_client.post(persona_url(persona, "style/"), {"action": "learn"})
    document = store_document(persona, "notes.txt", "Some notes.").document
    delete = operator_client.post(persona_url(persona, f"documents/{document.pk}/delete/"))

    assert (upload.status_code, style.status_code, delete.status_code) == (403, 403, 403)
    assert list(KnowledgeDocument.objects.values_list("name", flat=True)) == ["notes.txt"]


def test_a_manager_uploads_pasted_text_in_chunks(manager, persona):
    text = knowledge_text()
    assert 4000 <= len(text) <= 4600

    response = manager.post(
        persona_url(persona, "documents/"), {"name": "hobbies.txt", "text": text}
    )

    assert response.status_code == 200
    document = KnowledgeDocument.objects.get(persona=persona, name="hobbies.txt")
    assert document.source == KnowledgeDocument.Source.UPLOAD
    assert document.content == text
    assert document.chunk_count >= 3
    chunks = list(KnowledgeChunk.objects.filter(document=document).order_by("position"))
    assert len(chunks) == document.chunk_count
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert all(len(chunk.text) <= CHUNK_CHARS for chunk in chunks)
    assert all(chunk.persona_id == persona.pk for chunk in chunks)
    assert "note 0.0" in chunks[0].text and "note 7.7" in chunks[-1].text
    page = manager.get(persona_url(persona)).content.decode()
    assert f'data-document="hobbies.txt" data-chunks="{document.chunk_count}"' in page
    listing = manager.get("/w/acme/personas/").content.decode()
    assert f"<td>{document.chunk_count}</td>" in listing


def test_a_manager_uploads_a_file(manager, persona):
    upload = SimpleUploadedFile(
        "likes.md", "Mia loves café au lait and hiking.\n\nShe hates mornings.".encode()
    )

    response = manager.post(
        persona_url(persona, "documents/"), {"file": upload}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    document = KnowledgeDocument.objects.get(persona=persona, name="likes.md")
    assert document.content == "Mia loves café au lait and hiking.\n\nShe hates mornings."
    assert document.chunk_count == 1 == document.chunks.count()
    assert 'data-document="likes.md"' in response.content.decode()


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"name": "empty.txt", "text": "  \n\n  "}, "The document is empty."),
        ({"name": "", "text": "Some text"}, "Give the document a name."),
        ({"file": SimpleUploadedFile("bad.txt", b"\xff\xfe\x00caf\xe9")}, "not UTF-8"),
        ({"file": SimpleUploadedFile("blank.txt", b"   \n")}, "The document is empty."),
    ],
    ids=["empty-text", "no-name", "not-utf8", "blank-file"],
)
def test_bad_uploads_are_422_and_store_nothing(manager, persona, form, error):
    response = manager.post(persona_url(persona, "documents/"), form)

    assert response.status_code == 422
    assert error in response.content.decode()
    assert not KnowledgeDocument.objects.exists()
    assert not KnowledgeChunk.objects.exists()


def test_deleting_an_uploaded_document_removes_its_chunks(manager, persona):
    kept = store_document(persona, "kept.txt", "Mia likes tea.").document
    document = store_document(persona, "gone.txt", knowledge_text()).document
    assert document.chunks.count() >= 3

    response = manager.post(persona_url(persona, f"documents/{document.pk}/delete/"))

    assert response.status_code == 200
    assert not KnowledgeDocument.objects.filter(pk=document.pk).exists()
    assert not KnowledgeChunk.objects.filter(document_id=document.pk).exists()
    assert KnowledgeChunk.objects.filter(document=kept).count() == 1
    assert 'data-document="gone.txt"' not in response.content.decode()
    assert 'data-document="kept.txt"' in response.content.decode()


def test_folder_documents_are_not_changed_from_the_page(manager, persona):
    document = store_document(persona, "bio.md", "Mia is from Lisbon.", "folder").document

    page = manager.get(persona_url(persona)).content.decode()
    deleted = manager.post(persona_url(persona, f"documents/{document.pk}/delete/"))
    replaced = manager.post(
        persona_url(persona, "documents/"), {"name": "bio.md", "text": "Mia is from Porto."}
    )

    assert "edit in folder" in page
    assert deleted.status_code == 422
    assert "comes from the watched folder" in deleted.content.decode()
    assert replaced.status_code == 422
    document.refresh_from_db()
    assert document.content == "Mia is from Lisbon."
    assert document.chunks.count() == 1


def test_personas_of_other_workspaces_are_404(
    manager, outsider, persona, workspace, other_workspace
):
    theirs = Persona.objects.create(workspace=other_workspace, name="Zoe")
    outsider_client = logged_in(outsider)
    document = store_document(persona, "notes.txt", "Some notes.").document

    assert outsider_client.get(persona_url(persona)).status_code == 404
    assert outsider_client.get(f"/w/other/personas/{persona.pk}/").status_code == 404
    assert outsider_client.get("/w/acme/personas/").status_code == 404
    assert (
        outsider_client.post(f"/w/other/personas/{persona.pk}/documents/{document.pk}/delete/")
    ).status_code == 404
    assert manager.get(f"/w/acme/personas/{theirs.pk}/").status_code == 404
    upload = manager.post(f"/w/acme/personas/{theirs.pk}/documents/", {"name": "x", "text": "y"})
    assert upload.status_code == 404
    assert manager.post(
        f"/w/acme/personas/{theirs.pk}/style/", {"action": "learn"}
    ).status_code == (404)
    assert list(KnowledgeDocument.objects.values_list("name", flat=True)) == ["notes.txt"]
    assert 'data-persona="Zoe"' not in manager.get("/w/acme/personas/").content.decode()


# -- persona pages: style ------------------------------------------------------------------

OPERATOR_REPLIES = ["yep, see you there", "haha sure thing", "omg stop it lol"]


def inbound(workspace, text: str, external_id: str = "m-1", contact: str = "c-1") -> Message:
    result = ingestion.ingest(
        workspace, ingestion.InboundMessage("api", external_id, contact, "Sam", "Mia", text)
    )
    return Message.objects.select_related("conversation__contact").get(pk=result.message_id)


def reply(message: Message, seq: int, text: str, author_kind: str = "operator") -> Message:
    return Message.objects.create(
        workspace_id=message.workspace_id,
        conversation_id=message.conversation_id,
        seq=seq,
        direction=Message.Direction.OUT,
        author_kind=author_kind,
        text=text,
        channel=message.channel,
        delivery=Message.Delivery.SENT,
    )


def test_style_cannot_be_learned_or_applied_without_operator_replies(manager, persona):
    learn = manager.post(persona_url(persona, "style/"), {"action": "learn"})
    switch_on = manager.post(persona_url(persona, "style/"), {"action": "on"})

    assert learn.status_code == 422
    assert "No operator replies" in learn.content.decode()
    assert switch_on.status_code == 422
    assert "Learn the style first" in switch_on.content.decode()
    persona.refresh_from_db()
    assert (persona.style_profile, persona.apply_style) == ({}, False)


def test_learned_style_is_applied_to_suggestions_once_switched_on(manager, workspace, persona):
    message = inbound(workspace, "hey, what are you up to tonight?")
    for seq, text in enumerate(OPERATOR_REPLIES, start=2):
        reply(message, seq, text)
    reply(message, 5, "Automatic hello from the system.", author_kind="auto")

    learned = manager.post(persona_url(persona, "style/"), {"action": "learn"})

    assert learned.status_code == 200
    persona.refresh_from_db()
    assert persona.style_profile["samples_count"] == len(OPERATOR_REPLIES)
    assert persona.apply_style is False
    assert f"{len(OPERATOR_REPLIES)} operator replies" in learned.content.decode()
    unstyled = pipeline.suggest(message, "k0")
    assert unstyled is not None
    plain = [s.text for s in unstyled.suggestions.all()]

    switched = manager.post(
        persona_url(persona, "style/"), {"action": "on"}, headers={"HX-Request": "true"}
    )

    assert switched.status_code == 200
    persona.refresh_from_db()
    assert persona.apply_style is True
    suggestion_set = pipeline.suggest(message, "k1")
    assert suggestion_set is not None
    styled = [s.text for s in suggestion_set.suggestions.all()]
    profile = StyleProfileData.from_dict(persona.style_profile)
    assert styled == [apply_style(text, profile) for text in plain]
    assert styled != plain
    assert "applied" in manager.get("/w/acme/personas/").content.decode()

    manager.post(persona_url(persona, "style/"), {"action": "off"})
    persona.refresh_from_db()
    assert persona.apply_style is False
    again = pipeline.suggest(message, "k2")
    assert again is not None
    assert [s.text for s in again.suggestions.all()] == plain


def test_an_unknown_style_action_is_422(manager, persona):
    response = manager.post(persona_url(persona, "style/"), {"action": "explode"})

    assert response.status_code == 422
    assert "Unknown action" in response.content.decode()


# -- the contact card ----------------------------------------------------------------------

NURSE = "I'm a nurse and I live in Berlin"


def perceived(workspace, text: str, external_id: str = "m-1", contact: str = "c-1") -> Message:
    message = inbound(workspace, text, external_id, contact)
    pipeline.perceive(message)
    return message


def fact_url(message: Message, fact: ContactFact) -> str:
    return f"/w/acme/c/{message.conversation_id}/facts/{fact.pk}/"


def test_the_contact_card_shows_what_the_contact_said(operator_client, workspace, persona):
    message = perceived(workspace, NURSE)

    page = operator_client.get(f"/w/acme/c/{message.conversation_id}/").content.decode()

    assert "data-contact-card" in page
    assert 'data-fact="occupation" data-fact-value="nurse"' in page
    assert 'data-fact="location" data-fact-value="Berlin"' in page


def test_an_operator_corrects_a_fact(operator_client, operator, workspace, persona):
    message = perceived(workspace, NURSE)
    fact = ContactFact.objects.get(kind="occupation")
    assert fact.source_message_id == message.pk
    old_embedding = list(fact.embedding)

    response = operator_client.post(
        fact_url(message, fact), {"action": "correct", "value": "  midwife "}
    )

    assert response.status_code == 302
    fact.refresh_from_db()
    assert (fact.value, fact.normalized, fact.origin) == ("midwife", "midwife", "operator")
    assert list(fact.embedding) != old_embedding
    correction = FactCorrection.objects.get()
    assert (correction.action, correction.kind) == ("corrected", "occupation")
    assert (correction.old_value, correction.new_value) == ("nurse", "midwife")
    assert correction.source_text == NURSE
    assert correction.operator == operator
    assert correction.fact == fact
    assert fact.contact.profile_facts["occupation"] == "midwife"
    page = operator_client.get(f"/w/acme/c/{message.conversation_id}/").content.decode()
    assert 'data-fact="occupation" data-fact-value="midwife"' in page
    assert 'data-fact-value="nurse"' not in page


def test_an_operator_deletes_a_fact(operator_client, operator, workspace, persona):
    message = perceived(workspace, NURSE)
    fact = ContactFact.objects.get(kind="location")

    response = operator_client.post(
        fact_url(message, fact), {"action": "delete"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert not ContactFact.objects.filter(pk=fact.pk).exists()
    assert 'data-fact="location"' not in response.content.decode()
    assert 'data-fact="occupation"' in response.content.decode()
    correction = FactCorrection.objects.get()
    assert (correction.action, correction.kind, correction.old_value) == (
        "deleted",
        "location",
        "Berlin",
    )
    assert (correction.new_value, correction.source_text) == ("", NURSE)
    assert correction.operator == operator
    contact = message.conversation.contact
    contact.refresh_from_db()
    assert "location" not in contact.profile_facts


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"action": "correct", "value": "   "}, "needs a value"),
        ({"action": "correct", "value": "x" * 201}, "at most 200 characters"),
        ({"action": "rename", "value": "midwife"}, "Unknown action"),
    ],
    ids=["empty", "too-long", "unknown-action"],
)
def test_bad_fact_edits_are_422_and_change_nothing(
    operator_client, workspace, persona, form, error
):
    message = perceived(workspace, NURSE)
    fact = ContactFact.objects.get(kind="occupation")

    response = operator_client.post(fact_url(message, fact), form, headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert error in response.content.decode()
    fact.refresh_from_db()
    assert (fact.value, fact.origin) == ("nurse", "extracted")
    assert not FactCorrection.objects.exists()


def test_a_labeler_cannot_edit_facts(labeler, workspace, persona):
    message = perceived(workspace, NURSE)
    fact = ContactFact.objects.get(kind="occupation")

    response = logged_in(labeler).post(
        fact_url(message, fact), {"action": "correct", "value": "midwife"}
    )

    assert response.status_code == 403
    fact.refresh_from_db()
    assert fact.value == "nurse"
    assert not FactCorrection.objects.exists()


def test_facts_of_another_contact_or_workspace_are_404(
    operator_client, outsider, workspace, persona
):
    message = perceived(workspace, NURSE)
    other = perceived(workspace, "I'm a teacher", external_id="m-2", contact="c-2")
    assert other.conversation_id != message.conversation_id
    theirs = ContactFact.objects.get(value="teacher")

    wrong_contact = operator_client.post(
        fact_url(message, theirs), {"action": "correct", "value": "pilot"}
    )
    from_outside = logged_in(outsider).post(fact_url(other, theirs), {"action": "delete"})

    assert (wrong_contact.status_code, from_outside.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.value == "teacher"
    assert not FactCorrection.objects.exists()
