"""Importing and exporting playbooks as JSON or YAML documents."""

from __future__ import annotations

from django.db import transaction

from conversations import journeys
from conversations.models import Playbook
from core.models import Workspace

FORMATS = ("yaml", "json")


def import_playbook(workspace: Workspace, text: str, fmt: str = "auto") -> Playbook:
    """Validate a document and store it as the workspace's playbook of that slug.

    A playbook that conversations already follow is never replaced: their states would
    no longer mean what they meant. Import it under a new slug instead.
    """
    document = journeys.load_document(text, fmt)
    spec = journeys.parse_playbook(document)
    with transaction.atomic():
        existing = Playbook.objects.filter(workspace=workspace, slug=spec.slug).first()
        if existing is not None and existing.conversations.exists():
            raise journeys.PlaybookError(
                [f"playbook {spec.slug!r} already runs conversations; import it under a new slug"]
            )
        playbook, _ = Playbook.objects.update_or_create(
            workspace=workspace,
            slug=spec.slug,
            defaults={"name": spec.name, "definition": document},
        )
    return playbook


def export_playbook(playbook: Playbook, fmt: str) -> str:
    return journeys.dump_document(playbook.definition, fmt)
