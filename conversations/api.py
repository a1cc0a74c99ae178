"""Ingestion API: messages in by API key or by signed webhook."""

from __future__ import annotations

import pydantic
from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from conversations import ingestion, webhook_ids
from conversations.conversation_report import bot_message_for, conversation_report
from conversations.models import get_conversation_or_404
from conversations.webhook_auth import signed_payload
from core.api_input import ApiInput
from core.models import Workspace

router = Router(tags=["messages"])
webhook_router = Router(tags=["webhooks"])

Channel = Field(..., min_length=1, max_length=40, pattern=r"^[a-z0-9_.-]+$")


class ContactIn(ApiInput):
    external_id: str = Field(..., min_length=1, max_length=200)
    name: str = Field("", max_length=200)


class MessageIn(ApiInput):
    channel: str = Channel
    external_id: str = Field(..., min_length=1, max_length=200)
    contact: ContactIn
    persona: str = Field(..., min_length=1, max_length=80)
    text: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS)
    campaign: str = Field("", max_length=50)

    @pydantic.field_validator("text")
    @classmethod
    def text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value


class MessageOut(Schema):
    message_id: int
    conversation_id: int
    seq: int
    duplicate: bool


class ErrorOut(Schema):
    detail: str


def ingest_or_422(workspace: Workspace, payload: MessageIn) -> ingestion.IngestResult:
    inbound = ingestion.InboundMessage(
        channel=payload.channel,
        external_id=payload.external_id,
        contact_external_id=payload.contact.external_id,
        contact_name=payload.contact.name,
        persona=payload.persona,
        text=payload.text,
        campaign=payload.campaign,
    )
    try:
        return ingestion.ingest(workspace, inbound)
    except ingestion.IngestionError as exc:
        raise HttpError(422, f"{exc.field}: {exc}") from exc


@router.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut, 401: ErrorOut, 422: ErrorOut},
    summary="Ingest one inbound message (idempotent per channel + external_id)",
)
def post_message(request: HttpRequest, payload: MessageIn):
    result = ingest_or_422(request.auth, payload)  # type: ignore[attr-defined]
    return Status(200 if result.duplicate else 201, result)


WEBHOOK_SUMMARY = (
    "Signed webhook. Standard Webhooks (the default): webhook-id (the idempotency key: a "
    "redelivery stores nothing and answers duplicate), webhook-timestamp (Unix seconds), "
    "webhook-signature: space-separated 'v1,<base64 HMAC-SHA256 of id.timestamp.body>' keyed "
    "with the whsec_ secret's base64 part; any one match is enough. Legacy workspaces only: "
    "X-Webhook-Timestamp and X-Webhook-Signature: sha256=HEX(HMAC-SHA256(secret, "
    "'timestamp.body')). Bad, stale or malformed signatures, and unknown workspaces: 401."
)


@webhook_router.post(
    "/webhooks/{workspace_slug}/messages",
    auth=None,
    response={200: MessageOut, 201: MessageOut, 401: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Signed webhook (Standard Webhooks; legacy X-Webhook-Signature per workspace)",
    description=WEBHOOK_SUMMARY,
)
def webhook_message(request: HttpRequest, workspace_slug: str):
    workspace, verified, payload = signed_payload(request, workspace_slug, MessageIn)
    if verified.webhook_id is None:
        result = ingest_or_422(workspace, payload)
    else:
        try:
            result = webhook_ids.once(
                workspace, verified.webhook_id, lambda: ingest_or_422(workspace, payload)
            )
        except webhook_ids.InFlight as exc:
            raise HttpError(409, str(exc)) from exc
    return Status(200 if result.duplicate else 201, result)


# -- journeys (seed 001's conversation API) ---------------------------------------------

journeys_router = Router(tags=["conversations"])


class ConversationStart(ApiInput):
    user_id: str = Field(..., min_length=1, max_length=200)
    initial_message: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS)
    playbook: str = Field("", max_length=50)
    persona: str = Field("", max_length=80)
    user_name: str = Field("", max_length=200)


class ConversationStarted(Schema):
    conversation_id: int
    state: str


class TransitionIn(ApiInput):
    user_message: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS)
    user_name: str = Field("", max_length=200)


class TransitionOut(Schema):
    conversation_id: int
    state: str
    previous_state: str
    intent: str
    bot_message: str
    bot_message_source: str  # sent, auto_sent, suggested or fallback


@journeys_router.post(
    "/conversations",
    response={201: ConversationStarted, 401: ErrorOut, 422: ErrorOut},
    summary="Start a conversation in its playbook's entry state (default: sales-7)",
)
def start_conversation(request: HttpRequest, payload: ConversationStart):
    try:
        conversation = ingestion.start_conversation(
            request.auth,  # type: ignore[attr-defined]
            user_id=payload.user_id,
            user_name=payload.user_name,
            text=payload.initial_message,
            playbook_slug=payload.playbook or ingestion.API_DEFAULT_PLAYBOOK,
            persona_name=payload.persona,
        )
    except ingestion.IngestionError as exc:
        raise HttpError(422, f"{exc.field}: {exc}") from exc
    return Status(201, {"conversation_id": conversation.pk, "state": conversation.journey_state})


@journeys_router.get(
    "/conversations/{conversation_id}",
    response={200: dict, 401: ErrorOut, 404: ErrorOut},
    summary="State, turns with their bot messages, state history, counters, outcome, "
    "conversion probability, user profile and metadata of a conversation",
)
def get_conversation(request: HttpRequest, conversation_id: int):
    conversation = get_conversation_or_404(request.auth, conversation_id)  # type: ignore[attr-defined]
    return conversation_report(conversation)


@journeys_router.post(
    "/conversations/{conversation_id}/transition",
    response={200: TransitionOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Add the customer's message and move the conversation through its journey",
)
def transition(request: HttpRequest, conversation_id: int, payload: TransitionIn):
    conversation = get_conversation_or_404(request.auth, conversation_id)  # type: ignore[attr-defined]
    if conversation.outcome:
        raise HttpError(409, f"the conversation has ended (outcome {conversation.outcome})")
    turn = ingestion.continue_conversation(conversation, payload.user_message, payload.user_name)
    # Drafting runs on the workers: a reply is rarely sent or suggested yet, so the answer
    # usually carries the new state's fallback line; GET shows the turn's drafted reply.
    bot_message = bot_message_for(turn)
    return {
        "conversation_id": conversation.pk,
        "state": turn.state_after,
        "previous_state": turn.state_before,
        "intent": turn.intent_analysis.get("intent", ""),
        "bot_message": bot_message["text"],
        "bot_message_source": bot_message["source"],
    }
