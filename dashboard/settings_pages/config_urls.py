"""Routes of the configuration side of workspace settings: webhooks, the outbound
connector, risk policy, red-flag overrides, autonomy per persona, campaigns."""

from __future__ import annotations

from django.urls import URLPattern, path

from dashboard.settings_pages import (
    config_assignment,
    config_autonomy,
    config_campaigns,
    config_red_flags,
    config_risk,
    config_webhooks,
)

PREFIX = "w/<slug:slug>/settings/"
CAMPAIGN = PREFIX + "campaigns/<int:campaign_id>/"
VARIANT = CAMPAIGN + "variants/<int:variant_id>/"

urlpatterns: list[URLPattern] = [
    path(PREFIX + "webhooks/", config_webhooks.webhooks_page, name="settings_webhooks"),
    path(PREFIX + "webhooks/scheme/", config_webhooks.set_scheme, name="settings_webhook_scheme"),
    path(
        PREFIX + "webhooks/inbound-secret/",
        config_webhooks.rotate_inbound,
        name="settings_rotate_inbound",
    ),
    path(
        PREFIX + "webhooks/outbound-secret/",
        config_webhooks.rotate_outbound,
        name="settings_rotate_outbound",
    ),
    path(PREFIX + "connector/", config_webhooks.connector_page, name="settings_connector"),
    path(
        PREFIX + "connector/save/",
        config_webhooks.save_connector,
        name="settings_connector_save",
    ),
    path(
        PREFIX + "connector/test/",
        config_webhooks.test_delivery,
        name="settings_connector_test",
    ),
    path(PREFIX + "risk/", config_risk.risk_page, name="settings_risk"),
    path(PREFIX + "risk/save/", config_risk.save_risk, name="settings_risk_save"),
    path(PREFIX + "red-flags/", config_red_flags.red_flags_page, name="settings_red_flags"),
    path(PREFIX + "red-flags/add/", config_red_flags.add_red_flag, name="settings_red_flag_add"),
    path(
        PREFIX + "red-flags/<int:pattern_id>/",
        config_red_flags.change_red_flag,
        name="settings_red_flag_change",
    ),
    path(PREFIX + "assignment/", config_assignment.assignment_page, name="settings_assignment"),
    path(
        PREFIX + "assignment/save/",
        config_assignment.save_assignment,
        name="settings_assignment_save",
    ),
    path(PREFIX + "autonomy/", config_autonomy.autonomy_page, name="settings_autonomy"),
    path(
        PREFIX + "autonomy/<int:persona_id>/",
        config_autonomy.save_autonomy,
        name="settings_autonomy_save",
    ),
    path(PREFIX + "campaigns/", config_campaigns.campaigns_page, name="settings_campaigns"),
    path(
        PREFIX + "campaigns/new/",
        config_campaigns.create_campaign,
        name="settings_campaign_create",
    ),
    path(CAMPAIGN, config_campaigns.campaign_page, name="settings_campaign"),
    path(CAMPAIGN + "save/", config_campaigns.save_campaign, name="settings_campaign_save"),
    path(CAMPAIGN + "variants/", config_campaigns.add_variant, name="settings_variant_add"),
    path(VARIANT, config_campaigns.save_variant, name="settings_variant_save"),
    path(VARIANT + "delete/", config_campaigns.delete_variant, name="settings_variant_delete"),
]
