"""The built-in playbooks ship as YAML files beside this module and are kept in the
database (workspace NULL) after every migrate, so conversations can reference them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conversations import journeys

PLAYBOOK_DIR = Path(__file__).resolve().parent / "playbooks"
DEFAULT_SLUG = "creator-dm"


def builtin_documents() -> list[dict[str, Any]]:
    return [
        journeys.load_document(path.read_text()) for path in sorted(PLAYBOOK_DIR.glob("*.yaml"))
    ]


def sync_builtin_playbooks(**_signal_kwargs: Any) -> None:
    from conversations.models import Playbook

    for document in builtin_documents():
        spec = journeys.parse_playbook(document)  # a broken file fails loudly at migrate
        Playbook.objects.update_or_create(
            workspace=None, slug=spec.slug, defaults={"name": spec.name, "definition": document}
        )
