"""The fine-tuning page: reply datasets from operator decisions, LoRA jobs with live
progress, their evaluation side by side, deployment to a persona and rollback.

Managers and admins only: a deployed adapter writes every suggestion of its persona.
The same operations are in the API (conversations.training_api), with the same checks underneath.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from conversations.adapters import (
    AdapterError,
    adapter_name,
    audit_deployment,
    deploy,
    rollback,
)
from conversations.models import OperatorDecision
from conversations.reply_datasets import ReplyDatasetOptions, create_reply_dataset
from conversations.training_api import TrainingStart, dataset_file
from core.access import member_or_404
from core.models import Membership, Role
from dashboard.views import HtmxHttpRequest
from mlops import lora_training
from mlops.datasets import PARTS, EmptyDataset
from mlops.lora import LORA_DEFAULTS
from mlops.models import Dataset, ModelVersion, TrainingJob
from mlops.training_jobs import TrainingLimitReached, public_error
from personas.models import Persona

TRAINERS = {Role.MANAGER, Role.ADMIN}
HYPERPARAMETER_FIELDS = ("learning_rate", "epochs", "lora_rank", "max_steps")


def trainer(request: HtmxHttpRequest, slug: str) -> Membership:
    return member_or_404(request, slug, TRAINERS, "Only managers and admins fine-tune models.")


def dataset_of(membership: Membership, dataset_id: int) -> Dataset:
    return get_object_or_404(
        Dataset, pk=dataset_id, kind="replies", workspace_id=membership.workspace_id
    )


def lora_job_of(membership: Membership, job_id: int) -> TrainingJob:
    return get_object_or_404(
        TrainingJob, pk=job_id, kind="lora", workspace_id=membership.workspace_id
    )


def decision_counts(membership: Membership) -> list[dict]:
    """Per persona, how many replies of each kind operators produced: what a dataset holds."""
    rows = (
        OperatorDecision.objects.filter(workspace=membership.workspace)
        .values("conversation__persona__name", "action")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict] = {}
    for row in rows:
        name = row["conversation__persona__name"]
        table.setdefault(name, {"persona": name})[row["action"]] = row["n"]
    return sorted(table.values(), key=lambda r: r["persona"])


def persona_names(membership: Membership) -> dict[int, str]:
    return dict(Persona.objects.for_workspace(membership.workspace).values_list("pk", "name"))


def jobs_context(membership: Membership, names: dict[int, str]) -> dict:
    """What the job cards need: all that the page polls for every second."""
    jobs = list(
        TrainingJob.objects.filter(
            kind="lora", workspace_id=membership.workspace_id
        ).select_related("result", "dataset")[:10]
    )
    for job in jobs:
        job.persona_name = names.get(job.persona_id or 0, "?")  # type: ignore[attr-defined]
        job.deployable = deployable(job)  # type: ignore[attr-defined]
        job.eval_rows = job.dataset.sources.get("sft-eval", 0) if job.dataset else 0  # type: ignore[attr-defined]
        job.error = public_error(job.error)  # shown, not saved: no server paths on the page
    return {"membership": membership, "workspace": membership.workspace, "jobs": jobs}


def page_context(membership: Membership, **extra) -> dict:
    names = persona_names(membership)
    datasets = list(
        Dataset.objects.filter(kind="replies", workspace_id=membership.workspace_id)[:20]
    )
    for dataset in datasets:
        dataset.persona_name = names.get(dataset.persona_id or 0, "all personas")  # type: ignore[attr-defined]
        dataset.counts = {p.replace("-", "_"): dataset.sources.get(p, 0) for p in PARTS}  # type: ignore[attr-defined]
    personas = Persona.objects.for_workspace(membership.workspace).select_related("adapter")
    return {
        **jobs_context(membership, names),
        "personas": sorted(personas, key=lambda p: p.name),
        "adapters": [
            {"persona": p, "name": adapter_name(p.adapter) if p.adapter else ""}
            for p in sorted(personas, key=lambda p: p.name)
        ],
        "decisions": decision_counts(membership),
        "datasets": datasets,
        "parts": PARTS,
        "defaults": LORA_DEFAULTS,
        **extra,
    }


def running(jobs: list[TrainingJob]) -> bool:
    return any(job.status in ("queued", "processing") for job in jobs)


@require_GET
@login_required
def finetune_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = trainer(request, slug)
    if not request.htmx:
        return render(request, "finetune.html", page_context(membership))
    context = jobs_context(membership, persona_names(membership))
    # 286 tells htmx to stop polling: nothing is training any more.
    status = 200 if running(context["jobs"]) else 286
    return render(request, "finetune.html#jobs", context, status=status)


def form_error(
    request: HtmxHttpRequest, membership: Membership, message: str, status: int = 422
) -> HttpResponse:
    context = page_context(membership, error=message)
    return render(request, "finetune.html", context, status=status)


@require_POST
@login_required
def build_dataset(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = trainer(request, slug)
    persona_id = None
    if request.POST.get("persona"):
        persona = Persona.objects.filter(
            workspace=membership.workspace, pk=request.POST["persona"]
        ).first()
        if persona is None:
            return form_error(request, membership, "Choose a persona of this workspace.")
        persona_id = persona.pk
    try:
        fraction = float(request.POST.get("eval_fraction") or 0.2)
    except ValueError:
        fraction = -1
    if not 0 <= fraction <= 0.5:
        return form_error(request, membership, "The held-out share must be between 0 and 0.5.")
    options = ReplyDatasetOptions(
        persona_id=persona_id,
        include_manual=bool(request.POST.get("include_manual")),
        scrub_pii=bool(request.POST.get("scrub_pii")),
        eval_fraction=fraction,
    )
    try:
        create_reply_dataset(membership.workspace_id, options, cast(User, request.user))
    except EmptyDataset as exc:
        return form_error(request, membership, f"No dataset: {exc}.")
    return redirect("finetune", slug=slug)


@require_GET
@login_required
def download_dataset(request: HtmxHttpRequest, slug: str, dataset_id: int) -> HttpResponse:
    membership = trainer(request, slug)
    dataset = dataset_of(membership, dataset_id)
    part = request.GET.get("part", "sft-train")
    if part not in PARTS:
        return HttpResponse(f"part must be one of {', '.join(PARTS)}", status=422)
    return dataset_file(dataset, part)


@require_POST
@login_required
def start_training(request: HtmxHttpRequest, slug: str, dataset_id: int) -> HttpResponse:
    membership = trainer(request, slug)
    dataset = dataset_of(membership, dataset_id)
    persona = Persona.objects.filter(
        workspace=membership.workspace, pk=request.POST.get("persona") or dataset.persona_id or 0
    ).first()
    if persona is None:
        return form_error(request, membership, "Choose the persona the adapter is for.")
    values = {f: request.POST[f] for f in HYPERPARAMETER_FIELDS if request.POST.get(f)}
    try:
        validated = TrainingStart(kind="lora", dataset_id=dataset.pk, **values)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())
        return form_error(request, membership, f"Check the training settings: {problems}.")
    try:
        lora_training.queue(
            membership.workspace_id, persona.pk, dataset, validated.dict(), cast(User, request.user)
        )
    except TrainingLimitReached as exc:
        return form_error(request, membership, f"Not started: {exc}.", status=409)
    return redirect("finetune", slug=slug)


@require_POST
@login_required
def cancel_job(request: HtmxHttpRequest, slug: str, job_id: int) -> HttpResponse:
    membership = trainer(request, slug)
    job = lora_job_of(membership, job_id)
    cancelled = TrainingJob.objects.filter(
        pk=job.pk, status__in=(TrainingJob.Status.QUEUED, TrainingJob.Status.PROCESSING)
    ).update(status=TrainingJob.Status.CANCELLED)
    if not cancelled:
        return form_error(request, membership, f"Not cancelled: the job is already {job.status}.")
    return redirect("finetune", slug=slug)


@require_POST
@login_required
def deploy_job(request: HtmxHttpRequest, slug: str, job_id: int) -> HttpResponse:
    membership = trainer(request, slug)
    job = lora_job_of(membership, job_id)
    try:
        deployment = deploy(job)
    except AdapterError as exc:
        return form_error(request, membership, f"Not deployed: {exc}.")
    audit_deployment("deploy", deployment, request)
    return redirect("finetune", slug=slug)


@require_POST
@login_required
def rollback_persona(request: HtmxHttpRequest, slug: str, persona_id: int) -> HttpResponse:
    membership = trainer(request, slug)
    persona = get_object_or_404(Persona, pk=persona_id, workspace=membership.workspace)
    try:
        deployment = rollback(persona)
    except AdapterError as exc:
        return form_error(request, membership, f"Not rolled back: {exc}.")
    audit_deployment("rollback", deployment, request)
    return redirect("finetune", slug=slug)


def deployable(job: TrainingJob) -> bool:
    result = job.result
    return bool(
        result is not None
        and (job.gate or {}).get("passed")
        and result.status != ModelVersion.Status.ACTIVE
    )
