"""The configuration pages of workspace settings, for the tenancy suites: each route with its
method, and a URL for it whose objects (red-flag pattern, persona, campaign, variant) belong
to the given conversation's workspace."""

from __future__ import annotations

from django.urls import reverse

from conversations.models import Conversation, RedFlagPattern
from personas.models import Campaign, CampaignVariant

CONFIG_PAGES = {
    "settings_webhooks": "get",
    "settings_webhook_scheme": "post",
    "settings_rotate_inbound": "post",
    "settings_rotate_outbound": "post",
    "settings_connector": "get",
    "settings_connector_save": "post",
    "settings_connector_test": "post",
    "settings_risk": "get",
    "settings_risk_save": "post",
    "settings_red_flags": "get",
    "settings_red_flag_add": "post",
    "settings_red_flag_change": "post",
    "settings_autonomy": "get",
    "settings_autonomy_save": "post",
    "settings_campaigns": "get",
    "settings_campaign_create": "post",
    "settings_campaign": "get",
    "settings_campaign_save": "post",
    "settings_variant_add": "post",
    "settings_variant_save": "post",
    "settings_variant_delete": "post",
}
CAMPAIGN_PAGES = {
    "settings_campaign",
    "settings_campaign_save",
    "settings_variant_add",
    "settings_variant_save",
    "settings_variant_delete",
}


def config_page_url(name: str, slug: str, conversation: Conversation) -> str:
    kwargs: dict[str, str | int] = {"slug": slug}
    if name == "settings_red_flag_change":
        kwargs["pattern_id"] = own_pattern(conversation).pk
    if name == "settings_autonomy_save":
        kwargs["persona_id"] = conversation.persona_id
    if name in CAMPAIGN_PAGES:
        campaign, variant = campaign_of(conversation)
        kwargs["campaign_id"] = campaign.pk
        if name in ("settings_variant_save", "settings_variant_delete"):
            kwargs["variant_id"] = variant.pk
    return reverse(name, kwargs=kwargs)


def own_pattern(conversation: Conversation) -> RedFlagPattern:
    return RedFlagPattern.objects.get_or_create(
        workspace_id=conversation.workspace_id,
        pattern_name="owners_own_flag",
        defaults={
            "category": "scam",
            "severity": "HIGH",
            "weight": 0.6,
            "pattern": r"wire me \$\d+",
        },
    )[0]


def campaign_of(conversation: Conversation) -> tuple[Campaign, CampaignVariant]:
    campaign = Campaign.objects.get_or_create(
        workspace_id=conversation.workspace_id,
        slug="owners-campaign",
        defaults={"name": "The owner's campaign", "prompt_config": {"temperature": 0.5}},
    )[0]
    variant = CampaignVariant.objects.get_or_create(
        campaign=campaign, name="owners-variant", defaults={"weight": 1}
    )[0]
    return campaign, variant
