"""Settings: autonomy per persona, i.e. whether the top suggestion is sent without an
operator, from which server-computed confidence, and (where the persona model has it)
whether such a reply may carry a link."""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.access import member_or_404
from core.models import Membership
from dashboard.settings_pages.config_common import (
    base_context,
    changed,
    error_messages,
    require_writer,
    respond,
    settings_reader,
    validate_fields,
)
from dashboard.views import HtmxHttpRequest
from personas.models import Persona

TEMPLATE = "settings/config_autonomy.html"
SWITCHES = ("autonomy_enabled", "autonomy_allows_links")


def autonomy_fields() -> list[str]:
    """The autonomy settings the persona model has (links came later than the rest)."""
    names = {field.name for field in Persona._meta.get_fields()}
    wanted = ("autonomy_enabled", "autonomy_min_confidence", "autonomy_allows_links")
    return [name for name in wanted if name in names]


def autonomy_context(membership: Membership) -> dict:
    fields = autonomy_fields()
    return {
        **base_context(membership, "settings_autonomy"),
        "personas": Persona.objects.for_workspace(membership.workspace).order_by("name"),
        "has_links": "autonomy_allows_links" in fields,
    }


@require_GET
@login_required
def autonomy_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    return respond(request, TEMPLATE, "autonomy", autonomy_context(membership), [])


def parse_confidence(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value <= 1 else None


@require_POST
@login_required
def save_autonomy(request: HtmxHttpRequest, slug: str, persona_id: int) -> HttpResponse:
    membership = member_or_404(request, slug)
    persona = get_object_or_404(Persona, workspace=membership.workspace, pk=persona_id)
    require_writer(membership)
    confidence = parse_confidence(request.POST.get("autonomy_min_confidence", "").strip())
    errors = []
    if confidence is None:
        errors.append(f"{persona.name}: the minimum confidence is a number from 0 to 1.")
    else:
        errors = store(request, membership, persona, confidence)
    context = autonomy_context(membership)
    context["errors_for"] = persona.pk if errors else None
    context["saved"] = "" if errors else persona.name
    return respond(request, TEMPLATE, "autonomy", context, errors)


def store(
    request: HtmxHttpRequest, membership: Membership, persona: Persona, confidence: float
) -> list[str]:
    fields = autonomy_fields()
    with transaction.atomic():
        persona = Persona.objects.select_for_update().get(pk=persona.pk)
        before = {name: getattr(persona, name) for name in fields}
        for name in fields:
            if name in SWITCHES:
                setattr(persona, name, request.POST.get(name) == "1")
        persona.autonomy_min_confidence = confidence
        try:
            validate_fields(persona, fields)
        except ValidationError as exc:
            return error_messages(exc)
        persona.save(update_fields=fields)
        after = {name: getattr(persona, name) for name in fields}
        if after != before:
            audit.record(
                "persona.autonomy",
                workspace=membership.workspace,
                target=persona,
                before=changed(before, after),
                after=changed(after, before),
                request=request,
            )
    return []
