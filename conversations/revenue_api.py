"""Revenue events in: `POST /api/events` by API key, and the signed webhook
`POST /api/webhooks/{workspace_slug}/events`, verified exactly like the message webhook."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

import pydantic
from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from conversations import revenue
from conversations.api import WEBHOOK_SUMMARY, ErrorOut
from conversations.currencies import to_major
from conversations.models import RevenueEvent
from conversations.webhook_auth import signed_payload
from core.api_input import ApiInput
from core.models import Workspace

router = Router(tags=["revenue"])
webhook_router = Router(tags=["webhooks"])


class EventIn(ApiInput):
    kind: Literal["purchase", "tip", "subscription", "refund"]
    external_id: str = Field(..., min_length=1, max_length=200)
    # A decimal in the currency's major unit: "19.99" (a string keeps it exact; a JSON
    # number is read from its digits, never through a float).
    amount: Decimal = Field(..., gt=0, max_digits=20, allow_inf_nan=False)
    currency: str = Field(..., pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. USD")
    contact_external_id: str = Field(..., min_length=1, max_length=200)
    conversation_id: int | None = Field(None, gt=0, lt=2**63)
    refund_of: str = Field("", max_length=200, description="a refund: the payment's id")
    occurred_at: pydantic.AwareDatetime | None = None


class ReplyOut(Schema):
    message_id: int
    kind: str
    operator: str
    persona: str
    source: str
    model_version: str
    prompt_version: str


class AttributionOut(Schema):
    phase: str
    cta: str
    cta_decision_id: int | None
    window_hours: int
    operator: str  # credited: the reply's sender, else the conversation's owner
    reply: ReplyOut | None


class EventOut(Schema):
    id: int
    kind: str
    external_id: str
    amount: str
    currency: str
    contact_external_id: str
    conversation_id: int
    refund_of: str
    occurred_at: datetime.datetime
    duplicate: bool
    attribution: AttributionOut
    journey_state: str
    outcome: str


def event_out(recorded: revenue.Recorded) -> dict:
    event = recorded.event
    conversation = event.conversation
    credited = event.operator.get_username() if event.operator else ""
    reply = None
    if event.reply_id is not None:
        reply = {
            "message_id": event.reply_id,
            "kind": event.reply_kind,
            "operator": "" if event.reply_kind == "auto" else credited,
            "persona": conversation.persona.name,
            "source": event.reply_source,
            "model_version": event.model_version,
            "prompt_version": event.prompt_version,
        }
    return {
        "id": event.pk,
        "kind": event.kind,
        "external_id": event.external_id,
        "amount": str(to_major(event.amount_minor, event.currency)),
        "currency": event.currency,
        "contact_external_id": event.contact.external_id,
        "conversation_id": event.conversation_id,
        "refund_of": event.refund_of.external_id if event.refund_of else "",
        "occurred_at": event.occurred_at,
        "duplicate": recorded.duplicate,
        "attribution": {
            "phase": event.phase,
            "cta": event.cta,
            "cta_decision_id": event.cta_decision_id,
            "window_hours": settings.REVENUE_ATTRIBUTION_HOURS,
            "operator": credited,
            "reply": reply,
        },
        "journey_state": conversation.journey_state,
        "outcome": conversation.outcome,
    }


def record_or_error(workspace: Workspace, payload: EventIn, webhook_id: str = ""):
    incoming = revenue.IncomingEvent(
        kind=payload.kind,
        external_id=payload.external_id,
        amount=payload.amount,
        currency=payload.currency,
        contact_external_id=payload.contact_external_id,
        conversation_id=payload.conversation_id,
        refund_of=payload.refund_of,
        occurred_at=payload.occurred_at,
    )
    try:
        recorded = revenue.record(workspace, incoming, webhook_id)
    except revenue.EventError as exc:
        raise HttpError(exc.status, f"{exc.field}: {exc}") from exc
    fresh = RevenueEvent.objects.select_related(
        "conversation__persona", "contact", "operator", "refund_of"
    ).get(pk=recorded.event.pk)
    return Status(
        200 if recorded.duplicate else 201, event_out(revenue.Recorded(fresh, recorded.duplicate))
    )


EVENT_ANSWERS = {200: EventOut, 201: EventOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                 422: ErrorOut}  # fmt: skip


@router.post(
    "/events",
    response=EVENT_ANSWERS,
    summary="Record a purchase, tip, subscription or refund (idempotent per external_id)",
    description=(
        "201 with the stored event and its attribution (conversation, phase, CTA, the reply "
        "that preceded it within REVENUE_ATTRIBUTION_HOURS); a redelivery answers 200 with "
        "the stored event; the same external_id for a different event is 409. A refund "
        "names the payment's external_id in refund_of, or nets against the contact's latest "
        "payment in its currency."
    ),
)
def post_event(request: HttpRequest, payload: EventIn):
    return record_or_error(request.auth, payload)  # type: ignore[attr-defined]


@webhook_router.post(
    "/webhooks/{workspace_slug}/events",
    auth=None,
    response=EVENT_ANSWERS,
    summary="Signed webhook for revenue events (same signatures as the message webhook)",
    description=WEBHOOK_SUMMARY,
)
def webhook_event(request: HttpRequest, workspace_slug: str):
    workspace, verified, payload = signed_payload(request, workspace_slug, EventIn)
    # The webhook-id is kept on the event (unique per workspace): a retried delivery gets
    # the stored event back for as long as the event exists, not only while Redis remembers.
    return record_or_error(workspace, payload, verified.webhook_id or "")
