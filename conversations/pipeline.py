"""The message pipeline as plain functions; Celery tasks in tasks.py only call these.

perceive (queue ml) -> steer -> suggest (queue llm) -> store -> broadcast after commit.
perceive also runs the memory stage (facts, embeddings, summaries, conversations.memory);
suggest first retrieves what the reply should know (conversations.retrieval).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction

from conversations import autonomy, cta, events, memory, retrieval, risk, steering
from conversations.models import Conversation, Message, Suggestion, SuggestionSet
from conversations.replies import Replies, replies_for, streams_options, suggestion_deadline
from mlops.context import CONTEXT_TURNS
from mlops.generation import (
    GENERIC_FALLBACKS,
    PROMPT_VERSION,
    TEMPLATE_MODEL_VERSION,
    ReplyContext,
    ReplyOption,
    guard_reply,
)
from mlops.llm_replies import NoValidReply
from mlops.perception import ModelPaths, PerceptionInput, perceive_batch
from mlops.sentiment import label_for
from personas.models import Persona
from personas.style import StyleProfile, apply_style

logger = logging.getLogger(__name__)


def elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def perceive(message: Message) -> dict:
    """Analyse an inbound message once, score the conversation's risk, then steer it.

    A redelivered task reuses the stored analysis and the recorded turn.
    """
    analysis = analyse(message)
    conversation = message.conversation
    started = time.perf_counter()
    memory.remember(message)
    memory_ms = elapsed_ms(started)
    started = time.perf_counter()
    risk.assess(conversation)
    record_priority(conversation, analysis["triage"])
    steering.steer(message)
    timings = {**analysis["timings"], "memory_ms": memory_ms, "risk_steer_ms": elapsed_ms(started)}
    started = time.perf_counter()
    cta.decide(message)
    timings["cta_ms"] = elapsed_ms(started)
    Message.objects.filter(pk=message.pk).update(analysis={**analysis, "timings": timings})
    events.publish(
        message.workspace_id,
        events.MessageAnalysed(
            message.conversation_id, message.pk, message.seq, analysis["triage"]["priority"]
        ),
    )
    return analysis


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


def auto_request_key(message_id: int) -> str:
    return f"auto:{message_id}"


def suggest(message: Message, request_key: str, use_cache: bool = True) -> SuggestionSet | None:
    """Generate and store reply options for an inbound message (idempotent per request_key)."""
    existing = SuggestionSet.objects.filter(request_key=request_key).first()
    if existing:
        return existing
    conversation = Conversation.objects.select_related("contact", "persona", "playbook").get(
        pk=message.conversation_id
    )
    if conversation.moderation != "none":
        return None  # muted or blocked: nobody should be drafting replies to it
    started = time.perf_counter()
    found = retrieve_or_nothing(conversation, message)
    retrieval_ms = elapsed_ms(started)
    context = ReplyContext(
        journey_state=conversation.journey_state,
        journey_goal=conversation.state_spec.goal if conversation.state_spec else "",
        contact_name=conversation.contact.display_name,
        last_message=message.text,
        sentiment_label=label_for(message.analysis.get("context", {}).get("effective_score", 0.0)),
        guidance=message.analysis.get("guidance", ""),
        persona_name=conversation.persona.name,
        persona_phrases=conversation.persona.phrases,
        knowledge=[(hit.text, hit.similarity) for hit in found.knowledge],
        facts=[(hit.kind, hit.value, hit.score) for hit in found.facts],
    )
    streaming = streams_options()
    deadline = suggestion_deadline()
    try:
        replies = first_replies(
            conversation, message, found, context, use_cache, streaming, deadline
        )
        options, is_fallback = styled(replies.options, conversation.persona), False
        versions = (replies.model_version, replies.prompt_version)
        notes = replies.notes
    except Exception as exc:
        # Degrade, don't fail: the operator gets the state's human-sounding fallback, and
        # the journey counts the error (the second one ends the conversation).
        logger.warning("reply generation failed for message %s: %s", message.pk, exc)
        options, is_fallback = fallback_replies(conversation), True
        versions, notes = ("fallback", PROMPT_VERSION), {"error": str(exc)[:300]}
        steering.record_generation_error(conversation.pk)
    timings = {
        **message.analysis.get("timings", {}),
        "retrieval_ms": retrieval_ms,
        "suggest_ms": elapsed_ms(started),
        **{k: v for k, v in notes.items() if k == "llm_ms"},
    }
    try:
        stored = store_suggestions(
            conversation,
            message,
            request_key,
            options,
            timings,
            is_fallback,
            found.as_json(),
            versions,
            {k: v for k, v in notes.items() if k != "llm_ms"},
        )
    except IntegrityError:
        # The same request ran twice at once (a worker and /api/chat); the first one won.
        return SuggestionSet.objects.get(request_key=request_key)
    if streaming and not is_fallback:
        add_remaining_options(stored, conversation, message, found, context, use_cache, deadline)
    if request_key == auto_request_key(message.pk):
        autonomy.maybe_autosend(stored)  # only the pipeline's own set, never a regeneration
    return stored


# How many times the options after the first are asked for before the set stays short.
MORE_ATTEMPTS = 3


def add_remaining_options(
    suggestion_set: SuggestionSet,
    conversation: Conversation,
    message: Message,
    found: retrieval.RetrievedContext,
    context: ReplyContext,
    use_cache: bool,
    deadline: float,
) -> None:
    """The options after the first, appended to the set the operator already sees.

    The first option is already on screen; if these fail, the operator still has it, so
    a failure here is logged and counted by the circuit breaker but not as a conversation
    error. Samples lost to the guardrails or to de-duplication are asked for again, a
    bounded number of times and within the same deadline, so the set reaches N options.
    """
    # Deterministic mode repeats itself: asking again would only bring the same duplicates.
    attempts = 1 if settings.LLM_DETERMINISTIC else MORE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        wanted = settings.LLM_SUGGESTIONS - suggestion_set.suggestions.count()
        if wanted <= 0:
            return
        try:
            more = replies_for(
                conversation, message, found, context, use_cache, wanted,
                offset=attempt, deadline=deadline,
            )  # fmt: skip
        except Exception as exc:
            logger.warning("more options failed for message %s: %s", message.pk, exc)
            return
        shown = {s.lower() for s in suggestion_set.suggestions.values_list("text", flat=True)}
        fresh = [
            o for o in styled(more.options, conversation.persona) if o.text.lower() not in shown
        ]
        append_suggestions(suggestion_set, fresh[:wanted], more.model_version, more.prompt_version)


@transaction.atomic
def append_suggestions(
    suggestion_set: SuggestionSet,
    options: list[ReplyOption],
    model_version: str,
    prompt_version: str,
) -> None:
    start = suggestion_set.suggestions.count()
    Suggestion.objects.bulk_create(
        Suggestion(
            suggestion_set=suggestion_set,
            position=start + offset,
            text=guard_reply(option.text, settings.SUGGESTION_MAX_CHARS),
            theme=option.theme,
            descriptor=option.descriptor,
            confidence=option.confidence,
            quality_score=option.quality_score,
            model_version=model_version[:120],
            prompt_version=prompt_version[:60],
        )
        for offset, option in enumerate(options)
    )
    event = events.SuggestionsReady(
        conversation_id=suggestion_set.conversation_id,
        suggestion_set_id=suggestion_set.pk,
        seq=suggestion_set.message.seq,
    )
    transaction.on_commit(lambda: events.publish(suggestion_set.workspace_id, event))


def first_replies(
    conversation: Conversation,
    message: Message,
    found: retrieval.RetrievedContext,
    context: ReplyContext,
    use_cache: bool,
    streaming: bool,
    deadline: float,
) -> Replies:
    """The first option alone when streaming; if that one sample is unusable, the whole
    batch at once (one bad sample from a small model is not yet a failure)."""
    if not streaming:
        return replies_for(conversation, message, found, context, use_cache, deadline=deadline)
    try:
        return replies_for(conversation, message, found, context, use_cache, 1, deadline=deadline)
    except NoValidReply:
        return replies_for(
            conversation, message, found, context, use_cache, offset=1, deadline=deadline
        )


def retrieve_or_nothing(conversation: Conversation, message: Message) -> retrieval.RetrievedContext:
    # Suggestions without memory beat no suggestions: retrieval trouble is logged, not fatal.
    try:
        return retrieval.retrieve(conversation, message)
    except Exception:
        logger.exception("retrieval failed for message %s", message.pk)
        return retrieval.RetrievedContext()


def styled(options: list[ReplyOption], persona: Persona) -> list[ReplyOption]:
    """The persona's learned style on every option, once a manager has switched it on."""
    if not (persona.apply_style and persona.style_profile):
        return options
    profile = StyleProfile.from_dict(persona.style_profile)
    return [replace(option, text=apply_style(option.text, profile)) for option in options]


def fallback_replies(conversation: Conversation) -> list[ReplyOption]:
    state = conversation.state_spec
    lines = list(state.fallbacks) if state and state.fallbacks else list(GENERIC_FALLBACKS)
    return [ReplyOption(line, "fallback", "Fallback", 0.0, 0.0) for line in lines]


@transaction.atomic
def store_suggestions(
    conversation: Conversation,
    message: Message,
    request_key: str,
    options: list[ReplyOption],
    timings: dict,
    is_fallback: bool,
    found: dict | None = None,
    versions: tuple[str, str] = (TEMPLATE_MODEL_VERSION, PROMPT_VERSION),
    generation: dict | None = None,
) -> SuggestionSet:
    suggestion_set = SuggestionSet.objects.create(
        workspace_id=message.workspace_id,
        conversation=conversation,
        message=message,
        request_key=request_key,
        journey_state=conversation.journey_state,
        model_version=versions[0][:120],
        prompt_version=versions[1][:60],
        timings=timings,
        is_fallback=is_fallback,
        retrieval=found or {},
        generation=generation or {},
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
