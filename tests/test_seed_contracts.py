"""The seeds' contracts, as their clients call them: seed 001's transition answers with a bot
message and its GET carries the conversion probability, state history, user profile,
metadata and each turn's bot message; seed 003's campaign greeting opens a conversation's
first reply and every built-in playbook state has human-sounding fallbacks; seed 002's
/model/reload drops the completion cache and says what is configured."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client, override_settings

from conversations import builtin_playbooks, decisions, ingestion, journeys, pipeline
from conversations.models import Conversation, Message, Playbook, Turn
from conversations.suggestions import fallback_replies
from core import dispatch
from core.models import AuditEvent
from core.redis import redis_client
from mlops.llm_replies import CACHE_PREFIX
from personas.models import Campaign, Persona
from tests.conftest import receive
from tests.test_finetune_api import reply_dataset, trained_job
from tests.test_journey_api import report, say, start

pytestmark = pytest.mark.django_db


def fallbacks_of(state: str, playbook: str = "sales-7") -> tuple[str, ...]:
    return Playbook.objects.get(slug=playbook, workspace=None).spec.states[state].fallbacks


def last_message(conversation_id: int) -> Message:
    turn = Turn.objects.filter(conversation_id=conversation_id).select_related("message").last()
    assert turn is not None and turn.message is not None
    return turn.message


# -- seed 001: bot messages ------------------------------------------------------------------


def test_a_turn_answers_with_the_fallback_then_the_drafted_then_the_sent_reply(
    api, persona, operator
):
    conversation_id = start(api).json()["conversation_id"]

    moved = say(api, conversation_id, "Yes, I'd love to hear more", user_name="John").json()

    # Drafting runs on the workers, so the answer is the new state's human line.
    assert moved["state"] == "interest_qualification"
    assert moved["bot_message"] == fallbacks_of("interest_qualification")[0]
    assert moved["bot_message_source"] == "fallback"

    message = last_message(conversation_id)
    drafted = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
    assert drafted is not None
    best = drafted.suggestions.order_by("position").values_list("text", flat=True)[0]
    turn = report(api, conversation_id)["turns"][-1]
    assert (turn["bot_message"], turn["bot_message_source"]) == (best, "suggested")
    assert turn["user_message"] == "Yes, I'd love to hear more"

    conversation = Conversation.objects.get(pk=conversation_id)
    decisions.send_reply(conversation, operator, "Great! What's slowing your team down most?")
    turn = report(api, conversation_id)["turns"][-1]
    assert turn["bot_message"] == "Great! What's slowing your team down most?"
    assert turn["bot_message_source"] == "sent"


def test_the_conversation_carries_seed_001s_fields(api, persona):
    conversation_id = start(api, user_name="John").json()["conversation_id"]
    say(api, conversation_id, "Yes, I'd love to hear more", user_name="John")
    say(api, conversation_id, "Sure, scaling is my challenge")

    body = report(api, conversation_id)

    assert [(h["state"], h["from"], h["by"]) for h in body["state_history"]] == [
        ("initial_contact", None, "start"),
        ("interest_qualification", "initial_contact", "yes"),
        ("value_proposition", "interest_qualification", "yes"),
    ]
    assert body["user_profile"]["user_id"] == "user123"
    assert body["user_profile"]["user_name"] == "John"
    assert body["metadata"]["persona"] == "Mia"
    assert body["metadata"]["channel"] and body["metadata"]["updated_at"]
    assert all(turn["bot_message"] for turn in body["turns"])
    assert [t["state_after"] for t in body["turns"]][-2:] == [
        "interest_qualification",
        "value_proposition",
    ]
    assert 0.0 < body["conversion_probability"] < 1.0


def ended(workspace, visited: list[str], outcome: str) -> None:
    conversation = ingestion.start_conversation(workspace, "u-old", "Old", "hi", "sales-7", "Mia")
    Conversation.objects.filter(pk=conversation.pk).update(visited_states=visited, outcome=outcome)


def probability(api: Client, conversation_id: int) -> tuple[float, dict]:
    body = report(api, conversation_id)
    return body["conversion_probability"], body["conversion_basis"]


def test_conversion_probability_is_the_funnels_rate_from_the_current_state(api, workspace, persona):
    conversation_id = start(api).json()["conversation_id"]
    assert probability(api, conversation_id)[0] == 0.5  # nothing has ended yet: even odds

    for _ in range(3):
        ended(workspace, ["initial_contact", "value_proposition", "price_negotiation"], "success")
        ended(workspace, ["initial_contact"], "declined")

    # Overall 3 of 6 converted (prior 0.5); from initial_contact also 3 of 6.
    value, basis = probability(api, conversation_id)
    assert (value, basis) == (0.5, {"value": 0.5, "method": "funnel", "ended_from_state": 6})
    Conversation.objects.filter(pk=conversation_id).update(journey_state="price_negotiation")
    # From price_negotiation all 3 converted: (3 + 5 * 0.5) / (3 + 5).
    assert probability(api, conversation_id) == (
        0.6875,
        {"value": 0.6875, "method": "funnel", "ended_from_state": 3},
    )
    Conversation.objects.filter(pk=conversation_id).update(outcome="success")
    assert probability(api, conversation_id)[0] == 1.0


def test_another_workspaces_conversations_do_not_move_the_probability(
    api, workspace, other_workspace, persona
):
    Persona.objects.create(workspace=other_workspace, name="Mia")
    for _ in range(4):
        ended(other_workspace, ["initial_contact"], "success")
    conversation_id = start(api).json()["conversation_id"]

    assert probability(api, conversation_id)[0] == 0.5


# -- seed 003: greeting_override and fallbacks -------------------------------------------


def campaign_message(workspace, text: str, external_id: str, campaign: str = "spring") -> Message:
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage("api", external_id, "fan-1", "Sam", "Mia", text, campaign),
    )
    message = Message.objects.get(pk=result.message_id)
    pipeline.perceive(message)
    pipeline.suggest(message, dispatch.auto_request_key(message.pk))
    return message


def options_for(message: Message) -> list[str]:
    first_set = message.suggestion_sets.order_by("created_at")[0]
    return list(first_set.suggestions.order_by("position").values_list("text", flat=True))


def test_a_campaigns_greeting_opens_its_conversations_first_reply_only(
    workspace, persona, operator
):
    greeting = "Hey you! So glad you found the spring drop"
    Campaign.objects.create(
        workspace=workspace,
        slug="spring",
        name="Spring",
        active=True,
        prompt_config={"greeting_override": greeting},
    )

    first = campaign_message(workspace, "hi there", "m-1")
    assert options_for(first)[0] == greeting
    assert options_for(first).count(greeting) == 1

    decisions.send_reply(first.conversation, operator, greeting)
    second = campaign_message(workspace, "so what's new?", "m-2")
    assert greeting not in options_for(second)

    without_campaign = receive(workspace, "hello", "m-3", contact="fan-2")
    pipeline.suggest(without_campaign, dispatch.auto_request_key(without_campaign.pk))
    assert greeting not in options_for(without_campaign)


# Words that give away a machine or a failure; a fallback must sound like a person.
MACHINE_WORDS = re.compile(
    r"\b(ai|bot|model|assistant|error|technical|difficult(y|ies)|system|automated)\b", re.I
)


def test_every_state_of_every_built_in_playbook_has_human_fallbacks(workspace, persona):
    documents = builtin_playbooks.builtin_documents()
    assert {d["slug"] for d in documents} >= {"call-outcome", "creator-dm", "sales-7"}
    for document in documents:
        spec = journeys.parse_playbook(document)
        for name, state in spec.states.items():
            assert state.fallbacks, f"{spec.slug}: {name} has no fallback"
            for line in state.fallbacks:
                assert not MACHINE_WORDS.search(line), f"{spec.slug}: {name}: {line!r}"


def test_a_conversation_gets_its_states_own_fallback_lines(workspace, persona):
    for slug in ("creator-dm", "sales-7", "call-outcome"):
        conversation = ingestion.start_conversation(workspace, f"u-{slug}", "Sam", "hi", slug)
        for state, spec in conversation.playbook.spec.states.items():
            conversation.journey_state = state
            lines = [option.text for option in fallback_replies(conversation)]
            assert lines == list(spec.fallbacks)


# -- seed 002: /model/reload -------------------------------------------------------------


def cached(workspace_id: int, name: str) -> str:
    key = f"{CACHE_PREFIX}{workspace_id}:{name}"
    redis_client().set(key, '{"options": []}', ex=600)
    return key


# A model server by URL, as ./dev run configures one (the tests draft with templates).
SERVED = override_settings(
    LLM_BACKEND="openai", LLM_BASE_URL="http://127.0.0.1:9", LLM_MODEL="qwen-7b"
)


def test_reload_answers_what_is_configured_when_it_is_called(api):
    assert api.post("/api/model/reload").json()["model"] == "template-v2"
    with SERVED:
        body = api.post("/api/model/reload").json()
    assert (body["model"], body["backend"]) == ("qwen-7b", "openai-compatible")


@SERVED
def test_reload_drops_only_this_workspaces_completions_and_names_the_model(
    api, workspace, other_workspace
):
    ours = [cached(workspace.pk, "Mia:0:a"), cached(workspace.pk, "generate:b")]
    theirs = cached(other_workspace.pk, "Mia:0:a")

    response = api.post("/api/model/reload")

    assert response.status_code == 200
    body = response.json()
    assert (body["model"], body["backend"], body["adapters"]) == (
        "qwen-7b",
        "openai-compatible",
        {},
    )
    assert (body["cache_invalidated"], body["cache_entries_deleted"]) == (True, 2)
    assert not any(redis_client().exists(key) for key in ours)
    assert redis_client().exists(theirs)
    event = AuditEvent.objects.get(action="model.reload")
    assert (event.workspace, event.after["cache_entries_deleted"]) == (workspace, 2)
    assert event.actor_name.startswith("api key test")


@SERVED
def test_reload_accepts_the_configured_model_or_a_personas_adapter(
    api, workspace, persona, tmp_path
):
    job = trained_job(persona, reply_dataset(workspace, persona, tmp_path), 1)
    assert api.post(f"/api/model/deploy/{job.job_id}").status_code == 200
    persona.refresh_from_db()

    same = api.post("/api/model/reload?model_id=qwen-7b").json()
    adapter = api.post(f"/api/model/reload?model_id={persona.llm_model}").json()

    assert same["model"] == "qwen-7b"
    assert (adapter["model"], adapter["backend"]) == (persona.llm_model, "adapter")
    assert adapter["adapters"] == {"Mia": persona.llm_model}


@pytest.mark.parametrize(
    ("query", "named"),
    [("model_id=gpt-9", "model_id: 'gpt-9' is not served"), ("model_id=" + "x" * 201, "model_id")],
)
def test_a_bad_reload_is_422_naming_the_field_and_drops_nothing(
    api, workspace, other_workspace, query, named
):
    ours = cached(workspace.pk, "Mia:0:a")

    response = api.post(f"/api/model/reload?{query}")

    assert response.status_code == 422
    assert named in response.json()["detail"]
    assert redis_client().exists(ours)
    assert not AuditEvent.objects.exists()


def test_another_workspaces_adapter_is_not_a_model_this_one_may_name(
    api, other_workspace, tmp_path
):
    theirs = Persona.objects.create(workspace=other_workspace, name="Zoe")
    trained_job(theirs, reply_dataset(other_workspace, theirs, tmp_path), 1)
    adapter = f"ws{other_workspace.pk}-persona{theirs.pk}-lora-v1"
    Persona.objects.filter(pk=theirs.pk).update(llm_model=adapter)

    response = api.post(f"/api/model/reload?model_id={adapter}")

    assert response.status_code == 422
    assert "model_id" in response.json()["detail"]
    assert Client().post("/api/model/reload").status_code == 401  # no key, no reload


# -- seed 002: /health names the model and says whether it answers -------------------------


class ModelServer:
    """A real OpenAI-compatible model list on a loopback port (what vLLM answers)."""

    def __init__(self, models: list[str]) -> None:
        body = json.dumps({"object": "list", "data": [{"id": m} for m in models]}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status = 200 if self.path == "/v1/models" else 404
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body if status == 200 else b"{}")

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def fresh_model_probe():
    """Each test asks its own model server: no answer remembered from another test."""
    client = redis_client()
    stale = list(client.scan_iter("health:model:*"))
    if stale:
        client.delete(*stale)


def health() -> dict:
    return Client().get("/api/health").json()


def served_by(url: str, model: str = "qwen-7b"):
    return override_settings(LLM_BACKEND="openai", LLM_BASE_URL=url, LLM_MODEL=model)


def test_health_names_the_configured_model_and_that_it_answers(db):
    server = ModelServer(["qwen-7b"])
    try:
        with served_by(server.url):
            report = health()
    finally:
        server.stop()

    assert (report["model_loaded"], report["model_version"]) == (True, "qwen-7b")
    assert report["model"]["backend"] == "openai-compatible"
    assert report["models"]["generator"] == "qwen-7b"


def test_health_says_so_when_the_server_does_not_serve_the_model(db):
    server = ModelServer(["llama-3-8b"])
    try:
        with served_by(server.url):
            report = health()
    finally:
        server.stop()

    assert (report["model_loaded"], report["model_version"]) == (False, "qwen-7b")
    assert report["status"] == "degraded"


def test_health_remembers_the_answer_briefly_and_a_reload_asks_again(api):
    server = ModelServer(["qwen-7b"])
    with served_by(server.url):
        assert health()["model_loaded"] is True
        server.stop()  # the model server goes away
        assert health()["model_loaded"] is True  # remembered for a few seconds
        reloaded = api.post("/api/model/reload").json()
        assert (reloaded["model"], reloaded["model_loaded"]) == ("qwen-7b", False)
        assert health()["model_loaded"] is False


def test_the_template_generator_always_answers(db):
    with override_settings(LLM_BACKEND="openai", LLM_BASE_URL=""):
        report = health()
    assert (report["model_loaded"], report["model_version"]) == (True, "template-v2")
