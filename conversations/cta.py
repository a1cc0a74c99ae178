"""CTA decisions in conversations: the features of a conversation (one function for
training and inference), the decision at each inbound message, and people's verdicts."""

from __future__ import annotations

from itertools import pairwise
from statistics import median

from django.contrib.auth.models import User
from django.utils import timezone

from conversations.diagram import journey_order
from conversations.models import Conversation, CtaDecision, CtaLabel, Message
from mlops import registry
from mlops.cta import LABELS, Decision
from mlops.models import ModelVersion

KIND = "cta"
RECENT = 20  # messages read for engagement and reply latency


class CtaError(ValueError):
    pass


def reply_latency_seconds(messages: list[Message]) -> float:
    """Median seconds between our message and the contact's next one."""
    gaps = [
        (after.created_at - before.created_at).total_seconds()
        for before, after in pairwise(messages)
        if before.direction == Message.Direction.OUT and after.direction == Message.Direction.IN
    ]
    return round(median(gaps), 1) if gaps else 0.0


def features_for(conversation: Conversation) -> dict[str, float]:
    """Seed 000's CTA features, from what is stored about the conversation now."""
    recent = list(conversation.messages.order_by("-seq")[:RECENT])[::-1]
    inbound = [m for m in recent if m.direction == Message.Direction.IN]
    analysis = inbound[-1].analysis if inbound else {}
    emotions = analysis.get("emotions", {}).get("scores", {})
    context = analysis.get("context", {})
    playbook = conversation.playbook.spec
    order = journey_order(playbook)
    state = playbook.states.get(conversation.journey_state)
    intents = conversation.turns.values_list("intent_analysis__intent", flat=True)
    counts = conversation.messages.values_list("direction", flat=True)
    return {
        "contact_messages": sum(1 for d in counts if d == Message.Direction.IN),
        "operator_messages": sum(1 for d in counts if d == Message.Direction.OUT),
        "turns_since_cta": conversation.turn_count - conversation.last_cta_turn,
        "ctas_so_far": conversation.cta_count,
        "sentiment": float(context.get("effective_score", 0.0)),
        "intensity": float(analysis.get("sentiment", {}).get("intensity", 0.0)),
        "sentiment_trend": float(context.get("trend", 0.0)),
        **{name: float(emotions.get(name, 0.0)) for name in ("joy", "trust", "anger", "fear")},
        "sadness": float(emotions.get("sadness", 0.0)),
        "sarcastic": float(bool(analysis.get("sarcasm", {}).get("is_sarcastic"))),
        "phase_progress": order.index(conversation.journey_state) / max(1, len(order) - 1)
        if conversation.journey_state in order
        else 0.0,
        "phase_is_cta": float(bool(state and state.cta)),
        "phase_is_objection": float("objection" in conversation.journey_state.lower()),
        "objections": conversation.objection_count,
        "persona_has_offer": float(bool(conversation.persona.profile.get("cta_concept"))),
        "engagement": round(sum(len(m.text) for m in inbound) / len(inbound), 1) if inbound else 0,
        "reply_latency_s": reply_latency_seconds(recent),
        "facts_known": len(conversation.contact.profile_facts),
        "risk": conversation.combined_risk,
        "purchase_intent": sum(1 for i in intents if i in ("price", "confirmed")),
        "age_minutes": round((timezone.now() - conversation.created_at).total_seconds() / 60, 1),
    }


def margin_of(decision: Decision) -> float:
    ranked = sorted(decision.probabilities.values(), reverse=True)
    return round(ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0), 4)


def record(
    conversation: Conversation, message: Message, version: ModelVersion, shadow: bool, features
) -> CtaDecision:
    forest = registry.load_fast_forest(version.pk, version.artifact)
    decision = forest.decide(features)
    row, _ = CtaDecision.objects.get_or_create(
        message=message,
        is_shadow=shadow,
        defaults={
            "workspace_id": conversation.workspace_id,
            "conversation": conversation,
            "model_version": version,
            "decision": decision.decision,
            "probabilities": decision.probabilities,
            "top_features": decision.top_features,
            "features": features,
            "margin": margin_of(decision),
        },
    )
    return row


def decide(message: Message) -> CtaDecision | None:
    """The active model's decision for this message (and the shadow model's beside it)."""
    conversation = Conversation.objects.select_related("playbook", "persona", "contact").get(
        pk=message.conversation_id
    )
    active = ModelVersion.objects.active(KIND, conversation.workspace_id)
    if active is None:
        return None
    features = features_for(conversation)
    shown = record(conversation, message, active, False, features)
    shadow = ModelVersion.objects.shadow(KIND, conversation.workspace_id)
    if shadow is not None:
        record(conversation, message, shadow, True, features)
    return shown


def label(decision: CtaDecision, user: User, verdict: str, reason: str, source: str) -> CtaLabel:
    if verdict not in LABELS:
        raise CtaError(f"the verdict must be one of {', '.join(LABELS)}")
    row, _ = CtaLabel.objects.update_or_create(
        decision=decision,
        user=user,
        defaults={
            "workspace_id": decision.workspace_id,
            "label": verdict,
            "reason": reason.strip()[:300],
            "source": source,
        },
    )
    return row
