"""Copilot metrics: how operators treat the suggested replies (accept, edit, reject and
manual rates, autonomy, edit distance, time to reply) per operator, phase, persona, model
or prompt version; and the CTA's: conversations shown NOW that converted, and how often
operators' CTA verdicts overrode the decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q

from analytics.funnels import SUCCESS
from conversations.models import CtaDecision, CtaLabel, OperatorDecision

COPILOT_GROUPS = {
    "operator": "operator__username",
    "phase": "suggestion_set__journey_state",
    "persona": "conversation__persona__name",
    "model": "suggestion_set__model_version",
    "prompt": "suggestion_set__prompt_version",
}


def copilot_metrics(workspace, start: date, end: date, by: str = "operator") -> list[dict]:
    """Suggestion accept / edit / reject rates, edit distance and reply time, per group."""
    group_field = COPILOT_GROUPS[by]
    decisions = OperatorDecision.objects.filter(
        workspace=workspace, created_at__date__gte=start, created_at__date__lte=end
    )
    rows = (
        decisions.values(group_field)
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(action="accept")),
            edited=Count("pk", filter=Q(action="edit")),
            rejected=Count("pk", filter=Q(action="reject")),
            manual=Count("pk", filter=Q(action="manual")),
            mean_edit=Avg("edit_distance", filter=Q(action="edit")),
            mean_latency=Avg("latency_ms"),
        )
        .order_by(group_field)
    )
    result = []
    for row in rows:
        sent = row["accepted"] + row["edited"] + row["manual"]
        result.append(
            {
                "group": row[group_field] or "(none)",
                "total": row["total"],
                "accept_rate": round(row["accepted"] / row["total"], 4),
                "edit_rate": round(row["edited"] / row["total"], 4),
                "reject_rate": round(row["rejected"] / row["total"], 4),
                # Replies that went out exactly as the model wrote them.
                "autonomy_rate": round(row["accepted"] / sent, 4) if sent else None,
                "mean_edit_distance": round(row["mean_edit"], 1) if row["mean_edit"] else None,
                "mean_reply_ms": round(row["mean_latency"]) if row["mean_latency"] else None,
            }
        )
    return result


def cta_metrics(workspace, start: date, end: date) -> dict[str, Any]:
    shown = CtaDecision.objects.filter(
        workspace=workspace, is_shadow=False, decision="NOW",
        created_at__date__gte=start, created_at__date__lte=end,
    )  # fmt: skip
    converted = shown.filter(conversation__outcome=SUCCESS).values("conversation").distinct()
    conversations = shown.values("conversation").distinct().count()
    verdicts = CtaLabel.objects.filter(
        workspace=workspace, source=CtaLabel.Source.OPERATOR,
        created_at__date__gte=start, created_at__date__lte=end,
    ).select_related("decision")  # fmt: skip
    overrides = sum(1 for v in verdicts if v.label != v.decision.decision)
    return {
        "now_shown_conversations": conversations,
        "now_shown_converted": converted.count(),
        "now_conversion_rate": round(converted.count() / conversations, 4)
        if conversations
        else None,
        "operator_verdicts": len(verdicts),
        "override_rate": round(overrides / len(verdicts), 4) if verdicts else None,
    }
