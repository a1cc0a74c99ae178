"""Call-to-action decisions and the people's labels on them.

Holds CtaDecision (what a CTA model decided at one message, with its features) and
CtaLabel (an operator's or labeler's verdict on such a decision, for retraining).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conversations.models.conversation import Conversation, Message
from core.models import Workspace


class CtaDecision(models.Model):
    """What a CTA model decided at one turn, with the features it saw (for retraining)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="cta_decisions"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="cta_decisions")
    model_version = models.ForeignKey(
        "mlops.ModelVersion", on_delete=models.PROTECT, related_name="decisions"
    )
    # A shadow model's decision is stored beside the active one's, never shown.
    is_shadow = models.BooleanField(default=False)
    decision = models.CharField(max_length=5)
    probabilities = models.JSONField()
    top_features = models.JSONField()
    features = models.JSONField()
    # Probability of the decision minus the runner-up: low margin = uncertain.
    margin = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "is_shadow"], name="one_cta_decision_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} at message {self.message_id}"


class CtaLabel(models.Model):
    """A person's verdict on a CTA decision: an operator's accept/override or a labeler's."""

    class Source(models.TextChoices):
        OPERATOR = "operator", "Operator"
        LABELER = "labeler", "Labeler"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(CtaDecision, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=5)
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="one_cta_label_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.label} by {self.user} ({self.source})"
