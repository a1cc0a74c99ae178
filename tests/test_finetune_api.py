"""LoRA fine-tuning from operator decisions: the training/model/dataset API and the
fine-tuning page. Nothing here trains: jobs stay queued (on_commit never fires inside a
test transaction, so no task is sent) and trained versions are made as rows."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conversations import decisions, pipeline
from conversations.models import Message, Suggestion
from conversations.training_api import base_model_name
from core.models import Role, Workspace
from core.redis import redis_client
from mlops import registry
from mlops.datasets import PARTS, eval_conversations, scrub
from mlops.models import Dataset, ModelVersion, TrainingJob
from personas.models import Persona
from tests.conftest import PASSWORD, make_user, receive

pytestmark = pytest.mark.django_db

SAMPLES = [
    {"input": "hey, love your pics!", "output": "aww thank you, that made my day", "quality": 1},
    {"input": "how was the gym?", "output": "exhausting but worth it, you?", "quality": 0.8},
    {"input": "what are you up to tonight?", "output": "movie night, any tips?", "quality": 0.9},
]


def built_datasets():
    """Fine-tuning datasets: the bootstrap reply library is stored as a Dataset too, the
    first time a persona gets a message."""
    return Dataset.objects.exclude(kind="reply-library")


def json_post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def reply_dataset(workspace: Workspace, persona: Persona | None, tmp_path, version: str = "v1"):
    folder = tmp_path / f"dataset-{workspace.pk}-{version}"
    folder.mkdir()
    return Dataset.objects.create(
        kind="replies",
        version=version,
        workspace_id=workspace.pk,
        persona_id=persona.pk if persona else None,
        rows=2,
        path=str(folder),
        sha256="-",
        sources={"sft-train": 1, "sft-eval": 1, "dpo-train": 0, "dpo-eval": 0},
    )


def adapter_name_for(persona: Persona, version: int) -> str:
    return f"ws{persona.workspace_id}-persona{persona.pk}-lora-v{version}"


def trained_job(
    persona: Persona, dataset: Dataset, version: int, reasons: list[str] | None = None
) -> TrainingJob:
    """A completed LoRA job with its registered version; the gate passed unless reasons."""
    name = adapter_name_for(persona, version)
    model = ModelVersion.objects.create(
        kind="lora",
        version=version,
        workspace_id=persona.workspace_id,
        persona_id=persona.pk,
        dataset=dataset,
        artifact=f"/tmp/adapters/{name}",
        metrics={"adapter": name},
    )
    return TrainingJob.objects.create(
        kind="lora",
        workspace_id=persona.workspace_id,
        persona_id=persona.pk,
        dataset=dataset,
        status=TrainingJob.Status.COMPLETED,
        progress=100,
        result=model,
        gate={"passed": not reasons, "reasons": reasons or []},
    )


@pytest.fixture
def dataset(workspace, persona, tmp_path) -> Dataset:
    return reply_dataset(workspace, persona, tmp_path)


@pytest.fixture
def other_persona(other_workspace) -> Persona:
    return Persona.objects.create(workspace=other_workspace, name="Mia")


@pytest.fixture
def other_dataset(other_workspace, other_persona, tmp_path) -> Dataset:
    dataset = reply_dataset(other_workspace, other_persona, tmp_path)
    (tmp_path / f"dataset-{other_workspace.pk}-v1" / "sft-train.jsonl").write_text('{"x": 1}\n')
    return dataset


@pytest.fixture
def cache_keys() -> Iterator[list[str]]:
    """Redis keys a test sets; removed afterwards (clean_redis leaves llm:cache:* alone)."""
    keys: list[str] = []
    yield keys
    if keys:
        redis_client().delete(*keys)


# -- operator decisions, made the way the inbox makes them ----------------------------------


def suggestions_for(message: Message) -> list[Suggestion]:
    suggestion_set = pipeline.suggest(message, f"test:{message.pk}")
    assert suggestion_set is not None
    return list(suggestion_set.suggestions.order_by("position"))


@pytest.fixture
def replies(workspace, persona, operator) -> dict[str, Any]:
    """An accepted suggestion in one conversation, an edited one in another."""
    first = receive(workspace, "hey, love your pics!", "m-1", contact="c-1")
    second = receive(workspace, "I just got back from the gym, so tired", "m-2", contact="c-2")
    accepted = suggestions_for(first)[0]
    edited = suggestions_for(second)[0]
    edit_text = " ".join(edited.text.split()) + " What did you train today?"
    accept = decisions.send_reply(first.conversation, operator, accepted.text, accepted.pk)
    edit = decisions.send_reply(second.conversation, operator, edit_text, edited.pk)
    assert (accept.action, edit.action) == ("accept", "edit")
    return {
        "accepted": first.conversation,
        "edited": second.conversation,
        "accepted_text": accept.final_text,
        "edited_text": edit.final_text,
        "shown_text": edit.shown_text,
    }


def held_out(replies: dict[str, Any]) -> set[int]:
    return eval_conversations({replies["accepted"].pk, replies["edited"].pk}, 0.2)


# -- 1. POST /api/training/start (lora): validation --------------------------------------------

DROP = object()  # remove the key from the body

INVALID_STARTS = [
    ("neither dataset nor samples", {"samples": DROP}, 422, "give either dataset_id or samples"),
    ("both dataset and samples", {"dataset_id": "DATASET"}, 422, "give either dataset_id"),
    ("one sample", {"samples": SAMPLES[:1]}, 422, "samples: at least two"),
    ("no samples", {"samples": []}, 422, "samples: at least two"),
    ("unknown persona", {"persona_id": 987654321}, 422, "persona_id: name a persona"),
    ("another workspace's persona", {"persona_id": "OTHER_PERSONA"}, 422, "persona_id: name"),
    ("no persona", {"persona_id": DROP}, 422, "persona_id: name a persona of this workspace"),
    ("learning rate too high", {"learning_rate": 5}, 422, ["learning_rate"]),
    ("learning rate zero", {"learning_rate": 0}, 422, ["learning_rate"]),
    ("lora rank zero", {"lora_rank": 0}, 422, ["lora_rank"]),
    ("lora rank too high", {"lora_rank": 1024}, 422, ["lora_rank"]),
    ("epochs zero", {"epochs": 0}, 422, ["epochs"]),
    ("dropout one", {"lora_dropout": 1}, 422, ["lora_dropout"]),
    ("sequence too short", {"max_seq_length": 32}, 422, ["max_seq_length"]),
    (
        "blank sample output",
        {"samples": [SAMPLES[0], {"input": "hi", "output": "  "}]},
        422,
        ["samples", 1, "output"],
    ),
    (
        "quality above one",
        {"samples": [SAMPLES[0], {**SAMPLES[1], "quality": 2}]},
        422,
        ["samples", 1, "quality"],
    ),
    ("unknown kind", {"kind": "gpt"}, 422, ["kind"]),
    ("wrong base model", {"base_model": "meta-llama/Llama-3-70B"}, 422, "base_model: this server"),
    (
        "another workspace's dataset",
        {"samples": DROP, "dataset_id": "OTHER_DATASET"},
        404,
        "dataset_id: no such reply dataset in this workspace",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "status", "expected"),
    [case[1:] for case in INVALID_STARTS],
    ids=[case[0] for case in INVALID_STARTS],
)
def test_an_invalid_lora_start_is_refused_and_queues_nothing(
    api, persona, dataset, other_persona, other_dataset, overrides, status, expected
):
    placeholders = {
        "DATASET": dataset.pk,
        "OTHER_PERSONA": other_persona.pk,
        "OTHER_DATASET": other_dataset.pk,
    }
    body: dict[str, Any] = {"kind": "lora", "persona_id": persona.pk, "samples": SAMPLES}
    for key, value in overrides.items():
        if value is DROP:
            body.pop(key)
        else:
            body[key] = placeholders.get(value, value) if isinstance(value, str) else value

    response = json_post(api, "/api/training/start", body)

    assert response.status_code == status, response.content
    body = response.json()
    if isinstance(expected, str):
        assert expected in body["detail"]
    else:  # the schema refused it: the errors name the field, the sentence too
        assert [error["loc"][-len(expected) :] for error in body["errors"]] == [expected]
        assert body["detail"].startswith(".".join(str(part) for part in expected) + ": ")
    assert not TrainingJob.objects.exists()
    assert built_datasets().count() == 2  # the fixtures' own, nothing new


def test_a_lora_start_from_samples_queues_a_job_on_a_new_dataset(api, workspace, persona):
    response = json_post(
        api,
        "/api/training/start",
        {
            "kind": "lora",
            "persona_id": persona.pk,
            "samples": SAMPLES,
            "base_model": base_model_name(),
            "learning_rate": 0.0005,
            "epochs": 2,
            "lora_rank": 8,
            "max_steps": 3,
        },
    )

    assert response.status_code == 202, response.content
    job = TrainingJob.objects.get()
    assert response.json() == {"job_id": str(job.job_id), "status": "queued", "kind": "lora"}
    assert (job.kind, job.status, job.workspace_id, job.persona_id) == (
        "lora",
        "queued",
        workspace.pk,
        persona.pk,
    )
    assert job.config == {"learning_rate": 0.0005, "epochs": 2, "lora_rank": 8, "max_steps": 3}
    dataset = built_datasets().get()
    assert job.dataset == dataset
    assert (dataset.kind, dataset.version, dataset.workspace_id, dataset.persona_id) == (
        "replies",
        "v1",
        workspace.pk,
        persona.pk,
    )
    # Three samples, three "conversations": one is held out to evaluate.
    assert dataset.rows == 3
    assert dataset.sources == {
        "samples": 3,
        "sft-train": 2,
        "sft-eval": 1,
        "dpo-train": 0,
        "dpo-eval": 0,
    }
    rows = registry.load_part(dataset, "sft-train") + registry.load_part(dataset, "sft-eval")
    assert sorted((r["messages"][0]["content"], r["messages"][1]["content"]) for r in rows) == (
        sorted((s["input"], s["output"]) for s in SAMPLES)
    )
    assert sorted(r["weight"] for r in rows) == [0.8, 0.9, 1.0]

    status = api.get(f"/api/training/status/{job.job_id}").json()
    assert status == {
        "job_id": str(job.job_id),
        "kind": "lora",
        "status": "queued",
        "progress": 0,
        "stage": "",
        "adapter": None,
        "error": None,
        "persona_id": persona.pk,
        "dataset_id": dataset.pk,
        "promoted": False,
        "gate": None,
        "model_version": None,
        "metrics": None,
    }


def test_a_lora_start_from_a_dataset_takes_the_datasets_persona(api, persona, dataset):
    response = json_post(api, "/api/training/start", {"kind": "lora", "dataset_id": dataset.pk})

    assert response.status_code == 202, response.content
    job = TrainingJob.objects.get()
    assert (job.persona_id, job.dataset, job.config) == (persona.pk, dataset, {})
    assert built_datasets().count() == 1  # no copy of the dataset


def test_another_workspaces_job_is_404_for_status_cancel_and_deploy(
    api, other_persona, other_dataset
):
    job = trained_job(other_persona, other_dataset, 1)
    queued = TrainingJob.objects.create(
        kind="lora", workspace_id=other_persona.workspace_id, persona_id=other_persona.pk
    )

    assert api.get(f"/api/training/status/{job.job_id}").status_code == 404
    assert api.post(f"/api/training/cancel/{queued.job_id}").status_code == 404
    assert api.post(f"/api/model/deploy/{job.job_id}").status_code == 404

    queued.refresh_from_db()
    assert queued.status == "queued"
    other_persona.refresh_from_db()
    assert (other_persona.adapter, other_persona.llm_model) == (None, "")
    assert ModelVersion.objects.get().status == "candidate"


def test_cancelling_a_queued_job_then_again_is_409(api, persona, dataset):
    job = TrainingJob.objects.create(
        kind="lora", workspace_id=persona.workspace_id, persona_id=persona.pk, dataset=dataset
    )

    first = api.post(f"/api/training/cancel/{job.job_id}")
    assert first.status_code == 200
    assert first.json() == {"job_id": str(job.job_id), "status": "cancelled"}
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert api.get(f"/api/training/status/{job.job_id}").json()["status"] == "cancelled"

    again = api.post(f"/api/training/cancel/{job.job_id}")
    assert again.status_code == 409
    assert again.json() == {"detail": "the job is already cancelled"}


# -- 2. POST /api/model/deploy/{job_id} ---------------------------------------------------------


def test_a_job_that_failed_its_gate_is_not_deployed(api, persona, dataset):
    reasons = [
        "eval loss 2.4 is not below the base model's 2.1",
        "replies are further from the operators' (0.1) than the base model's (0.3)",
    ]
    job = trained_job(persona, dataset, 1, reasons=reasons)

    response = api.post(f"/api/model/deploy/{job.job_id}")

    assert response.status_code == 409
    assert response.json() == {"detail": "the evaluation gate did not pass: " + "; ".join(reasons)}
    persona.refresh_from_db()
    assert (persona.adapter, persona.llm_model) == (None, "")
    version = ModelVersion.objects.get()
    assert (version.status, version.deployed_at) == ("candidate", None)


def test_a_job_without_a_model_is_not_deployed(api, persona, dataset):
    job = TrainingJob.objects.create(
        kind="lora", workspace_id=persona.workspace_id, persona_id=persona.pk, dataset=dataset
    )

    response = api.post(f"/api/model/deploy/{job.job_id}")

    assert response.status_code == 409
    assert response.json() == {"detail": "the job has no adapter to deploy (status queued)"}


def test_deploying_makes_the_adapter_the_personas_and_drops_its_cache(
    api, workspace, other_workspace, persona, dataset, cache_keys
):
    zoe = Persona.objects.create(workspace=workspace, name="Zoe")
    first, second = trained_job(persona, dataset, 1), trained_job(persona, dataset, 2)
    assert api.post(f"/api/model/deploy/{first.job_id}").status_code == 200
    client = redis_client()
    ours = [f"llm:cache:{workspace.pk}:Mia:0:abc", f"llm:cache:{workspace.pk}:Mia:1:def"]
    survivors = [
        f"llm:cache:{workspace.pk}:Zoe:0:abc",  # another persona
        f"llm:cache:{workspace.pk}:Mia2:0:abc",  # a name that starts the same
        f"llm:cache:{other_workspace.pk}:Mia:0:abc",  # the other workspace's Mia
    ]
    cache_keys.extend(ours + survivors)
    for key in ours + survivors:
        client.set(key, "cached completion")

    response = api.post(f"/api/model/deploy/{second.job_id}")

    assert response.status_code == 200, response.content
    name = adapter_name_for(persona, 2)
    assert response.json() == {
        "status": "deployed",
        "job_id": str(second.job_id),
        "kind": "lora",
        "persona_id": persona.pk,
        "adapter": name,
        "model_version": 2,
        "cache_invalidated": True,
        "cache_entries_deleted": 2,
    }
    assert client.exists(*ours) == 0
    assert client.exists(*survivors) == len(survivors)
    persona.refresh_from_db()
    assert (persona.adapter, persona.llm_model) == (second.result, name)
    zoe.refresh_from_db()
    assert (zoe.adapter, zoe.llm_model) == (None, "")
    assert first.result is not None and second.result is not None
    first.result.refresh_from_db()
    second.result.refresh_from_db()
    assert first.result.status == "retired"
    assert second.result.status == "active"
    assert second.result.deployed_at is not None
    assert second.result.rolled_back_at is None


@pytest.mark.parametrize(
    ("name", "lookalike"),
    [("M*a?", "Maria!"), ("Mia [VIP]", "Mia V"), ("Mi\\a", "Mia")],
    ids=["star and question mark", "brackets", "backslash"],
)
def test_cache_invalidation_takes_a_personas_name_literally(
    api, workspace, dataset, cache_keys, name, lookalike
):
    """The persona's own entries go, and none of a persona its name would glob-match."""
    special = Persona.objects.create(workspace=workspace, name=name)
    Persona.objects.get_or_create(workspace=workspace, name=lookalike)
    job = trained_job(special, dataset, 1)
    client = redis_client()
    own, other = (f"llm:cache:{workspace.pk}:{n}:0:abc" for n in (name, lookalike))
    cache_keys.extend([own, other])
    client.set(own, "x")
    client.set(other, "x")

    response = api.post(f"/api/model/deploy/{job.job_id}")

    assert response.status_code == 200
    assert (client.exists(own), client.exists(other)) == (0, 1)
    assert response.json()["cache_entries_deleted"] == 1


def test_deploying_one_personas_adapter_leaves_anothers_active(api, workspace, persona, dataset):
    zoe = Persona.objects.create(workspace=workspace, name="Zoe")
    mia_job, zoe_job = trained_job(persona, dataset, 1), trained_job(zoe, dataset, 2)

    assert api.post(f"/api/model/deploy/{mia_job.job_id}").status_code == 200
    assert api.post(f"/api/model/deploy/{zoe_job.job_id}").status_code == 200

    assert sorted(ModelVersion.objects.values_list("version", "status")) == [
        (1, "active"),
        (2, "active"),
    ]


# -- 3. POST /api/model/rollback/{persona_id} ---------------------------------------------------


def test_rollback_walks_back_through_the_deployed_versions_to_the_base_model(api, persona, dataset):
    jobs = [trained_job(persona, dataset, version) for version in (1, 2, 3)]
    for job in jobs:
        assert api.post(f"/api/model/deploy/{job.job_id}").status_code == 200
    url = f"/api/model/rollback/{persona.pk}"

    seen = []
    for _ in range(3):
        response = api.post(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["persona_id"], body["cache_invalidated"]) == (
            "rolled_back",
            persona.pk,
            True,
        )
        persona.refresh_from_db()
        seen.append((body["model_version"], body["adapter"], persona.llm_model))
        expected = jobs[body["model_version"] - 1].result_id if body["model_version"] else None
        assert persona.adapter_id == expected

    assert seen == [
        (2, adapter_name_for(persona, 2), adapter_name_for(persona, 2)),
        (1, adapter_name_for(persona, 1), adapter_name_for(persona, 1)),
        (None, None, ""),
    ]
    versions = ModelVersion.objects.order_by("version")
    assert [(v.version, v.status, v.rolled_back_at is not None) for v in versions] == [
        (1, "retired", True),
        (2, "retired", True),
        (3, "retired", True),
    ]

    again = api.post(url)
    assert again.status_code == 409
    assert again.json() == {"detail": "Mia has no adapter deployed; nothing to roll back"}


def test_rollback_drops_the_personas_cache(api, workspace, persona, dataset, cache_keys):
    job = trained_job(persona, dataset, 1)
    assert api.post(f"/api/model/deploy/{job.job_id}").status_code == 200
    key = f"llm:cache:{workspace.pk}:Mia:0:abc"
    cache_keys.append(key)
    redis_client().set(key, "from the adapter")

    response = api.post(f"/api/model/rollback/{persona.pk}")

    assert response.json()["cache_entries_deleted"] == 1
    assert not redis_client().exists(key)


def test_rollback_of_another_workspaces_persona_is_404(api, other_persona, other_dataset):
    job = trained_job(other_persona, other_dataset, 1)
    assert job.result is not None
    other_persona.adapter, other_persona.llm_model = job.result, "kept"
    other_persona.save()

    response = api.post(f"/api/model/rollback/{other_persona.pk}")

    assert response.status_code == 404
    other_persona.refresh_from_db()
    assert (other_persona.adapter, other_persona.llm_model) == (job.result, "kept")


# -- 4. /api/datasets ----------------------------------------------------------------------------


def test_a_dataset_needs_accepted_or_edited_replies(api, persona):
    response = json_post(api, "/api/datasets", {})

    assert response.status_code == 422
    assert response.json() == {"detail": "no accepted or edited replies to learn from yet"}
    assert not built_datasets().exists()


def test_a_dataset_of_only_manual_replies_is_empty_unless_they_are_included(
    api, workspace, persona, operator
):
    message = receive(workspace, "hey, love your pics!", "m-1")
    decisions.send_reply(message.conversation, operator, "typed by hand, no suggestion")

    assert json_post(api, "/api/datasets", {}).status_code == 422
    response = json_post(api, "/api/datasets", {"include_manual": True})
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 1
    assert response.json()["counts"]["manual"] == 1


def test_a_dataset_for_an_unknown_or_foreign_persona_is_422(api, replies, other_persona):
    for persona_id in (other_persona.pk, 987654321):
        response = json_post(api, "/api/datasets", {"persona_id": persona_id})
        assert response.status_code == 422
        assert response.json() == {"detail": "persona_id: no such persona in this workspace"}
    assert not built_datasets().exists()


def test_building_a_dataset_from_decisions(api, workspace, persona, replies):
    response = json_post(api, "/api/datasets", {})

    assert response.status_code == 201, response.content
    body = response.json()
    dataset = built_datasets().get()
    held = held_out(replies)
    edit_held = replies["edited"].pk in held
    assert len(held) == 1
    assert body == {
        "id": dataset.pk,
        "version": "v1",
        "persona_id": None,
        "rows": 2,
        "sha256": dataset.sha256,
        "counts": {
            "accept": 1,
            "edit": 1,
            "manual": 0,
            "reject": 0,
            "duplicates_removed": 0,
            "unpaired_rejections": 0,
            "sft-train": 1,
            "sft-eval": 1,
            "dpo-train": 0 if edit_held else 1,
            "dpo-eval": 1 if edit_held else 0,
        },
        "config": {
            "persona_id": None,
            "include_manual": False,
            "scrub_pii": True,
            "eval_fraction": 0.2,
            "history_turns": 6,
            "weights": {"accept": 1.0, "edit": 1.0, "manual": 0.5},
        },
        "parts": {part: f"/api/datasets/{dataset.pk}/download?part={part}" for part in PARTS},
        "created_at": dataset.created_at.isoformat(),
    }
    assert (dataset.workspace_id, dataset.kind) == (workspace.pk, "replies")
    assert len(dataset.sha256) == 64

    second = json_post(api, "/api/datasets", {"persona_id": persona.pk, "eval_fraction": 0})
    assert second.status_code == 201
    assert (second.json()["version"], second.json()["persona_id"]) == ("v2", persona.pk)
    assert {k: second.json()["counts"][k] for k in ("sft-train", "sft-eval")} == {
        "sft-train": 2,
        "sft-eval": 0,
    }


def test_dataset_fields_are_bounded(api, replies):
    for body in ({"eval_fraction": 0.9}, {"history_turns": -1}, {"weight_edit": 2}):
        assert json_post(api, "/api/datasets", body).status_code == 422, body
    assert not built_datasets().exists()


def test_datasets_are_listed_and_shown_only_to_their_workspace(
    api, replies, other_dataset, tmp_path
):
    ours = json_post(api, "/api/datasets", {}).json()

    listed = api.get("/api/datasets")
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["datasets"]] == [ours["id"]]
    detail = api.get(f"/api/datasets/{ours['id']}")
    assert detail.status_code == 200
    assert detail.json() == ours
    assert api.get(f"/api/datasets/{other_dataset.pk}").status_code == 404
    assert api.get(f"/api/datasets/{other_dataset.pk}/download?part=sft-train").status_code == 404
    assert api.get("/api/datasets/987654321").status_code == 404


def test_downloading_dataset_parts(api, replies):
    dataset_id = json_post(api, "/api/datasets", {}).json()["id"]
    names = ["Sam"]

    lines: dict[str, list[dict]] = {}
    for part in PARTS:
        response = api.get(f"/api/datasets/{dataset_id}/download?part={part}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/x-ndjson"
        assert response["Content-Disposition"] == (
            f'attachment; filename="replies-v1-{part}.jsonl"'
        )
        text = response.content.decode()
        assert text == "" or text.endswith("\n")
        lines[part] = [json.loads(line) for line in text.splitlines()]

    sft = lines["sft-train"] + lines["sft-eval"]
    assert sorted(row["messages"][-1]["content"] for row in sft) == sorted(
        [scrub(replies["accepted_text"], names), scrub(replies["edited_text"], names)]
    )
    assert all(row["messages"][-1]["role"] == "assistant" for row in sft)
    assert all(row["messages"][0]["role"] == "system" for row in sft)
    assert sorted(row["meta"]["action"] for row in sft) == ["accept", "edit"]
    [pair] = lines["dpo-train"] + lines["dpo-eval"]
    assert (pair["chosen"], pair["rejected"]) == (
        scrub(replies["edited_text"], names),
        scrub(replies["shown_text"], names),
    )
    assert pair["meta"]["source"] == "edit"
    assert pair["meta"]["conversation_id"] == replies["edited"].pk
    [held] = held_out(replies)
    assert [row["meta"]["conversation_id"] for row in lines["sft-eval"]] == [held]
    # The default part is sft-train.
    default = api.get(f"/api/datasets/{dataset_id}/download")
    assert [json.loads(line) for line in default.content.decode().splitlines()] == (
        lines["sft-train"]
    )


def test_an_unknown_part_is_422(api, replies):
    dataset_id = json_post(api, "/api/datasets", {}).json()["id"]

    response = api.get(f"/api/datasets/{dataset_id}/download?part=everything")

    assert response.status_code == 422
    assert response.json() == {"detail": "part: one of sft-train, sft-eval, dpo-train, dpo-eval"}


# -- 5. the fine-tuning page --------------------------------------------------------------------


def logged_in(username: str, workspace: Workspace, role: str) -> Client:
    make_user(username, workspace, role)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def manager(workspace) -> Client:
    return logged_in("maya", workspace, Role.MANAGER)


def url(name: str, **ids: int) -> str:
    return reverse(name, kwargs={"slug": "acme", **ids})


def error_of(response) -> str:
    found = re.search(r"<p [^>]*data-error>(.*?)</p>", response.content.decode(), re.DOTALL)
    assert found, "no [data-error] on the page"
    return html.unescape(found.group(1))


def adapter_cell(response, persona_name: str) -> str:
    page = response.content.decode()
    found = re.search(
        rf'<tr data-persona="{persona_name}">.*?<td data-adapter>(.*?)</td>', page, re.DOTALL
    )
    assert found, f"no adapter row for {persona_name}"
    return re.sub(r"<small.*?</small>", "", found.group(1), flags=re.DOTALL).strip()


def test_a_manager_sees_the_decision_counts(manager, replies):
    page = manager.get(url("finetune"))

    assert page.status_code == 200
    assert page.context["decisions"] == [{"persona": "Mia", "accept": 1, "edit": 1}]
    assert "<tr><td>Mia</td><td>1</td><td>1</td><td>0</td><td>0</td></tr>" in (
        page.content.decode()
    )


def test_an_admin_may_use_the_page(workspace):
    admin = logged_in("ada", workspace, Role.ADMIN)
    assert admin.get(url("finetune")).status_code == 200


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.LABELER])
def test_operators_and_labelers_are_403_everywhere(workspace, persona, tmp_path, role):
    client = logged_in("otto", workspace, role)
    dataset = reply_dataset(workspace, persona, tmp_path)
    queued = TrainingJob.objects.create(
        kind="lora", workspace_id=workspace.pk, persona_id=persona.pk, dataset=dataset
    )
    deployable = trained_job(persona, dataset, 1)
    routes = [
        ("get", url("finetune")),
        ("get", url("finetune_download", dataset_id=dataset.pk) + "?part=sft-train"),
        ("post", url("finetune_build")),
        ("post", url("finetune_train", dataset_id=dataset.pk)),
        ("post", url("finetune_cancel", job_id=queued.pk)),
        ("post", url("finetune_deploy", job_id=deployable.pk)),
        ("post", url("finetune_rollback", persona_id=persona.pk)),
    ]

    for method, address in routes:
        data = {"persona": persona.pk} if method == "post" else {}
        response = getattr(client, method)(address, data)
        assert response.status_code == 403, (method, address)

    assert built_datasets().count() == 1
    assert sorted(TrainingJob.objects.values_list("status", flat=True)) == ["completed", "queued"]
    persona.refresh_from_db()
    assert persona.adapter is None
    assert ModelVersion.objects.get().status == "candidate"


def test_building_a_dataset_on_the_page(manager, workspace, replies):
    empty_persona = Persona.objects.create(workspace=workspace, name="Zoe")
    nothing = manager.post(url("finetune_build"), {"persona": empty_persona.pk, "scrub_pii": "1"})
    assert nothing.status_code == 422
    assert error_of(nothing) == "No dataset: no accepted or edited replies to learn from yet."
    assert not built_datasets().exists()

    response = manager.post(url("finetune_build"), {"scrub_pii": "1", "eval_fraction": "0.2"})

    assert response.status_code == 302
    assert response["Location"] == url("finetune")
    dataset = built_datasets().get()
    assert (dataset.version, dataset.persona_id) == ("v1", None)
    assert dataset.created_by is not None and dataset.created_by.username == "maya"
    assert dataset.config["scrub_pii"] is True
    page = manager.get(url("finetune")).content.decode()
    assert '<tr data-dataset="v1">' in page
    assert "<td>all personas</td>" in page
    assert "<td data-sft>1 / 1</td>" in page


def test_building_a_dataset_with_no_decisions_is_422(manager, persona):
    response = manager.post(url("finetune_build"), {"scrub_pii": "1"})

    assert response.status_code == 422
    assert error_of(response) == "No dataset: no accepted or edited replies to learn from yet."
    assert not built_datasets().exists()


@pytest.mark.parametrize("fraction", ["0.9", "-0.1", "half"])
def test_a_bad_held_out_share_is_422(manager, replies, fraction):
    response = manager.post(url("finetune_build"), {"eval_fraction": fraction})

    assert response.status_code == 422
    assert error_of(response) == "The held-out share must be between 0 and 0.5."
    assert not built_datasets().exists()


def test_building_for_another_workspaces_persona_is_422(manager, replies, other_persona):
    response = manager.post(url("finetune_build"), {"persona": other_persona.pk})

    assert response.status_code == 422
    assert error_of(response) == "Choose a persona of this workspace."
    assert not built_datasets().exists()


def test_training_settings_are_checked_on_the_page(manager, persona, dataset):
    response = manager.post(
        url("finetune_train", dataset_id=dataset.pk), {"learning_rate": "abc", "epochs": "2"}
    )

    assert response.status_code == 422
    message = error_of(response)
    assert message.startswith("Check the training settings: learning_rate: ")
    assert "valid number" in message
    assert not TrainingJob.objects.exists()

    too_big = manager.post(url("finetune_train", dataset_id=dataset.pk), {"lora_rank": "0"})
    assert too_big.status_code == 422
    assert error_of(too_big).startswith("Check the training settings: lora_rank: ")
    assert not TrainingJob.objects.exists()


def test_training_needs_a_persona_of_the_workspace(manager, workspace, other_persona, tmp_path):
    all_personas = reply_dataset(workspace, None, tmp_path)

    response = manager.post(
        url("finetune_train", dataset_id=all_personas.pk), {"persona": other_persona.pk}
    )

    assert response.status_code == 422
    assert error_of(response) == "Choose the persona the adapter is for."
    assert not TrainingJob.objects.exists()


def test_a_training_form_queues_a_job_shown_with_its_persona(manager, workspace, persona, replies):
    assert manager.post(url("finetune_build"), {"scrub_pii": "1"}).status_code == 302
    dataset = built_datasets().get()
    page = manager.get(url("finetune")).content.decode()
    assert 'name="persona" aria-label="persona"' in page  # an all-personas dataset asks

    response = manager.post(
        url("finetune_train", dataset_id=dataset.pk),
        {"persona": persona.pk, "learning_rate": "0.0005", "epochs": "2", "max_steps": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == url("finetune")
    job = TrainingJob.objects.get()
    assert (job.kind, job.status, job.persona_id, job.dataset, job.workspace_id) == (
        "lora",
        "queued",
        persona.pk,
        dataset,
        workspace.pk,
    )
    assert job.config == {"learning_rate": 0.0005, "epochs": 2}
    assert job.created_by is not None and job.created_by.username == "maya"
    page = manager.get(url("finetune")).content.decode()
    assert f'data-job="{job.job_id}" data-status="queued"' in page
    assert "<strong>Mia</strong> · dataset v1" in page
    assert "data-cancel" in page
    # The job list polls while something is queued, and stops once nothing is.
    assert manager.get(url("finetune"), headers={"HX-Request": "true"}).status_code == 200
    assert manager.post(url("finetune_cancel", job_id=job.pk)).status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert manager.get(url("finetune"), headers={"HX-Request": "true"}).status_code == 286


def test_deploy_and_rollback_from_the_page(manager, persona, dataset, cache_keys):
    job = trained_job(persona, dataset, 1)
    name = adapter_name_for(persona, 1)
    before = manager.get(url("finetune"))
    assert adapter_cell(before, "Mia") == "base model"
    assert "data-deploy>" in before.content.decode()
    assert 'data-gate="passed"' in before.content.decode()

    deployed = manager.post(url("finetune_deploy", job_id=job.pk))

    assert deployed.status_code == 302
    assert deployed["Location"] == url("finetune")
    page = manager.get(url("finetune"))
    assert adapter_cell(page, "Mia") == name
    assert "data-deploy>" not in page.content.decode()
    assert f"<strong data-deployed>Deployed</strong> as {name}." in page.content.decode()
    persona.refresh_from_db()
    assert persona.llm_model == name

    rolled_back = manager.post(url("finetune_rollback", persona_id=persona.pk))

    assert rolled_back.status_code == 302
    assert adapter_cell(manager.get(url("finetune")), "Mia") == "base model"
    persona.refresh_from_db()
    assert (persona.adapter, persona.llm_model) == (None, "")

    nothing = manager.post(url("finetune_rollback", persona_id=persona.pk))
    assert nothing.status_code == 422
    assert error_of(nothing) == (
        "Not rolled back: Mia has no adapter deployed; nothing to roll back."
    )


def test_a_failed_gate_cannot_be_deployed_from_the_page(manager, persona, dataset):
    job = trained_job(persona, dataset, 1, reasons=["eval loss 2.4 is not below 2.1"])
    page = manager.get(url("finetune")).content.decode()
    assert 'data-gate="failed"' in page
    assert "data-deploy>" not in page

    response = manager.post(url("finetune_deploy", job_id=job.pk))

    assert response.status_code == 422
    assert error_of(response) == (
        "Not deployed: the evaluation gate did not pass: eval loss 2.4 is not below 2.1."
    )
    persona.refresh_from_db()
    assert persona.adapter is None


def test_downloading_from_the_page(manager, replies, other_dataset):
    assert manager.post(url("finetune_build"), {"scrub_pii": "1"}).status_code == 302
    dataset = built_datasets().get(workspace_id=replies["accepted"].workspace_id)

    response = manager.get(url("finetune_download", dataset_id=dataset.pk) + "?part=sft-eval")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in response.content.decode().splitlines()]
    assert [row["meta"]["conversation_id"] for row in rows] == sorted(held_out(replies))
    foreign = manager.get(url("finetune_download", dataset_id=other_dataset.pk))
    assert foreign.status_code == 404
    bad_part = manager.get(url("finetune_download", dataset_id=dataset.pk) + "?part=all")
    assert bad_part.status_code == 422


def test_the_page_shows_only_the_workspaces_own(
    manager, persona, dataset, other_persona, other_dataset
):
    ours = TrainingJob.objects.create(
        kind="lora", workspace_id=persona.workspace_id, persona_id=persona.pk, dataset=dataset
    )
    trained_job(other_persona, other_dataset, 1)

    page = manager.get(url("finetune"))

    assert [d.pk for d in page.context["datasets"]] == [dataset.pk]
    assert [job.pk for job in page.context["jobs"]] == [ours.pk]
    assert [row["persona"].pk for row in page.context["adapters"]] == [persona.pk]


def test_the_persona_page_names_the_adapter_it_writes_with(api, workspace, persona, dataset):
    job = trained_job(persona, dataset, 1)
    manager_client = logged_in("mona", workspace, Role.MANAGER)
    before = manager_client.get(f"/w/acme/personas/{persona.pk}/").content.decode()
    assert "Writes with the base model." in before

    assert api.post(f"/api/model/deploy/{job.job_id}").status_code == 200

    after = manager_client.get(f"/w/acme/personas/{persona.pk}/").content.decode()
    assert f"Writes with <strong>{adapter_name_for(persona, 1)}</strong>" in after
    assert "fine-tuned on operators' replies" in after
