"""Context-aware sentiment over the contact's last turns, and the guidance line it gives
the persona (seed 000: "User is anxious — be reassuring, skip promos")."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import mean, pstdev
from typing import Any

# How many earlier turns are read, and what counts as a real change of mood.
CONTEXT_TURNS = 5
SHIFT = 0.35


@dataclass(frozen=True)
class ContextSentiment:
    label: str  # sarcastic_positive, forced_positive, declining, recovering, volatile, steady_*
    effective_score: float  # the score once sarcasm is read for what it means
    trend: float  # effective score minus the mean of the earlier turns
    guidance: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FORCED_MARKERS = ("fine", "whatever", "i guess", "ok then", "sure sure", "no worries i guess")

GUIDANCE = {
    "sarcastic_positive": "User is being sarcastic — don't take the praise literally; "
    "acknowledge the problem, no promos",
    "forced_positive": "Positivity sounds forced — check in gently before moving on",
    "declining": "Mood is dropping — slow down, ask what's wrong, hold any offer",
    "recovering": "Mood is recovering — keep it light and rebuild rapport before any offer",
    "volatile": "Mood swings — stay calm and consistent, short replies",
}
EMOTION_GUIDANCE = {
    "fear": "User is anxious — be reassuring, skip promos",
    "anger": "User is frustrated — acknowledge it and apologise if it fits; no sales push",
    "sadness": "User is down — be warm and supportive; no promos",
    "disgust": "User is put off — don't push; ask what bothered them",
    "joy": "User is in a good mood — match the energy; a soft CTA can fit",
    "trust": "User trusts you — be genuine; a clear, honest offer can fit",
    "anticipation": "User is looking forward to something — build on it",
    "surprise": "User is surprised — clarify and reassure",
}


def effective(score: float, sarcastic: bool) -> float:
    """Sarcastic praise means the opposite of its words."""
    return -abs(score) if sarcastic and score > 0 else score


def classify_context(
    text: str, score: float, sarcastic: bool, history: list[float]
) -> tuple[str, float, float]:
    current = effective(score, sarcastic)
    earlier = history[-CONTEXT_TURNS:]
    trend = current - mean(earlier) if earlier else 0.0
    lowered = text.lower()
    if sarcastic and score > 0:
        return "sarcastic_positive", current, trend
    if (
        0 < score < 0.5
        and earlier
        and mean(earlier) < -0.2
        and any(marker in lowered for marker in FORCED_MARKERS)
    ):
        return "forced_positive", current, trend
    if earlier and trend <= -SHIFT and pstdev(earlier) < SHIFT:
        return "declining", current, trend
    if earlier and trend >= SHIFT and mean(earlier) < 0 and pstdev(earlier) < SHIFT:
        return "recovering", current, trend
    if len(earlier) >= 2 and pstdev([*earlier, current]) > 0.5:
        return "volatile", current, trend  # swinging back and forth, no clear direction
    if current >= 0.05:
        return "steady_positive", current, trend
    if current <= -0.05:
        return "steady_negative", current, trend
    return "steady", current, trend


def guidance_for(label: str, top_emotion: str | None, current: float) -> str:
    if label in GUIDANCE:
        return GUIDANCE[label]
    if top_emotion in EMOTION_GUIDANCE:
        return EMOTION_GUIDANCE[top_emotion]
    if current <= -0.05:
        return "User is unhappy — listen first, no promos"
    return "Neutral mood — keep it friendly and move the conversation forward"


def context_sentiment(
    text: str, score: float, sarcastic: bool, top_emotion: str | None, history: list[float]
) -> ContextSentiment:
    label, current, trend = classify_context(text, score, sarcastic, history)
    return ContextSentiment(
        label, round(current, 4), round(trend, 4), guidance_for(label, top_emotion, current)
    )
