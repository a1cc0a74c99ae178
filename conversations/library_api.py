"""A persona's reply library over the API: browse it, add a reply, pin or retire one.

Scoped to the API key's workspace: another workspace's persona or entry is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from conversations import library_curation
from conversations.custom_intents import known_intents
from conversations.models import ReplyEntry
from core.api_input import ApiInput
from personas.models import Persona

router = Router(tags=["reply library"])
PAGE = 100


class EntryOut(Schema):
    id: int
    text: str
    source: str
    theme: str
    descriptor: str
    phase: str
    intent: str
    context: str
    shown: int
    sent: int
    rejected: int
    won: int
    pinned: bool
    retired: bool
    created_at: datetime


class EntryIn(ApiInput):
    text: str = Field(..., min_length=1, max_length=280, pattern=r"\S")
    phase: str = Field("", max_length=60)
    intent: str = Field("", max_length=40)


class EntryChange(ApiInput):
    pinned: bool | None = None
    retired: bool | None = None


class LibraryFilter(Schema):
    source: Literal["sent", "bootstrap", "phrase"] | None = None
    retired: bool = False
    q: str = Field("", max_length=200)


def persona_of(request: HttpRequest, persona_id: int) -> Persona:
    workspace = request.auth  # type: ignore[attr-defined]
    return get_object_or_404(Persona, pk=persona_id, workspace=workspace)


@router.get(
    "/personas/{persona_id}/library",
    response=list[EntryOut],
    summary="The persona's reply library: pinned first, then the most sent",
)
def list_entries(request: HttpRequest, persona_id: int, filters: Query[LibraryFilter]):
    entries = ReplyEntry.objects.filter(persona=persona_of(request, persona_id))
    entries = entries.filter(retired=filters.retired)
    if filters.source:
        entries = entries.filter(source=filters.source)
    if filters.q.strip():
        entries = entries.filter(text__icontains=filters.q.strip())
    return list(entries[:PAGE])


@router.post(
    "/personas/{persona_id}/library",
    response={201: EntryOut},
    summary="Add a reply to the library by hand ({name} and {offer} are filled when shown)",
)
def add_entry(request: HttpRequest, persona_id: int, payload: EntryIn):
    persona = persona_of(request, persona_id)
    check_phase_and_intent(persona, payload.phase, payload.intent)
    try:
        entry = library_curation.add_entry(persona, payload.text, payload.phase, payload.intent)
    except library_curation.LibraryError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(201, entry)


@router.patch(
    "/personas/{persona_id}/library/{entry_id}",
    response=EntryOut,
    summary="Pin or unpin, retire or restore a library reply",
)
def change_entry(request: HttpRequest, persona_id: int, entry_id: int, payload: EntryChange):
    entry = get_object_or_404(ReplyEntry, pk=entry_id, persona=persona_of(request, persona_id))
    if payload.pinned is None and payload.retired is None:
        raise HttpError(422, "say what to change: pinned, retired or both")
    try:
        if payload.retired is True:
            library_curation.retire(entry, None)
        elif payload.retired is False and entry.retired:
            library_curation.restore(entry)
        if payload.pinned is not None:
            library_curation.set_pinned(entry, payload.pinned)
    except library_curation.LibraryError as exc:
        raise HttpError(422, str(exc)) from None
    return entry


def check_phase_and_intent(persona: Persona, phase: str, intent: str) -> None:
    # The workspace's own intents too: a reply for "asks_about_merch" is what they are for.
    known = known_intents(persona.workspace_id)
    if intent and intent not in known:
        raise HttpError(422, f"intent: one of {', '.join(known)}, or blank for any")
    if phase and phase not in library_curation.persona_phases(persona):
        raise HttpError(422, f"phase: {phase!r} is not a state of this persona's journeys")
