"""A conversation's progress through its playbook's journey.

Holds Turn (one customer message and the state change it caused) and PhaseOverride
(an operator moving the phase or setting the outcome by hand).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conversations.models.conversation import Conversation, Message
from core.models import Workspace


class Turn(models.Model):
    """One customer message through the journey (seed 001's conversation_turns)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    # The inbound message; NULL for a turn raised by a signal alone (e.g. generation errors).
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="turn"
    )
    reply = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state_before = models.CharField(max_length=60)
    state_after = models.CharField(max_length=60)
    # The intent or signal whose transition fired; blank when the state stayed.
    trigger = models.CharField(max_length=30, blank=True)
    intent_analysis = models.JSONField(default=dict, blank=True)
    # From the customer's message to the operator's reply.
    response_time_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.state_before} -> {self.state_after}"


class PhaseOverride(models.Model):
    """The label an operator leaves by moving a conversation's phase or setting its outcome."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="phase_overrides"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=60)
    to_state = models.CharField(max_length=60)
    outcome = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state} by {self.operator}"
