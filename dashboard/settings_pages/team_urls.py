"""Routes of the people side of workspace settings: members, API keys, the audit log."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
