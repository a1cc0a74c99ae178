"""Seed 001's conversation record: each turn's bot message, the state history, the contact's
profile, the conversation's metadata and its probability of converting."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from conversations.history import journey_history, journey_report
from conversations.models import Conversation, Suggestion, Turn
from mlops.generation import GENERIC_FALLBACKS

# Conversations that ended after passing through a state, before its observed rate is
# trusted over the playbook-wide rate (a Beta prior of this weight, centred on that rate).
PRIOR_WEIGHT = 5


def bot_message_for(turn: Turn) -> dict[str, str]:
    """What answered the turn: the reply sent (by a person or automatically), else the best
    suggestion drafted for it, else a fallback line of the state it moved to."""
    if turn.reply is not None:
        source = "auto_sent" if turn.reply.author_kind == "auto" else "sent"
        return {"text": turn.reply.text, "source": source}
    if turn.message_id is not None:
        best = (
            Suggestion.objects.filter(suggestion_set__message_id=turn.message_id)
            .order_by("-suggestion_set__created_at", "position")
            .first()
        )
        if best is not None:
            return {"text": best.text, "source": "suggested"}
    state = turn.conversation.playbook.spec.states.get(turn.state_after)
    lines = state.fallbacks if state is not None and state.fallbacks else GENERIC_FALLBACKS
    return {"text": lines[0], "source": "fallback"}


def conversion_probability(conversation: Conversation) -> dict[str, Any]:
    """How often conversations of this playbook that passed through the current state
    ended in success (the funnel's historical rate), smoothed toward the playbook's overall
    rate while few have ended. An ended conversation's is its outcome."""
    if conversation.outcome:
        converted = conversation.outcome == "success"
        return {"value": 1.0 if converted else 0.0, "method": "outcome", "ended_from_state": 0}
    ended = Conversation.objects.filter(
        workspace_id=conversation.workspace_id, playbook_id=conversation.playbook_id
    ).exclude(outcome="")
    success = Count("pk", filter=Q(outcome="success"))
    overall = ended.aggregate(n=Count("pk"), won=success)
    here = ended.filter(visited_states__contains=[conversation.journey_state]).aggregate(
        n=Count("pk"), won=success
    )
    base = (overall["won"] + 1) / (overall["n"] + 2)  # Laplace: 0.5 before any has ended
    value = (here["won"] + PRIOR_WEIGHT * base) / (here["n"] + PRIOR_WEIGHT)
    return {"value": round(value, 4), "method": "funnel", "ended_from_state": here["n"]}


def state_history(conversation: Conversation) -> list[dict[str, Any]]:
    """Each state the conversation entered, in order, and what moved it there."""
    history = [
        {
            "state": conversation.playbook.spec.entry,
            "from": None,
            "by": "start",
            "at": conversation.created_at.isoformat(),
        }
    ]
    for entry in journey_history(conversation):
        if entry["state_after"] == entry["state_before"]:
            continue
        by = entry.get("trigger") or "" if entry["kind"] == "turn" else "override"
        history.append(
            {
                "state": entry["state_after"],
                "from": entry["state_before"],
                "by": by,
                "at": entry["at"].isoformat(),
            }
        )
    return history


def turns(conversation: Conversation) -> list[dict[str, Any]]:
    rows = conversation.turns.select_related("message", "reply", "conversation__playbook")
    return [turn_row(turn) for turn in rows]


def turn_row(turn: Turn) -> dict[str, Any]:
    """One of seed 001's conversation_turns."""
    bot_message = bot_message_for(turn)
    return {
        "user_message": turn.message.text if turn.message else "",
        "bot_message": bot_message["text"],
        "bot_message_source": bot_message["source"],
        "state_before": turn.state_before,
        "state_after": turn.state_after,
        "intent_analysis": turn.intent_analysis,
        "response_time_ms": turn.response_time_ms,
        "created_at": turn.created_at.isoformat(),
    }


def user_profile(conversation: Conversation) -> dict[str, Any]:
    contact = conversation.contact
    return {
        "user_id": contact.external_id,
        "user_name": contact.display_name,
        "channel": contact.channel,
        "classification": contact.classification,
        "facts": contact.profile_facts,
    }


def metadata(conversation: Conversation) -> dict[str, Any]:
    last = conversation.last_message_at
    return {
        "channel": conversation.channel,
        "persona": conversation.persona.name,
        "campaign": conversation.campaign.slug if conversation.campaign else None,
        "variant": conversation.variant.name if conversation.variant else None,
        "priority": conversation.priority,
        "moderation": conversation.moderation,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": last.isoformat() if last else conversation.created_at.isoformat(),
    }


def conversation_report(conversation: Conversation) -> dict[str, Any]:
    """GET /api/conversations/{id}: the journey report with seed 001's fields."""
    probability = conversion_probability(conversation)
    return {
        **journey_report(conversation),
        "conversion_probability": probability["value"],
        "conversion_basis": probability,
        "state_history": state_history(conversation),
        "user_profile": user_profile(conversation),
        "metadata": metadata(conversation),
        "turns": turns(conversation),
    }
