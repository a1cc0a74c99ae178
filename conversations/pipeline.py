"""The message pipeline as plain functions; Celery tasks in tasks.py only call these.

perceive (queue ml) -> steer -> suggest (queue llm) -> store -> broadcast after commit.
Later stages (CTA decision, knowledge, memory) slot in between without changing the path.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction

from conversations import events
from conversations.models import Message, Suggestion, SuggestionSet
from mlops.generation import (
    PROMPT_VERSION,
    TEMPLATE_MODEL_VERSION,
    ReplyContext,
    generate_replies,
    guard_reply,
)
from mlops.sentiment import analyse_sentiment


def elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def perceive(message: Message) -> dict:
    """Analyse an inbound message once; a redelivered task reuses the stored analysis."""
    if "sentiment" in message.analysis:
        return message.analysis
    started = time.perf_counter()
    sentiment = analyse_sentiment(message.text)
    analysis = {"sentiment": sentiment.as_dict(), "timings": {"perceive_ms": elapsed_ms(started)}}
    Message.objects.filter(pk=message.pk).update(analysis=analysis)
    message.analysis = analysis
    return analysis


def auto_request_key(message_id: int) -> str:
    return f"auto:{message_id}"


def suggest(message: Message, request_key: str) -> SuggestionSet:
    """Generate and store reply options for an inbound message (idempotent per request_key)."""
    existing = SuggestionSet.objects.filter(request_key=request_key).first()
    if existing:
        return existing
    conversation = message.conversation
    started = time.perf_counter()
    context = ReplyContext(
        journey_state=conversation.journey_state,
        contact_name=conversation.contact.display_name,
        last_message=message.text,
        sentiment_label=message.analysis.get("sentiment", {}).get("label", "neutral"),
        persona_name=conversation.persona.name,
        persona_phrases=conversation.persona.phrases,
    )
    options = generate_replies(context)
    timings = {**message.analysis.get("timings", {}), "suggest_ms": elapsed_ms(started)}
    return store_suggestions(message, request_key, options, timings)


@transaction.atomic
def store_suggestions(message: Message, request_key: str, options, timings: dict) -> SuggestionSet:
    conversation = message.conversation
    suggestion_set = SuggestionSet.objects.create(
        workspace_id=message.workspace_id,
        conversation=conversation,
        message=message,
        request_key=request_key,
        journey_state=conversation.journey_state,
        model_version=TEMPLATE_MODEL_VERSION,
        prompt_version=PROMPT_VERSION,
        timings=timings,
    )
    Suggestion.objects.bulk_create(
        Suggestion(
            suggestion_set=suggestion_set,
            position=position,
            text=guard_reply(option.text, settings.SUGGESTION_MAX_CHARS),
            theme=option.theme,
            descriptor=option.descriptor,
            confidence=option.confidence,
            quality_score=option.quality_score,
            model_version=suggestion_set.model_version,
            prompt_version=suggestion_set.prompt_version,
        )
        for position, option in enumerate(options)
    )
    event = events.SuggestionsReady(
        conversation_id=conversation.pk, suggestion_set_id=suggestion_set.pk, seq=message.seq
    )
    transaction.on_commit(lambda: events.publish(message.workspace_id, event))
    return suggestion_set
