"""Celery tasks of the persona side: the watched folder's periodic sync."""

from __future__ import annotations

import logging
from pathlib import Path

import redis
from celery import shared_task
from django.conf import settings

from personas.folder_sync import sync_root

logger = logging.getLogger(__name__)

# Longer than any sync can take: a crashed worker's lock expires instead of wedging syncs.
SYNC_LOCK_SECONDS = 600


@shared_task(acks_late=True, ignore_result=True)
def sync_persona_folders() -> int:
    """Sync PERSONA_FOLDER; returns how many documents were (re-)embedded.

    Beat fires every few seconds; a sync still running (a big first import) makes the
    next ones return at once instead of embedding the same files twice.
    """
    if not settings.PERSONA_FOLDER:
        return 0
    client = redis.Redis.from_url(settings.REDIS_URL)
    lock = client.lock("persona-folder-sync", timeout=SYNC_LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        return 0
    try:
        reports = sync_root(Path(settings.PERSONA_FOLDER))
    finally:
        lock.release()
    embedded = sum(len(report.embedded) for report in reports)
    for report in reports:
        if report.embedded or report.deleted or report.profile_changed or report.created:
            logger.info(
                "persona %s: embedded %s, deleted %s, profile changed %s",
                report.persona,
                report.embedded,
                report.deleted,
                report.profile_changed,
            )
    return embedded
