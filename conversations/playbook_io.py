"""Importing and exporting playbooks as JSON or YAML documents.

An imported document is written by a workspace's manager, so it is read as hostile: YAML
anchors and aliases are refused before anything is built from the text (a "billion
laughs" document is a few hundred bytes that expand to gigabytes once a value is
stringified or stored as JSON), and a document nested deeper than the parsers can follow
is refused instead of crashing the request.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.db import transaction

from conversations import journeys
from conversations.models import Playbook, WorkspaceIntent
from core.models import Workspace

FORMATS = ("yaml", "json")
# Anchors name a value for reuse, aliases repeat it: a playbook never needs either.
REUSE_TOKENS = (yaml.AnchorToken, yaml.AliasToken)


def refuse_reused_values(text: str) -> None:
    """Raise PlaybookError if the YAML text uses an anchor (&name) or an alias (*name).

    Only the scanner runs here: it reads tokens one by one and builds nothing, so even a
    bomb costs one pass over the (size-capped) text. Syntax errors are left to the loader,
    which names them better.
    """
    try:
        for token in yaml.scan(text, Loader=journeys.PlaybookLoader):
            if isinstance(token, REUSE_TOKENS):
                line = token.start_mark.line + 1
                raise journeys.PlaybookError(
                    [
                        f"line {line}: YAML anchors and aliases (&name, *name) are not "
                        "accepted in a playbook; write each value out"
                    ]
                )
    except yaml.YAMLError:
        return


def read_document(text: str, fmt: str) -> dict[str, Any]:
    """The document as data, or PlaybookError; nothing is expanded before the checks."""
    if fmt != "json":  # "auto" reads YAML, of which JSON is a part
        refuse_reused_values(text)
    try:
        return journeys.load_document(text, fmt)
    except RecursionError as exc:
        raise journeys.PlaybookError(
            ["the document is nested too deeply to be a playbook"]
        ) from exc


def import_playbook(workspace: Workspace, text: str, fmt: str = "auto") -> Playbook:
    """Validate a document and store it as the workspace's playbook of that slug.

    A playbook that conversations already follow is never replaced: their states would
    no longer mean what they meant. Import it under a new slug instead.
    """
    document = read_document(text, fmt)
    spec = journeys.parse_playbook(document, WorkspaceIntent.names_for(workspace.pk))
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
