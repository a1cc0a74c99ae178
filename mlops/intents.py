"""Intent of one customer message, by rule patterns.

One function, one result type: a learned intent classifier can replace or back these
rules later behind the same `detect_intent(text) -> IntentResult`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

OTHER = "other"


@dataclass(frozen=True)
class IntentResult:
    intent: str
    confidence: float
    evidence: str  # the text that matched, so an operator can see why
    model: str = "rules-v1"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Checked in this order: the more specific and the more consequential intents first, so
# "can you call me back? not now" is a callback, and "yes I paid" is confirmed, not yes.
INTENT_PATTERNS: list[tuple[str, list[str]]] = [
    (
        "request_human",
        [
            r"\b(real|actual) (person|human)\b",
            r"\b(talk|speak) to (a |an )?(human|person|agent|manager|someone)\b",
            r"\bare you a (bot|robot|ai)\b",
        ],
    ),
    (
        "callback",
        [  # seed 003's patterns, plus the chat equivalents
            r"\b(call (me )?(back|later|another time))\b",
            r"\b(not a good time|bad time)\b",
            r"\b(busy right now|in a meeting)\b",
            r"\b(text|message|talk to) (me|you) (later|tomorrow|next week)\b",
            r"\bremind me\b",
        ],
    ),
    (
        "confirmed",
        [
            r"\b(just )?(paid|bought|purchased|subscribed|signed up|booked)\b",
            r"\b(deal|i'?m in|let'?s do it|sold|take it|count me in)\b",
            r"\b(sent|sending) (you )?(the )?(money|payment)\b",
        ],
    ),
    (
        "price",
        [
            r"\b(price|pricing|cost|costs|how much|rate|rates|fee|discount|deal\?)\b",
            r"\$\s?\d+",
        ],
    ),
    (
        "objection",
        [
            r"\b(too (expensive|much|pricey)|can'?t afford|not worth)\b",
            r"\b(scam|rip ?off|no thanks|not interested)\b",
            r"\b(others charge|cheaper|half (of )?that)\b",
            r"\b(don'?t trust|sounds fake|why should i)\b",
        ],
    ),
    (
        "goodbye",
        [r"\b(bye|goodbye|good night|gotta go|gtg|ttyl|see you|talk (soon|tomorrow))\b"],
    ),
    (
        "uncertain",
        [
            r"\b(not sure|maybe|i guess|hmm+|perhaps|don'?t know|dunno|let me think)\b",
            r"\b(might|possibly|thinking about it)\b",
        ],
    ),
    (
        "no",
        [r"^\s*(no|nope|nah|never|no way)\b", r"\b(i'?ll pass|not for me|stop)\b"],
    ),
    (
        "yes",
        [
            r"^\s*(yes|yeah|yep|yup|sure|ok(ay)?|absolutely|definitely|of course)\b",
            r"\b(sounds good|i'?d love|interested|tell me more|want it|i want)\b",
        ],
    ),
    (
        "greeting",
        [r"^\s*(hi+|hey+|hello|howdy|yo|good (morning|afternoon|evening)|what'?s up)\b"],
    ),
]

COMPILED = [
    (intent, [re.compile(pattern, re.IGNORECASE) for pattern in patterns])
    for intent, patterns in INTENT_PATTERNS
]


def detect_intent(text: str) -> IntentResult:
    """The first intent whose pattern matches; `other` when none does."""
    for intent, patterns in COMPILED:
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                # A longer match is stronger evidence; rules never claim certainty.
                confidence = min(0.95, 0.6 + 0.05 * len(match.group(0).split()))
                return IntentResult(intent, round(confidence, 2), match.group(0).strip())
    return IntentResult(OTHER, 0.3, "")
