"""Stage 2, perceive: what an inbound message says and how urgent it is.

Sentiment, emotions, sarcasm, context over the contact's last turns, intent and triage,
read once per message by the ml models (mlops.perception) and stored on the message, so a
redelivered task reuses them.
"""

from __future__ import annotations

import time

from django.conf import settings

from conversations.models import Conversation, Message
from mlops.context import CONTEXT_TURNS
from mlops.perception import ModelPaths, PerceptionInput, perceive_batch


def elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def model_paths() -> ModelPaths:
    return ModelPaths(
        sentiment=settings.SENTIMENT_MODEL_PATH,
        emotion=settings.EMOTION_MODEL_PATH,
        sarcasm=settings.SARCASM_MODEL_PATH,
    )


def earlier_scores(message: Message) -> list[float]:
    """The contact's effective sentiment over their previous messages, oldest first."""
    rows = (
        Message.objects.filter(
            conversation__contact_id=message.conversation.contact_id,
            direction=Message.Direction.IN,
            created_at__lt=message.created_at,
        )
        .order_by("-created_at")
        .values_list("analysis", flat=True)[:CONTEXT_TURNS]
    )
    scores = [row.get("context", {}).get("effective_score") for row in rows]
    return [float(s) for s in reversed(scores) if s is not None]


def analyse(message: Message) -> dict:
    """The message's analysis, computed and stored the first time it is asked for."""
    if "triage" in message.analysis:
        return message.analysis
    started = time.perf_counter()
    item = PerceptionInput(
        text=message.text,
        history=earlier_scores(message),
        classification=message.conversation.contact.classification,
        message_id=str(message.pk),
    )
    analysis = perceive_batch([item], model_paths())[0]
    analysis["timings"] = {**analysis["timings"], "perceive_ms": elapsed_ms(started)}
    Message.objects.filter(pk=message.pk).update(analysis=analysis)
    message.analysis = analysis
    return analysis


def record_priority(conversation: Conversation, triage: dict) -> None:
    """The inbox sorts by the newest inbound message's priority."""
    Conversation.objects.filter(pk=conversation.pk).update(
        priority=triage["priority"], urgency=triage["adjusted_urgency"]
    )
