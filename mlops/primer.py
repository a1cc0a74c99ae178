"""Seed 002's conversation primer: summary, mood, signals, stage, advice and risk.

Built from what the other analysers already say (sentiment, intents, bad-actor flags and
the extractive summary), by rules an operator can read: every signal names what in the
transcript produced it. No LLM is needed, so the primer is there even when the model
server is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mlops.bad_actor import BadActorReport
from mlops.summarize import Line, summarize

CLOSING_INTENTS = {"yes", "confirmed"}
NEGOTIATION_INTENTS = {"price", "objection"}


@dataclass(frozen=True)
class Turn:
    from_contact: bool
    text: str
    sentiment: float = 0.0  # effective sentiment, -1..1 (contact messages)
    intent: str = ""


def mood_of(turns: list[Turn], report: BadActorReport) -> str:
    recent = [t.sentiment for t in turns if t.from_contact][-3:]
    average = sum(recent) / len(recent) if recent else 0.0
    if report.freeloader_score >= 0.4 or report.scam_risk >= 0.4:
        return "cautious"
    if average >= 0.3:
        return "positive"
    if average <= -0.3:
        return "negative"
    return "neutral"


def positive_signals(turns: list[Turn]) -> list[str]:
    contact = [t for t in turns if t.from_contact]
    signals = []
    if len(contact) >= 3:
        signals.append("Engaged in conversation")
    if any("?" in t.text for t in contact):
        signals.append("Asks questions")
    if contact and sum(t.sentiment for t in contact) / len(contact) >= 0.3:
        signals.append("Positive sentiment")
    if any(t.intent in CLOSING_INTENTS | {"price"} for t in contact):
        signals.append("Shows purchase interest")
    return signals


def negative_signals(turns: list[Turn], report: BadActorReport) -> list[str]:
    contact = [t for t in turns if t.from_contact]
    signals = []
    categories = {flag.category for flag in report.red_flags}
    if "freeloader" in categories:
        signals.append("Free content requests")
    if categories & {"scam", "payment_scam"}:
        signals.append("Payment or scam patterns")
    if "emotional_manipulation" in categories:
        signals.append("Emotional pressure")
    if any(t.intent == "objection" for t in contact):
        signals.append("Objections raised")
    if contact and sum(t.sentiment for t in contact) / len(contact) <= -0.3:
        signals.append("Negative sentiment")
    if len(contact) >= 4 and sum(len(t.text) for t in contact) / len(contact) < 15:
        signals.append("Short, low-effort replies")
    return signals


def stage_of(turns: list[Turn]) -> str:
    contact = [t for t in turns if t.from_contact]
    intents = {t.intent for t in contact[-3:]}
    if len(contact) <= 1:
        return "initial_contact"
    if intents & CLOSING_INTENTS:
        return "closing"
    if intents & NEGOTIATION_INTENTS:
        return "negotiation"
    if turns and not turns[-1].from_contact and len(turns) >= 6:
        return "stalled"  # we spoke last, more than once in a row is the usual sign
    if any(t.intent == "question" for t in contact):
        return "qualification"
    return "early_engagement"


def advice(stage: str, mood: str, negatives: list[str]) -> tuple[list[str], str]:
    """(suggested actions, recommended tone)."""
    actions: list[str] = []
    if "Free content requests" in negatives:
        actions += ["Set expectations about paid content", "Don't send free samples"]
    if "Payment or scam patterns" in negatives:
        actions.append("Never share payment details outside the platform; consider blocking")
    if "Negative sentiment" in negatives:
        actions.append("Acknowledge how they feel before anything else")
    actions += {
        "initial_contact": ["Greet them warmly and ask an open question"],
        "early_engagement": ["Keep building rapport: ask about their day"],
        "qualification": ["Find out what they want before offering anything"],
        "negotiation": ["Restate the value before talking price"],
        "closing": ["Make the offer clear and the next step easy"],
        "stalled": ["Re-engage with something personal they mentioned"],
    }.get(stage, [])
    if "Free content requests" in negatives or "Payment or scam patterns" in negatives:
        tone = "friendly_but_firm"
    elif mood == "negative":
        tone = "reassuring"
    elif mood == "positive":
        tone = "playful"
    else:
        tone = "warm"
    return actions, tone


def risk_level(combined: float) -> str:
    return "high" if combined >= 0.6 else "medium" if combined >= 0.3 else "low"


def primer(turns: list[Turn], report: BadActorReport) -> dict[str, Any]:
    contact_count = sum(t.from_contact for t in turns)
    gist = summarize([Line("user" if t.from_contact else "assistant", t.text) for t in turns])
    mood = mood_of(turns, report)
    negatives = negative_signals(turns, report)
    stage = stage_of(turns)
    actions, tone = advice(stage, mood, negatives)
    return {
        "summary": f"{len(turns)} messages, {contact_count} from the contact. {gist}".strip(),
        "mood": mood,
        "positive_signals": positive_signals(turns),
        "negative_signals": negatives,
        "conversation_stage": stage,
        "suggested_actions": actions,
        "recommended_tone": tone,
        "risk_level": risk_level(report.combined_risk),
        "bad_actor_analysis": {
            "freeloader_score": report.freeloader_score,
            "scam_risk": report.scam_risk,
            "recommendation": report.recommendation,
        },
    }


def generated_at() -> str:
    return datetime.now(UTC).isoformat()
