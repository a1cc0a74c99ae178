"""Personas: the voice operators write in (profile key:values and common phrases)."""

from __future__ import annotations

from django.db import models

from dashboard.models import Workspace


class PersonaQuerySet(models.QuerySet["Persona"]):
    def for_workspace(self, workspace: Workspace) -> PersonaQuerySet:
        return self.filter(workspace=workspace)


class Persona(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=80)
    # Seed 000's profile: model_name, age, city, tactics, cta_concept... as key: value.
    profile = models.JSONField(default=dict, blank=True)
    # The persona's slang and go-to lines, one per line.
    common_phrases = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="persona_name_per_workspace")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phrases(self) -> list[str]:
        return [line.strip() for line in self.common_phrases.splitlines() if line.strip()]
