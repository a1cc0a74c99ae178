"""Per-tenant fairness: one workspace's use of the shared model server and training
workers never ends, slows or blocks another's.

The model server is a real HTTP server on loopback speaking the OpenAI protocol (the
outage tests' stand-in, tests/test_model_outages.py): it answers every workspace well,
except tenant A, whose prompts (its persona, Vex) make it hang or fail, as a flood of
huge prompts would. Everything else is real: PostgreSQL, Redis, the API and the pages.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client

from conversations import ingestion, pipeline, presence
from conversations.models import Conversation, Message, SuggestionSet
from conversations.replies import circuit
from conversations.tasks import perceive_message
from core import dispatch
from core.broker import queue_keys
from core.models import ApiKey, Workspace
from mlops import llm_quota
from personas.models import Campaign, Persona
from tests.conftest import receive
from tests.test_llm import LLM_ALIAS, clear_llm_keys
from tests.test_model_outages import BrokenModelHandler, BrokenModelServer

pytestmark = pytest.mark.django_db

FLOODER_PERSONA = "Vex"
REPLIES = ["haha that sounds fun, tell me more", "oh nice, how was your day so far"]


class TenantAwareHandler(BrokenModelHandler):
    """Tenant A's prompts get the broken server (hang or 500); everyone else an answer."""

    server: TenantModelServer

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.loads(raw or b"{}")
        self.server.bodies.append(body)
        if FLOODER_PERSONA in json.dumps(body.get("messages", [])):
            self.rfile = io.BytesIO(raw)  # the broken handler reads the body itself
            super().do_POST()
            return
        self.answer(body)

    def answer(self, body: dict) -> None:
        schema = (body.get("response_format") or {}).get("schema") or (
            (body.get("response_format") or {}).get("json_schema", {}).get("schema")
        )
        contents = [self.content(schema, index) for index in range(int(body.get("n") or 1))]
        payload = json.dumps(
            {"choices": [{"index": i, "message": {"content": c}} for i, c in enumerate(contents)]}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    @staticmethod
    def content(schema: dict | None, index: int) -> str:
        text = REPLIES[index % len(REPLIES)]
        if schema is None:  # a plain rewrite (the style endpoint)
            return text
        theme = schema["properties"]["theme"]["enum"][0]
        reply = {"text": text, "theme": theme, "descriptor": "playful", "confidence": 0.8}
        return json.dumps(reply)


class TenantModelServer(BrokenModelServer):
    def __init__(self, mode: str) -> None:
        super().__init__(mode)
        self.RequestHandlerClass = TenantAwareHandler
        self.bodies: list[dict[str, Any]] = []


@pytest.fixture(params=["hang", "500"])
def model_server(request, settings) -> Iterator[TenantModelServer]:
    server = TenantModelServer(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LLM_BASE_URL = server.url
    settings.LLM_MODEL = LLM_ALIAS
    settings.LLM_STRUCTURED_OUTPUT = "json_object"
    settings.LLM_SUGGESTIONS = 2
    settings.LLM_TIMEOUT_SECONDS = 0.5
    settings.LLM_DEADLINE_SECONDS = 1.0
    settings.LLM_CIRCUIT_FAILURES = 2
    clear_llm_keys()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
        clear_llm_keys()


@pytest.fixture
def flooder(other_workspace) -> Workspace:
    """Tenant A: the other workspace, its persona, its own API key."""
    Persona.objects.create(workspace=other_workspace, name=FLOODER_PERSONA)
    return other_workspace


def key_client(workspace: Workspace) -> Client:
    return Client(headers={"X-API-Key": ApiKey.issue(workspace, "fairness")})


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def chat(client: Client, persona: str, user: str, text: str = "hey, how are you?"):
    return post(client, "/api/chat", {"persona_name": persona, "user_id": user, "message": text})


def test_tenant_a_flooding_the_model_neither_ends_nor_degrades_tenant_bs_conversations(
    model_server, flooder, workspace, persona, settings
):
    settings.LLM_RATE_PER_MINUTE = 6
    tenant_a, tenant_b = key_client(flooder), key_client(workspace)

    flood = [chat(tenant_a, FLOODER_PERSONA, f"a-{n}") for n in range(10)]

    # B's conversation goes on with the model's drafts, turn after turn: not flagged as
    # fallback, no model error counted, not ended (two errors would end it, seed 003).
    for text in ("hey, how are you?", "what are you up to tonight?"):
        answered = chat(tenant_b, "Mia", "b-1", text)
        assert answered.status_code == 200, answered.content
        body = answered.json()
        assert body["is_fallback"] is False, body
        assert {o["source"] for o in body["options"]} & {"model"}, body["options"]
    conversation = Conversation.objects.get(pk=body["conversation_id"])
    assert conversation.llm_error_count == 0 and conversation.outcome == ""
    assert body["phase"] != "ended"

    # B's /api/suggestions and background drafting for an inbound message work too.
    suggested = post(
        tenant_b,
        "/api/suggestions",
        {"conversation_id": "b-2", "messages": [{"role": "user", "content": "hi there!"}]},
    )
    assert suggested.status_code == 200, suggested.content
    assert suggested.json()["model_version"].startswith("openai-compatible")
    message = receive(workspace, "so what's new?", "b-inbound", contact="c-b")
    drafted = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
    assert drafted is not None and not drafted.is_fallback
    assert drafted.suggestions.filter(source="model").exists()

    # A's calls the server choked on fell back, its own circuit opened (B's stayed
    # closed), and past its quota A got 429 with the reason.
    assert [r.status_code for r in flood] == [200] * 6 + [429] * 4
    assert all(r.json()["is_fallback"] for r in flood[:6])
    assert "model quota spent" in flood[-1].json()["detail"]
    assert circuit(flooder.pk).is_open()
    assert not circuit(workspace.pk).is_open()


def test_failures_open_only_the_workspace_that_saw_them_and_an_outage_opens_each(
    workspace, other_workspace, settings
):
    settings.LLM_CIRCUIT_FAILURES = 2
    clear_llm_keys()
    for _ in range(2):
        circuit(other_workspace.pk).record_failure()
    assert circuit(other_workspace.pk).is_open()
    assert not circuit(workspace.pk).is_open()

    # A real outage: each workspace's own calls fail, and each circuit opens in turn.
    for _ in range(2):
        circuit(workspace.pk).record_failure()
    assert circuit(workspace.pk).is_open()
    clear_llm_keys()


# -- every route that calls the model spends the workspace's quota -------------------------


@pytest.fixture
def one_call_a_minute(model_server, settings) -> TenantModelServer:
    settings.LLM_RATE_PER_MINUTE = 1
    return model_server


@pytest.mark.parametrize("model_server", ["500"], indirect=True)
def test_chat_counts_against_the_quota_and_a_refused_call_stores_nothing(
    one_call_a_minute, workspace, persona, other_workspace, api
):
    assert chat(api, "Mia", "u-1").status_code == 200
    refused = chat(api, "Mia", "u-2")

    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("model quota spent: this workspace may make 1")
    assert not Conversation.objects.filter(contact__external_id="u-2").exists()
    # Another workspace's budget is its own.
    Persona.objects.create(workspace=other_workspace, name="Zoe")
    assert chat(key_client(other_workspace), "Zoe", "u-3").status_code == 200


@pytest.mark.parametrize("model_server", ["500"], indirect=True)
def test_style_rewrites_by_the_model_count_against_the_quota(one_call_a_minute, api):
    learned = post(
        api,
        "/api/style/learn",
        {"user_id": "op", "contact_id": "c", "samples": [{"output": "heyyy how r u lol"}]},
    )
    assert learned.status_code == 200, learned.content
    body = {"user_id": "op", "contact_id": "c", "response": "Hello, how are you?"}

    by_rules = [post(api, "/api/style/apply", body).status_code for _ in range(3)]
    first = post(api, "/api/style/apply", {**body, "use_llm": True})
    second = post(api, "/api/style/apply", {**body, "use_llm": True})

    assert by_rules == [200, 200, 200]  # the rules never call the model: not counted
    assert first.status_code == 200 and first.json()["method"] == "llm"
    assert second.status_code == 429
    assert "model quota spent" in second.json()["detail"]


@pytest.mark.parametrize("model_server", ["500"], indirect=True)
def test_regenerate_counts_against_the_quota_and_says_so_on_the_page(
    one_call_a_minute, workspace, persona, operator_client
):
    message = receive(workspace, "hey you", "m-1")
    url = f"/w/acme/c/{message.conversation_id}/regenerate/"
    htmx = {"HX-Request": "true"}

    first = operator_client.post(url, headers=htmx)
    second = operator_client.post(url, headers=htmx)

    assert first.status_code == 200
    assert second.status_code == 429
    assert "model quota spent" in second.content.decode()


@pytest.mark.parametrize("model_server", ["500"], indirect=True)
def test_background_drafting_has_its_own_budget_and_past_it_drafts_come_without_the_model(
    model_server, workspace, persona, settings
):
    settings.LLM_DRAFTS_PER_MINUTE = 2
    settings.LLM_SUGGESTIONS = 1  # one model call per drafted message
    drafts: list[SuggestionSet] = []
    for n in range(3):
        message = receive(workspace, f"hey, message {n}", f"m-{n}", contact=f"c-{n}")
        drafted = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
        assert drafted is not None
        drafts.append(drafted)

    sources = [set(d.suggestions.values_list("source", flat=True)) for d in drafts]
    assert all("model" in s for s in sources[:2]), sources
    spent = drafts[2]
    assert "model" not in sources[2] and spent.suggestions.exists()
    assert not spent.is_fallback and "model budget spent" in spent.generation["model_budget"]
    # Not a model failure: the conversation is not counted an error, let alone ended.
    assert Conversation.objects.get(pk=spent.conversation_id).llm_error_count == 0
    assert not circuit(workspace.pk).is_open()


@pytest.mark.parametrize("model_server", ["500"], indirect=True)
def test_max_tokens_is_capped_by_the_server(model_server, workspace, persona, api, settings):
    settings.LLM_MAX_TOKENS_CAP = 64
    refused = post(api, "/api/generate", {"prompt": "User: hi\nAssistant:", "max_tokens": 65})
    assert refused.status_code == 422
    assert "max_tokens" in refused.json()["detail"] and "64" in refused.json()["detail"]

    # A campaign's prompt config cannot ask for more either.
    campaign = Campaign.objects.create(
        workspace=workspace, slug="long", name="Long", prompt_config={"max_tokens": 5000}
    )
    message = receive(workspace, "hey there", "m-1")
    Conversation.objects.filter(pk=message.conversation_id).update(campaign=campaign)
    pipeline.suggest(message, dispatch.auto_request_key(message.pk))

    asked = [b["max_tokens"] for b in model_server.bodies if "max_tokens" in b]
    assert asked and max(asked) == 64


def flooders_message(workspace: Workspace, external_id: str) -> Message:
    """An inbound message to tenant A's persona, stored and perceived."""
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage("api", external_id, external_id, "Al", FLOODER_PERSONA, "hi"),
    )
    message = Message.objects.get(pk=result.message_id)
    pipeline.perceive(message)
    return message


def test_tenant_as_failing_drafts_leave_tenant_bs_background_drafts_alone(
    model_server, workspace, persona, flooder
):
    """The background pipeline alone: A's inbound messages fail on the model until its
    circuit opens; the drafts B's operators see still come from the model."""
    errors = []
    for n in range(3):
        message = flooders_message(flooder, f"a-{n}")
        failed = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
        assert failed is not None and failed.is_fallback
        errors.append(failed.generation["error"])
    assert "circuit open" in errors[-1]

    message = receive(workspace, "hey, still there?", "m-1")
    drafted = pipeline.suggest(message, dispatch.auto_request_key(message.pk))

    assert isinstance(drafted, SuggestionSet) and not drafted.is_fallback
    assert "error" not in drafted.generation
    assert drafted.suggestions.filter(source="model").exists()


def drafts_waiting_by_priority() -> list[int]:
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    return [int(broker.llen(key)) for key in queue_keys("llm")]


def test_a_tenant_past_its_drafting_budget_is_drafted_after_everyone_else(
    workspace, persona, flooder, settings, django_capture_on_commit_callbacks
):
    settings.LLM_DRAFTS_PER_MINUTE = 1
    assert llm_quota.allow_draft(flooder.pk)  # A's flood used its minute's budget
    stored = [
        ingestion.ingest(flooder, ingestion.InboundMessage("api", "a-1", "a", "Al", "Vex", "hi")),
        ingestion.ingest(workspace, ingestion.InboundMessage("api", "b-1", "b", "Bo", "Mia", "hi")),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        for result in stored:  # the ml worker's task, in arrival order: A first
            perceive_message.apply(args=[result.message_id])

    waiting = drafts_waiting_by_priority()
    assert waiting[presence.OVER_BUDGET_PRIORITY] == 1  # A's draft: after everyone's
    assert sum(waiting[: presence.OVER_BUDGET_PRIORITY]) == 1  # B's: by its triage
