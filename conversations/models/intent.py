"""People's intent labels: what a customer message meant, for retraining the intent model.

A label comes from an operator's phase override or outcome correction (the intent the
playbook would have needed to get there), a labeler's verdict in the intent queue, or a
phrasing a manager teaches the workspace (no message: the text alone).
"""

from __future__ import annotations

from django.conf import settings
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
