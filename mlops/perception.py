"""The perception stage for a batch of messages: sentiment, emotions, sarcasm,
context-aware sentiment with guidance, and triage, each analyser called once per batch.

Plain values in and out: the conversations app gathers each message's history and the
contact's classification and stores what comes back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from mlops.context import context_sentiment
from mlops.emotion import analyse_emotions
from mlops.sarcasm import analyse_sarcasm
from mlops.sentiment import analyse_sentiments
from mlops.triage import triage


@dataclass(frozen=True)
class ModelPaths:
    """Local transformers checkpoints; empty means the offline default for that analyser."""

    sentiment: str = ""
    emotion: str = ""
    sarcasm: str = ""


@dataclass(frozen=True)
class PerceptionInput:
    text: str
    history: list[float] = field(default_factory=list)  # earlier effective scores, oldest first
    classification: str = "unknown"
    message_id: str | None = None


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def perceive_batch(
    items: list[PerceptionInput], models: ModelPaths | None = None
) -> list[dict[str, Any]]:
    """Everything the ml stage learns about each message, with per-analyser timings
    (milliseconds for the whole batch, divided evenly per message)."""
    models = models or ModelPaths()
    texts = [item.text for item in items]
    timings: dict[str, float] = {}

    started = time.perf_counter()
    sentiments = analyse_sentiments(texts, models.sentiment)
    timings["sentiment_ms"] = elapsed_ms(started)
    started = time.perf_counter()
    emotions = analyse_emotions(texts, models.emotion)
    timings["emotion_ms"] = elapsed_ms(started)
    started = time.perf_counter()
    sarcasms = analyse_sarcasm(texts, models.sarcasm)
    timings["sarcasm_ms"] = elapsed_ms(started)

    started = time.perf_counter()
    results = []
    for item, sentiment, emotion, sarcasm in zip(
        items, sentiments, emotions, sarcasms, strict=True
    ):
        context = context_sentiment(
            item.text, sentiment.compound, sarcasm.is_sarcastic, emotion.top, item.history
        )
        urgency = triage(
            item.text,
            item.classification,
            item.message_id,
            sentiment=context.effective_score,
            top_emotion=emotion.top,
        )
        results.append(
            {
                "sentiment": sentiment.as_dict(),
                "emotions": emotion.as_dict(),
                "sarcasm": sarcasm.as_dict(),
                "context": context.as_dict(),
                "guidance": context.guidance,
                "triage": urgency.as_dict(),
            }
        )
    timings["context_triage_ms"] = elapsed_ms(started)
    per_message = {name: round(ms / max(1, len(items)), 2) for name, ms in timings.items()}
    for result in results:
        result["timings"] = per_message
    return results
