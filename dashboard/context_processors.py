"""Values every page's template may need."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def live_pages(request: HttpRequest) -> dict[str, int]:
    """How often a live page resyncs with the database when no event came (live.js)."""
    return {"live_resync_ms": settings.LIVE_RESYNC_SECONDS * 1000}
