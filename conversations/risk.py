"""Bad-actor risk of conversations, and the workspace policy that mutes or blocks.

Automatic actions are logged (ModerationAction with no actor) and a manager can restore
the conversation; once restored, the policy does not act on it again by itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from conversations import events
from conversations.models import Conversation, Message, ModerationAction, RedFlagPattern
from core import audit
from mlops.bad_actor import default_rules, detect_bad_actor

# The contact's newest messages read for risk; older ones have already been scored.
RISK_WINDOW = 50
ACTION_STATE = {"mute": "muted", "block": "blocked", "restore": "none"}


def sync_builtin_red_flags(**_signal_kwargs: Any) -> None:
    for rule in default_rules():
        RedFlagPattern.objects.update_or_create(
            workspace=None,
            pattern_name=rule.pattern_name,
            defaults={
                "category": rule.category,
                "severity": rule.severity,
                "weight": rule.weight,
                "pattern": rule.pattern,
                "examples": list(rule.examples),
            },
        )


def assess(conversation: Conversation) -> dict[str, Any]:
    """Score the contact's messages in this conversation and apply the workspace policy."""
    rows = list(
        Message.objects.filter(conversation=conversation, direction=Message.Direction.IN)
        .order_by("-seq")
        .values_list("text", "embedding")[:RISK_WINDOW]
    )[::-1]
    rules = tuple(p.as_rule() for p in RedFlagPattern.objects.rules_for(conversation.workspace))
    # The memory stage has embedded each message already: match by meaning on its vector.
    texts = [text for text, _ in rows]
    vectors = [vector for _, vector in rows]  # pgvector's numpy arrays, or None
    report = detect_bad_actor(texts, rules, vectors).as_dict()
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        locked.risk = report
        locked.combined_risk = report["combined_risk"]
        locked.save(update_fields=["risk", "combined_risk"])
        apply_policy(locked)
    return report


def apply_policy(conversation: Conversation) -> None:
    workspace = conversation.workspace
    if workspace.risk_policy == "off" or conversation.moderation != "none":
        return
    if conversation.combined_risk < workspace.risk_threshold:
        return
    restored = conversation.moderation_actions.filter(action="restore").exists()
    if restored:  # a manager decided this contact is fine: don't overrule them
        return
    moderate(
        conversation,
        workspace.risk_policy,
        None,
        f"risk {conversation.combined_risk:.2f} >= {workspace.risk_threshold:.2f}: "
        f"{conversation.risk.get('recommendation', '')}",
    )


def moderate(
    conversation: Conversation,
    action: str,
    actor: User | None,
    reason: str,
    request: HttpRequest | None = None,
) -> ModerationAction:
    """Mute, block or restore a conversation, and log who did it and why."""
    conversation.moderation = ACTION_STATE[action]
    conversation.save(update_fields=["moderation"])
    entry = ModerationAction.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        action=action,
        actor=actor,
        combined_risk=conversation.combined_risk,
        reason=reason[:300],
    )
    # A person's action names them; the workspace policy acting by itself is "system".
    audit.record(
        f"conversation.{action}",
        workspace=conversation.workspace,
        actor=actor,
        actor_name="" if actor is not None else "system",
        target=conversation,
        after={"moderation": conversation.moderation, "reason": entry.reason},
        request=request,
    )
    event = events.JourneyChanged(conversation.pk, conversation.journey_state, conversation.outcome)
    transaction.on_commit(lambda: events.publish(conversation.workspace_id, event))
    return entry
