"""Opening a training job (CTA, intent, ranker, LoRA) within the workspace's share.

Every tenant trains on the same workers, one job at a time each: a workspace may have at
most TRAINING_JOBS_PER_WORKSPACE jobs queued or running, so one tenant clicking "retrain"
in a loop cannot put hours of work in front of everyone else's. The count and the new row
are decided under a lock on the workspace's row, so two requests at once cannot both take
the last place.

Also what a training answer may say about a failure: never a server file path.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import Workspace
from mlops.models import TrainingJob

ACTIVE = (TrainingJob.Status.QUEUED, TrainingJob.Status.PROCESSING)
# A job still "queued" or "processing" after this long was lost with its worker (the
# longest task, LoRA, is stopped after 6 hours): it no longer holds a place, or one lost
# job would lock its workspace out of training for good.
LOST_AFTER = timedelta(hours=24)


class TrainingLimitReached(Exception):
    """The workspace has as many jobs queued or running as it may; the message says so."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"this workspace already has {limit} training job{'s' if limit != 1 else ''} "
            "queued or running (TRAINING_JOBS_PER_WORKSPACE); wait for one to finish or "
            "cancel one, then start this one again"
        )


def active_jobs(workspace_id: int) -> QuerySet[TrainingJob]:
    return TrainingJob.objects.filter(
        workspace_id=workspace_id,
        status__in=ACTIVE,
        created_at__gte=timezone.now() - LOST_AFTER,
    )


def check_room(workspace_id: int) -> None:
    """TrainingLimitReached when no job could be opened now (checked again when opening)."""
    limit = settings.TRAINING_JOBS_PER_WORKSPACE
    if active_jobs(workspace_id).count() >= limit:
        raise TrainingLimitReached(limit)


@transaction.atomic
def open_job(workspace_id: int, kind: str, **fields: Any) -> TrainingJob:
    """A queued job of `kind` for the workspace, or TrainingLimitReached. The caller
    dispatches it (on commit, through core.dispatch)."""
    # Concurrent starts of one workspace queue up here; other workspaces are not held.
    Workspace.objects.select_for_update().filter(pk=workspace_id).first()
    check_room(workspace_id)
    return TrainingJob.objects.create(kind=kind, workspace_id=workspace_id, **fields)


# An absolute path: a slash not part of a URL ("http://host/x") or of a relative path,
# then folders. What a failure names is kept as its last part (the file's own name).
ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s'\"/:,()\[\]]+/)+([^\s'\"/:,()\[\]]*)")


def public_error(text: str) -> str:
    """A job's error as its workspace may read it: server paths cut to their last part."""
    return ABSOLUTE_PATH.sub(lambda m: m.group(1) or "…", text or "")
