"""Installed in place of `django.contrib.admin`, so `admin.site` is the platform's site
(`core.admin_site`). Kept apart from it: an app config module is imported before any
model may be."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "core.admin_site.PlatformAdminSite"
