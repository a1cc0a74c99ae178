"""Ingestion API: messages in by API key or by signed webhook."""

from __future__ import annotations

import pydantic
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from conversations import ingestion
from conversations.signing import BadSignature, verify
from dashboard.models import Workspace

router = Router(tags=["messages"])
webhook_router = Router(tags=["webhooks"])

Channel = Field(..., min_length=1, max_length=40, pattern=r"^[a-z0-9_.-]+$")


class ContactIn(Schema):
    external_id: str = Field(..., min_length=1, max_length=200)
    name: str = Field("", max_length=200)


class MessageIn(Schema):
    channel: str = Channel
    external_id: str = Field(..., min_length=1, max_length=200)
    contact: ContactIn
    persona: str = Field(..., min_length=1, max_length=80)
    text: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS)

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
    )
    try:
        return ingestion.ingest(workspace, inbound)
    except ingestion.UnknownPersona as exc:
        raise HttpError(422, f"persona: {exc}") from exc


@router.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut, 401: ErrorOut, 422: ErrorOut},
    summary="Ingest one inbound message (idempotent per channel + external_id)",
)
def post_message(request: HttpRequest, payload: MessageIn):
    result = ingest_or_422(request.auth, payload)  # type: ignore[attr-defined]
    return Status(200 if result.duplicate else 201, result)


@webhook_router.post(
    "/webhooks/{workspace_slug}/messages",
    auth=None,
    response={200: MessageOut, 201: MessageOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Signed webhook: HMAC-SHA256 of 'timestamp.body' in X-Webhook-Signature",
)
def webhook_message(request: HttpRequest, workspace_slug: str):
    workspace = get_object_or_404(Workspace, slug=workspace_slug)
    try:
        verify(
            workspace.webhook_secret,
            request.headers.get("X-Webhook-Timestamp"),
            request.headers.get("X-Webhook-Signature"),
            request.body,
            settings.WEBHOOK_TOLERANCE_SECONDS,
        )
    except BadSignature as exc:
        raise HttpError(401, str(exc)) from exc
    try:
        payload = MessageIn.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise NinjaValidationError([dict(error) for error in errors]) from exc
    result = ingest_or_422(workspace, payload)
    return Status(200 if result.duplicate else 201, result)
