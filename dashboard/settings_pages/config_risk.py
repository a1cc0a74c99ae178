"""Settings: the workspace's risk policy (what happens above the bad-actor threshold), the
labeling quorum and the phrases no suggestion may contain."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.models import Membership, Workspace
from dashboard.settings_pages.config_common import (
    base_context,
    changed,
    error_messages,
    respond,
    settings_reader,
    settings_writer,
    validate_fields,
)
from dashboard.views import HtmxHttpRequest

TEMPLATE = "settings/config_risk.html"
RISK_FIELDS = ("risk_policy", "risk_threshold", "cta_labels_required", "banned_phrases")
MAX_BANNED_CHARS = 10_000


def risk_context(membership: Membership, form: dict | None = None) -> dict:
    workspace = membership.workspace
    values = form or {field: getattr(workspace, field) for field in RISK_FIELDS}
    return {
        **base_context(membership, "settings_risk"),
        "form": values,
        "policies": Workspace._meta.get_field("risk_policy").choices,
    }


@require_GET
@login_required
def risk_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    return respond(request, TEMPLATE, "risk", risk_context(membership), [])


def submitted(request: HtmxHttpRequest) -> dict:
    post = request.POST
    phrases = [line.strip() for line in post.get("banned_phrases", "").splitlines()]
    return {
        "risk_policy": post.get("risk_policy", "").strip(),
        "risk_threshold": post.get("risk_threshold", "").strip(),
        "cta_labels_required": post.get("cta_labels_required", "").strip(),
        "banned_phrases": "\n".join(line for line in phrases if line),
    }


@require_POST
@login_required
def save_risk(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    form = submitted(request)
    errors: list[str] = []
    if len(form["banned_phrases"]) > MAX_BANNED_CHARS:
        errors.append(f"banned phrases: at most {MAX_BANNED_CHARS:,} characters in all")
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        before = {field: getattr(workspace, field) for field in RISK_FIELDS}
        for field, value in form.items():
            setattr(workspace, field, value)
        try:
            validate_fields(workspace, RISK_FIELDS)
        except ValidationError as exc:
            errors.extend(error_messages(exc))
        else:
            # NaN passes the model's min/max validators (every comparison with it is false).
            if not 0 <= workspace.risk_threshold <= 1:
                errors.append("risk threshold: a number from 0 to 1")
        if not errors:
            workspace.save(update_fields=list(RISK_FIELDS))
            after = {field: getattr(workspace, field) for field in RISK_FIELDS}
            if after != before:
                audit.record(
                    "settings.risk",
                    workspace=workspace,
                    target=workspace,
                    before=changed(before, after),
                    after=changed(after, before),
                    request=request,
                )
    if not errors:
        membership.workspace = workspace
    context = risk_context(membership, form if errors else None)
    context["saved"] = not errors
    return respond(request, TEMPLATE, "risk", context, errors)
