"""Autonomous replies (seed 001's "80 % autonomous"), per persona and off by default.

The top suggestion is sent without an operator only when everything allows it:
- the persona's policy is on and the option is at least as confident as it requires;
- it is not a fallback line and it answers the newest inbound message;
- the CTA decision is not NOW (offers are made by people) and the risk is low;
- no person has replied in or taken over the conversation (the bot never talks over a
  human, the bug Chatwoot fixed in PR #13673);
- the customer's message does not try to instruct the model (prompt injection): such
  messages only ever get drafts.
Auto-sent messages are stored with author_kind "auto" and shown as such.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction

from conversations import messages, metrics, steering
from conversations.decisions import after_reply_commit
from conversations.models import Conversation, CtaDecision, Message, Suggestion, SuggestionSet

MAX_RISK = 0.3
# Messages that try to instruct the model only ever get drafts. A false positive costs one
# auto-send (the operator still gets the drafts), a miss could send the model's answer to
# an attacker, so the net is wide: instructions to ignore or forget, role markers of chat
# templates, persona switches, requests for the prompt, and orders to act without a person.
INJECTION = re.compile(
    r"(?:ignore|forget|disregard|override|bypass)\W+(?:\w+\W+){0,3}"
    r"(?:instructions?|rules|prompts?|messages|above|guidelines|everything)"
    r"|system\s*prompt|developer\s*mode|jailbreak|do anything now"
    r"|you are now|from now on|act as|pretend\W+(?:to be|you are)|roleplay as"
    r"|new instructions|hidden instructions|your instructions|auto-?send"
    r"|(?:reveal|print|show|repeat|output|tell me|leak)\W+(?:\w+\W+){0,3}"
    r"(?:prompt|instructions|text above|words above|rules|configuration)"
    r"|without (?:approval|asking|confirmation|a human|review)"
    r"|^\s*(?:system|assistant|developer)\s*:|\[/?inst\]|<\|im_(?:start|end)\|>"
    r"|</?(?:system|assistant|user)>|#{2,}\s*(?:instruction|system)",
    re.IGNORECASE | re.MULTILINE,
)
# Recent customer messages are all in the prompt, so an instruction two messages back
# still steers the model.
INJECTION_LOOKBACK = 10
# Zero-width and bidirectional format characters, which hide words from a plain match.
HIDDEN_CHARACTERS = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def looks_like_injection(text: str) -> bool:
    visible = unicodedata.normalize("NFKC", text).translate(HIDDEN_CHARACTERS)
    return bool(INJECTION.search(visible))


def recent_injection(conversation: Conversation, message: Message) -> bool:
    recent = conversation.messages.filter(
        direction=Message.Direction.IN, seq__lte=message.seq
    ).order_by("-seq")[:INJECTION_LOOKBACK]
    return any(looks_like_injection(text) for text in recent.values_list("text", flat=True))


def why_not(suggestion_set: SuggestionSet) -> str:
    """The first reason this set may not be auto-sent, or "" when it may."""
    conversation = suggestion_set.conversation
    persona = conversation.persona
    top = best_option(suggestion_set)
    if not persona.autonomy_enabled:
        return "autonomy is off for this persona"
    if top is None or suggestion_set.is_fallback:
        return "no model suggestion"
    # What the conversation needs comes first; the option's own confidence last.
    if (
        conversation.human_took_over
        or conversation.messages.filter(author_kind=Message.AuthorKind.OPERATOR).exists()
    ):
        return "a person is handling this conversation"
    if recent_injection(conversation, suggestion_set.message):
        return "the message tries to instruct the model"
    if conversation.moderation != "none" or conversation.combined_risk >= MAX_RISK:
        return "risk needs a person"
    decision = CtaDecision.objects.filter(message=suggestion_set.message, is_shadow=False).first()
    if decision is not None and decision.decision == "NOW":
        return "the CTA decision is NOW: offers are made by people"
    newest = conversation.messages.filter(direction=Message.Direction.IN).order_by("-seq").first()
    if newest is None or newest.pk != suggestion_set.message_id:
        return "a newer message is waiting"
    if top.confidence < persona.autonomy_min_confidence:
        return f"confidence {top.confidence:.2f} below {persona.autonomy_min_confidence:.2f}"
    return ""


def best_option(suggestion_set: SuggestionSet) -> Suggestion | None:
    """The option the ranker gives the best chance of being sent (library or draft)."""
    return suggestion_set.suggestions.order_by("-confidence", "position").first()


def maybe_autosend(suggestion_set: SuggestionSet) -> Message | None:
    if why_not(suggestion_set):
        return None
    return autosend(suggestion_set)


@transaction.atomic
def autosend(suggestion_set: SuggestionSet) -> Message | None:
    # Re-checked under the conversation's row lock: an operator who took over a moment
    # ago wins.
    conversation = Conversation.objects.select_for_update().get(pk=suggestion_set.conversation_id)
    if (
        conversation.human_took_over
        or suggestion_set.conversation.messages.filter(
            direction=Message.Direction.OUT, seq__gt=suggestion_set.message.seq
        ).exists()
    ):
        return None
    top = best_option(suggestion_set)
    assert top is not None
    message = messages.append_message(
        conversation,
        text=top.text,
        direction=Message.Direction.OUT,
        author_kind=Message.AuthorKind.AUTO,
        delivery=Message.Delivery.PENDING,
    )
    steering.record_reply(message)
    after_reply_commit(message)
    metrics.autosent()
    return message
