"""Routes of the people side of workspace settings: members, API keys, the audit log."""

from __future__ import annotations

from django.urls import URLPattern, path

from dashboard.settings_pages import audit_views, keys_views, team_views

MEMBER = "w/<slug:slug>/settings/members/<int:member_id>"

urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/settings/", team_views.settings_home, name="settings"),
    path("w/<slug:slug>/settings/members/", team_views.members_page, name="settings_members"),
    path(
        "w/<slug:slug>/settings/members/invite/",
        team_views.invite_member,
        name="settings_member_invite",
    ),
    path(
        "w/<slug:slug>/settings/members/create/",
        team_views.create_member,
        name="settings_member_create",
    ),
    path(f"{MEMBER}/role/", team_views.change_member_role, name="settings_member_role"),
    path(f"{MEMBER}/deactivate/", team_views.deactivate_member, name="settings_member_deactivate"),
    path(f"{MEMBER}/reactivate/", team_views.reactivate_member, name="settings_member_reactivate"),
    path(f"{MEMBER}/remove/", team_views.remove_member, name="settings_member_remove"),
    path("w/<slug:slug>/settings/api-keys/", keys_views.api_keys_page, name="settings_api_keys"),
    path(
        "w/<slug:slug>/settings/api-keys/create/",
        keys_views.create_api_key,
        name="settings_api_key_create",
    ),
    path(
        "w/<slug:slug>/settings/api-keys/<int:key_id>/revoke/",
        keys_views.revoke_api_key,
        name="settings_api_key_revoke",
    ),
    path("w/<slug:slug>/settings/audit/", audit_views.audit_page, name="settings_audit"),
    path(
        "w/<slug:slug>/settings/audit/export.csv", audit_views.audit_csv, name="settings_audit_csv"
    ),
]
