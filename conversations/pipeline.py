"""The message pipeline as one readable chain; Celery tasks (tasks.py) only call these.

DESIGN.md's stages, each a module of its own (docs/architecture.md has the table):

    1. In              conversations.ingestion, conversations.messages
    2. Perceive        conversations.perception, then conversations.memory
    3. Steer           conversations.risk, conversations.steering
    4. Decide CTA      conversations.cta
    5. Suggest         conversations.suggestions
    6. Show            conversations.show
    7. Decide (human)  conversations.decisions, or conversations.autonomy
    8. Learn           conversations.reply_datasets, mlops.training, mlops.lora_training

`perceive` runs stages 2-4 on the ml queue; its task then queues `suggest` (stages 5-6,
and 7 when the persona is autonomous) on the llm queue through core.dispatch.
"""

from __future__ import annotations

import time

from conversations import (
    autonomy,
    cta,
    events,
    memory,
    metrics,
    perception,
    risk,
    steering,
    suggestions,
)
from conversations.models import Message, SuggestionSet
from conversations.perception import elapsed_ms
from core import dispatch


def perceive(message: Message) -> dict:
    """Analyse an inbound message once, remember it, score the conversation's risk, steer
    its journey and decide the CTA. A redelivered task reuses the stored analysis and the
    recorded turn."""
    analysis = perception.analyse(message)
    conversation = message.conversation
    started = time.perf_counter()
    memory.remember(message)
    memory_ms = elapsed_ms(started)
    started = time.perf_counter()
    risk.assess(conversation)
    perception.record_priority(conversation, analysis["triage"])
    steering.steer(message)
    timings = {**analysis["timings"], "memory_ms": memory_ms, "risk_steer_ms": elapsed_ms(started)}
    started = time.perf_counter()
    cta.decide(message)
    timings["cta_ms"] = elapsed_ms(started)
    metrics.observe_stage_timings(timings)
    Message.objects.filter(pk=message.pk).update(analysis={**analysis, "timings": timings})
    message.analysis = {**analysis, "timings": timings}
    # The library's replies are ready now; the drafts wait their turn on the llm queue.
    suggestions.offer_library_now(message)
    events.publish(
        message.workspace_id,
        events.MessageAnalysed(
            message.conversation_id, message.pk, message.seq, analysis["triage"]["priority"]
        ),
    )
    return analysis


def suggest(
    message: Message, request_key: str, use_cache: bool = True, latest_only: bool = False
) -> SuggestionSet | None:
    """Draft, store and show reply options (idempotent per request key); then, for the
    pipeline's own set only (never a regeneration), let autonomy send the top one.

    `latest_only` is the queue's rule (latest wins): a message the customer has already
    written past gets no drafts. A caller waiting on this very message (/api/chat) leaves
    it off."""
    with metrics.timed_stage("suggest"):
        stored = suggestions.suggest(message, request_key, use_cache, latest_only)
    if stored is not None and request_key == dispatch.auto_request_key(message.pk):
        # Safe to repeat: autosend re-checks under a row lock that nothing answered yet.
        with metrics.timed_stage("autosend"):
            autonomy.maybe_autosend(stored)
    return stored
