"""Training within a workspace's share, on queues of its own, and answers without server
paths: a workspace has at most TRAINING_JOBS_PER_WORKSPACE jobs queued or running (409 on
the API, a message on the pages), training never waits in front of perception, and what
the API and pages say about a job names adapters and datasets, never where they lie."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.broker import queue_keys
from core.models import ApiKey, Role, Workspace
from mlops import lora_training
from mlops.models import Dataset, ModelVersion, TrainingJob
from mlops.training_jobs import public_error
from personas.models import Persona
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def key_client(workspace: Workspace) -> Client:
    return Client(headers={"X-API-Key": ApiKey.issue(workspace, "training")})


def manager_of(workspace: Workspace) -> Client:
    client = Client()
    client.force_login(make_user(f"manager-{workspace.slug}", workspace, Role.MANAGER))
    return client


def page_url(name: str, slug: str = "acme", **ids: int) -> str:
    return reverse(name, kwargs={"slug": slug, **ids})


def shown_errors(page: str) -> list[str]:
    found = re.findall(r"<p [^>]*data-error>(.*?)</p>", page, re.DOTALL)
    return [html.unescape(text) for text in found]


def reply_dataset(workspace: Workspace, persona: Persona, folder: Path) -> Dataset:
    folder.mkdir(parents=True, exist_ok=True)
    return Dataset.objects.create(
        kind="replies",
        version="v1",
        workspace_id=workspace.pk,
        persona_id=persona.pk,
        rows=2,
        path=str(folder),
        sha256="-",
        sources={"sft-train": 1, "sft-eval": 1, "dpo-train": 0, "dpo-eval": 0},
    )


# -- at most N jobs queued or running per workspace ----------------------------------------


def test_the_api_refuses_a_job_past_the_workspaces_limit_with_409(
    workspace, other_workspace, persona, api, settings
):
    settings.TRAINING_JOBS_PER_WORKSPACE = 2
    started = [post(api, "/api/training/start", {"kind": "cta"}) for _ in range(2)]
    refused = post(api, "/api/training/start", {"kind": "cta"})
    lora = post(
        api,
        "/api/training/start",
        {"kind": "lora", "persona_id": persona.pk, "samples": [{"input": "a", "output": "b"}] * 2},
    )

    assert [r.status_code for r in started] == [202, 202]
    assert refused.status_code == 409 and lora.status_code == 409
    assert "already has 2 training jobs queued or running" in refused.json()["detail"]
    assert TrainingJob.objects.filter(workspace_id=workspace.pk).count() == 2
    # The refused LoRA start left no dataset behind for a job that does not exist.
    assert not Dataset.objects.filter(workspace_id=workspace.pk, kind="replies").exists()

    # Another workspace's place is its own, and a cancelled job frees one.
    assert post(key_client(other_workspace), "/api/training/start").status_code == 202
    first = started[0].json()["job_id"]
    assert post(api, f"/api/training/cancel/{first}").status_code == 200
    assert post(api, "/api/training/start", {"kind": "cta"}).status_code == 202


def test_a_job_lost_with_its_worker_a_day_ago_no_longer_holds_a_place(workspace, api, settings):
    settings.TRAINING_JOBS_PER_WORKSPACE = 1
    lost = TrainingJob.objects.create(workspace_id=workspace.pk, status="processing")
    assert post(api, "/api/training/start", {"kind": "cta"}).status_code == 409

    TrainingJob.objects.filter(pk=lost.pk).update(created_at=lost.created_at.replace(year=2000))
    assert post(api, "/api/training/start", {"kind": "cta"}).status_code == 202


def test_the_models_page_says_why_a_retrain_was_not_started(workspace, persona, settings):
    settings.TRAINING_JOBS_PER_WORKSPACE = 2
    manager = manager_of(workspace)
    for name in ("retrain", "retrain_intents"):
        assert manager.post(page_url(name)).status_code == 302
    refused = manager.post(page_url("retrain_ranker"), follow=True)

    assert TrainingJob.objects.filter(workspace_id=workspace.pk).count() == 2
    [message] = shown_errors(refused.content.decode())
    assert message.startswith("Not started: this workspace already has 2 training jobs")
    # Shown once: the next visit is a plain models page again.
    assert shown_errors(manager.get(page_url("models")).content.decode()) == []


def test_the_finetune_page_refuses_a_job_past_the_limit_with_a_message(
    workspace, persona, settings, tmp_path
):
    settings.TRAINING_JOBS_PER_WORKSPACE = 1
    dataset = reply_dataset(workspace, persona, tmp_path / "dataset")
    manager = manager_of(workspace)
    train = page_url("finetune_train", dataset_id=dataset.pk)

    assert manager.post(train, {"persona": persona.pk}).status_code == 302
    refused = manager.post(train, {"persona": persona.pk})

    assert refused.status_code == 409
    [message] = shown_errors(refused.content.decode())
    assert "already has 1 training job queued or running" in message
    assert TrainingJob.objects.filter(workspace_id=workspace.pk).count() == 1


# -- training waits on queues of its own ---------------------------------------------------


def waiting(queue: str) -> int:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return sum(int(broker.llen(key)) for key in queue_keys(queue))


def test_cta_intent_and_ranker_training_wait_on_the_training_queue_not_perceptions(
    workspace, persona, api, django_capture_on_commit_callbacks
):
    manager = manager_of(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(api, "/api/training/start", {"kind": "cta"}).status_code == 202
        assert manager.post(page_url("retrain_intents")).status_code == 302
        assert manager.post(page_url("retrain_ranker")).status_code == 302

    assert waiting("training") == 3
    assert waiting("ml") == 0  # a message's perception queues behind none of them


# -- no server paths in training answers -----------------------------------------------------


@pytest.fixture
def trained(workspace, persona, tmp_path) -> TrainingJob:
    """A completed LoRA job whose adapter and dataset lie in the server's artifact folder."""
    name = f"ws{workspace.pk}-persona{persona.pk}-lora-v1"
    dataset = reply_dataset(workspace, persona, Path(settings.MLOPS_ARTIFACT_DIR) / "ds-paths")
    version = ModelVersion.objects.create(
        kind="lora",
        version=1,
        workspace_id=workspace.pk,
        persona_id=persona.pk,
        dataset=dataset,
        artifact=str(Path(settings.MLOPS_ARTIFACT_DIR) / "adapters" / name),
        metrics={"adapter": name},
    )
    return TrainingJob.objects.create(
        kind="lora",
        workspace_id=workspace.pk,
        persona_id=persona.pk,
        dataset=dataset,
        status=TrainingJob.Status.COMPLETED,
        progress=100,
        result=version,
        gate={"passed": True, "reasons": []},
    )


def server_paths_in(text: str) -> list[str]:
    roots = [settings.MLOPS_ARTIFACT_DIR, str(settings.BASE_DIR), "/tmp/"]
    return [root for root in roots if root in text]


def test_training_status_and_deploy_name_the_adapter_never_its_path(api, trained):
    status = api.get(f"/api/training/status/{trained.job_id}")
    deployed = post(api, f"/api/model/deploy/{trained.job_id}")

    assert status.status_code == 200 and deployed.status_code == 200, deployed.content
    name = trained.result.metrics["adapter"]  # type: ignore[union-attr]
    assert status.json()["adapter"] == deployed.json()["adapter"] == name
    for answer in (status, deployed):
        assert server_paths_in(answer.content.decode()) == [], answer.json()
    dataset = api.get(f"/api/datasets/{trained.dataset_id}")
    assert server_paths_in(dataset.content.decode()) == []


def test_a_job_that_failed_on_a_server_path_says_what_failed_but_not_where(
    workspace, persona, api, settings
):
    """A real failure: the configured base model folder is not there, and the loader's
    error names its absolute path. The worker's log keeps it; the job's error keeps only
    the folder's name."""
    base = Path(settings.MLOPS_ARTIFACT_DIR) / f"base-missing-{workspace.pk}"
    settings.LORA_BASE_MODEL = str(base)
    folder = Path(settings.MLOPS_ARTIFACT_DIR) / "datasets" / f"paths-{workspace.pk}"
    dataset = reply_dataset(workspace, persona, folder)
    row = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    for part in ("sft-train", "sft-eval"):
        (folder / f"{part}.jsonl").write_text(json.dumps({**row, "weight": 1.0}) + "\n")
    job = lora_training.queue(workspace.pk, persona.pk, dataset, {})

    with pytest.raises(Exception) as failure:
        lora_training.run(job)

    assert str(base) in str(failure.value)  # the exception itself named the server path
    error = api.get(f"/api/training/status/{job.job_id}").json()["error"]
    assert f"base-missing-{workspace.pk}" in error and server_paths_in(error) == []
    page = html.unescape(manager_of(workspace).get(page_url("finetune")).content.decode())
    assert f"base-missing-{workspace.pk}" in page and server_paths_in(page) == []


def test_errors_stored_before_keep_their_file_names_and_urls_but_lose_server_paths():
    raw = (
        "OSError(2, 'No such file', '/srv/app/var/mlops/adapters/ws1-lora-v2/config.json') "
        "from http://127.0.0.1:8000/v1/load_lora_adapter, step 1/4"
    )
    assert public_error(raw) == (
        "OSError(2, 'No such file', 'config.json') "
        "from http://127.0.0.1:8000/v1/load_lora_adapter, step 1/4"
    )
