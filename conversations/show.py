"""Stage 6, show: reply options are stored, then broadcast to the operator's page.

A suggestion set is written whole (the batch, or the first streamed option) and may be
appended to afterwards (the streamed options after the first). Both write through
`add_options`, which announces the set once the rows are committed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from conversations import events, metrics
from conversations.models import Conversation, Message, Suggestion, SuggestionSet
from mlops.generation import PROMPT_VERSION, TEMPLATE_MODEL_VERSION, ReplyOption, guard_reply


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
    """A new set of options for `message`; unique per request key (IntegrityError)."""
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
    versions = (suggestion_set.model_version, suggestion_set.prompt_version)
    add_options(suggestion_set, 0, options, *versions)
    metrics.first_suggestion(message.pk, message.created_at, request_key)
    return suggestion_set


@transaction.atomic
def append_suggestions(
    suggestion_set: SuggestionSet,
    options: list[ReplyOption],
    model_version: str,
    prompt_version: str,
) -> None:
    """More options after those the operator already sees."""
    start = suggestion_set.suggestions.count()
    add_options(suggestion_set, start, options, model_version, prompt_version)


def add_options(
    suggestion_set: SuggestionSet,
    start: int,
    options: list[ReplyOption],
    model_version: str,
    prompt_version: str,
) -> None:
    """Write `options` from position `start` on, guarded, and announce the set after
    commit: the page fetches the whole set, so one event covers every option so far."""
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
            source=option.source,
            library_entry_id=option.entry_id,
            features=option.features,
        )
        for offset, option in enumerate(options)
    )
    announce(suggestion_set)
    metrics.suggestions_shown(len(options))


def note_filling(suggestion_set: SuggestionSet, filling: bool) -> None:
    """Say on the set whether the model's other options are still to come (queued at the
    back of the llm queue, conversations.fill), and have the page fetch it again: an
    operator who sees one drafted option knows whether to wait for more."""
    generation = {**suggestion_set.generation, "filling": filling}
    SuggestionSet.objects.filter(pk=suggestion_set.pk).update(generation=generation)
    suggestion_set.generation = generation
    announce(suggestion_set)


def announce(suggestion_set: SuggestionSet) -> None:
    """`suggestions.ready` after commit: the page fetches the whole set again."""
    event = events.SuggestionsReady(
        conversation_id=suggestion_set.conversation_id,
        suggestion_set_id=suggestion_set.pk,
        seq=suggestion_set.message.seq,
    )
    transaction.on_commit(lambda: events.publish(suggestion_set.workspace_id, event))
