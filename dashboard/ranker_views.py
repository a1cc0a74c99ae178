"""The reply ranker on the models page: its weights, its versions, and retraining it.

The ranker is linear on purpose: its weights are the explanation of every option's order,
so the page shows them, beside each trained version's held-out AUC and the gate's verdict.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from conversations import ranking
from conversations.models import OperatorDecision
from core.access import member_or_404
from core.models import Membership
from dashboard.intent_views import MODEL_OWNERS
from mlops.models import ModelVersion
from mlops.training_jobs import TrainingLimitReached


def ranker_context(membership: Membership) -> dict:
    workspace_id = membership.workspace_id
    ranker = ranking.active_ranker(workspace_id)
    decided = OperatorDecision.objects.filter(
        workspace_id=workspace_id, suggestion__isnull=False
    ).exclude(suggestion__features={})
    return {
        "ranker": ranker,
        "ranker_weights": sorted(ranker.weights.items(), key=lambda item: -abs(item[1])),
        "ranker_versions": ModelVersion.objects.filter(
            kind=ranking.KIND, workspace_id=workspace_id
        ).select_related("dataset"),
        "ranker_decisions": decided.count(),
    }


@require_POST
@login_required
def retrain_ranker(request, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, MODEL_OWNERS, "Only managers and admins train.")
    try:
        ranking.start_training(membership.workspace_id, cast(User, request.user))
    except TrainingLimitReached as exc:
        messages.error(request, f"Not started: {exc}.")  # shown on the models page
    return redirect("models", slug=slug)
