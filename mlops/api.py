"""Seed 002-style training endpoints and CTA decisions, per workspace (X-API-Key)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from mlops import cta, registry
from mlops.models import ModelVersion, TrainingJob

router = Router(tags=["models"])


class TrainingStart(Schema):
    kind: str = Field("cta", pattern="^cta$")


class DecideIn(Schema):
    features: dict[str, float] = Field(..., description="Feature name -> value (missing: 0)")


def job_for(request: HttpRequest, job_id: UUID) -> TrainingJob:
    return get_object_or_404(TrainingJob, job_id=job_id, workspace_id=request.auth.pk)  # type: ignore[attr-defined]


def job_status(job: TrainingJob) -> dict:
    result = job.result
    return {
        "job_id": str(job.job_id),
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error or None,
        "promoted": job.promoted,
        "gate": job.gate or None,
        "model_version": result.version if result else None,
        "metrics": result.metrics if result else None,
    }


@router.post("/training/start", response={202: dict}, summary="Queue a CTA training job")
def start_training(request: HttpRequest, payload: TrainingStart):
    from mlops.tasks import train_cta

    job = TrainingJob.objects.create(kind=payload.kind, workspace_id=request.auth.pk)  # type: ignore[attr-defined]
    train_cta.delay(job.pk)
    return Status(202, {"job_id": str(job.job_id), "status": job.status})


@router.get("/training/status/{job_id}", summary="Progress, status, error and metrics")
def training_status(request: HttpRequest, job_id: UUID):
    return job_status(job_for(request, job_id))


@router.post("/training/cancel/{job_id}", summary="Cancel a queued or running job")
def cancel_training(request: HttpRequest, job_id: UUID):
    job = job_for(request, job_id)
    if job.status not in (TrainingJob.Status.QUEUED, TrainingJob.Status.PROCESSING):
        raise HttpError(409, f"the job is already {job.status}")
    TrainingJob.objects.filter(pk=job.pk).update(status=TrainingJob.Status.CANCELLED)
    return {"job_id": str(job.job_id), "status": TrainingJob.Status.CANCELLED}


@router.post("/model/deploy/{job_id}", summary="Make the job's model the active one")
def deploy(request: HttpRequest, job_id: UUID):
    job = job_for(request, job_id)
    if job.result is None:
        raise HttpError(409, f"the job has no model to deploy (status {job.status})")
    job.result.set_status(ModelVersion.Status.ACTIVE)
    return {"status": "deployed", "job_id": str(job.job_id), "model_version": job.result.version}


@router.post("/cta/decide", summary="NOW / WAIT / NEVER for a feature payload, with reasons")
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
