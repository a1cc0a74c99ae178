"""CTA labeling as managers and labelers see it: a labeler's queue, how far the labelers
agree (Cohen's kappa per pair, Fleiss' kappa over the queue), and how often the shadow
model decides differently from the active one."""

from __future__ import annotations

from itertools import combinations

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from conversations.models import CtaDecision, CtaLabel
from core.models import Workspace
from mlops import agreement
from mlops.models import ModelVersion


def queue_for(workspace: Workspace, user: User) -> QuerySet[CtaDecision]:
    """Decisions this labeler has not judged, still short of the required labelers:
    operator overrides first, then the least certain (lowest margin)."""
    overridden = CtaLabel.objects.filter(
        decision=OuterRef("pk"), source=CtaLabel.Source.OPERATOR
    ).exclude(label=OuterRef("decision"))
    return (
        CtaDecision.objects.filter(workspace=workspace, is_shadow=False)
        .exclude(labels__user=user)
        .annotate(
            labelers=Count("labels", filter=Q(labels__source=CtaLabel.Source.LABELER)),
            overridden=Exists(overridden),
        )
        .filter(labelers__lt=workspace.cta_labels_required)
        .select_related("conversation__contact", "message", "model_version")
        .order_by("-overridden", "margin", "pk")
    )


def pair_agreement(workspace: Workspace) -> list[dict]:
    """Cohen's kappa per labeler pair over the decisions both judged."""
    by_user: dict[str, dict[int, str]] = {}
    rows = CtaLabel.objects.filter(workspace=workspace, source=CtaLabel.Source.LABELER)
    for row in rows.select_related("user"):
        by_user.setdefault(row.user.username, {})[row.decision_id] = row.label
    return pair_kappas(by_user)


def pair_kappas(by_user: dict[str, dict[int, str]]) -> list[dict]:
    """Cohen's kappa for every pair of labelers over the items both judged; `by_user` is
    labeler -> {item id: label} (CTA decisions here, messages for intents)."""
    pairs = []
    for first, second in combinations(sorted(by_user), 2):
        shared = sorted(by_user[first].keys() & by_user[second].keys())
        kappa = agreement.cohen_kappa(
            [by_user[first][d] for d in shared], [by_user[second][d] for d in shared]
        )
        pairs.append({"pair": f"{first} / {second}", "items": len(shared), "kappa": kappa})
    return pairs


def queue_agreement(workspace: Workspace) -> float | None:
    """Fleiss' kappa over the decisions every required labeler has judged."""
    ratings: dict[int, list[str]] = {}
    rows = CtaLabel.objects.filter(workspace=workspace, source=CtaLabel.Source.LABELER)
    for decision_id, label in rows.values_list("decision_id", "label"):
        ratings.setdefault(decision_id, []).append(label)
    return agreement.fleiss_kappa(
        [r for r in ratings.values() if len(r) == workspace.cta_labels_required]
    )


def shadow_disagreement(workspace_id: int) -> dict | None:
    """How often the shadow model decided differently from the active one."""
    shadow = ModelVersion.objects.shadow("cta", workspace_id)
    if shadow is None:
        return None
    shown = CtaDecision.objects.filter(message=OuterRef("message"), is_shadow=False)
    pairs = CtaDecision.objects.filter(
        workspace_id=workspace_id, model_version=shadow, is_shadow=True
    ).annotate(shown_decision=Subquery(shown.values("decision")[:1]))
    total = pairs.count()
    differ = pairs.exclude(decision=F("shown_decision")).count()
    return {"version": shadow.version, "decisions": total, "disagreements": differ}
