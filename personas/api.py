"""Personas over the API: what a connector may name in `persona`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from personas.models import Persona

router = Router(tags=["personas"])


class PersonaOut(Schema):
    id: int
    name: str
    profile: dict
    common_phrases: list[str]


@router.get("/personas", response=list[PersonaOut], summary="The workspace's personas, by name")
def list_personas(request: HttpRequest):
    personas = Persona.objects.for_workspace(request.auth).order_by("name")  # type: ignore[attr-defined]
    return [
        PersonaOut(id=p.pk, name=p.name, profile=p.profile, common_phrases=p.phrases)
        for p in personas
    ]
