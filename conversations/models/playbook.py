"""Playbooks: conversation journeys stored as data, built-in or a workspace's own.

Holds PlaybookQuerySet and Playbook. A Conversation walks one playbook; the journey's
progress through it (Turn, PhaseOverride) lives in conversations.models.journey.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property

from conversations import journeys
from core.models import Workspace


class PlaybookQuerySet(models.QuerySet["Playbook"]):
    def visible_to(self, workspace: Workspace) -> PlaybookQuerySet:
        """The workspace's own playbooks and the built-in ones."""
        return self.filter(Q(workspace=workspace) | Q(workspace__isnull=True))

    def resolve(self, workspace: Workspace, slug: str) -> Playbook | None:
        """A workspace's own playbook wins over a built-in one of the same slug."""
        found = self.visible_to(workspace).filter(slug=slug)
        return found.order_by(F("workspace").asc(nulls_last=True)).first()


class Playbook(models.Model):
    """A conversation journey as data (see conversations/journeys.py for the format)."""

    # NULL for the built-in playbooks every workspace can use.
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="playbooks"
    )
    slug = models.SlugField()
    name = models.CharField(max_length=120)
    definition = models.JSONField(help_text="States, transitions and limits (JSON)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaybookQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "slug"], name="playbook_slug_per_workspace"
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(workspace__isnull=True), name="builtin_playbook_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.workspace_id is None

    def clean(self) -> None:
        try:
            spec = journeys.parse_playbook(self.definition or {}, self.own_intents())
        except journeys.PlaybookError as exc:
            raise ValidationError({"definition": exc.problems}) from exc
        if self.slug and spec.slug != self.slug:
            raise ValidationError({"slug": f"must match the definition's slug {spec.slug!r}"})

    def own_intents(self) -> tuple[str, ...]:
        """The intents the playbook's workspace defined (none for a built-in playbook)."""
        # Looked up by name: the intent module imports this one (through Message).
        intents = self._meta.apps.get_model("conversations", "WorkspaceIntent")
        return intents.names_for(self.workspace_id)

    @cached_property
    def spec(self) -> journeys.Playbook:
        return journeys.parse_playbook(self.definition, self.own_intents())
