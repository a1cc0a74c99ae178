"""Seed 002's analysis endpoints: message triage and bad-actor detection.

They run the offline analysers (lexicons and rules) in the web process; configured
transformers checkpoints run only in the ml workers' pipeline, never here.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from conversations.models import RedFlagPattern
from mlops import primer
from mlops.bad_actor import detect_bad_actor
from mlops.intents import detect_intent
from mlops.perception import PerceptionInput, perceive_batch

router = Router(tags=["analysis"])

Classification = Literal["friend", "family", "work", "acquaintance", "unknown"]
MAX_BATCH = 100


class TriageIn(Schema):
    message: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS)
    contact_classification: Classification = "unknown"
    message_id: str | None = Field(None, max_length=200)


class TriageBatchIn(Schema):
    messages: list[TriageIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class ChatMessage(Schema):
    role: Literal["user", "assistant", "system"] = "user"
    content: str = Field(..., max_length=settings.MESSAGE_MAX_CHARS)
    direction: Literal["incoming", "outgoing"] | None = None

    @property
    def from_contact(self) -> bool:
        return self.direction == "incoming" if self.direction else self.role == "user"


class BadActorIn(Schema):
    conversation_id: str = Field(..., min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=500)


def triage_all(items: list[TriageIn]) -> list[dict]:
    inputs = [PerceptionInput(i.message, [], i.contact_classification, i.message_id) for i in items]
    return [result["triage"] for result in perceive_batch(inputs)]


@router.post("/triage", summary="Urgency, priority, intent and response advice for a message")
def triage_one(request: HttpRequest, payload: TriageIn):
    return triage_all([payload])[0]


@router.post("/triage/batch", summary="Triage several messages, most urgent first")
def triage_batch(request: HttpRequest, payload: TriageBatchIn):
    results = sorted(
        triage_all(payload.messages), key=lambda r: r["adjusted_urgency"], reverse=True
    )
    return {"results": results, "total": len(results)}


@router.post("/sales/detect-bad-actor", summary="Scam, freeloader and time-waste risk")
def bad_actor(request: HttpRequest, payload: BadActorIn):
    rules = tuple(p.as_rule() for p in RedFlagPattern.objects.rules_for(request.auth))  # type: ignore[attr-defined]
    incoming = [m.content for m in payload.messages if m.from_contact]
    # No stored vectors here: the contact's messages are embedded in one batched call.
    report = detect_bad_actor(incoming, rules).as_dict()
    report.pop("manipulation_score")  # not in the seed's response; kept in the pipeline
    # A regex flag keeps the seed's five fields; a match by meaning adds its evidence
    # (match, example, similarity, evidence).
    seed_fields = ("pattern_name", "matched_text", "severity", "weight", "category")
    report["red_flags"] = [
        flag if flag["match"] == "semantic" else {key: flag[key] for key in seed_fields}
        for flag in report["red_flags"]
    ]
    return {"conversation_id": payload.conversation_id, **report}


class PrimerIn(Schema):
    conversation_id: str = Field(..., min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=500)
    contact_classification: Classification = "unknown"


@router.post("/conversation/primer", summary="Summary, mood, signals, stage, advice and risk")
def conversation_primer(request: HttpRequest, payload: PrimerIn):
    rules = tuple(p.as_rule() for p in RedFlagPattern.objects.rules_for(request.auth))  # type: ignore[attr-defined]
    lines = [(m.from_contact, m.content) for m in payload.messages if m.content.strip()]
    report = detect_bad_actor([text for from_contact, text in lines if from_contact], rules)
    turns = primer_turns(lines, payload.contact_classification)
    return {
        "conversation_id": payload.conversation_id,
        "primer": primer.primer(turns, report),
        "generated_at": primer.generated_at(),
    }


def primer_turns(lines: list[tuple[bool, str]], classification: str) -> list[primer.Turn]:
    """Sentiment and intent for the contact's lines; the persona's lines as they are."""
    contact_texts = [text for from_contact, text in lines if from_contact]
    inputs = [PerceptionInput(text, [], classification, None) for text in contact_texts]
    scores = iter(float(result["context"]["effective_score"]) for result in perceive_batch(inputs))
    return [
        primer.Turn(True, text, next(scores), detect_intent(text).intent)
        if from_contact
        else primer.Turn(False, text)
        for from_contact, text in lines
    ]
