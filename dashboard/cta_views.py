"""CTA pages: the operator's verdict beside suggestions, the labeler queue, the models page."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics.revenue import now_followed_by_payment
from conversations import cta as conversation_cta
from conversations import labeling
from conversations.models import CtaDecision, CtaLabel
from core import audit, dispatch
from core.access import member_or_404
from core.models import Membership, Role
from dashboard.intent_views import intent_context
from dashboard.ranker_views import ranker_context
from dashboard.views import (
    HtmxHttpRequest,
    sending_context,
    suggestions_context,
)
from mlops.cta import LABELS
from mlops.models import ModelVersion, TrainingJob
from mlops.training_jobs import TrainingLimitReached, open_job

LABELERS = {Role.LABELER, Role.MANAGER, Role.ADMIN}
MODEL_OWNERS = {Role.MANAGER, Role.ADMIN}
# How the audit log names each status change.
MODEL_STATUS_ACTIONS = {"active": "promote", "shadow": "shadow", "retired": "retire"}


@require_POST
@login_required
def cta_verdict(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """An operator accepts or overrides the CTA decision shown beside the suggestions."""
    context = sending_context(request, slug, conversation_id)
    decision = get_object_or_404(
        CtaDecision,
        pk=request.POST.get("decision_id") or 0,
        conversation=context["conversation"],
        is_shadow=False,
    )
    try:
        conversation_cta.label(
            decision,
            cast(User, request.user),
            request.POST.get("label", ""),
            request.POST.get("reason", ""),
            CtaLabel.Source.OPERATOR,
        )
    except conversation_cta.CtaError as exc:
        return HttpResponse(str(exc), status=422)
    if not request.htmx:
        return redirect("conversation", slug=slug, conversation_id=conversation_id)
    context.update(suggestions_context(context["conversation"], request.user))
    return render(request, "conversation.html#suggestions", context)


# -- labeler queue ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def label_queue(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(
        request, slug, LABELERS, "Only labelers, managers and admins review CTA decisions."
    )
    user = cast(User, request.user)
    error = ""
    if request.method == "POST":
        decision = get_object_or_404(
            CtaDecision, pk=request.POST.get("decision_id") or 0, workspace=membership.workspace
        )
        try:
            conversation_cta.label(
                decision,
                user,
                request.POST.get("label", ""),
                request.POST.get("reason", ""),
                CtaLabel.Source.LABELER,
            )
            return redirect("label_queue", slug=slug)
        except conversation_cta.CtaError as exc:
            error = str(exc)
    queue = labeling.queue_for(membership.workspace, user)
    item = queue.first()
    transcript = (
        item.conversation.messages.filter(seq__lte=item.message.seq).order_by("seq") if item else []
    )
    context = {
        "membership": membership,
        "workspace": membership.workspace,
        "item": item,
        "remaining": queue.count(),
        "transcript": transcript,
        "labels": LABELS,
        "error": error,
        "pairs": labeling.pair_agreement(membership.workspace),
        "queue_kappa": labeling.queue_agreement(membership.workspace),
        "done_today": CtaLabel.objects.filter(user=user, workspace=membership.workspace).count(),
    }
    return render(request, "labels.html", context, status=422 if error else 200)


# -- models ------------------------------------------------------------------------------------


def models_context(membership: Membership) -> dict:
    versions = ModelVersion.objects.filter(
        Q(workspace_id=membership.workspace_id) | Q(workspace_id__isnull=True), kind="cta"
    ).select_related("dataset")
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "versions": versions,
        "active": ModelVersion.objects.active("cta", membership.workspace_id),
        "jobs": TrainingJob.objects.filter(workspace_id=membership.workspace_id)[:5],
        "can_manage": membership.role in MODEL_OWNERS,
        "labels": CtaLabel.objects.filter(workspace=membership.workspace).count(),
        "shadow": labeling.shadow_disagreement(membership.workspace_id),
        "now_paid": now_followed_by_payment(
            membership.workspace, timezone.localdate() - timedelta(days=29), timezone.localdate()
        ),
        **intent_context(membership),
        **ranker_context(membership),
    }


@require_GET
@login_required
def models_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(
        request,
        slug,
        MODEL_OWNERS | {Role.LABELER},
        "Only managers, admins and labelers see the models.",
    )
    context = models_context(membership)
    if not request.htmx:
        return render(request, "models.html", context)
    running = any(job.status in ("queued", "processing") for job in context["jobs"])
    # 286 tells htmx to stop polling: nothing is training any more.
    return render(request, "models.html#jobs", context, status=200 if running else 286)


@require_POST
@login_required
def retrain(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(
        request, slug, MODEL_OWNERS, "Only managers and admins start training."
    )
    try:
        job = open_job(membership.workspace_id, "cta", created_by=cast(User, request.user))
    except TrainingLimitReached as exc:
        messages.error(request, f"Not started: {exc}.")  # shown on the models page
    else:
        dispatch.train_cta(job.pk)
    return redirect("models", slug=slug)


def status_change(version: ModelVersion, status: str) -> str:
    """The audit log's word for it: promoting a version older than the active one is a
    rollback."""
    current = ModelVersion.objects.active(version.kind, version.workspace_id)
    if status == "active" and current is not None and current.version > version.version:
        return "rollback"
    return MODEL_STATUS_ACTIONS[status]


@require_POST
@login_required
def set_model_status(request: HtmxHttpRequest, slug: str, version_id: int) -> HttpResponse:
    """Promote, shadow or retire a version of this workspace (roll back = promote an old one)."""
    membership = member_or_404(
        request, slug, MODEL_OWNERS, "Only managers and admins change models."
    )
    version = get_object_or_404(ModelVersion, pk=version_id, workspace_id=membership.workspace_id)
    status = request.POST.get("status", "")
    if status not in (ModelVersion.Status.ACTIVE, ModelVersion.Status.SHADOW, "retired"):
        return HttpResponse("status must be active, shadow or retired", status=400)
    action = status_change(version, status)
    before = {"status": version.status}
    version.set_status(status)
    audit.record(
        f"model.{action}",
        workspace=membership.workspace,
        target=version,
        before=before,
        after={"status": status, "kind": version.kind, "version": version.version},
        request=request,
    )
    return redirect("models", slug=slug)
