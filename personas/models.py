"""Personas: the voice operators write in (profile key:values and common phrases)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from dashboard.models import Workspace
from personas.prompt_config import CampaignPromptConfig, prompt_config_problems

DEFAULT_PLAYBOOK = "creator-dm"


def check_playbook_slug(workspace: Workspace | None, slug: str) -> None:
    # Looked up by name: personas sit below conversations, which own the playbooks.
    if slug and workspace is not None:
        playbooks = apps.get_model("conversations", "Playbook").objects
        if playbooks.resolve(workspace, slug) is None:
            raise ValidationError({"playbook_slug": f"no playbook {slug!r} in this workspace"})


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
    # The journey this persona's conversations follow unless a campaign names another.
    playbook_slug = models.SlugField(blank=True, help_text=f"blank: {DEFAULT_PLAYBOOK}")
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

    def clean(self) -> None:
        check_playbook_slug(self.workspace if self.workspace_id else None, self.playbook_slug)


class Campaign(models.Model):
    """A campaign: its own journey and prompt settings for the conversations it brings."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    slug = models.SlugField()
    name = models.CharField(max_length=120)
    playbook_slug = models.SlugField(blank=True, help_text="blank: the persona's playbook")
    prompt_config = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "slug"], name="campaign_slug_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = prompt_config_problems(self.prompt_config)
        if problems:
            raise ValidationError({"prompt_config": problems})
        check_playbook_slug(self.workspace if self.workspace_id else None, self.playbook_slug)

    @property
    def config(self) -> CampaignPromptConfig:
        return CampaignPromptConfig.model_validate(self.prompt_config or {})


class CampaignVariant(models.Model):
    """One arm of a campaign's A/B test: its own prompt settings and share of traffic."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=60)
    prompt_config = models.JSONField(default=dict, blank=True)
    weight = models.PositiveSmallIntegerField(default=1, help_text="Share of new contacts")

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="variant_name_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.name}"

    def clean(self) -> None:
        problems = prompt_config_problems(self.prompt_config)
        if problems:
            raise ValidationError({"prompt_config": problems})
