"""Settings: the workspace's risk policy (what happens above the bad-actor threshold), the
labeling quorum and the phrases no suggestion may contain."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from core.models import Membership, Workspace
from dashboard.settings_pages.config_common import (
    base_context,
    respond,
    save_workspace_fields,
    settings_reader,
    settings_writer,
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


def threshold_problems(workspace: Workspace) -> list[str]:
    # NaN passes the model's min/max validators (every comparison with it is false).
    if not 0 <= workspace.risk_threshold <= 1:
        return ["risk threshold: a number from 0 to 1"]
    return []


@require_POST
@login_required
def save_risk(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    form = submitted(request)
    problems = []
    if len(form["banned_phrases"]) > MAX_BANNED_CHARS:
        problems.append(f"banned phrases: at most {MAX_BANNED_CHARS:,} characters in all")
    errors = save_workspace_fields(
        request, membership, form, "settings.risk", problems, check=threshold_problems
    )
    context = risk_context(membership, form if errors else None)
    context["saved"] = not errors
    return respond(request, TEMPLATE, "risk", context, errors)
