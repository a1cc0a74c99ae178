"""LoRA fine-tuning for real, on CPU: operator edits -> dataset -> a job on the `train`
worker -> evaluation and gate -> deployment to the persona -> its suggestions come from the
adapter -> rollback. The packaged SmolLM2-135M is the base model; a few optimizer steps
are enough to change what it writes."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conversations import decisions, pipeline
from conversations.adapters import adapter_backend
from conversations.models import Conversation, SuggestionSet
from core.redis import redis_client
from mlops import lora, lora_training
from mlops.datasets import create_sample_dataset
from mlops.llm import GenerationParams, transformers_backend
from mlops.llm_replies import CACHE_PREFIX, schema_for
from mlops.models import ModelVersion, TrainingJob
from personas.models import Persona
from tests.conftest import receive, wait_until

# Operators keep rewriting the suggestions into one recognisable voice.
CUSTOMER_MESSAGES = [
    "hey, how was your day?",
    "what are you up to tonight?",
    "do you have any pets?",
    "you seem fun, where are you from?",
    "what music do you like?",
    "any plans for the weekend?",
]
OPERATOR_REPLY = "Biscuit and I say hi, sweetie! {}"
DETAILS = [
    "Long day, cosy now.",
    "Movie night!",
    "Just my cat.",
    "Sunny Austin.",
    "Jazz!",
    "Beach.",
]

FAST = {"learning_rate": 0.003, "batch_size": 2, "gradient_accumulation": 1}


def edited_conversations(workspace, operator) -> None:
    """Six conversations, each with one suggestion edited into the operators' voice."""
    # The voice names her cat and her town: the persona's profile says so, or the
    # invented-fact check would rightly refuse what the adapter learns to write.
    Persona.objects.filter(workspace=workspace, name="Mia").update(
        profile={"pets": "a cat called Biscuit", "home": "Austin"}
    )
    for index, text in enumerate(CUSTOMER_MESSAGES):
        message = receive(workspace, text, f"lora-{index}", contact=f"c-{index}")
        suggestion_set = pipeline.suggest(message, f"lora-{index}")
        assert suggestion_set is not None
        first = suggestion_set.suggestions.order_by("position")[0]
        conversation = Conversation.objects.get(pk=message.conversation_id)
        decisions.send_reply(
            conversation, operator, OPERATOR_REPLY.format(DETAILS[index]), first.pk
        )


def status_of(api, job_id: str) -> dict:
    response = api.get(f"/api/training/status/{job_id}")
    assert response.status_code == 200
    return response.json()


def watch(api, job_id: str, timeout: float = 400) -> tuple[dict, list[tuple[float, str]]]:
    """Poll the status API like the page does; return the last status and what was seen."""
    seen: list[tuple[float, str]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = status_of(api, job_id)
        if not seen or seen[-1] != (status["progress"], status["stage"]):
            seen.append((status["progress"], status["stage"]))
        if status["status"] not in ("queued", "processing"):
            return status, seen
        time.sleep(0.3)
    pytest.fail(f"the training job did not finish within {timeout}s: {seen[-3:]}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
@pytest.mark.timeout(600)
def test_operator_edits_train_an_adapter_that_then_writes_the_personas_suggestions(
    celery_worker, workspace, persona, operator, api, settings
):
    edited_conversations(workspace, operator)

    built = api.post(
        "/api/datasets", {"persona_id": persona.pk}, content_type="application/json"
    ).json()
    assert built["counts"]["edit"] == 6
    assert built["counts"]["sft-train"] + built["counts"]["sft-eval"] == 6
    assert built["counts"]["sft-eval"] >= 1

    started = api.post(
        "/api/training/start",
        {"kind": "lora", "dataset_id": built["id"], **FAST},
        content_type="application/json",
    )
    assert started.status_code == 202
    job_id = started.json()["job_id"]
    status, seen = watch(api, job_id)

    # Progress was visible while it trained, and it finished with an adapter on disk.
    assert status["status"] == "completed", status
    assert status["kind"] == "lora" and status["progress"] == 100
    assert any(stage.startswith("step 1/") for _, stage in seen), seen
    progress_values = [p for p, _ in seen]
    assert progress_values == sorted(progress_values)
    # The answer names the adapter; where it lies on disk stays on the server.
    registered = ModelVersion.objects.get(kind="lora", workspace_id=workspace.pk)
    assert status["adapter"] == registered.metrics["adapter"]
    adapter_folder = Path(registered.artifact)
    assert (adapter_folder / "adapter_config.json").exists()
    assert json.loads((adapter_folder / "adapter_config.json").read_text())["r"] == 16

    # The evaluation: the adapter fits the held-out replies better than the base model.
    metrics, gate = status["metrics"], status["gate"]
    assert metrics["new"]["eval_loss"] < metrics["base"]["eval_loss"]
    assert gate["passed"] is True and gate["compared_with"] == "base model"
    assert len(metrics["examples"]) == built["counts"]["sft-eval"]

    # Deploying drops the persona's cached completions and switches its model.
    cache = redis_client()
    cache.set(f"{CACHE_PREFIX}{workspace.pk}:Mia:0:stale", "[]")
    deployed = api.post(f"/api/model/deploy/{job_id}")
    assert deployed.status_code == 200, deployed.content
    body = deployed.json()
    assert body["cache_invalidated"] is True and body["cache_entries_deleted"] == 1
    assert not cache.exists(f"{CACHE_PREFIX}{workspace.pk}:Mia:0:stale")
    persona.refresh_from_db()
    assert persona.adapter_id is not None and persona.llm_model == body["adapter"]

    # The persona's next suggestions come from the adapter, in-process.
    settings.LLM_TIMEOUT_SECONDS = 120
    settings.LLM_DEADLINE_SECONDS = 240
    settings.LLM_MAX_TOKENS = 24
    later = receive(workspace, "tell me something about you", "lora-later", contact="c-9")
    suggestion_set = pipeline.suggest(later, "lora-later")
    assert suggestion_set is not None and not suggestion_set.is_fallback
    assert suggestion_set.model_version == f"transformers:{body['adapter']}"
    assert suggestion_set.suggestions.count() >= 1

    # What the adapter writes differs from the base model's reply to the same prompt.
    prompt = [{"role": "user", "content": "Their new message: any pets?\nWrite your reply."}]
    params = GenerationParams(max_tokens=24, json_schema=schema_for(("warm",))).deterministic()
    tuned = adapter_backend(persona)
    assert tuned is not None
    base = transformers_backend(str(lora.base_model_folder()))
    tuned_text = json.loads(tuned.complete(prompt, params, 120)[0])["text"]
    base_text = json.loads(base.complete(prompt, params, 120)[0])["text"]
    assert tuned_text != base_text

    # Rollback: the persona is back on what it had before (here: no adapter).
    rolled = api.post(f"/api/model/rollback/{persona.pk}")
    assert rolled.status_code == 200 and rolled.json()["adapter"] is None
    persona.refresh_from_db()
    assert persona.adapter_id is None and persona.llm_model == ""
    after = receive(workspace, "and what about tomorrow?", "lora-after", contact="c-9")
    restored = pipeline.suggest(after, "lora-after")
    assert restored is not None
    assert not restored.model_version.startswith("transformers:")
    version = ModelVersion.objects.get(kind="lora", persona_id=persona.pk)
    assert version.status == "retired" and version.rolled_back_at is not None


def worker_idle() -> bool:
    from dashboard.celery import app

    active = app.control.inspect(timeout=1).active() or {}
    return bool(active) and not any(active.values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
@pytest.mark.timeout(600)
def test_a_running_job_stops_when_cancelled_and_registers_nothing(
    celery_worker, workspace, persona, api
):
    # Long samples in big batches: each step takes seconds on CPU, so the job is still
    # running when the cancel arrives.
    story = "Tell me everything about your week, day by day, in detail. " * 25
    samples = [
        {"input": f"{story} Question {i}?", "output": f"I like thing number {i}."}
        for i in range(16)
    ]
    started = api.post(
        "/api/training/start",
        {"kind": "lora", "samples": samples, "persona_id": persona.pk, "batch_size": 12},
        content_type="application/json",
    )
    job_id = started.json()["job_id"]
    wait_until(lambda: status_of(api, job_id)["stage"].startswith("step 1/"), timeout=300)

    cancelled = api.post(f"/api/training/cancel/{job_id}")
    assert cancelled.status_code == 200

    job = TrainingJob.objects.get(job_id=job_id)
    # The worker notices before its next batch, or when it reports the step it is on,
    # and goes idle without saving or evaluating anything.
    wait_until(worker_idle, timeout=120, interval=0.5)
    job.refresh_from_db()
    assert job.stage.startswith("step "), job.stage
    assert job.status == "cancelled" and job.result is None
    assert job.progress < 80
    assert not ModelVersion.objects.filter(kind="lora").exists()
    assert api.post(f"/api/model/deploy/{job_id}").status_code == 409


@pytest.mark.django_db
@pytest.mark.timeout(600)
def test_the_gate_refuses_an_adapter_that_is_worse_on_the_eval_split(
    workspace, persona, api, settings
):
    """A learning rate a thousand times too high wrecks the model: its held-out loss is
    worse than the base model's, so the job completes but cannot be deployed."""
    samples = [
        {"input": f"Their new message: {text}", "output": reply}
        for text, reply in [
            ("hi!", "Hey you, how is your day going?"),
            ("what's up", "Not much, just got back from a walk."),
            ("you there?", "Yes, sorry, I was cooking dinner."),
            ("good night", "Sleep well, talk tomorrow!"),
            ("how are you", "Pretty good, a bit tired today."),
        ]
    ]
    dataset = create_sample_dataset(workspace.pk, persona.pk, samples, None)
    job = TrainingJob.objects.create(
        kind="lora",
        workspace_id=workspace.pk,
        persona_id=persona.pk,
        dataset=dataset,
        config={"learning_rate": 0.5, "batch_size": 2, "gradient_accumulation": 1},
    )

    lora_training.run(job)

    job.refresh_from_db()
    assert job.status == "completed" and job.result is not None
    assert job.gate["passed"] is False
    assert any("eval loss" in reason for reason in job.gate["reasons"])
    new_loss = job.result.metrics["new"]["eval_loss"]
    assert new_loss is None or new_loss > job.result.metrics["base"]["eval_loss"]
    refused = api.post(f"/api/model/deploy/{job.job_id}")
    assert refused.status_code == 409
    assert "gate did not pass" in refused.json()["detail"]
    assert Persona.objects.get(pk=persona.pk).adapter_id is None
    assert not SuggestionSet.objects.exists()


# -- serving by name on vLLM (--enable-lora) -------------------------------------------------


class VllmStandIn(ThreadingHTTPServer):
    """Speaks the two parts of vLLM's protocol this path uses: runtime LoRA loading and
    chat completions that refuse a model name the server does not serve."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), VllmHandler)
        self.loaded: dict[str, str] = {}
        self.models_asked: list[str] = []


class VllmHandler(BaseHTTPRequestHandler):
    server: VllmStandIn

    def log_message(self, *args) -> None:  # quiet
        pass

    def reply(self, status: int, body: str, content_type: str = "application/json") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/v1/load_lora_adapter":
            name = body["lora_name"]
            if name in self.server.loaded:
                self.reply(400, f"The lora adapter '{name}' has already been loaded.", "text/plain")
                return
            self.server.loaded[name] = body["lora_path"]
            self.reply(200, f"Success: LoRA adapter '{name}' added successfully.", "text/plain")
            return
        model = body["model"]
        if model != "base-model" and model not in self.server.loaded:
            self.reply(
                404, json.dumps({"error": {"message": f"The model `{model}` does not exist."}})
            )
            return
        self.server.models_asked.append(model)
        choices = [
            {
                "index": i,
                "message": {
                    "role": "assistant",
                    "content": json.dumps(
                        {
                            "text": f"Reply {i} from {model}",
                            "theme": "warm",
                            "descriptor": "stand-in",
                            "confidence": 0.9,
                        }
                    ),
                },
            }
            for i in range(body.get("n", 1))
        ]
        self.reply(200, json.dumps({"choices": choices}))


@pytest.fixture
def vllm(settings):
    server = VllmStandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LLM_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LLM_MODEL = "base-model"
    settings.LLM_ADAPTERS = "server"
    settings.LLM_STRUCTURED_OUTPUT = "json_schema"
    yield server
    server.shutdown()
    server.server_close()


def passed_job(workspace, persona, version: int) -> TrainingJob:
    """A finished job whose adapter passed the gate (training itself is tested above)."""
    dataset = create_sample_dataset(
        workspace.pk,
        persona.pk,
        [{"input": "a", "output": "b"}, {"input": "c", "output": "d"}],
        None,
    )
    result = ModelVersion.objects.create(
        kind="lora",
        version=version,
        workspace_id=workspace.pk,
        persona_id=persona.pk,
        dataset=dataset,
        artifact=f"/srv/adapters/mia-v{version}",
        metrics={"adapter": f"mia-lora-v{version}"},
    )
    return TrainingJob.objects.create(
        kind="lora",
        workspace_id=workspace.pk,
        persona_id=persona.pk,
        dataset=dataset,
        status="completed",
        result=result,
        gate={"passed": True, "reasons": []},
    )


@pytest.mark.django_db
def test_on_vllm_deploying_loads_the_adapter_and_suggestions_ask_for_it_by_name(
    vllm, workspace, persona, api
):
    first, second = passed_job(workspace, persona, 1), passed_job(workspace, persona, 2)

    assert api.post(f"/api/model/deploy/{first.job_id}").status_code == 200
    assert api.post(f"/api/model/deploy/{second.job_id}").status_code == 200
    assert vllm.loaded == {
        "mia-lora-v1": "/srv/adapters/mia-v1",
        "mia-lora-v2": "/srv/adapters/mia-v2",
    }

    message = receive(workspace, "hey you, what's new?", "vllm-1")
    suggestion_set = pipeline.suggest(message, "vllm-1")
    assert suggestion_set is not None and not suggestion_set.is_fallback
    assert suggestion_set.model_version == "openai-compatible:mia-lora-v2"
    assert set(vllm.models_asked) == {"mia-lora-v2"}
    drafts = suggestion_set.suggestions.exclude(source__in=["sent", "bootstrap", "phrase"])
    assert drafts and all(s.source == "adapter" for s in drafts)  # the badge says adapter
    assert all("from mia-lora-v2" in s.text for s in drafts)

    # Rollback goes back to v1, which vLLM still serves (its 400 "already loaded" is fine).
    rolled = api.post(f"/api/model/rollback/{persona.pk}")
    assert rolled.status_code == 200 and rolled.json()["adapter"] == "mia-lora-v1"
    later = receive(workspace, "and tomorrow?", "vllm-2")
    again = pipeline.suggest(later, "vllm-2")
    assert again is not None and again.model_version == "openai-compatible:mia-lora-v1"


@pytest.mark.django_db
def test_a_model_server_that_cannot_load_the_adapter_leaves_the_persona_as_it_was(
    vllm, workspace, persona, api, settings
):
    settings.LLM_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    job = passed_job(workspace, persona, 1)

    response = api.post(f"/api/model/deploy/{job.job_id}")

    assert response.status_code == 409
    assert "unreachable" in response.json()["detail"]
    persona.refresh_from_db()
    assert persona.adapter_id is None and persona.llm_model == ""
    assert job.result is not None
    assert ModelVersion.objects.get(pk=job.result.pk).status == "candidate"
