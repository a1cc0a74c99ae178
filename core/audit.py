"""The audit log's one writer: every settings change, role change, key, promotion and
import calls `record`, so the log reads the same whoever wrote the feature."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from core.models import AuditEvent, Workspace


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address as the web server saw it (no X-Forwarded-For: it is forgeable
    unless a trusted proxy sets it, and this product does not assume one)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    workspace: Workspace | None,
    actor: Any = None,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's user; secrets never belong in
    `before`/`after` (say "rotated", not the value)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if actor is not None else "")[:150],
        action=action,
        object_type=(target._meta.model_name or "") if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        before=before or {},
        after=after or {},
        address=client_address(request),
    )
