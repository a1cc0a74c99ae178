"""Settings: campaigns (their journey and prompt config) and their A/B variants.

A prompt config is edited as JSON and checked against seed 003's CampaignPromptConfig by
the model's `full_clean()`; a refused change stores nothing. A variant that conversations
were assigned to is not removed (that would lose its A/B results): its weight goes to 0.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
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
    require_reader,
    require_writer,
    respond,
    settings_reader,
    settings_writer,
)
from dashboard.views import HtmxHttpRequest
from personas.models import Campaign, CampaignVariant
from personas.prompt_config import CampaignPromptConfig

LIST_TEMPLATE = "settings/config_campaigns.html"
TEMPLATE = "settings/config_campaign.html"
MAX_CONFIG_CHARS = 20_000
CONFIG_KEYS = tuple(CampaignPromptConfig.model_fields)
BLANK_CAMPAIGN = {
    "slug": "",
    "name": "",
    "playbook_slug": "",
    "prompt_config": "{}",
    "active": True,
}
BLANK_VARIANT = {"name": "", "weight": "1", "prompt_config": "{}"}


class FormProblem(Exception):
    """Input that cannot even be handed to the model's validation."""


def config_text(config: dict) -> str:
    return json.dumps(config or {}, indent=2, ensure_ascii=False)


def parse_config(text: str) -> dict:
    if len(text) > MAX_CONFIG_CHARS:
        raise FormProblem(f"prompt config: at most {MAX_CONFIG_CHARS:,} characters")
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormProblem(
            f"prompt config: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(value, dict):
        raise FormProblem('prompt config: a JSON object, e.g. {"temperature": 0.7}')
    return value


def campaign_state(campaign: Campaign) -> dict:
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "playbook_slug": campaign.playbook_slug,
        "prompt_config": campaign.prompt_config,
        "active": campaign.active,
    }


def variant_state(variant: CampaignVariant) -> dict:
    return {"name": variant.name, "weight": variant.weight, "prompt_config": variant.prompt_config}


def campaigns_context(membership: Membership, form: dict | None = None) -> dict:
    campaigns = (
        Campaign.objects.filter(workspace=membership.workspace)
        .annotate(variant_count=Count("variants", distinct=True))
        .order_by("name")
    )
    return {
        **base_context(membership, "settings_campaigns"),
        "campaigns": campaigns,
        "form": form or BLANK_CAMPAIGN,
        "config_keys": CONFIG_KEYS,
    }


@require_GET
@login_required
def campaigns_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_reader(request, slug)
    return respond(request, LIST_TEMPLATE, "campaigns", campaigns_context(membership), [])


def campaign_form(request: HtmxHttpRequest) -> dict:
    post = request.POST
    return {
        "slug": post.get("slug", "").strip(),
        "name": post.get("name", "").strip(),
        "playbook_slug": post.get("playbook_slug", "").strip(),
        "prompt_config": post.get("prompt_config", ""),
        "active": post.get("active") == "1",
    }


def fill_campaign(campaign: Campaign, form: dict) -> None:
    campaign.name = form["name"]
    campaign.playbook_slug = form["playbook_slug"]
    campaign.prompt_config = parse_config(form["prompt_config"])
    campaign.active = form["active"]


def validated(instance: Campaign | CampaignVariant) -> list[str]:
    try:
        instance.full_clean()
    except ValidationError as exc:
        return error_messages(exc)
    return []


@require_POST
@login_required
def create_campaign(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = settings_writer(request, slug)
    form = campaign_form(request)
    campaign = Campaign(workspace=membership.workspace, slug=form["slug"])
    try:
        fill_campaign(campaign, form)
        errors = validated(campaign)
    except FormProblem as exc:
        errors = [str(exc)]
    if not errors:
        errors = save_and_record(request, membership, campaign, "campaign.create")
    context = campaigns_context(membership, form if errors else None)
    context["created"] = None if errors else campaign
    return respond(request, LIST_TEMPLATE, "campaigns", context, errors)


def save_and_record(
    request: HtmxHttpRequest,
    membership: Membership,
    instance: Campaign | CampaignVariant,
    action: str,
    before: dict | None = None,
) -> list[str]:
    """Store and audit in one transaction; a name taken meanwhile is a message too."""
    try:
        with transaction.atomic():
            instance.save()
            after = (
                campaign_state(instance)
                if isinstance(instance, Campaign)
                else variant_state(instance)
            )
            if before is None or after != before:
                audit.record(
                    action,
                    workspace=membership.workspace,
                    target=instance,
                    before=changed(before, after) if before else None,
                    after=changed(after, before) if before else after,
                    request=request,
                )
    except IntegrityError:
        return ["That name is already taken here; choose another."]
    return []


def campaign_context(
    membership: Membership,
    campaign: Campaign,
    form: dict | None = None,
    variant_forms: dict[int | None, dict] | None = None,
) -> dict:
    """The campaign's page. `form` and `variant_forms` (None: the new-variant form) hold
    what was submitted when it was refused, so nothing typed is lost."""
    variant_forms = variant_forms or {}
    variants = campaign.variants.annotate(conversation_count=Count("conversations"))
    rows = [
        {
            "variant": variant,
            "form": variant_forms.get(
                variant.pk,
                {
                    "name": variant.name,
                    "weight": variant.weight,
                    "prompt_config": config_text(variant.prompt_config),
                },
            ),
        }
        for variant in variants
    ]
    return {
        **base_context(membership, "settings_campaigns"),
        "campaign": campaign,
        "form": form
        or {**campaign_state(campaign), "prompt_config": config_text(campaign.prompt_config)},
        "variants": rows,
        "total_weight": sum(variant.weight for variant in variants),
        "new_variant": variant_forms.get(None, BLANK_VARIANT),
        "config_keys": CONFIG_KEYS,
    }


def campaign_of(
    request: HtmxHttpRequest, slug: str, campaign_id: int
) -> tuple[Membership, Campaign]:
    """Any member's lookup first: another workspace's campaign is 404 for every role."""
    membership = member_or_404(request, slug)
    campaign = get_object_or_404(Campaign, workspace=membership.workspace, pk=campaign_id)
    return membership, campaign


@require_GET
@login_required
def campaign_page(request: HtmxHttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_of(request, slug, campaign_id)
    require_reader(membership)
    return respond(request, TEMPLATE, "campaign", campaign_context(membership, campaign), [])


@require_POST
@login_required
def save_campaign(request: HtmxHttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_of(request, slug, campaign_id)
    require_writer(membership)
    form = campaign_form(request)
    before = campaign_state(campaign)
    try:
        fill_campaign(campaign, form)
        errors = validated(campaign)
    except FormProblem as exc:
        errors = [str(exc)]
    if not errors:
        errors = save_and_record(request, membership, campaign, "campaign.update", before)
    if errors:
        campaign.refresh_from_db()
    context = campaign_context(
        membership, campaign, {**form, "slug": campaign.slug} if errors else None
    )
    context["saved"] = not errors
    return respond(request, TEMPLATE, "campaign", context, errors)


def variant_form(request: HtmxHttpRequest) -> dict:
    post = request.POST
    return {
        "name": post.get("name", "").strip(),
        "weight": post.get("weight", "").strip(),
        "prompt_config": post.get("prompt_config", ""),
    }


def fill_variant(variant: CampaignVariant, form: dict) -> list[str]:
    """Copy the form onto the variant; the problems validation would not phrase well."""
    variant.name = form["name"]
    try:
        variant.weight = int(form["weight"])
    except ValueError:
        return ["weight: a whole number, 0 or more (0 stops assigning the variant)"]
    variant.prompt_config = parse_config(form["prompt_config"])
    return validated(variant)


@require_POST
@login_required
def add_variant(request: HtmxHttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    membership, campaign = campaign_of(request, slug, campaign_id)
    require_writer(membership)
    form = variant_form(request)
    variant = CampaignVariant(campaign=campaign)
    try:
        errors = fill_variant(variant, form)
    except FormProblem as exc:
        errors = [str(exc)]
    if not errors:
        errors = save_and_record(request, membership, variant, "variant.add")
    context = campaign_context(membership, campaign, variant_forms={None: form} if errors else None)
    context["variant_saved"] = "" if errors else variant.name
    return respond(request, TEMPLATE, "campaign", context, errors)


def variant_of(
    request: HtmxHttpRequest, slug: str, campaign_id: int, variant_id: int
) -> tuple[Membership, Campaign, CampaignVariant]:
    membership, campaign = campaign_of(request, slug, campaign_id)
    variant = get_object_or_404(CampaignVariant, campaign=campaign, pk=variant_id)
    require_writer(membership)
    return membership, campaign, variant


@require_POST
@login_required
def save_variant(
    request: HtmxHttpRequest, slug: str, campaign_id: int, variant_id: int
) -> HttpResponse:
    membership, campaign, variant = variant_of(request, slug, campaign_id, variant_id)
    form = variant_form(request)
    before = variant_state(variant)
    try:
        errors = fill_variant(variant, form)
    except FormProblem as exc:
        errors = [str(exc)]
    if not errors:
        errors = save_and_record(request, membership, variant, "variant.update", before)
    context = campaign_context(
        membership, campaign, variant_forms={variant.pk: form} if errors else None
    )
    context["variant_saved"] = "" if errors else variant.name
    return respond(request, TEMPLATE, "campaign", context, errors)


@require_POST
@login_required
def delete_variant(
    request: HtmxHttpRequest, slug: str, campaign_id: int, variant_id: int
) -> HttpResponse:
    membership, campaign, variant = variant_of(request, slug, campaign_id, variant_id)
    assigned = variant.conversations.count()
    errors = []
    if assigned:
        errors.append(
            f"{assigned} conversation{'s' if assigned != 1 else ''} were assigned to "
            f"{variant.name}; removing it would lose its A/B results. Set its weight to 0 "
            "to stop assigning it."
        )
    else:
        with transaction.atomic():
            audit.record(
                "variant.delete",
                workspace=membership.workspace,
                target=variant,
                before=variant_state(variant),
                request=request,
            )
            variant.delete()
    return respond(request, TEMPLATE, "campaign", campaign_context(membership, campaign), errors)
