"""People's intent labels: what a customer message meant, for retraining the intent model.

A label comes from an operator's phase override or outcome correction (the intent the
playbook would have needed to get there), a labeler's verdict in the intent queue, or a
phrasing a manager teaches the workspace (no message: the text alone).

A workspace may also define intents of its own (WorkspaceIntent) beside the built-in ones.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from conversations.models.conversation import Message
from core.models import Workspace


class IntentLabel(models.Model):
    class Source(models.TextChoices):
        OVERRIDE = "override", "Operator override"
        LABELER = "labeler", "Labeler"
        PHRASE = "phrase", "Workspace phrasing"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="intent_labels"
    )
    # The message's text when there is one (kept so a deleted message's label still reads).
    text = models.CharField(max_length=2000)
    intent = models.CharField(max_length=30)
    # What the model said when the label was given, to count its corrections.
    model_intent = models.CharField(max_length=30, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user"],
                condition=models.Q(message__isnull=False),
                name="one_intent_label_per_user_and_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.intent} ({self.source})"


# A workspace intent's name: what a playbook's `on` lists and a label stores (30 chars).
INTENT_NAME = r"^[a-z][a-z0-9_]{1,29}\Z"


class WorkspaceIntent(models.Model):
    """An intent a workspace defines for itself (a product's name, its own question),
    beside the built-in ones: its phrasings and labels teach its retrained head to read
    it, and its playbooks may move on it. Other workspaces never see it."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="custom_intents"
    )
    name = models.CharField(
        max_length=30,
        validators=[
            RegexValidator(
                INTENT_NAME,
                "2 to 30 lower-case letters, digits or _, starting with a letter",
            )
        ],
    )
    description = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="workspace_intent_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def names_for(cls, workspace_id: int | None) -> tuple[str, ...]:
        if workspace_id is None:
            return ()
        return tuple(cls.objects.filter(workspace_id=workspace_id).values_list("name", flat=True))
