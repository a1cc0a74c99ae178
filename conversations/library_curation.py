"""A manager's hand on a persona's reply library: pin, retire, restore, add by hand.

A retired reply is never suggested again (conversations.library skips it, and a later send
of the same text does not bring it back); a pinned one is always considered for its phase.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.utils import timezone

from conversations.library import entry_key, unfilled
from conversations.models import Playbook, ReplyEntry
from mlops.embeddings import embed_one
from personas.models import Persona


class LibraryError(ValueError):
    """A library request that cannot be carried out; the message says why (4xx)."""


def set_pinned(entry: ReplyEntry, pinned: bool) -> ReplyEntry:
    if entry.retired and pinned:
        raise LibraryError("a retired reply cannot be pinned; restore it first")
    entry.pinned = pinned
    entry.save(update_fields=["pinned"])
    return entry


def retire(entry: ReplyEntry, user: User | None) -> ReplyEntry:
    entry.retired, entry.pinned = True, False
    entry.retired_at, entry.retired_by = timezone.now(), user
    entry.save(update_fields=["retired", "pinned", "retired_at", "retired_by"])
    return entry


def restore(entry: ReplyEntry) -> ReplyEntry:
    entry.retired, entry.retired_at, entry.retired_by = False, None, None
    entry.save(update_fields=["retired", "retired_at", "retired_by"])
    return entry


def persona_phases(persona: Persona) -> set[str]:
    """Every state of the journeys the persona's conversations may follow."""
    playbooks = Playbook.objects.visible_to(persona.workspace)
    return {state for playbook in playbooks for state in playbook.spec.states}


def add_entry(persona: Persona, text: str, phase: str, intent: str) -> ReplyEntry:
    """A reply a manager writes into the library by hand (source: sent, as if sent)."""
    text = " ".join(text.split())
    if not text:
        raise LibraryError("text: the reply is empty")
    if len(text) > 280:
        raise LibraryError("text: at most 280 characters")
    allowed = {"name", "offer", *(str(key) for key in (persona.profile or {}))}
    unknown = sorted(set(re.findall(r"\{([a-z_]+)\}", text)) - allowed)
    if unknown:
        raise LibraryError(
            f"text: unknown placeholder {{{unknown[0]}}}; use {{name}}, {{offer}} or a "
            "field of the persona's profile"
        )
    if ReplyEntry.objects.filter(persona=persona, key=entry_key(text)).exists():
        raise LibraryError("text: this reply is already in the library")
    vector = embed_one(unfilled(text))
    return ReplyEntry.objects.create(
        workspace_id=persona.workspace_id,
        persona=persona,
        source=ReplyEntry.Source.SENT,
        text=text,
        key=entry_key(text),
        theme="personal",
        descriptor="Written by a manager",
        phase=phase,
        intent=intent,
        embedding=vector,
        reply_embedding=vector,
    )
