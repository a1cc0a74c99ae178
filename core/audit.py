"""The audit log's one writer: every settings change, role change, key, promotion and
import calls `record`, so the log reads the same whoever wrote the feature."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from core.models import ApiKey, AuditEvent, Workspace, hash_api_key


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address as the web server saw it (no X-Forwarded-For: it is forgeable
    unless a trusted proxy sets it, and this product does not assume one)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def api_key_name(request: HttpRequest | None) -> str:
    """Who acted through the JSON API: the key, named as its settings page shows it."""
    raw_key = request.headers.get("X-API-Key", "") if request is not None else ""
    key = ApiKey.objects.filter(key_hash=hash_api_key(raw_key)).first() if raw_key else None
    return f"api key {key}" if key is not None else ""


def record(
    action: str,
    *,
    workspace: Workspace | None,
    actor: Any = None,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    request: HttpRequest | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's user, or to the API key that
    made the request; `actor_name` names one that is not a user ("system" for automatic
    actions). Secrets never belong in `before`/`after` (say "rotated", not the value)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is None and not actor_name:
        actor_name = api_key_name(request)
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if actor is not None else actor_name)[:150],
        action=action,
        object_type=(target._meta.model_name or "") if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        before=before or {},
        after=after or {},
        address=client_address(request),
    )
