"""Settings: assignment of conversations. Auto-assignment on or off, the cap of open
conversations per operator, and the reply target the timers turn red past. The page also
lists who is on shift, so an admin sees whom auto-assignment can pick."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from conversations import assignment
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

TEMPLATE = "settings/config_assignment.html"
ASSIGNMENT_FIELDS = ("auto_assign", "max_open_per_operator", "reply_target_seconds")


def assignment_context(membership: Membership, form: dict | None = None) -> dict:
    workspace = membership.workspace
    values = form or {field: getattr(workspace, field) for field in ASSIGNMENT_FIELDS}
    return {
        **base_context(membership, "settings_assignment"),
        "form": values,
        "members": assignment.assignable_members(workspace.pk),
    }


@require_GET
@login_required
def assignment_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    return respond(request, TEMPLATE, "assignment", assignment_context(membership), [])


def submitted(request: HtmxHttpRequest) -> dict:
    post = request.POST
    return {
        "auto_assign": post.get("auto_assign") == "on",
        "max_open_per_operator": post.get("max_open_per_operator", "").strip(),
        "reply_target_seconds": post.get("reply_target_seconds", "").strip(),
    }


@require_POST
@login_required
def save_assignment(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    form = submitted(request)
    errors: list[str] = []
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        before = {field: getattr(workspace, field) for field in ASSIGNMENT_FIELDS}
        for field, value in form.items():
            setattr(workspace, field, value)
        try:
            validate_fields(workspace, ASSIGNMENT_FIELDS)
        except ValidationError as exc:
            errors.extend(error_messages(exc))
        if not errors:
            workspace.save(update_fields=list(ASSIGNMENT_FIELDS))
            workspace.refresh_from_db(fields=list(ASSIGNMENT_FIELDS))
            after = {field: getattr(workspace, field) for field in ASSIGNMENT_FIELDS}
            if after != before:
                audit.record(
                    "settings.assignment",
                    workspace=workspace,
                    target=workspace,
                    before=changed(before, after),
                    after=changed(after, before),
                    request=request,
                )
    if not errors:
        membership.workspace = workspace
    context = assignment_context(membership, form if errors else None)
    context["saved"] = not errors
    return respond(request, TEMPLATE, "assignment", context, errors)
