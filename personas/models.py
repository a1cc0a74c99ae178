"""Personas: the voice operators write in (profile key:values and common phrases)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from pgvector.django import HnswIndex, VectorField

from core.models import Workspace
from mlops.embeddings import DIMENSIONS
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
    # Seed 002's style profile, learned from the replies operators sent as this persona;
    # applied to suggestions only once a manager switches it on.
    style_profile = models.JSONField(default=dict, blank=True)
    apply_style = models.BooleanField(default=False)
    # The model or LoRA adapter that writes this persona's suggestions (vLLM serves
    # adapters under their own model names); blank: the server's default model.
    llm_model = models.CharField(max_length=200, blank=True)
    # The deployed LoRA adapter trained on this persona's operator replies (NULL: the base
    # model). Served by name on vLLM, or loaded in-process (settings.LLM_ADAPTERS).
    adapter = models.ForeignKey(
        "mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Seed 001's autonomy: send the top suggestion without an operator when it is confident
    # enough and neither the CTA decision nor the risk needs a person. Off by default.
    autonomy_enabled = models.BooleanField(default=False)
    autonomy_min_confidence = models.FloatField(
        default=0.8, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    # Whether an auto-sent reply may carry a link or an offer (a price, the persona's
    # offer, "subscribe"...), and then only when the CTA decision is NOW. Off: every reply
    # with one waits for a person, whatever the model or the customer wrote.
    autonomy_allows_links = models.BooleanField(default=False)
    # When the watched folder last synced this persona (null: never came from a folder).
    folder_synced_at = models.DateTimeField(null=True, blank=True)
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


class KnowledgeDocument(models.Model):
    """A background document of a persona; its text is split into embedded chunks."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded on the persona page"
        FOLDER = "folder", "Watched folder"
        ADMIN = "admin", "Admin"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="documents")
    # The file name (its path inside the persona's folder for folder documents).
    name = models.CharField(max_length=255)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.UPLOAD)
    content = models.TextField()
    # sha256 of the content: a re-sync of an unchanged file touches nothing.
    content_hash = models.CharField(max_length=64)
    chunk_count = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["persona", "name"]
        constraints = [
            models.UniqueConstraint(fields=["persona", "name"], name="document_name_per_persona")
        ]

    def __str__(self) -> str:
        return f"{self.persona} / {self.name}"


class KnowledgeChunk(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # Denormalised from the document so a search filters on one column of this table.
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(KnowledgeDocument, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    text = models.TextField()
    embedding = VectorField(dimensions=DIMENSIONS)

    class Meta:
        ordering = ["document", "position"]
        indexes = [
            HnswIndex(
                name="knowledge_chunk_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            models.Index(fields=["persona"], name="knowledge_chunk_persona"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="chunk_position_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.position}"


class StyleProfile(models.Model):
    """Seed 002's per-contact style profile (POST /api/style/learn), keyed as the seed keys it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(max_length=200)
    contact_id = models.CharField(max_length=200)
    profile = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user_id", "contact_id"], name="style_per_user_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} / {self.contact_id}"


class CreatorStyle(models.Model):
    """Seed 002's flirty creator style (POST /api/flirty/style/learn)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    creator_id = models.CharField(max_length=200)
    profile = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "creator_id"], name="style_per_creator")
        ]

    def __str__(self) -> str:
        return self.creator_id
