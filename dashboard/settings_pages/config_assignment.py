"""Settings: assignment of conversations. Auto-assignment on or off, the cap of open
conversations per operator, and the reply target the timers turn red past. The page also
lists who is on shift, so an admin sees whom auto-assignment can pick."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from conversations import assignment
from core.models import Membership
from dashboard.settings_pages.config_common import (
    base_context,
    respond,
    save_workspace_fields,
    settings_reader,
    settings_writer,
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
    errors = save_workspace_fields(request, membership, form, "settings.assignment")
    context = assignment_context(membership, form if errors else None)
    context["saved"] = not errors
    return respond(request, TEMPLATE, "assignment", context, errors)
