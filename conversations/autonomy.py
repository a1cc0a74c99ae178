"""Autonomous replies (seed 001's "80 % autonomous"), per persona and off by default.

The top suggestion is sent without an operator only when everything allows it:
- the persona's policy is on and the option is at least as confident as it requires, by a
  confidence the server computes itself (the reply ranker's probability, recomputed here
  from the features the server measured): nothing the model says about itself counts;
- it is not a fallback line and it answers the newest inbound message;
- the CTA decision is not NOW (offers are made by people) and the risk is low, unless the
  persona allows links, and then only on NOW;
- the reply carries no link and no offer, unless the CTA decision is NOW and the persona
  allows links (`autonomy_allows_links`);
- no person has replied in or taken over the conversation (the bot never talks over a
  human, the bug Chatwoot fixed in PR #13673);
- nothing that entered the prompt from the contact tries to instruct the model (prompt
  injection): their recent messages, their display name, the facts and memories kept
  about them, and the earlier messages retrieval brought back. Such turns get drafts only.
Auto-sent messages are stored with author_kind "auto" and shown as such.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction

from conversations import messages, metrics, ranking, steering
from conversations.decisions import after_reply_commit
from conversations.models import Conversation, CtaDecision, Message, Suggestion, SuggestionSet
from mlops import reply_ranker
from mlops.fact_patterns import EMAIL, PRICE, URL
from mlops.guardrails import mentions_cta
from personas.models import Persona

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


def injection_in_context(suggestion_set: SuggestionSet) -> str:
    """What else came from the contact into the prompt and tries to instruct the model
    ("" when nothing): their name, the facts kept about them, and what retrieval brought
    back for this turn (earlier messages, memories), as the set stored it."""
    contact = suggestion_set.conversation.contact
    if looks_like_injection(contact.display_name):
        return "the contact's name tries to instruct the model"
    facts = [*contact.facts.values_list("value", flat=True)]
    found = suggestion_set.retrieval or {}
    facts += [str(hit.get("value", "")) for hit in found.get("facts", [])]
    if any(looks_like_injection(value) for value in facts):
        return "a fact kept about the contact tries to instruct the model"
    if any(looks_like_injection(str(hit.get("text", ""))) for hit in found.get("history", [])):
        return "an earlier message tries to instruct the model"
    if any(looks_like_injection(str(hit.get("summary", ""))) for hit in found.get("memories", [])):
        return "a memory of the contact tries to instruct the model"
    return ""


def carries_offer(text: str, persona: Persona) -> str:
    """What the reply carries that only a person may send ("a link": a URL or an e-mail
    address; "an offer": a price, the persona's offer, CTA wording), or "" for neither."""
    if URL.search(text) or EMAIL.search(text):
        return "a link"
    offer = str((persona.profile or {}).get("cta_concept", ""))
    if PRICE.search(text) or mentions_cta(text, (offer,)):
        return "an offer"
    return ""


def why_not(suggestion_set: SuggestionSet) -> str:
    """The first reason this set may not be auto-sent, or "" when it may."""
    return decide(suggestion_set)[0]


def decide(suggestion_set: SuggestionSet) -> tuple[str, Suggestion | None]:
    """(the first reason not to auto-send, or ""; the option that would be sent)."""
    conversation = suggestion_set.conversation
    persona = conversation.persona
    top = best_option(suggestion_set)
    if not persona.autonomy_enabled:
        return "autonomy is off for this persona", None
    if top is None or suggestion_set.is_fallback:
        return "no model suggestion", None
    option, confidence = top
    # What the conversation needs comes first; the option's own confidence last.
    reason = (
        human_in_charge(conversation)
        or injection_reason(suggestion_set)
        or risk_reason(conversation)
        or offer_reason(suggestion_set, option.text, persona)
        or newer_message_waiting(suggestion_set)
    )
    if reason:
        return reason, None
    if confidence is None:
        return "no option was ranked by the server", None
    if confidence < persona.autonomy_min_confidence:
        return f"confidence {confidence:.2f} below {persona.autonomy_min_confidence:.2f}", None
    return "", option


def human_in_charge(conversation: Conversation) -> str:
    if (
        conversation.human_took_over
        or conversation.messages.filter(author_kind=Message.AuthorKind.OPERATOR).exists()
    ):
        return "a person is handling this conversation"
    return ""


def risk_reason(conversation: Conversation) -> str:
    if conversation.moderation != "none" or conversation.combined_risk >= MAX_RISK:
        return "risk needs a person"
    return ""


def injection_reason(suggestion_set: SuggestionSet) -> str:
    if recent_injection(suggestion_set.conversation, suggestion_set.message):
        return "the message tries to instruct the model"
    return injection_in_context(suggestion_set)


def newer_message_waiting(suggestion_set: SuggestionSet) -> str:
    newest = (
        suggestion_set.conversation.messages.filter(direction=Message.Direction.IN)
        .order_by("-seq")
        .first()
    )
    if newest is None or newest.pk != suggestion_set.message_id:
        return "a newer message is waiting"
    return ""


def offer_reason(suggestion_set: SuggestionSet, text: str, persona: Persona) -> str:
    """Offers and links are for people, unless the persona allows them and now is the
    moment (CTA NOW)."""
    decision = CtaDecision.objects.filter(message=suggestion_set.message, is_shadow=False).first()
    now = decision is not None and decision.decision == "NOW"
    if now and not persona.autonomy_allows_links:
        return "the CTA decision is NOW: offers are made by people"
    carried = carries_offer(text, persona)
    if carried and not (now and persona.autonomy_allows_links):
        return (
            f"the reply carries {carried}: only sent by itself when the CTA decision is NOW "
            "and the persona allows links"
        )
    return ""


def server_confidence(option: Suggestion, ranker: reply_ranker.Ranker) -> float | None:
    """The ranker's probability from the features the server measured for this option,
    computed now; None for an option the server never ranked. The stored `confidence`
    column is not read: whatever wrote it, it does not gate a send."""
    features = {k: float(v) for k, v in (option.features or {}).items() if k in FEATURES}
    if set(features) != set(FEATURES):
        return None
    return round(ranker.probability(features), 4)


FEATURES = frozenset(reply_ranker.FEATURES)


def best_option(suggestion_set: SuggestionSet) -> tuple[Suggestion, float | None] | None:
    """The option the server gives the best chance of being sent (library or draft), with
    that chance; options it never ranked come last, with None."""
    ranker = ranking.active_ranker(suggestion_set.workspace_id)
    scored = [
        (option, server_confidence(option, ranker))
        for option in suggestion_set.suggestions.order_by("position")
    ]
    if not scored:
        return None
    return max(scored, key=lambda pair: -1.0 if pair[1] is None else pair[1])


def maybe_autosend(suggestion_set: SuggestionSet) -> Message | None:
    reason, option = decide(suggestion_set)
    if reason or option is None:
        return None
    return autosend(suggestion_set, option)


@transaction.atomic
def autosend(suggestion_set: SuggestionSet, option: Suggestion) -> Message | None:
    """Send the option `decide` cleared (not one chosen again: the ranker may have changed)."""
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
    message = messages.append_message(
        conversation,
        text=option.text,
        direction=Message.Direction.OUT,
        author_kind=Message.AuthorKind.AUTO,
        delivery=Message.Delivery.PENDING,
    )
    steering.record_reply(message)
    after_reply_commit(message)
    metrics.autosent()
    return message
