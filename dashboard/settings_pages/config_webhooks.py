"""Settings: signed webhooks (the inbound URL, the scheme, rotating the inbound and the
outbound secret) and the outbound connector (its URL and a test delivery).

A secret is shown once, in the answer to the rotation that made it, and never again: the
pages only say when it was rotated. Those answers are not cached (no-store). A URL is
checked when it is saved (conversations.url_safety) as well as at every send; a refused
URL stores nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from conversations.connectors import send_test_delivery
from conversations.signing import LEGACY, STANDARD, rotate_inbound_secret, rotate_outbound_secret
from conversations.url_safety import UnsafeUrl, check_outbound_url
from core import audit
from core.models import Membership, Workspace
from dashboard.settings_pages.config_common import (
    base_context,
    error_messages,
    respond,
    settings_reader,
    settings_writer,
    validate_fields,
)
from dashboard.views import HtmxHttpRequest

WEBHOOKS_TEMPLATE = "settings/config_webhooks.html"
CONNECTOR_TEMPLATE = "settings/config_connector.html"
# How long the old inbound secret keeps working after a rotation: long enough for the
# sender to switch over; none at all when the old one leaked.
OVERLAPS = {
    "0": ("none: the old secret stops now (it leaked)", datetime.timedelta(0)),
    "1h": ("1 hour", datetime.timedelta(hours=1)),
    "24h": ("24 hours", datetime.timedelta(hours=24)),
    "7d": ("7 days", datetime.timedelta(days=7)),
}
DEFAULT_OVERLAP = "24h"


def webhooks_context(request: HtmxHttpRequest, membership: Membership) -> dict:
    workspace = membership.workspace
    path = reverse("api:webhook_message", kwargs={"workspace_slug": workspace.slug})
    return {
        **base_context(membership, "settings_webhooks"),
        "inbound_url": request.build_absolute_uri(path),
        "schemes": Workspace._meta.get_field("webhook_scheme").choices,
        "overlaps": [(key, label) for key, (label, _) in OVERLAPS.items()],
        "default_overlap": DEFAULT_OVERLAP,
        "previous_until": overlap_end(
            workspace.previous_webhook_secret, workspace.previous_webhook_secret_expires_at
        ),
        "previous_outbound_until": overlap_end(
            workspace.previous_outbound_webhook_secret,
            workspace.previous_outbound_webhook_secret_expires_at,
        ),
    }


def overlap_end(previous: str, expires: datetime.datetime | None) -> datetime.datetime | None:
    """Until when a previous secret still counts; None once it no longer does."""
    return expires if previous and expires and expires > timezone.now() else None


def chosen_overlap(request: HtmxHttpRequest) -> tuple[str, datetime.timedelta] | None:
    return OVERLAPS.get(request.POST.get("overlap", ""))


def overlap_refused(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    choices = ", ".join(label for label, _ in OVERLAPS.values())
    errors = [f"Choose how long the old secret keeps working: {choices}."]
    context = webhooks_context(request, membership)
    return respond(request, WEBHOOKS_TEMPLATE, "webhooks", context, errors)


@require_GET
@login_required
def webhooks_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    return respond(
        request, WEBHOOKS_TEMPLATE, "webhooks", webhooks_context(request, membership), []
    )


@require_POST
@login_required
def set_scheme(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    scheme = request.POST.get("scheme", "")
    errors = []
    if scheme not in (STANDARD, LEGACY):
        errors.append(f"scheme: {STANDARD} or {LEGACY}")
    else:
        with transaction.atomic():
            workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
            before = workspace.webhook_scheme
            if scheme != before:
                workspace.webhook_scheme = scheme
                workspace.save(update_fields=["webhook_scheme"])
                audit.record(
                    "webhook.scheme",
                    workspace=workspace,
                    target=workspace,
                    before={"webhook_scheme": before},
                    after={"webhook_scheme": scheme},
                    request=request,
                )
        membership.workspace = workspace
    return respond(
        request, WEBHOOKS_TEMPLATE, "webhooks", webhooks_context(request, membership), errors
    )


# Each secret: how to rotate it, the audit action, and where its old value's end is kept.
ROTATIONS: dict[str, tuple[Callable[[Workspace, datetime.timedelta], str], str, str]] = {
    "inbound": (
        rotate_inbound_secret,
        "webhook.inbound_secret.rotate",
        "previous_webhook_secret_expires_at",
    ),
    "outbound": (
        rotate_outbound_secret,
        "webhook.outbound_secret.rotate",
        "previous_outbound_webhook_secret_expires_at",
    ),
}


def rotated(request: HtmxHttpRequest, slug: str, which: str) -> HttpResponse:
    """Rotate the inbound or outbound secret with the chosen overlap, audit it without
    the secret, and show the new secret this once."""
    membership = settings_writer(request, slug)
    choice = chosen_overlap(request)
    if choice is None:
        return overlap_refused(request, membership)
    label, overlap = choice
    rotate, action, expires_field = ROTATIONS[which]
    workspace = membership.workspace
    with transaction.atomic():
        secret = rotate(workspace, overlap)
        audit.record(
            action,
            workspace=workspace,
            target=workspace,
            after={
                "overlap": label,
                "old_secret_valid_until": iso(getattr(workspace, expires_field)),
            },
            request=request,
        )
    context = webhooks_context(request, membership)
    context["shown_once"] = {"which": which, "secret": secret}
    return respond(request, WEBHOOKS_TEMPLATE, "webhooks", context, [])


@never_cache
@require_POST
@login_required
def rotate_inbound(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return rotated(request, slug, "inbound")


@never_cache
@require_POST
@login_required
def rotate_outbound(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return rotated(request, slug, "outbound")


def iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# -- the outbound connector --------------------------------------------------------------


def connector_context(membership: Membership, url: str | None = None) -> dict:
    workspace = membership.workspace
    return {
        **base_context(membership, "settings_connector"),
        "url": workspace.outbound_webhook_url if url is None else url,
        "configured": bool(workspace.outbound_webhook_url),
    }


@require_GET
@login_required
def connector_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    return respond(request, CONNECTOR_TEMPLATE, "connector", connector_context(membership), [])


def url_problems(workspace: Workspace, url: str) -> list[str]:
    """Why the URL cannot be saved: not a URL, or one this server may not call."""
    if not url:
        return []  # no URL: replies on the webhook channel are not delivered
    workspace.outbound_webhook_url = url
    try:
        validate_fields(workspace, ["outbound_webhook_url"])
        check_outbound_url(url)
    except ValidationError as exc:
        return error_messages(exc)
    except UnsafeUrl as exc:
        return [f"outbound webhook url: {exc}"]
    return []


@require_POST
@login_required
def save_connector(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    url = request.POST.get("url", "").strip()
    errors = url_problems(Workspace(), url)  # validated on a scratch copy: stores nothing
    if not errors:
        with transaction.atomic():
            workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
            before = workspace.outbound_webhook_url
            if url != before:
                workspace.outbound_webhook_url = url
                workspace.save(update_fields=["outbound_webhook_url"])
                audit.record(
                    "connector.url",
                    workspace=workspace,
                    target=workspace,
                    before={"outbound_webhook_url": without_password(before)},
                    after={"outbound_webhook_url": without_password(url)},
                    request=request,
                )
        membership.workspace = workspace
    context = connector_context(membership, url if errors else None)
    context["saved"] = not errors
    return respond(request, CONNECTOR_TEMPLATE, "connector", context, errors)


def without_password(url: str) -> str:
    """The URL as the audit log keeps it: a password in it is a secret too."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


@require_POST
@login_required
def test_delivery(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Send a signed test event to the saved URL and show what the receiver answered."""
    membership = settings_writer(request, slug)
    workspace = Workspace.objects.get(pk=membership.workspace_id)
    result = send_test_delivery(workspace)
    audit.record(
        "connector.test",
        workspace=workspace,
        target=workspace,
        after={"ok": result.ok, "status_code": result.status_code},
        request=request,
    )
    context = connector_context(membership)
    context["delivery"] = result
    return respond(request, CONNECTOR_TEMPLATE, "connector", context, [])
