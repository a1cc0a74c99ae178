"""Stage 5, suggest: reply options for an inbound message, drafted for the operator.

Retrieval first (what the reply should know: conversations.retrieval), then the persona's
reply library (conversations.library): its best entries for this moment, ranked, guarded
and shown at once (the perceive task calls `offer_library` as soon as the message is
read, so they need no draft). Then the model's drafts (conversations.replies), ranked by
the same ranker (conversations.ranking), the persona's learned style on each, appended to
the set the operator already sees. With streaming on, the first draft is streamed to the
page as the model writes it (conversations.streaming), stored alone, and the rest follow.
Generation trouble degrades to the state's fallback lines, never to no options.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from conversations import library, metrics, ranking, retrieval, steering
from conversations.models import Conversation, Message, SuggestionSet
from conversations.perception import elapsed_ms
from conversations.replies import (
    Replies,
    campaign_config,
    guard_rules,
    prompt_inputs,
    replies_for,
    streams_options,
    suggestion_deadline,
)
from conversations.show import append_suggestions, note_filling, store_suggestions
from conversations.streaming import DraftStream, operator_watching
from core import dispatch
from mlops import reply_ranker
from mlops.generation import (
    GENERIC_FALLBACKS,
    PROMPT_VERSION,
    ReplyContext,
    ReplyOption,
    guard_reply,
)
from mlops.guardrails import guard
from mlops.llm import ModelBusy
from mlops.llm_headers import watched_draft
from mlops.llm_replies import NoValidReply
from mlops.llm_stream import StreamStopped
from mlops.sentiment import label_for
from personas.models import Persona
from personas.style import StyleProfile, apply_style

logger = logging.getLogger(__name__)


def superseded(message: Message) -> bool:
    """The customer wrote again since: a draft for this message answers a turn they have
    moved past, so the newer message's drafts are the only ones worth making."""
    return Message.objects.filter(
        conversation_id=message.conversation_id,
        direction=Message.Direction.IN,
        seq__gt=message.seq,
    ).exists()


def suggest(
    message: Message, request_key: str, use_cache: bool = True, latest_only: bool = False
) -> SuggestionSet | None:
    """Generate and store reply options for an inbound message (idempotent per request_key).

    A set the library already opened for this request (`offer_library`) gets the drafts
    appended; a finished set is returned as it is. None when the conversation is muted or
    blocked (nobody should be drafting replies to it), or, with `latest_only`, when a newer
    customer message superseded this one before or while its drafts were made: the work is
    dropped and no drafts are stored.
    """
    existing = SuggestionSet.objects.filter(request_key=request_key).first()
    if existing is not None and not existing.generation.get("drafting"):
        return existing
    conversation = Conversation.objects.select_related("contact", "persona", "playbook").get(
        pk=message.conversation_id
    )
    if conversation.moderation != "none":
        return None  # muted or blocked: nobody should be drafting replies to it
    if latest_only and superseded(message):
        logger.info("message %s was superseded before drafting; skipped", message.pk)
        finish_drafting(existing, {"superseded": True})
        return None
    started = time.perf_counter()
    found = retrieve_or_nothing(conversation, message)
    retrieval_ms = elapsed_ms(started)
    if existing is None:
        existing = offer_library(conversation, message, request_key, found, retrieval_ms)
    return draft(conversation, message, request_key, found, existing, use_cache, latest_only)


def since_stored_ms(message: Message) -> int:
    """How long the message waited from its commit to here (perception and the llm queue)."""
    return round((timezone.now() - message.created_at).total_seconds() * 1000)


def draft(
    conversation: Conversation,
    message: Message,
    request_key: str,
    found: retrieval.RetrievedContext,
    opened: SuggestionSet | None,
    use_cache: bool,
    latest_only: bool,
) -> SuggestionSet | None:
    """The model's drafts, ranked: a set of their own, or appended to the library's."""
    started, waited_ms = time.perf_counter(), since_stored_ms(message)
    context = reply_context(conversation, message, found)
    streaming = streams_options()
    deadline = suggestion_deadline()
    stream = draft_stream(message, latest_only) if streaming else None
    try:
        replies = first_replies(conversation, message, found, context, use_cache, deadline, stream)
        options, is_fallback = ranked(replies, conversation, message), False
        versions = (replies.model_version, replies.prompt_version)
        notes = replies.notes
        if stream is not None and options and draft_source(conversation, replies) != "template":
            stream.finish(guard_reply(options[0].text, settings.SUGGESTION_MAX_CHARS))
    except StreamStopped:
        logger.info("message %s was superseded while its draft streamed; dropped", message.pk)
        if stream is not None:
            stream.close()  # no closing frame: the page clears it for the newer message
        finish_drafting(opened, {"superseded": True})
        return None
    except Exception as exc:
        # Degrade, don't fail: the operator gets the state's human-sounding fallback, and
        # the journey counts the error (the second one ends the conversation).
        logger.warning("reply generation failed for message %s: %s", message.pk, exc)
        if stream is not None and stream.frames:
            stream.reject()  # the page saw words that will not be stored (once is enough)
        options, is_fallback = fallback_replies(conversation), True
        versions, notes = ("fallback", PROMPT_VERSION), {"error": str(exc)[:300]}
        if not isinstance(exc, ModelBusy):  # our servers were busy: the model did not fail
            steering.record_generation_error(conversation.pk)
        metrics.generation_failed(exc)
    timings = {
        **message.analysis.get("timings", {}),
        **(opened.timings if opened else {}),
        "suggest_ms": elapsed_ms(started),
        **{k: v for k, v in notes.items() if k == "llm_ms"},
        "waited_ms": waited_ms,
        **(stream.first_frame_timing(started) if stream is not None else {}),
    }
    if latest_only and superseded(message):
        # Checked again once the drafts are made: the generation took seconds, and a
        # newer message that arrived meanwhile gets its own drafts.
        logger.info("message %s was superseded while drafting; its drafts are dropped", message.pk)
        finish_drafting(opened, {"superseded": True})
        return None
    generation = {k: v for k, v in notes.items() if k != "llm_ms"}
    if opened is None:  # an opened set already leads with the greeting
        options = with_greeting(conversation, options)
    if opened is not None:
        # A failed generation is flagged as on any set; the library's options stay first.
        add_drafts(opened, options, versions, timings, generation, is_fallback)
        stored = opened
    else:
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
                generation,
            )
        except IntegrityError:
            # The same request ran twice at once (a worker and /api/chat); the first one won.
            return SuggestionSet.objects.get(request_key=request_key)
    if streaming and not is_fallback:
        if latest_only and not conversation.persona.autonomy_enabled:
            # Under latest wins every conversation's first draft goes before anyone's
            # third option: the rest of this set wait at the back of the llm queue
            # (conversations.fill). Autonomy picks from the whole set, so it waits here.
            note_filling(stored, True)
            dispatch.fill(stored.pk, use_cache)
        else:
            add_remaining_options(
                stored, conversation, message, found, context, use_cache, deadline, latest_only
            )
    return stored


def reply_context(
    conversation: Conversation, message: Message, found: retrieval.RetrievedContext
) -> ReplyContext:
    """What the template generator and the guardrails know of the turn."""
    return ReplyContext(
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


def ranked(replies: Replies, conversation: Conversation, message: Message) -> list[ReplyOption]:
    """The drafts in the ranker's order, each with the ranker's confidence, then styled
    (style changes the surface, so it must not change the order)."""
    if not replies.options:
        return []
    source = draft_source(conversation, replies)
    options = ranking.rank_drafts(
        replies.options, library.message_vector(message), source, conversation.workspace_id
    )
    return styled(options, conversation.persona)


def draft_source(conversation: Conversation, replies: Replies) -> str:
    if replies.model_version.startswith("template"):
        return "template"
    return "adapter" if conversation.persona.adapter_id else "model"


def offer_library(
    conversation: Conversation,
    message: Message,
    request_key: str,
    found: retrieval.RetrievedContext,
    retrieval_ms: int = 0,
) -> SuggestionSet | None:
    """The library's best replies for this message, shown at once; the set stays open
    ("drafting") for the model's drafts. None when no entry is likely enough to be sent."""
    started = time.perf_counter()
    try:
        options, dropped = library_options(conversation, message, found)
    except Exception:
        # The drafts still come; a library failure must not cost the operator them.
        logger.exception("the reply library failed for message %s", message.pk)
        return None
    options = with_greeting(conversation, options)
    if not options:
        return None
    timings = {
        **message.analysis.get("timings", {}),
        "retrieval_ms": retrieval_ms,
        "library_ms": elapsed_ms(started),
    }
    try:
        stored = store_suggestions(
            conversation,
            message,
            request_key,
            options,
            timings,
            False,
            found.as_json(),
            ("library", PROMPT_VERSION),
            {"drafting": True, "dropped": dropped},
        )
    except IntegrityError:
        return SuggestionSet.objects.get(request_key=request_key)
    library.count_shown([o.entry_id for o in options if o.entry_id])
    return stored


def library_options(
    conversation: Conversation,
    message: Message,
    found: retrieval.RetrievedContext,
    count: int | None = None,
    intent: str | None = None,
) -> tuple[list[ReplyOption], list[str]]:
    """The library's candidates, guarded (the invented-fact checks included) against this
    conversation, ranked, and the best few that do not repeat one another, in the
    persona's learned style when it is on (like the drafts)."""
    count = settings.LIBRARY_OPTIONS if count is None else count
    if count <= 0:
        return [], []
    inputs = prompt_inputs(conversation, message, found)
    rules = guard_rules(conversation.workspace, inputs)
    offer = inputs.persona_profile.get("cta_concept", "")
    kept, dropped = [], []
    intent = library.intent_of(message) if intent is None else intent
    for candidate in library.candidates(conversation, message, intent, offer):
        text, reason = guard(candidate.text, rules)
        if reason:
            dropped.append(f"library: {reason}")
            continue
        kept.append(replace(candidate, text=text))
    ranker = ranking.active_ranker(conversation.workspace_id)
    best = reply_ranker.diverse(reply_ranker.rank(kept, ranker), count)
    chosen = [r for r in best if r.probability >= settings.LIBRARY_MIN_CONFIDENCE]
    return styled([ranking.as_option(r, ranker) for r in chosen], conversation.persona), dropped


def offer_library_now(message: Message) -> None:
    """From the perceive task: the pipeline's own set opens with the library's replies,
    before the message waits its turn on the llm queue for drafts."""
    conversation = Conversation.objects.select_related("contact", "persona", "playbook").get(
        pk=message.conversation_id
    )
    if conversation.moderation != "none" or superseded(message):
        return
    request_key = dispatch.auto_request_key(message.pk)
    if SuggestionSet.objects.filter(request_key=request_key).exists():
        return
    offer_library(conversation, message, request_key, retrieve_or_nothing(conversation, message))


def add_drafts(
    opened: SuggestionSet,
    options: list[ReplyOption],
    versions: tuple[str, str],
    timings: dict,
    generation: dict,
    is_fallback: bool = False,
) -> None:
    """The drafts after the library's options, and the set closed for drafting.

    One transaction: the "suggestions ready" event goes out on commit, so a page that
    hears it reads the drafts and the closed set together (in autocommit the event went
    out before the set was marked done, and the page showed it as still drafting)."""
    shown = {s.lower() for s in opened.suggestions.values_list("text", flat=True)}
    fresh = [o for o in options if o.text.lower() not in shown]
    dropped = [*opened.generation.get("dropped", []), *generation.get("dropped", [])]
    opened.generation = {**opened.generation, **generation, "dropped": dropped, "drafting": False}
    opened.model_version, opened.prompt_version = versions[0][:120], versions[1][:60]
    opened.timings, opened.is_fallback = timings, is_fallback
    with transaction.atomic():
        append_suggestions(opened, fresh, *versions)
        closed = ["generation", "model_version", "prompt_version", "timings", "is_fallback"]
        opened.save(update_fields=closed)


def finish_drafting(opened: SuggestionSet | None, note: dict) -> None:
    if opened is not None and opened.generation.get("drafting"):
        opened.generation = {**opened.generation, **note, "drafting": False}
        opened.save(update_fields=["generation"])


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
    latest_only: bool = False,
) -> None:
    """The options after the first, appended to the set the operator already sees.

    The first option is already on screen; if these fail, the operator still has it, so
    a failure here is logged and counted by the circuit breaker but not as a conversation
    error. Samples lost to the guardrails or to de-duplication are asked for again, a
    bounded number of times and within the same deadline, so the set reaches N options.
    With `latest_only`, a newer customer message stops them: its own drafts come next.
    """
    # Deterministic mode repeats itself: asking again would only bring the same duplicates.
    attempts = 1 if settings.LLM_DETERMINISTIC else MORE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        drafted = suggestion_set.suggestions.exclude(source__in=ranking.LIBRARY_SOURCES)
        wanted = settings.LLM_SUGGESTIONS - drafted.count()
        if wanted <= 0 or (latest_only and superseded(message)):
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
        fresh = [o for o in ranked(more, conversation, message) if o.text.lower() not in shown]
        append_suggestions(suggestion_set, fresh[:wanted], more.model_version, more.prompt_version)


def first_replies(
    conversation: Conversation,
    message: Message,
    found: retrieval.RetrievedContext,
    context: ReplyContext,
    use_cache: bool,
    deadline: float,
    stream: DraftStream | None,
) -> Replies:
    """The first option alone, streamed, when streaming; if that one sample is unusable,
    the page hears it was rejected and the whole batch comes at once (one bad sample from
    a small model is not yet a failure)."""
    if stream is None:
        return replies_for(conversation, message, found, context, use_cache, deadline=deadline)
    try:
        return replies_for(
            conversation, message, found, context, use_cache, 1, deadline=deadline, stream=stream
        )
    except NoValidReply:
        stream.reject()
        # The batch in its place is still the first draft someone may be waiting for.
        with watched_draft(operator_watching(conversation.pk)):
            return replies_for(conversation, message, found, context, use_cache, offset=1,
                               deadline=deadline)  # fmt: skip


def draft_stream(message: Message, latest_only: bool) -> DraftStream:
    """The first draft's stream to the page; with `latest_only`, stopped by a newer message."""
    return DraftStream(message, (lambda: superseded(message)) if latest_only else None)


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
    return [ReplyOption(line, "fallback", "Fallback", 0.0, 0.0, "fallback") for line in lines]


def with_greeting(conversation: Conversation, options: list[ReplyOption]) -> list[ReplyOption]:
    """Seed 003's greeting_override: the campaign's own opening line is the first option of
    a conversation's first reply (whatever the library, the model or the fallback offer)."""
    greeting = str(campaign_config(conversation).get("greeting_override") or "").strip()
    if not greeting or conversation.messages.filter(direction=Message.Direction.OUT).exists():
        return options
    opening = ReplyOption(greeting, "greeting", "Campaign greeting", 1.0, 1.0, "template")
    return [opening, *(o for o in options if o.text.lower() != greeting.lower())]
