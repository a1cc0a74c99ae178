"""Settings: the workspace's own red-flag patterns.

Built-in patterns (no workspace) are shared by every tenant and read-only here; a
workspace adds its own patterns, or overrides a built-in by adding one of the same name
(switched off, it silences the built-in for this workspace only). Each pattern is
validated by the model's `full_clean()`, which also refuses patterns that could take the
risk check down; a refused pattern stores nothing.
"""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from conversations.models import RedFlagPattern
from core import audit
from core.access import member_or_404
from core.models import Membership
from dashboard.settings_pages.config_common import (
    base_context,
    error_messages,
    require_writer,
    respond,
    settings_reader,
    settings_writer,
)
from dashboard.views import HtmxHttpRequest
from mlops.bad_actor import CATEGORIES, SEVERITIES

TEMPLATE = "settings/config_red_flags.html"
ACTIONS = ("enable", "disable", "delete")
BLANK_FORM = {
    "pattern_name": "",
    "category": CATEGORIES[0],
    "severity": "MEDIUM",
    "weight": "0.5",
    "pattern": "",
    "examples": "",
    "active": True,
}


def pattern_state(pattern: RedFlagPattern) -> dict:
    """What the audit log keeps of a pattern."""
    return {
        "pattern_name": pattern.pattern_name,
        "category": pattern.category,
        "severity": pattern.severity,
        "weight": pattern.weight,
        "pattern": pattern.pattern,
        "examples": list(pattern.examples),
        "active": pattern.active,
    }


def builtin_form(name: str) -> dict | None:
    """The add form filled with a built-in pattern, to override it."""
    builtin = RedFlagPattern.objects.filter(workspace__isnull=True, pattern_name=name).first()
    if builtin is None:
        return None
    return {**pattern_state(builtin), "examples": "\n".join(builtin.examples)}


def red_flags_context(membership: Membership, form: dict | None = None) -> dict:
    own = list(RedFlagPattern.objects.filter(workspace=membership.workspace))
    own_names = {p.pattern_name for p in own}
    builtins = RedFlagPattern.objects.filter(workspace__isnull=True)
    return {
        **base_context(membership, "settings_red_flags"),
        "own": own,
        "builtins": [{"pattern": p, "overridden": p.pattern_name in own_names} for p in builtins],
        "builtin_names": {p.pattern_name for p in builtins},
        "form": form or BLANK_FORM,
        "categories": CATEGORIES,
        "severities": SEVERITIES,
    }


@require_GET
@login_required
def red_flags_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    form = builtin_form(request.GET.get("copy", "")[:60]) if request.GET.get("copy") else None
    return respond(request, TEMPLATE, "red_flags", red_flags_context(membership, form), [])


def submitted(request: HtmxHttpRequest) -> dict:
    post = request.POST
    return {
        "pattern_name": post.get("pattern_name", "").strip(),
        "category": post.get("category", "").strip(),
        "severity": post.get("severity", "").strip().upper(),
        "weight": post.get("weight", "").strip(),
        "pattern": post.get("pattern", ""),
        "examples": post.get("examples", ""),
        "active": post.get("active") == "1",
    }


def parse_weight(text: str) -> tuple[float, str]:
    """(weight, problem): the model's clean() compares the weight, so it must be a number
    before validation runs."""
    try:
        weight = float(text)
    except ValueError:
        return 0.0, "weight: a number above 0 and at most 1"
    return weight, "" if math.isfinite(weight) else "weight: a number above 0 and at most 1"


def new_pattern(membership: Membership, form: dict, weight: float) -> RedFlagPattern:
    examples = [line.strip() for line in form["examples"].splitlines() if line.strip()]
    return RedFlagPattern(
        workspace=membership.workspace,
        pattern_name=form["pattern_name"],
        category=form["category"],
        severity=form["severity"],
        weight=weight,
        pattern=form["pattern"],
        examples=examples,
        active=form["active"],
    )


@require_POST
@login_required
def add_red_flag(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    form = submitted(request)
    weight, problem = parse_weight(form["weight"])
    errors = [problem] if problem else []
    if not errors:
        pattern = new_pattern(membership, form, weight)
        try:
            pattern.full_clean()
            with transaction.atomic():
                pattern.save()
                audit.record(
                    "red_flag.add",
                    workspace=membership.workspace,
                    target=pattern,
                    after=pattern_state(pattern),
                    request=request,
                )
        except ValidationError as exc:
            errors = error_messages(exc)
        except IntegrityError:  # the same name added twice at once
            errors = [f"This workspace already has a pattern named {form['pattern_name']}."]
    context = red_flags_context(membership, form if errors else None)
    context["saved"] = "" if errors else form["pattern_name"]
    return respond(request, TEMPLATE, "red_flags", context, errors)


@require_POST
@login_required
def change_red_flag(request: HtmxHttpRequest, slug: str, pattern_id: int) -> HttpResponse:
    """Enable, disable or delete one of this workspace's own patterns (built-ins and other
    workspaces' patterns are 404 here)."""
    membership = member_or_404(request, slug)
    pattern = get_object_or_404(RedFlagPattern, workspace=membership.workspace, pk=pattern_id)
    require_writer(membership)
    action = request.POST.get("action", "")
    errors = []
    if action not in ACTIONS:
        errors.append(f"Unknown action {action[:40]!r}: use one of {', '.join(ACTIONS)}.")
    else:
        apply_change(request, membership, pattern, action)
    return respond(request, TEMPLATE, "red_flags", red_flags_context(membership), errors)


def apply_change(
    request: HtmxHttpRequest, membership: Membership, pattern: RedFlagPattern, action: str
) -> None:
    before = pattern_state(pattern)
    with transaction.atomic():
        if action == "delete":
            audit.record(
                "red_flag.delete",
                workspace=membership.workspace,
                target=pattern,
                before=before,
                request=request,
            )
            pattern.delete()
            return
        pattern.active = action == "enable"
        pattern.save(update_fields=["active"])
        audit.record(
            f"red_flag.{action}",
            workspace=membership.workspace,
            target=pattern,
            before={"active": before["active"]},
            after={"active": pattern.active},
            request=request,
        )
