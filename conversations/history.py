"""What happened in a conversation, as people and programs read it: its journey (turns and
overrides in order), its sentiment over time, and the audit trail of what was suggested
and decided, by people and models."""

from __future__ import annotations

from typing import Any

from conversations.models import Conversation, Message


def journey_history(conversation: Conversation) -> list[dict[str, Any]]:
    turns = conversation.turns.select_related("message")
    overrides = conversation.phase_overrides.select_related("operator")
    entries = [
        {
            "kind": "turn",
            "at": turn.created_at,
            "seq": turn.message.seq if turn.message else None,
            "user_message": turn.message.text if turn.message else "",
            "state_before": turn.state_before,
            "state_after": turn.state_after,
            "trigger": turn.trigger,
            "intent": turn.intent_analysis,
            "response_time_ms": turn.response_time_ms,
        }
        for turn in turns
    ]
    entries += [
        {
            "kind": "override",
            "at": override.created_at,
            "state_before": override.from_state,
            "state_after": override.to_state,
            "outcome": override.outcome,
            "reason": override.reason,
            "operator": override.operator.get_username() if override.operator else "",
        }
        for override in overrides
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def journey_report(conversation: Conversation) -> dict[str, Any]:
    """GET /api/conversations/{id}: state, history, counters, outcome."""
    counters = conversation.counters
    return {
        "conversation_id": conversation.pk,
        "playbook": conversation.playbook.slug,
        "state": conversation.journey_state,
        "status": conversation.status,
        "outcome": conversation.outcome or None,
        "outcome_reason": conversation.outcome_reason or None,
        "counters": {
            "turns": counters.turns,
            "objections": counters.objections,
            "ctas_introduced": counters.ctas,
            "llm_errors": counters.llm_errors,
            "callback_requested": counters.callback_requested,
            "user_confirmed": counters.user_confirmed,
        },
        "history": [
            {**entry, "at": entry["at"].isoformat()} for entry in journey_history(conversation)
        ],
    }


def sentiment_over_time(conversation: Conversation, limit: int) -> tuple[list[float], str]:
    """The effective sentiment of the latest `limit` inbound messages, oldest first, and
    the newest steering guidance among them."""
    analyses = list(
        conversation.messages.filter(direction=Message.Direction.IN)
        .order_by("-seq")
        .values_list("analysis", flat=True)[:limit]
    )
    scores = [float(a["context"]["effective_score"]) for a in reversed(analyses) if "context" in a]
    latest: dict = next((a for a in analyses if "guidance" in a), {})
    return scores, latest.get("guidance", "")


def decision_log(conversation: Conversation) -> list[dict]:
    """What was suggested and decided, by people and models, in order: the audit trail."""
    entries = [
        {
            "at": d.created_at,
            "kind": "reply",
            "action": d.get_action_display(),
            "who": d.operator.get_username() if d.operator else "",
            "shown": d.shown_text,
            "final": d.final_text,
            "detail": d.reason
            or (f"edit distance {d.edit_distance}" if d.edit_distance is not None else ""),
            "latency_ms": d.latency_ms,
        }
        for d in conversation.decisions.select_related("operator")
    ]
    ctas = conversation.cta_decisions.filter(is_shadow=False).select_related("model_version")
    for cta in ctas.prefetch_related("labels__user"):
        verdicts = ", ".join(f"{v.user.get_username()}: {v.label}" for v in cta.labels.all())
        entries.append(
            {
                "at": cta.created_at,
                "kind": "cta",
                "action": f"CTA {cta.decision}",
                "who": f"model v{cta.model_version.version}",
                "shown": "",
                "final": "",
                "detail": verdicts or "no verdict yet",
                "latency_ms": None,
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])
