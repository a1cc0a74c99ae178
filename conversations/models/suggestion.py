"""Reply suggestions and the operators' decisions on them.

Holds SuggestionSet (the options generated for one inbound message), Suggestion (one
option) and OperatorDecision (what the operator was shown, did and sent: the label).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from conversations.models.conversation import Conversation, Message
from core.models import Workspace


class SuggestionSet(models.Model):
    """The reply options shown to operators for one inbound message."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="suggestion_sets"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="suggestion_sets")
    # Makes the generating task idempotent: a redelivered task finds its set already made.
    request_key = models.CharField(max_length=80, unique=True)
    journey_state = models.CharField(max_length=60)
    model_version = models.CharField(max_length=120)
    prompt_version = models.CharField(max_length=60)
    # True when the generator failed and the per-state fallback was used instead.
    is_fallback = models.BooleanField(default=False)
    # Milliseconds per pipeline stage, for the turn's trace.
    timings = models.JSONField(default=dict, blank=True)
    # What retrieval found for the message (knowledge chunks, facts, memories, history),
    # shown beside the suggestions so operators see what they were built on.
    retrieval = models.JSONField(default=dict, blank=True)
    # How generation went: served from cache, samples the guardrails dropped and why, or
    # the error that made these the fallback lines.
    generation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # First time an operator's page rendered it; decision latency is measured from here.
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"suggestions for message {self.message_id}"


class Suggestion(models.Model):
    suggestion_set = models.ForeignKey(
        SuggestionSet, on_delete=models.CASCADE, related_name="suggestions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    theme = models.CharField(max_length=40)
    descriptor = models.CharField(max_length=60)
    confidence = models.FloatField()
    quality_score = models.FloatField(default=0.0)
    model_version = models.CharField(max_length=120)
    prompt_version = models.CharField(max_length=60)
    # Where the option came from: library (sent, bootstrap, phrase), model, adapter,
    # template or fallback; and for library options, the entry.
    source = models.CharField(max_length=10, default="model")
    library_entry = models.ForeignKey(
        "conversations.ReplyEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    # The ranker's features when it was shown: with the operator's decision, a label row.
    features = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion_set", "position"], name="suggestion_position"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def source_badge(self) -> str:
        """What the operator's badge says: where the option came from, in one word."""
        return "library" if self.source in ("sent", "bootstrap", "phrase") else self.source


class OperatorDecision(models.Model):
    """The label: what the operator was shown, what they did, and what was sent."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        EDIT = "edit", "Edited"
        REJECT = "reject", "Rejected"
        MANUAL = "manual", "Typed manually"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="decisions"
    )
    suggestion_set = models.ForeignKey(
        SuggestionSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    suggestion = models.ForeignKey(
        Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    shown_text = models.TextField(blank=True)
    final_text = models.TextField(blank=True)
    edit_distance = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    sent_message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="decision"
    )
    # The send form's idempotency key and a digest of what it asked for: a retry with the
    # same key gets this decision back instead of a second message.
    idempotency_key = models.CharField(max_length=80, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="decision_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.operator} in {self.conversation_id}"
