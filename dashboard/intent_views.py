"""Intent pages: the labelers' review queue, the phrasings and the intents of its own a
workspace teaches its model, and retraining the intent model (shown on the models page
beside the CTA model)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from conversations import custom_intents, understanding
from conversations.models import IntentLabel, Message, WorkspaceIntent
from core.access import member_or_404
from core.models import Membership, Role
from dashboard.views import HtmxHttpRequest
from mlops import intent_training
from mlops.models import ModelVersion
from mlops.training_jobs import TrainingLimitReached

LABELERS = {Role.LABELER, Role.MANAGER, Role.ADMIN}
MODEL_OWNERS = {Role.MANAGER, Role.ADMIN}
# One key per intent, its first letter where free: a labeler keeps one hand on them.
KEYS = {
    "yes": "y",
    "no": "n",
    "uncertain": "u",
    "objection": "o",
    "price": "p",
    "callback": "c",
    "request_human": "h",
    "greeting": "g",
    "confirmed": "f",
    "goodbye": "b",
    "other": "x",
}
# A workspace's own intents take the digits, in name order (the letters are taken).
CUSTOM_KEYS = "123456789"


@require_http_methods(["GET", "POST"])
@login_required
def intent_queue(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(
        request, slug, LABELERS, "Only labelers, managers and admins review intents."
    )
    user = cast(User, request.user)
    error = ""
    if request.method == "POST":
        message = get_object_or_404(
            Message,
            pk=request.POST.get("message_id") or 0,
            workspace=membership.workspace,
            direction=Message.Direction.IN,
        )
        try:
            understanding.label_message(
                message,
                user,
                request.POST.get("intent", ""),
                IntentLabel.Source.LABELER,
                request.POST.get("reason", ""),
            )
            return redirect("intent_queue", slug=slug)
        except understanding.LabelError as exc:
            error = str(exc)
    return render(
        request,
        "intent_labels.html",
        queue_context(membership, user, error),
        status=422 if error else 200,
    )


def queue_context(membership: Membership, user: User, error: str) -> dict:
    workspace = membership.workspace
    queue = understanding.review_queue(workspace, user)
    item = queue.first()
    message = item.message if item else None
    reading = item.intent_analysis if item else {}
    probabilities = sorted(
        (reading.get("probabilities") or {}).items(), key=lambda pair: pair[1], reverse=True
    )
    return {
        "membership": membership,
        "workspace": workspace,
        "item": item,
        "reading": reading,
        "probabilities": probabilities[:5],
        "transcript": (
            item.conversation.messages.filter(seq__lte=message.seq).order_by("seq")
            if item and message
            else []
        ),
        "keys": queue_keys(workspace.pk),
        "remaining": queue.count(),
        "error": error,
        "pairs": understanding.pair_agreement(workspace),
        "queue_kappa": understanding.queue_agreement(workspace),
        "done": IntentLabel.objects.filter(
            user=user, workspace=workspace, message__isnull=False
        ).count(),
    }


def queue_keys(workspace_id: int) -> list[tuple[str, str]]:
    """(intent, key) for every button: the built-ins', then the workspace's own."""
    own = WorkspaceIntent.names_for(workspace_id)
    return [
        *KEYS.items(),
        *((name, CUSTOM_KEYS[i] if i < len(CUSTOM_KEYS) else "") for i, name in enumerate(own)),
    ]


# -- on the models page ----------------------------------------------------------------------


def intent_context(membership: Membership) -> dict:
    """The intent model's part of the models page."""
    workspace_id = membership.workspace_id
    versions = ModelVersion.objects.for_workspace(intent_training.KIND, workspace_id)
    own = ModelVersion.objects.filter(kind=intent_training.KIND, workspace_id=workspace_id)
    active = ModelVersion.objects.active(intent_training.KIND, workspace_id)
    return {
        "intent_versions": (own | versions).distinct().select_related("dataset"),
        "intent_active": active,
        "intent_labels": IntentLabel.objects.filter(workspace_id=workspace_id).count(),
        "phrasings": IntentLabel.objects.filter(
            workspace_id=workspace_id, source=IntentLabel.Source.PHRASE
        )[:20],
        "intents": custom_intents.known_intents(workspace_id),
        "own_intents": custom_intents.overview(workspace_id, active.metrics if active else {}),
        "custom_min_examples": intent_training.CUSTOM_MIN_EXAMPLES,
    }


@require_POST
@login_required
def retrain_intents(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, MODEL_OWNERS, "Only managers and admins train.")
    try:
        understanding.start_retraining(membership.workspace_id, cast(User, request.user))
    except TrainingLimitReached as exc:
        messages.error(request, f"Not started: {exc}.")  # shown on the models page
    return redirect("models", slug=slug)


@require_POST
@login_required
def add_phrasing(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(
        request, slug, MODEL_OWNERS, "Only managers and admins teach phrasings."
    )
    try:
        understanding.add_phrasing(
            membership.workspace_id,
            cast(User, request.user),
            request.POST.get("text", ""),
            request.POST.get("intent", ""),
        )
    except understanding.LabelError as exc:
        return HttpResponse(str(exc), status=422)
    return redirect("models", slug=slug)


@require_POST
@login_required
def add_intent(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A new intent of the workspace's own, with its description and example phrasings."""
    membership = member_or_404(
        request, slug, MODEL_OWNERS, "Only managers and admins define intents."
    )
    try:
        custom_intents.define_intent(
            membership.workspace,
            cast(User, request.user),
            request.POST.get("name", ""),
            request.POST.get("description", ""),
            request.POST.get("phrasings", ""),
            request,
        )
    except custom_intents.IntentError as exc:
        return HttpResponse(str(exc), status=422)
    return redirect("models", slug=slug)


@require_POST
@login_required
def remove_intent(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(
        request, slug, MODEL_OWNERS, "Only managers and admins remove intents."
    )
    try:
        custom_intents.remove_intent(membership.workspace, request.POST.get("name", ""), request)
    except custom_intents.IntentError as exc:
        return HttpResponse(str(exc), status=422)
    return redirect("models", slug=slug)
