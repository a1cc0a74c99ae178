"""What operators do with suggestions. Every decision is stored as a label."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from conversations import messages, metrics, steering
from conversations.models import Conversation, Message, OperatorDecision, Suggestion
from core import dispatch
from core.redis import redis_client

Action = OperatorDecision.Action


class DecisionError(ValueError):
    """The operator's request cannot be carried out; the message says why (422)."""


class DecisionConflict(DecisionError):
    """Someone else's send got there first, or this one is still being sent (409)."""


# How long a send holds its idempotency key while it runs (it takes milliseconds).
CLAIM_SECONDS = 60


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: how many characters the operator changed."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        previous = current
    return previous[-1]


def latency_ms(suggestion: Suggestion | None) -> int | None:
    shown_at = suggestion.suggestion_set.shown_at if suggestion else None
    if shown_at is None:
        return None
    return max(0, int((timezone.now() - shown_at).total_seconds() * 1000))


def find_suggestion(conversation: Conversation, suggestion_id: int | None) -> Suggestion | None:
    if suggestion_id is None:
        return None
    suggestion = (
        Suggestion.objects.select_related("suggestion_set")
        .filter(pk=suggestion_id, suggestion_set__conversation=conversation)
        .first()
    )
    if suggestion is None:
        raise DecisionError("that suggestion does not belong to this conversation")
    return suggestion


def send_reply(
    conversation: Conversation,
    operator: User,
    text: str,
    suggestion_id: int | None = None,
    idempotency_key: str = "",
) -> OperatorDecision:
    """Store the reply and its label, then (after commit) broadcast and deliver it.

    Sending a suggestion unchanged is an accept; changed, an edit; with no suggestion,
    a manual reply. With an idempotency key, a retry of the same send returns the first
    decision; the same key for a different reply is refused (422), and a retry while the
    first is still being stored gets a conflict (409).
    """
    text = " ".join(text.split())
    if not text:
        raise DecisionError("the reply is empty")
    if len(text) > settings.MESSAGE_MAX_CHARS:
        raise DecisionError(f"the reply is longer than {settings.MESSAGE_MAX_CHARS} characters")
    if len(idempotency_key) > 80:
        raise DecisionError("the idempotency key is longer than 80 characters")
    if idempotency_key:
        return send_once(conversation, operator, text, suggestion_id, idempotency_key)
    return send_new(conversation, operator, text, suggestion_id)


def send_new(
    conversation: Conversation,
    operator: User,
    text: str,
    suggestion_id: int | None,
    key: str = "",
    digest: str = "",
) -> OperatorDecision:
    suggestion = find_suggestion(conversation, suggestion_id)
    if suggestion is None:
        action, distance = Action.MANUAL, None
    else:
        distance = edit_distance(suggestion.text, text)
        action = Action.ACCEPT if distance == 0 else Action.EDIT
    return store_reply(conversation, operator, text, suggestion, action, distance, key, digest)


def request_digest(conversation: Conversation, suggestion_id: int | None, text: str) -> str:
    payload = json.dumps([conversation.pk, suggestion_id, text])
    return hashlib.sha256(payload.encode()).hexdigest()


def send_once(
    conversation: Conversation, operator: User, text: str, suggestion_id: int | None, key: str
) -> OperatorDecision:
    """The send, at most once per key: the first decision stored under the key wins."""
    digest = request_digest(conversation, suggestion_id, text)
    earlier = decision_for_key(conversation, key)
    if earlier is not None:
        return replay(earlier, digest)
    client = redis_client()
    claim = f"reply:claim:{conversation.workspace_id}:{key}"
    if not client.set(claim, digest, nx=True, ex=CLAIM_SECONDS):
        earlier = decision_for_key(conversation, key)
        if earlier is not None:
            return replay(earlier, digest)
        held = client.get(claim)
        if (held.decode() if isinstance(held, bytes) else held or "") != digest:
            raise DecisionError("this idempotency key was already used for a different reply")
        raise DecisionConflict("this reply is already being sent")
    try:
        return send_new(conversation, operator, text, suggestion_id, key, digest)
    except IntegrityError:
        # A send with the same key committed between our check and the claim.
        earlier = decision_for_key(conversation, key)
        if earlier is None:
            raise
        return replay(earlier, digest)
    finally:
        client.delete(claim)


def decision_for_key(conversation: Conversation, key: str) -> OperatorDecision | None:
    return OperatorDecision.objects.filter(
        workspace_id=conversation.workspace_id, idempotency_key=key
    ).first()


def replay(earlier: OperatorDecision, digest: str) -> OperatorDecision:
    if earlier.request_digest != digest:
        raise DecisionError("this idempotency key was already used for a different reply")
    return earlier


@transaction.atomic
def store_reply(
    conversation: Conversation,
    operator: User,
    text: str,
    suggestion: Suggestion | None,
    action: str,
    distance: int | None,
    key: str = "",
    digest: str = "",
) -> OperatorDecision:
    if suggestion is not None:
        claim_suggestion(suggestion)
    message = messages.append_message(
        conversation,
        text=text,
        direction=Message.Direction.OUT,
        author_kind=Message.AuthorKind.OPERATOR,
        author=operator,
        delivery=Message.Delivery.PENDING,
    )
    decision = OperatorDecision.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        suggestion_set=suggestion.suggestion_set if suggestion else None,
        suggestion=suggestion,
        action=action,
        shown_text=suggestion.text if suggestion else "",
        final_text=text,
        edit_distance=distance,
        latency_ms=latency_ms(suggestion),
        operator=operator,
        sent_message=message,
        idempotency_key=key,
        request_digest=digest,
    )
    steering.record_reply(message)
    metrics.decided(action)
    # A person has answered: the bot must never talk over them afterwards.
    Conversation.objects.filter(pk=conversation.pk).update(human_took_over=True)
    after_reply_commit(message)
    dispatch.learn_reply(decision.pk)  # the sent reply joins the persona's reply library
    return decision


def claim_suggestion(suggestion: Suggestion) -> None:
    """One send per suggestion: two operators accepting it at once are serialised on its
    row, and the second is told who sent it."""
    Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    sent = (
        OperatorDecision.objects.filter(
            suggestion=suggestion, action__in=[Action.ACCEPT, Action.EDIT]
        )
        .select_related("operator")
        .first()
    )
    if sent is not None:
        who = sent.operator.get_username() if sent.operator else "someone"
        raise DecisionConflict(f"this suggestion was already sent by {who}")


def take_over(conversation: Conversation) -> None:
    """An operator takes the conversation: no auto-send from now on."""
    Conversation.objects.filter(pk=conversation.pk).update(human_took_over=True)


def after_reply_commit(message: Message) -> None:
    """Once the reply is stored: show it on open pages and send it to the contact."""
    messages.announce_after_commit(message)
    dispatch.deliver(message.pk)


def reject_suggestion(
    conversation: Conversation, operator: User, suggestion_id: int, reason: str
) -> OperatorDecision:
    reason = reason.strip()
    if not reason:
        raise DecisionError("say why the suggestion is rejected")
    suggestion = find_suggestion(conversation, suggestion_id)
    assert suggestion is not None
    decision = OperatorDecision.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        suggestion_set=suggestion.suggestion_set,
        suggestion=suggestion,
        action=Action.REJECT,
        shown_text=suggestion.text,
        reason=reason[:500],
        latency_ms=latency_ms(suggestion),
        operator=operator,
    )
    dispatch.learn_reply(decision.pk)  # a rejected library reply counts against its entry
    metrics.decided(Action.REJECT)
    return decision
