"""A workspace's own intents: defined with a description and example phrasings, read by
its retrained intent head once they have MIN_EXAMPLES labels, and usable as a trigger in
its own playbooks. The built-in intents and the engine's signals keep their names."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest

from conversations import journeys
from conversations.models import IntentLabel, Playbook, WorkspaceIntent
from conversations.models.intent import INTENT_NAME
from core import audit
from core.models import Workspace
from mlops.intent_model import INTENTS
from mlops.intent_training import CUSTOM_MIN_EXAMPLES

NAME = re.compile(INTENT_NAME)
RESERVED = frozenset(INTENTS) | frozenset(journeys.TRIGGERS)
MAX_PHRASING = 300
MAX_PHRASINGS = 200


class IntentError(ValueError):
    """A workspace intent that cannot be stored; the message starts with the field."""


def known_intents(workspace_id: int | None) -> tuple[str, ...]:
    """What a label, a phrasing or a playbook of this workspace may name."""
    return (*INTENTS, *WorkspaceIntent.names_for(workspace_id))


def checked_name(workspace_id: int, name: str) -> str:
    name = name.strip()
    if not NAME.match(name):
        raise IntentError(
            "name: 2 to 30 lower-case letters, digits or _, starting with a letter "
            "(e.g. asks_about_merch)"
        )
    if name in RESERVED:
        raise IntentError(f"name: {name!r} is a built-in intent or signal; pick another")
    if WorkspaceIntent.objects.filter(workspace_id=workspace_id, name=name).exists():
        raise IntentError(f"name: this workspace already has an intent {name!r}")
    return name


def checked_phrasings(text: str) -> list[str]:
    """One phrasing a line, spaces collapsed, duplicates dropped."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    phrasings = list(dict.fromkeys(line for line in lines if line))
    for number, line in enumerate(phrasings, start=1):
        if len(line) > MAX_PHRASING:
            raise IntentError(f"phrasings: line {number} is over {MAX_PHRASING} characters")
    if len(phrasings) > MAX_PHRASINGS:
        raise IntentError(f"phrasings: at most {MAX_PHRASINGS} at once")
    return phrasings


def define_intent(
    workspace: Workspace,
    user: User,
    name: str,
    description: str,
    phrasings: str = "",
    request: HttpRequest | None = None,
) -> WorkspaceIntent:
    """Store a new intent and its example phrasings (labels of source `phrase`), audited;
    IntentError, with nothing stored, when any part is wrong."""
    name = checked_name(workspace.pk, name)
    description = " ".join(description.split())
    if not description:
        raise IntentError("description: say what customers mean by it")
    if len(description) > 300:
        raise IntentError("description: at most 300 characters")
    examples = checked_phrasings(phrasings)
    try:
        with transaction.atomic():
            intent = WorkspaceIntent.objects.create(
                workspace=workspace, name=name, description=description, created_by=user
            )
            IntentLabel.objects.bulk_create(
                IntentLabel(workspace=workspace, text=text, intent=name, source="phrase", user=user)
                for text in examples
            )
    except IntegrityError as exc:  # the same name added twice at once
        raise IntentError(f"name: this workspace already has an intent {name!r}") from exc
    audit.record(
        "intent.create",
        workspace=workspace,
        actor=user,
        target=intent,
        after={"name": name, "description": description, "phrasings": len(examples)},
        request=request,
    )
    return intent


def overview(workspace_id: int, active_metrics: dict) -> list[dict]:
    """Each of the workspace's intents with its labelled examples, how many more the next
    retrain needs before its head reads it, and the active head's figures for it (on the
    held-back fifth of the workspace's labels)."""
    figures = active_metrics.get("custom_intents") or {}
    counts = dict(
        IntentLabel.objects.filter(workspace_id=workspace_id)
        .values_list("intent")
        .annotate(n=Count("pk"))
        .values_list("intent", "n")
    )
    return [
        {
            "intent": intent,
            "examples": counts.get(intent.name, 0),
            "missing": max(0, CUSTOM_MIN_EXAMPLES - counts.get(intent.name, 0)),
            "figures": figures.get(intent.name) or {},
        }
        for intent in WorkspaceIntent.objects.filter(workspace_id=workspace_id)
    ]


def playbooks_moving_on(workspace: Workspace, name: str) -> list[str]:
    """The slugs of the workspace's playbooks with a transition on this intent."""
    return [
        playbook.slug
        for playbook in Playbook.objects.filter(workspace=workspace)
        if any(name in transition.triggers for transition in playbook.spec.transitions)
    ]


def remove_intent(
    workspace: Workspace, name: str, request: HttpRequest | None = None
) -> WorkspaceIntent:
    """Remove an intent no playbook moves on, audited. Its labels stay (defining the name
    again brings them back) but no retrain uses them; a head trained with it may still
    read it until the next retrain, and no playbook acts on that reading."""
    intent = WorkspaceIntent.objects.filter(workspace=workspace, name=name.strip()).first()
    if intent is None:
        raise IntentError(f"name: this workspace has no intent {name.strip()[:30]!r}")
    using = playbooks_moving_on(workspace, intent.name)
    if using:
        raise IntentError(
            f"name: playbook {', '.join(using)} moves on {intent.name}; change it first"
        )
    audit.record(
        "intent.delete",
        workspace=workspace,
        target=intent,
        before={"name": intent.name, "description": intent.description},
        request=request,
    )
    intent.delete()
    return intent
