"""Revenue events: recording purchases, tips, subscriptions and refunds, and attributing them.

A payment is stored once per workspace and external id (a redelivery gets the stored event
back, and a retried webhook delivery too, by its webhook-id). When it is stored it is
attributed, once and for good, to:
- the conversation it names, else the contact's latest conversation in the workspace;
- the journey phase the conversation was in when the payment occurred;
- the conversation's last CTA decision before it;
- the last reply sent in the conversation before it, within REVENUE_ATTRIBUTION_HOURS,
  classified as accepted, edited, typed by hand or auto-sent, with its operator, and the
  model or adapter, source and prompt version of the suggestion it came from.
A payment then moves the journey (journeys.PURCHASE): along the playbook's transition for
it, or, without one, to the playbook's success end state (or ending where it is) with the
outcome `success`.

A refund takes back part or all of a payment: the one it names, or the contact's latest
payment in its currency with something left to refund. It carries that payment's
attribution, so every sum of a group nets out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from conversations import journeys, steering
from conversations.currencies import AmountError, check_currency, to_minor
from conversations.models import (
    Conversation,
    CtaDecision,
    Message,
    OperatorDecision,
    PhaseOverride,
    RevenueEvent,
    Suggestion,
    Turn,
)
from core.models import Workspace

Kind = RevenueEvent.Kind
ReplyKind = RevenueEvent.ReplyKind
PAID = (Kind.PURCHASE, Kind.TIP, Kind.SUBSCRIPTION)
SUCCESS = "success"
# A sender's clock may run a little ahead of ours; further ahead is a mistake.
FUTURE_SKEW = datetime.timedelta(minutes=5)
ACTION_KINDS: dict[str, str] = {
    OperatorDecision.Action.ACCEPT: ReplyKind.ACCEPTED,
    OperatorDecision.Action.EDIT: ReplyKind.EDITED,
}


class EventError(ValueError):
    """An event that cannot be stored; `field` names what is wrong, `status` the answer."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class IncomingEvent:
    kind: str
    external_id: str
    amount: Decimal
    currency: str
    contact_external_id: str
    conversation_id: int | None = None
    refund_of: str = ""  # the external id of the payment a refund takes back
    occurred_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Recorded:
    event: RevenueEvent
    duplicate: bool


def attribution_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.REVENUE_ATTRIBUTION_HOURS)


# -- recording ------------------------------------------------------------------------------


def record(workspace: Workspace, incoming: IncomingEvent, webhook_id: str = "") -> Recorded:
    """Store the event and its attribution, or return the one already stored for its
    external id (or webhook-id). EventError says which field is wrong; nothing is stored."""
    earlier = stored(workspace, incoming.external_id, webhook_id)
    if earlier is not None:
        return same_event(earlier, incoming)
    checked, minor = check(incoming)
    conversation = find_conversation(workspace, checked)
    try:
        return Recorded(store(workspace, checked, minor, conversation, webhook_id), False)
    except IntegrityError:
        # A copy of this event committed between our look-up and our insert.
        earlier = stored(workspace, incoming.external_id, webhook_id)
        if earlier is None:
            raise
        return same_event(earlier, incoming)


def stored(workspace: Workspace, external_id: str, webhook_id: str) -> RevenueEvent | None:
    match = Q(external_id=external_id)
    if webhook_id:
        match |= Q(webhook_id=webhook_id)
    found = RevenueEvent.objects.filter(match, workspace=workspace).select_related(
        "refund_of", "contact"
    )
    return found.first()


def same_event(earlier: RevenueEvent, incoming: IncomingEvent) -> Recorded:
    """A redelivery is answered with the stored event; the same external id for a
    different event is refused (409), so a reused id is not silently taken for a copy."""
    try:
        minor = to_minor(incoming.amount, incoming.currency)
    except AmountError:
        minor = None
    if (earlier.external_id, earlier.kind, earlier.currency, earlier.amount_minor) != (
        incoming.external_id,
        incoming.kind,
        incoming.currency,
        minor,
    ):
        field = "external_id" if earlier.external_id == incoming.external_id else "webhook-id"
        raise EventError(field, "already used for a different event", status=409)
    return Recorded(earlier, True)


def check(incoming: IncomingEvent) -> tuple[IncomingEvent, int]:
    """The event with its time settled, and its amount in minor units; or EventError."""
    if incoming.kind not in Kind.values:
        raise EventError("kind", f"must be one of {', '.join(Kind.values)}")
    try:
        check_currency(incoming.currency)
    except AmountError as exc:
        raise EventError("currency", str(exc)) from exc
    try:
        minor = to_minor(incoming.amount, incoming.currency)
    except AmountError as exc:
        raise EventError("amount", str(exc)) from exc
    if incoming.refund_of and incoming.kind != Kind.REFUND:
        raise EventError("refund_of", "only a refund takes back another event")
    now = timezone.now()
    occurred_at = incoming.occurred_at or now
    if timezone.is_naive(occurred_at):
        raise EventError("occurred_at", "needs a time zone (e.g. 2026-11-01T12:00:00Z)")
    if occurred_at > now + FUTURE_SKEW:
        raise EventError("occurred_at", "is in the future")
    return replace(incoming, occurred_at=occurred_at), minor


def find_conversation(workspace: Workspace, incoming: IncomingEvent) -> Conversation:
    """The conversation named (which must be the contact's), else the contact's latest."""
    mine = Conversation.objects.filter(workspace=workspace).select_related("contact")
    if incoming.conversation_id is not None:
        conversation = mine.filter(pk=incoming.conversation_id).first()
        if conversation is None:
            raise EventError("conversation_id", "no such conversation", status=404)
        if conversation.contact.external_id != incoming.contact_external_id:
            raise EventError(
                "contact_external_id", f"is not the contact of conversation {conversation.pk}"
            )
        return conversation
    latest = (
        mine.filter(contact__external_id=incoming.contact_external_id)
        .order_by("-last_message_at", "-created_at", "-pk")
        .first()
    )
    if latest is None:
        raise EventError("contact_external_id", "no conversation with this contact")
    return latest


@transaction.atomic
def store(
    workspace: Workspace,
    incoming: IncomingEvent,
    minor: int,
    conversation: Conversation,
    webhook_id: str,
) -> RevenueEvent:
    # Events of one conversation are stored one at a time: the journey moves once per
    # payment, and a refund's remainder is read and spent under the same lock.
    locked = steering.lock(conversation.pk)
    assert incoming.occurred_at is not None
    event = RevenueEvent(
        workspace=workspace,
        kind=incoming.kind,
        external_id=incoming.external_id,
        webhook_id=webhook_id,
        amount_minor=minor,
        currency=incoming.currency,
        contact_id=conversation.contact_id,
        conversation=locked,
        occurred_at=incoming.occurred_at,
    )
    if incoming.kind == Kind.REFUND:
        take_back(event, refunded_payment(workspace, incoming, conversation), minor)
    else:
        attribute(event, locked, incoming.occurred_at)
    event.save()
    if incoming.kind in PAID:
        advance_journey(locked, event)
    return event


# -- refunds ---------------------------------------------------------------------------------


def refunded_payment(
    workspace: Workspace, incoming: IncomingEvent, conversation: Conversation
) -> RevenueEvent:
    payments = RevenueEvent.objects.select_for_update().filter(workspace=workspace, kind__in=PAID)
    if incoming.refund_of:
        payment = payments.filter(external_id=incoming.refund_of).first()
        if payment is None:
            raise EventError("refund_of", "no purchase, tip or subscription with this id")
        if payment.contact.external_id != incoming.contact_external_id:
            raise EventError("contact_external_id", "is not the contact who made that payment")
        if payment.currency != incoming.currency:
            raise EventError("currency", f"must be {payment.currency}, the payment's currency")
        return payment
    for payment in payments.filter(
        contact__external_id=incoming.contact_external_id, currency=incoming.currency
    ).order_by("-occurred_at", "-pk"):
        if refundable(payment) > 0:
            return payment
    raise EventError(
        "refund_of", f"the contact has no {incoming.currency} payment left to refund; name one"
    )


def refundable(payment: RevenueEvent) -> int:
    taken = payment.refunds.aggregate(total=Sum("amount_minor"))["total"] or 0
    return payment.amount_minor - taken


def take_back(refund: RevenueEvent, payment: RevenueEvent, minor: int) -> None:
    left = refundable(payment)
    if minor > left:
        raise EventError("amount", f"is more than the {left} minor units left to refund")
    refund.refund_of = payment
    # The refund nets out where the payment counted: same conversation, same credit.
    refund.conversation_id = payment.conversation_id
    refund.contact_id = payment.contact_id
    for name in ATTRIBUTION_FIELDS:
        setattr(refund, name, getattr(payment, name))


ATTRIBUTION_FIELDS = (
    "phase",
    "cta_decision_id",
    "cta",
    "reply_id",
    "reply_kind",
    "operator_id",
    "reply_source",
    "model_version",
    "prompt_version",
)


# -- attribution -----------------------------------------------------------------------------


def attribute(event: RevenueEvent, conversation: Conversation, when: datetime.datetime) -> None:
    event.phase = phase_at(conversation, when)
    decision = (
        CtaDecision.objects.filter(conversation=conversation, is_shadow=False, created_at__lte=when)
        .order_by("-created_at", "-pk")
        .first()
    )
    event.cta_decision = decision
    event.cta = decision.decision if decision else ""
    reply = preceding_reply(conversation, when)
    event.operator_id = conversation.assigned_operator_id
    if reply is not None:
        credit_reply(event, reply)


def phase_at(conversation: Conversation, when: datetime.datetime) -> str:
    """The journey state at `when`: where its last move before then (turn or override)
    left it; before any move, the state the first later move started from."""
    moves = [
        Turn.objects.filter(conversation=conversation, created_at__lte=when)
        .order_by("-created_at", "-pk")
        .values_list("created_at", "state_after")
        .first(),
        PhaseOverride.objects.filter(conversation=conversation, created_at__lte=when)
        .order_by("-created_at", "-pk")
        .values_list("created_at", "to_state")
        .first(),
    ]
    found = [move for move in moves if move is not None]
    if found:
        return max(found)[1]
    later = Turn.objects.filter(conversation=conversation).order_by("created_at", "pk").first()
    return later.state_before if later else conversation.journey_state


def preceding_reply(conversation: Conversation, when: datetime.datetime) -> Message | None:
    """The last reply a person or the bot sent before `when`, within the window."""
    return (
        Message.objects.filter(
            conversation=conversation,
            direction=Message.Direction.OUT,
            author_kind__in=[Message.AuthorKind.OPERATOR, Message.AuthorKind.AUTO],
            created_at__lte=when,
            created_at__gte=when - attribution_window(),
        )
        .order_by("-seq")
        .first()
    )


def credit_reply(event: RevenueEvent, reply: Message) -> None:
    event.reply = reply
    if reply.author_kind == Message.AuthorKind.AUTO:
        event.reply_kind = ReplyKind.AUTO
        option = autosent_option(reply)
    else:
        decision = (
            OperatorDecision.objects.filter(sent_message=reply)
            .select_related("suggestion__suggestion_set")
            .first()
        )
        action = decision.action if decision else OperatorDecision.Action.MANUAL
        event.reply_kind = ACTION_KINDS.get(action, ReplyKind.TYPED)
        event.operator_id = (decision.operator_id if decision else None) or reply.author_id
        option = decision.suggestion if decision else None
    if option is not None:
        event.reply_source = option.source
        event.model_version = option.model_version or option.suggestion_set.model_version
        event.prompt_version = option.prompt_version or option.suggestion_set.prompt_version


def autosent_option(reply: Message) -> Suggestion | None:
    """The option autonomy sent: the newest suggestion of the conversation with the
    reply's text, drafted for a message before it (auto-sends store no decision row)."""
    return (
        Suggestion.objects.filter(
            suggestion_set__conversation_id=reply.conversation_id,
            suggestion_set__message__seq__lt=reply.seq,
            text=reply.text,
        )
        .select_related("suggestion_set")
        .order_by("-suggestion_set__message__seq", "position")
        .first()
    )


# -- the journey -----------------------------------------------------------------------------


def advance_journey(conversation: Conversation, event: RevenueEvent) -> None:
    """A payment is a success: along the playbook's `purchase` transition if it has one,
    else to its success end state, else ending where it is. A conversation that had ended
    otherwise (declined, max turns) is re-marked a success; one already a success stays."""
    if conversation.outcome == SUCCESS:
        return
    reason = f"{event.kind} {event.external_id}"
    state = conversation.journey_state
    if conversation.outcome:
        step = journeys.Step(state, state, journeys.PURCHASE, SUCCESS, reason)
    else:
        playbook = conversation.playbook.spec
        counters = conversation.counters
        step = journeys.apply_signal(playbook, state, counters, journeys.PURCHASE)
        if step.trigger is None:
            step = success_step(playbook, state, reason)
        elif step.ended:
            step = replace(step, outcome=SUCCESS, outcome_reason=reason)
    Turn.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        state_before=step.state_before,
        state_after=step.state_after,
        trigger=journeys.PURCHASE,
    )
    steering.apply_step(conversation, step, conversation.counters)


def success_step(playbook: journeys.Playbook, state: str, reason: str) -> journeys.Step:
    ends = [spec.name for spec in playbook.states.values() if spec.terminal]
    won = [name for name in ends if playbook.states[name].outcome == SUCCESS]
    return journeys.Step(state, won[0] if won else state, journeys.PURCHASE, SUCCESS, reason)
