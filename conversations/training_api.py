"""Seed 002-style training endpoints (CTA models and persona LoRA adapters), reply datasets
and CTA decisions, per workspace (X-API-Key).

The router sits in conversations, above mlops: training is mlops's, but deploying an
adapter swaps what conversations serve (`conversations.adapters`) for a persona.

A workspace has at most TRAINING_JOBS_PER_WORKSPACE jobs queued or running (409 past it,
mlops.training_jobs). Answers name adapters, datasets and versions by name and id, never
by where they lie on the server's disk (seed 002's `output_path` and `model_path` are not
served: the adapter's name is what vLLM and the deploy endpoint know it by).
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from conversations.adapters import AdapterError, adapter_name, audit_deployment
from conversations.adapters import deploy as deploy_lora
from conversations.adapters import rollback as rollback_adapter
from conversations.reply_datasets import ReplyDatasetOptions, create_reply_dataset
from core import audit, dispatch
from mlops import cta, lora_training, registry
from mlops.datasets import PARTS, EmptyDataset, create_sample_dataset
from mlops.models import Dataset, ModelVersion, TrainingJob
from mlops.training_jobs import TrainingLimitReached, check_room, open_job, public_error
from personas.models import Persona

router = Router(tags=["models"])


class LoraSample(Schema):
    """Seed 002's training sample."""

    input: str = Field(..., min_length=1, max_length=8000, pattern=r"\S")
    output: str = Field(..., min_length=1, max_length=2000, pattern=r"\S")
    quality: float = Field(1.0, ge=0, le=1)


class TrainingStart(Schema):
    kind: str = Field("cta", pattern="^(cta|lora)$")
    # LoRA jobs: a stored dataset, or seed 002's samples; the persona the adapter is for.
    dataset_id: int | None = None
    samples: list[LoraSample] | None = Field(None, max_length=5000)
    persona_id: int | None = None
    base_model: str | None = Field(None, max_length=300)
    # Seed 002's hyperparameters (defaults: mlops.lora.LORA_DEFAULTS).
    epochs: int | None = Field(None, ge=1, le=20)
    learning_rate: float | None = Field(None, gt=0, le=1)
    lora_rank: int | None = Field(None, ge=1, le=256)
    lora_alpha: int | None = Field(None, ge=1, le=1024)
    lora_dropout: float | None = Field(None, ge=0, lt=1)
    batch_size: int | None = Field(None, ge=1, le=64)
    gradient_accumulation: int | None = Field(None, ge=1, le=64)
    max_seq_length: int | None = Field(None, ge=64, le=8192)
    use_4bit: bool | None = None
    max_steps: int | None = Field(None, ge=1, le=100000)


class ReplyDatasetIn(Schema):
    persona_id: int | None = None
    include_manual: bool = False
    scrub_pii: bool = True
    eval_fraction: float = Field(0.2, ge=0, le=0.5)
    history_turns: int = Field(6, ge=0, le=30)
    weight_accept: float = Field(1.0, ge=0, le=1)
    weight_edit: float = Field(1.0, ge=0, le=1)
    weight_manual: float = Field(0.5, ge=0, le=1)


class DecideIn(Schema):
    features: dict[str, float] = Field(..., description="Feature name -> value (missing: 0)")


class ErrorOut(Schema):
    detail: str


def job_for(request: HttpRequest, job_id: UUID) -> TrainingJob:
    return get_object_or_404(TrainingJob, job_id=job_id, workspace_id=request.auth.pk)  # type: ignore[attr-defined]


def job_status(job: TrainingJob) -> dict:
    result = job.result
    return {
        "job_id": str(job.job_id),
        "kind": job.kind,
        "status": job.status,
        "progress": round(job.progress, 1),
        "stage": job.stage,
        "adapter": adapter_name(result) if result and job.kind == "lora" else None,
        "error": public_error(job.error) or None,
        "persona_id": job.persona_id,
        "dataset_id": job.dataset_id,
        "promoted": job.promoted,
        "gate": job.gate or None,
        "model_version": result.version if result else None,
        "metrics": result.metrics if result else None,
    }


@router.post(
    "/training/start",
    response={202: dict, 409: ErrorOut},
    summary="Queue a training job: kind 'cta' (CTA classifier) or 'lora' (persona adapter)",
)
def start_training(request: HttpRequest, payload: TrainingStart):
    workspace_id = request.auth.pk  # type: ignore[attr-defined]
    try:
        job = (
            start_lora(workspace_id, payload) if payload.kind == "lora" else start_cta(workspace_id)
        )
    except TrainingLimitReached as exc:
        raise HttpError(409, str(exc)) from exc
    return Status(202, {"job_id": str(job.job_id), "status": job.status, "kind": job.kind})


@transaction.atomic
def start_cta(workspace_id: int) -> TrainingJob:
    job = open_job(workspace_id, "cta")
    dispatch.train_cta(job.pk)
    return job


def start_lora(workspace_id: int, payload: TrainingStart) -> TrainingJob:
    if (payload.dataset_id is None) == (payload.samples is None):
        raise HttpError(422, "give either dataset_id or samples for a lora job")
    check_room(workspace_id)  # before samples become a dataset that no job would train on
    if payload.base_model and payload.base_model != base_model_name():
        raise HttpError(
            422, f"base_model: this server trains {base_model_name()!r} (LORA_BASE_MODEL)"
        )
    dataset = None
    if payload.dataset_id is not None:
        dataset = Dataset.objects.filter(
            pk=payload.dataset_id, kind="replies", workspace_id=workspace_id
        ).first()
        if dataset is None:
            raise HttpError(404, "dataset_id: no such reply dataset in this workspace")
    persona_id = payload.persona_id or (dataset.persona_id if dataset else None)
    if persona_id is None or not persona_exists(workspace_id, persona_id):
        raise HttpError(422, "persona_id: name a persona of this workspace for the adapter")
    with transaction.atomic():
        if dataset is None:
            samples = [s.dict() for s in payload.samples or []]
            if len(samples) < 2:
                raise HttpError(422, "samples: at least two (one is held out to evaluate)")
            dataset = create_sample_dataset(workspace_id, persona_id, samples, None)
        return lora_training.queue(workspace_id, persona_id, dataset, payload.dict())


def persona_exists(workspace_id: int, persona_id: int) -> bool:
    return Persona.objects.filter(pk=persona_id, workspace_id=workspace_id).exists()


def base_model_name() -> str:

    return settings.LORA_BASE_MODEL or "SmolLM2-135M-Instruct"


@router.get("/training/status/{job_id}", summary="Progress, status, error, metrics and gate")
def training_status(request: HttpRequest, job_id: UUID):
    return job_status(job_for(request, job_id))


@router.post("/training/cancel/{job_id}", summary="Cancel a queued or running job")
def cancel_training(request: HttpRequest, job_id: UUID):
    job = job_for(request, job_id)
    if job.status not in (TrainingJob.Status.QUEUED, TrainingJob.Status.PROCESSING):
        raise HttpError(409, f"the job is already {job.status}")
    TrainingJob.objects.filter(pk=job.pk).update(status=TrainingJob.Status.CANCELLED)
    return {"job_id": str(job.job_id), "status": TrainingJob.Status.CANCELLED}


@router.post(
    "/model/deploy/{job_id}",
    summary="CTA: make the job's model the active one. LoRA: make the adapter its persona's",
)
def deploy(request: HttpRequest, job_id: UUID):
    job = job_for(request, job_id)
    if job.kind == "lora":
        return deploy_adapter(job, request)
    if job.result is None:
        raise HttpError(409, f"the job has no model to deploy (status {job.status})")
    before = {"status": job.result.status}
    job.result.set_status(ModelVersion.Status.ACTIVE)
    audit.record(
        "model.promote",
        workspace=request.auth,  # type: ignore[attr-defined]
        target=job.result,
        before=before,
        after={"status": "active", "kind": job.result.kind, "version": job.result.version},
        request=request,
    )
    return {"status": "deployed", "job_id": str(job.job_id), "model_version": job.result.version}


def deploy_adapter(job: TrainingJob, request: HttpRequest) -> dict:
    try:
        deployment = deploy_lora(job)
    except AdapterError as exc:
        raise HttpError(409, str(exc)) from exc
    audit_deployment("deploy", deployment, request)
    assert deployment.version is not None
    return {
        "status": "deployed",
        "job_id": str(job.job_id),
        "kind": "lora",
        "persona_id": deployment.persona.pk,
        "adapter": adapter_name(deployment.version),
        "model_version": deployment.version.version,
        "cache_invalidated": True,
        "cache_entries_deleted": deployment.cache_entries_deleted,
    }


@router.post(
    "/model/rollback/{persona_id}",
    summary="Give the persona back the adapter it had before (or the base model)",
)
def rollback(request: HttpRequest, persona_id: int):
    persona = get_object_or_404(Persona, pk=persona_id, workspace_id=request.auth.pk)  # type: ignore[attr-defined]
    try:
        deployment = rollback_adapter(persona)
    except AdapterError as exc:
        raise HttpError(409, str(exc)) from exc
    audit_deployment("rollback", deployment, request)
    version = deployment.version
    return {
        "status": "rolled_back",
        "persona_id": persona.pk,
        "adapter": adapter_name(version) if version else None,
        "model_version": version.version if version else None,
        "cache_invalidated": True,
        "cache_entries_deleted": deployment.cache_entries_deleted,
    }


# -- reply datasets ---------------------------------------------------------------------------


def dataset_out(dataset: Dataset) -> dict:
    return {
        "id": dataset.pk,
        "version": dataset.version,
        "persona_id": dataset.persona_id,
        "rows": dataset.rows,
        "sha256": dataset.sha256,
        "counts": dataset.sources,
        "config": dataset.config,
        "parts": {part: f"/api/datasets/{dataset.pk}/download?part={part}" for part in PARTS},
        "created_at": dataset.created_at.isoformat(),
    }


@router.post(
    "/datasets",
    response={201: dict},
    summary="Build a versioned reply dataset (SFT + preference pairs) from operator decisions",
)
def build_dataset(request: HttpRequest, payload: ReplyDatasetIn):
    workspace_id = request.auth.pk  # type: ignore[attr-defined]
    if payload.persona_id is not None and not persona_exists(workspace_id, payload.persona_id):
        raise HttpError(422, "persona_id: no such persona in this workspace")
    options = ReplyDatasetOptions(
        persona_id=payload.persona_id,
        include_manual=payload.include_manual,
        scrub_pii=payload.scrub_pii,
        eval_fraction=payload.eval_fraction,
        history_turns=payload.history_turns,
        weights={
            "accept": payload.weight_accept,
            "edit": payload.weight_edit,
            "manual": payload.weight_manual,
        },
    )
    try:
        dataset = create_reply_dataset(workspace_id, options)
    except EmptyDataset as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, dataset_out(dataset))


@router.get("/datasets", summary="This workspace's reply datasets, newest first")
def list_datasets(request: HttpRequest):
    datasets = Dataset.objects.filter(kind="replies", workspace_id=request.auth.pk)  # type: ignore[attr-defined]
    return {"datasets": [dataset_out(d) for d in datasets[:200]]}


def dataset_for(request: HttpRequest, dataset_id: int) -> Dataset:
    return get_object_or_404(
        Dataset,
        pk=dataset_id,
        kind="replies",
        workspace_id=request.auth.pk,  # type: ignore[attr-defined]
    )


@router.get("/datasets/{dataset_id}", summary="One dataset: counts, options, download links")
def dataset_detail(request: HttpRequest, dataset_id: int):
    return dataset_out(dataset_for(request, dataset_id))


@router.get(
    "/datasets/{dataset_id}/download",
    summary="One part as JSON lines: sft-train, sft-eval, dpo-train or dpo-eval",
)
def download_dataset(request: HttpRequest, dataset_id: int, part: str = "sft-train"):
    dataset = dataset_for(request, dataset_id)
    if part not in PARTS:
        raise HttpError(422, f"part: one of {', '.join(PARTS)}")
    return dataset_file(dataset, part)


def dataset_file(dataset: Dataset, part: str) -> HttpResponse:
    path = Path(dataset.path) / f"{part}.jsonl"
    body = path.read_bytes() if path.exists() else b""
    response = HttpResponse(body, content_type="application/x-ndjson")
    filename = f"replies-{dataset.version}-{part}.jsonl"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post(
    "/cta/decide",
    response={200: dict, 422: ErrorOut, 503: ErrorOut},
    summary="NOW / WAIT / NEVER for a feature payload, with reasons",
)
def decide(request: HttpRequest, payload: DecideIn):
    unknown = sorted(set(payload.features) - set(cta.FEATURES))
    if unknown:
        raise HttpError(422, f"features: unknown feature(s) {', '.join(unknown)}")
    version = ModelVersion.objects.active("cta", request.auth.pk)  # type: ignore[attr-defined]
    if version is None:
        raise HttpError(503, "no active CTA model yet; start a training job")
    decision = registry.load_fast_forest(version.pk, version.artifact).decide(payload.features)
    return {
        "decision": decision.decision,
        "probabilities": decision.probabilities,
        "reasons": [{"feature": f, "contribution": c} for f, c in decision.top_features],
        "model_version": version.version,
    }
