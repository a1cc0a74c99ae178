"""Routes of the configuration side of workspace settings: webhooks, the outbound
connector, risk policy, red-flag overrides, autonomy per persona, campaigns."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
