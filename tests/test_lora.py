"""LoRA fine-tuning for real, on CPU: operator edits -> dataset -> a job on the `train`
worker -> evaluation and gate -> deployment to the persona -> its suggestions come from the
adapter -> rollback. The packaged SmolLM2-135M is the base model; a few optimizer steps
are enough to change what it writes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conversations import decisions, pipeline
from conversations.adapters import adapter_backend
from conversations.connectors import redis_client
from conversations.models import Conversation, SuggestionSet
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
    adapter_folder = Path(status["output_path"])
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
@pytest.mark.timeout(600)
def test_a_running_job_stops_when_cancelled_and_registers_nothing(
    celery_worker, workspace, persona, api
):
    samples = [
        {"input": f"Question {i}: what do you like?", "output": f"I like thing number {i}."}
        for i in range(12)
    ]
    started = api.post(
        "/api/training/start",
        {
            "kind": "lora",
            "samples": samples,
            "persona_id": persona.pk,
            "batch_size": 1,
            "gradient_accumulation": 16,
        },
        content_type="application/json",
    )
    job_id = started.json()["job_id"]
    wait_until(lambda: status_of(api, job_id)["stage"].startswith("step 1/"), timeout=300)

    cancelled = api.post(f"/api/training/cancel/{job_id}")
    assert cancelled.status_code == 200

    job = TrainingJob.objects.get(job_id=job_id)
    time.sleep(3)  # the worker notices within one micro-batch
    job.refresh_from_db()
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
