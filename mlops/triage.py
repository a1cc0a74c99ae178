"""Message triage (seed 002): how urgent a message is, and how and when to answer it.

Urgency comes from weighted cues; the contact's classification adjusts it (a friend's
"call me ASAP" matters more than a stranger's). Priority thresholds are the seed's:
urgent >= 0.8, time-sensitive >= 0.6, routine >= 0.3, low below.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

CLASSIFICATIONS = ("friend", "family", "work", "acquaintance", "unknown")
# How much the relationship raises or lowers urgency.
CLASSIFICATION_FACTOR = {
    "family": 1.1,
    "friend": 1.06,
    "work": 1.04,
    "acquaintance": 1.0,
    "unknown": 0.95,
}
URGENCY_CUES: list[tuple[str, float]] = [
    (r"\basap\b", 0.35),
    (r"\burgent(ly)?\b", 0.35),
    (r"\bemergency\b", 0.45),
    (r"\b(right (now|away)|immediately)\b", 0.3),
    (r"\b(help|need you)\b", 0.15),
    (r"\bcall me\b", 0.1),
    (r"\b(today|tonight|by \d|deadline|before \d)\b", 0.15),
    (r"\b(important|critical|server is down|is down)\b", 0.2),
    (r"!", 0.05),
]
URGENCY_PATTERNS = [(re.compile(p, re.IGNORECASE), w) for p, w in URGENCY_CUES]
TOPICS: list[tuple[str, str]] = [
    ("money", r"\b(pay|paid|price|cost|money|refund|invoice|venmo|cashapp|bank)\b"),
    ("scheduling", r"\b(tomorrow|tonight|saturday|sunday|weekend|meet|schedule|time|when)\b"),
    ("work", r"\b(server|meeting|deadline|project|client|boss|office|report)\b"),
    ("content", r"\b(photo|pic|video|content|page|exclusive|set)\b"),
    ("personal", r"\b(call me|miss you|family|feel|love|friend)\b"),
]
PRIORITIES = [(0.8, "urgent"), (0.6, "time-sensitive"), (0.3, "routine"), (0.0, "low")]
RESPONSE_TIME = {
    "urgent": "immediate",
    "time-sensitive": "within_hour",
    "routine": "today",
    "low": "whenever",
}


@dataclass(frozen=True)
class Triage:
    urgency_score: float
    adjusted_urgency: float
    priority: str
    intent: str
    emotional_tone: str
    topic: str
    suggested_response_style: str
    suggested_response_time: str
    confidence_overall: float
    raw_message: str
    message_id: str | None
    is_urgent: bool
    needs_action: bool
    is_positive: bool
    is_negative: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def urgency(text: str) -> tuple[float, int]:
    matched = [weight for pattern, weight in URGENCY_PATTERNS if pattern.search(text)]
    return round(min(1.0, float(sum(matched))), 2), len(matched)


def priority_for(score: float) -> str:
    return next(name for threshold, name in PRIORITIES if score >= threshold)


def message_intent(text: str) -> str:
    lowered = text.lower().strip()
    if re.search(r"\b(can|could|would|will) you\b|\bplease\b|\bcall me\b", lowered):
        return "request"
    if re.search(r"\b(not working|broken|disappointed|unacceptable|refund)\b", lowered):
        return "complaint"
    if lowered.endswith("?") or re.match(r"(what|when|where|who|why|how|is|are|do)\b", lowered):
        return "question"
    if re.match(r"(hi|hey|hello|yo|good (morning|evening))\b", lowered):
        return "greeting"
    return "statement"


def topic_for(text: str, classification: str) -> str:
    for topic, pattern in TOPICS:
        if re.search(pattern, text, re.IGNORECASE):
            return topic
    return {"friend": "personal", "family": "personal", "work": "work"}.get(
        classification, "general"
    )


def emotional_tone(sentiment: float, urgency_score: float, top_emotion: str | None) -> str:
    if urgency_score >= 0.6 and sentiment < 0.3:
        return "concerned"
    if sentiment <= -0.05:
        return {"anger": "angry", "sadness": "sad", "fear": "anxious"}.get(
            top_emotion or "", "upset"
        )
    if sentiment >= 0.05:
        return "happy" if top_emotion in (None, "joy", "trust", "anticipation") else "positive"
    return "neutral"


def response_style(tone: str, priority: str) -> str:
    if tone in ("concerned", "anxious", "sad", "upset", "angry"):
        return "empathetic"
    if priority in ("urgent", "time-sensitive"):
        return "brief"
    return "casual" if tone == "happy" else "friendly"


def triage(
    text: str,
    classification: str = "unknown",
    message_id: str | None = None,
    sentiment: float = 0.0,
    top_emotion: str | None = None,
) -> Triage:
    """Triage one message. `sentiment` and `top_emotion` come from the perception stage."""
    score, cues = urgency(text)
    adjusted = round(min(1.0, score * CLASSIFICATION_FACTOR.get(classification, 1.0)), 2)
    priority = priority_for(adjusted)
    intent = message_intent(text)
    tone = emotional_tone(sentiment, score, top_emotion)
    # More cues that agree and a known relationship make the reading more certain.
    confidence = min(0.95, 0.6 + 0.07 * cues + (0.07 if classification != "unknown" else 0))
    return Triage(
        urgency_score=score,
        adjusted_urgency=adjusted,
        priority=priority,
        intent=intent,
        emotional_tone=tone,
        topic=topic_for(text, classification),
        suggested_response_style=response_style(tone, priority),
        suggested_response_time=RESPONSE_TIME[priority],
        confidence_overall=round(confidence, 2),
        raw_message=text,
        message_id=message_id,
        is_urgent=priority == "urgent",
        needs_action=intent in ("request", "question", "complaint") or priority == "urgent",
        is_positive=sentiment >= 0.05,
        is_negative=sentiment <= -0.05,
    )
