"""A conversation's journey as people and programs read it: turns and overrides in order."""

from __future__ import annotations

from typing import Any

from conversations.models import Conversation


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
