"""The front door shared by every signed webhook route: find the workspace, verify the
signature, then parse the body. One place, so the message and revenue webhooks can never
drift apart in what they accept or in how they answer a forger."""

from __future__ import annotations

from typing import TypeVar

import pydantic
from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from conversations.signing import BadSignature, Verified, verify_inbound
from core import rows
from core.api_input import refuse_unstorable_path
from core.models import Workspace

Payload = TypeVar("Payload", bound=pydantic.BaseModel)


def signed_payload(
    request: HttpRequest, workspace_slug: str, schema: type[Payload]
) -> tuple[Workspace, Verified, Payload]:
    """The workspace, the verified signature and the parsed body of a signed webhook.

    401 for a bad, stale or malformed signature and for an unknown workspace alike (no 404:
    the answers never tell which workspaces exist); the body is read only after the
    signature holds, and a body that does not fit `schema` is a 422 naming the field."""
    refuse_unstorable_path(workspace_slug=workspace_slug)
    workspace = rows.workspace_by_slug(workspace_slug)
    try:
        verified = verify_inbound(
            workspace, request.headers, request.body, settings.WEBHOOK_TOLERANCE_SECONDS
        )
    except BadSignature as exc:
        raise HttpError(401, str(exc)) from exc
    assert workspace is not None  # verify_inbound accepts nothing for a missing workspace
    try:
        payload = schema.model_validate_json(request.body)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise NinjaValidationError([dict(error) for error in errors]) from exc
    return workspace, verified, payload
