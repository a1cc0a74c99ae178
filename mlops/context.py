"""Context-aware sentiment over the contact's last turns, and the guidance line it gives
the persona (seed 000: "User is anxious — be reassuring, skip promos")."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from statistics import mean, pstdev
from typing import Any

from mlops.chat_lexicon import emotion_agrees

# How many earlier turns are read, and what counts as a real change of mood.
CONTEXT_TURNS = 5
SHIFT = 0.35


@dataclass(frozen=True)
class ContextSentiment:
    label: str  # sarcastic_positive, forced_positive, declining, recovering, volatile, steady_*
    effective_score: float  # the score once sarcasm is read for what it means
    trend: float  # effective score minus the mean of the earlier turns
    guidance: str
    drivers: list[dict[str, Any]] = field(default_factory=list)  # why this label and guidance

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
    label, current, trend, _ = classify_with_reason(text, score, sarcastic, history)
    return label, current, trend


def classify_with_reason(
    text: str, score: float, sarcastic: bool, history: list[float]
) -> tuple[str, float, float, str]:
    current = effective(score, sarcastic)
    earlier = history[-CONTEXT_TURNS:]
    trend = current - mean(earlier) if earlier else 0.0
    lowered = text.lower()
    if sarcastic and score > 0:
        return "sarcastic_positive", current, trend, "praise in a sarcastic message"
    if (
        0 < score < 0.5
        and earlier
        and mean(earlier) < -0.2
        and any(marker in lowered for marker in FORCED_MARKERS)
    ):
        marker = next(m for m in FORCED_MARKERS if m in lowered)
        return "forced_positive", current, trend, f"mild praise with '{marker}' after bad turns"
    if earlier and trend <= -SHIFT and pstdev(earlier) < SHIFT:
        return "declining", current, trend, f"down {-trend:.2f} from steady earlier turns"
    if earlier and trend >= SHIFT and mean(earlier) < 0 and pstdev(earlier) < SHIFT:
        return "recovering", current, trend, f"up {trend:.2f} from negative earlier turns"
    if len(earlier) >= 2 and pstdev([*earlier, current]) > 0.5:
        # swinging back and forth, no clear direction
        return "volatile", current, trend, "earlier turns swing both ways"
    if current >= 0.05:
        return "steady_positive", current, trend, "positive score, no change of mood"
    if current <= -0.05:
        return "steady_negative", current, trend, "negative score, no change of mood"
    return "steady", current, trend, "neutral score, no change of mood"


def guidance_for(label: str, top_emotion: str | None, current: float) -> str:
    return guidance_with_source(label, top_emotion, current)[0]


def guidance_with_source(label: str, top_emotion: str | None, current: float) -> tuple[str, str]:
    """The guidance line, and what it came from. An emotion only speaks when the score
    agrees with it: no "frustrated" for a neutral or happy message."""
    if label in GUIDANCE:
        return GUIDANCE[label], f"guidance from the mood '{label}'"
    agrees = top_emotion is not None and emotion_agrees(top_emotion, current)
    if top_emotion in EMOTION_GUIDANCE and agrees:
        return EMOTION_GUIDANCE[top_emotion], f"guidance from the emotion '{top_emotion}'"
    ignored = (
        f"; emotion '{top_emotion}' ignored: the score {current:+.2f} disagrees"
        if top_emotion in EMOTION_GUIDANCE
        else ""
    )
    if current <= -0.05:
        return "User is unhappy — listen first, no promos", f"guidance from the score{ignored}"
    neutral = "Neutral mood — keep it friendly and move the conversation forward"
    return neutral, f"guidance from the score{ignored}"


def context_sentiment(
    text: str, score: float, sarcastic: bool, top_emotion: str | None, history: list[float]
) -> ContextSentiment:
    label, current, trend, reason = classify_with_reason(text, score, sarcastic, history)
    guidance, source = guidance_with_source(label, top_emotion, current)
    drivers = [f"effective score {current:+.2f}"]
    if current != score:
        drivers[0] += f" (sarcasm turns the words' {score:+.2f} negative)"
    earlier = history[-CONTEXT_TURNS:]
    if earlier:
        drivers.append(f"trend {trend:+.2f} against {len(earlier)} earlier turns")
    drivers += [f"{label}: {reason}", source]
    return ContextSentiment(
        label,
        round(current, 4),
        round(trend, 4),
        guidance,
        [{"why": line, "text": line} for line in drivers],
    )
