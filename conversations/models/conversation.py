"""The conversation aggregate: contacts, their conversations and the messages in them.

Holds Contact, ConversationQuerySet, Conversation and Message, the priority and
moderation choices (PRIORITY_CHOICES, PRIORITY_RANK, MODERATION_CHOICES), and
get_conversation_or_404, the workspace-scoped lookup every view uses.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from pgvector.django import VectorField

from conversations import journeys
from conversations.models.playbook import Playbook
from core.models import Workspace
from mlops.embeddings import DIMENSIONS
from mlops.triage import CLASSIFICATIONS
from personas.models import Campaign, CampaignVariant, Persona


class Contact(models.Model):
    """A customer on one channel, known by that channel's id for them."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(max_length=40)
    external_id = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200, blank=True)
    # The relationship, for triage (seed 002's contact classifications).
    classification = models.CharField(
        max_length=12, choices=[(c, c) for c in CLASSIFICATIONS], default="unknown"
    )
    # Facts learned about the contact (name, interests, ...); deepened by the memory stage.
    # A merged view of the ContactFact rows, kept in step by conversations.memory.
    profile_facts = models.JSONField(default=dict, blank=True)
    # The last SENTIMENT_HISTORY_SIZE snapshots {message_id, score, label, at}, oldest first.
    sentiment_history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "channel", "external_id"], name="contact_per_channel_id"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.external_id


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def for_workspace(self, workspace: Workspace) -> ConversationQuerySet:
        return self.filter(workspace=workspace)

    def for_inbox(self) -> ConversationQuerySet:
        latest = Message.objects.filter(conversation=OuterRef("pk")).order_by("-seq")
        return (
            self.select_related("contact", "persona", "assigned_operator")
            .annotate(
                last_text=Subquery(latest.values("text")[:1]),
                last_direction=Subquery(latest.values("direction")[:1]),
            )
            .order_by("-last_message_at", "-pk")
        )

    def by_priority(self) -> ConversationQuerySet:
        """Most urgent first; within a priority, the most urgent message, then the newest."""
        rank = Case(
            *(When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()),
            default=Value(len(PRIORITY_RANK)),
        )
        return self.annotate(priority_rank=rank).order_by(
            "priority_rank", "-urgency", "-last_message_at"
        )


PRIORITY_CHOICES = [(p, p) for p in ("urgent", "time-sensitive", "routine", "low")]
# Sort order for the inbox: most urgent first.
PRIORITY_RANK = {"urgent": 0, "time-sensitive": 1, "routine": 2, "low": 3}
MODERATION_CHOICES = [("none", "Active"), ("muted", "Muted"), ("blocked", "Blocked")]


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conversations")
    # RESTRICT, not PROTECT: a persona in use cannot be deleted alone, but deleting the
    # whole workspace still removes its conversations and personas together.
    persona = models.ForeignKey(Persona, on_delete=models.RESTRICT, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    channel = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.RESTRICT, related_name="conversations")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    variant = models.ForeignKey(
        CampaignVariant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    journey_state = models.CharField(max_length=60)
    # The journey's counters (journeys.Counters), kept as columns for the funnels.
    turn_count = models.PositiveIntegerField(default=0)
    objection_count = models.PositiveIntegerField(default=0)
    cta_count = models.PositiveIntegerField(default=0)
    llm_error_count = models.PositiveIntegerField(default=0)
    callback_requested = models.BooleanField(default=False)
    user_confirmed = models.BooleanField(default=False)
    # Set when the journey reaches a terminal state (seed 003's CallOutcomeType values).
    outcome = models.CharField(max_length=30, blank=True)
    outcome_reason = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Triage of the newest inbound message, for sorting the inbox.
    priority = models.CharField(max_length=16, choices=PRIORITY_CHOICES, default="low")
    urgency = models.FloatField(default=0.0)
    # Bad-actor report over the contact's messages (mlops.bad_actor), and what was done.
    risk = models.JSONField(default=dict, blank=True)
    combined_risk = models.FloatField(default=0.0)
    moderation = models.CharField(max_length=8, choices=MODERATION_CHOICES, default="none")
    # turn_count when a reply was last sent in a CTA state (turns since the last CTA).
    last_cta_turn = models.PositiveIntegerField(default=0)
    # Set when a person replies or takes over: from then on the bot never auto-sends here.
    human_took_over = models.BooleanField(default=False)
    # Every state the conversation has been in: the funnel's rollup, so analytics read one
    # row per conversation instead of its turns and overrides.
    visited_states = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    # When it first entered each of them (ISO 8601): the funnel's per-step windows.
    visited_at = models.JSONField(default=dict, blank=True)
    # Sequence number of the newest message; the next message gets last_seq + 1.
    last_seq = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-last_message_at"]),
            models.Index(fields=["contact", "persona", "status"]),
            models.Index(fields=["workspace", "playbook", "created_at"]),
            GinIndex(fields=["visited_states"]),
        ]

    def __str__(self) -> str:
        return f"{self.contact} with {self.persona}"

    def visit(self, state: str, when: datetime | None = None) -> None:
        if state not in self.visited_states:
            self.visited_states = [*self.visited_states, state]
        if state not in self.visited_at:
            self.visited_at = {**self.visited_at, state: (when or timezone.now()).isoformat()}

    @property
    def counters(self) -> journeys.Counters:
        return journeys.Counters(
            turns=self.turn_count,
            objections=self.objection_count,
            ctas=self.cta_count,
            llm_errors=self.llm_error_count,
            callback_requested=self.callback_requested,
            user_confirmed=self.user_confirmed,
        )

    def store_counters(self, counters: journeys.Counters) -> None:
        self.turn_count = counters.turns
        self.objection_count = counters.objections
        self.cta_count = counters.ctas
        self.llm_error_count = counters.llm_errors
        self.callback_requested = counters.callback_requested
        self.user_confirmed = counters.user_confirmed

    @property
    def state_spec(self) -> journeys.StateSpec | None:
        return self.playbook.spec.states.get(self.journey_state)


def get_conversation_or_404(workspace: Workspace, conversation_id: int) -> Conversation:
    """Conversations are only ever looked up inside a workspace the caller belongs to."""
    conversation = (
        Conversation.objects.for_workspace(workspace)
        .select_related("contact", "persona", "workspace", "playbook")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


class Message(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "Inbound"
        OUT = "out", "Outbound"

    class AuthorKind(models.TextChoices):
        CONTACT = "contact", "Contact"
        OPERATOR = "operator", "Operator"
        SYSTEM = "system", "System"
        AUTO = "auto", "Automatic"

    class Delivery(models.TextChoices):
        RECEIVED = "received", "Received"
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    text = models.TextField()
    channel = models.CharField(max_length=40)
    # NULL, not "", for messages without one: the uniqueness constraint skips NULLs.
    external_id = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    # What the perceive stage found (sentiment, ...), filled in by the ml worker.
    analysis = models.JSONField(default=dict, blank=True)
    # Filled by the memory stage; history retrieval ranks a conversation's messages by it.
    embedding = VectorField(dimensions=DIMENSIONS, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq"),
            models.UniqueConstraint(
                fields=["workspace", "channel", "external_id"],
                condition=Q(external_id__isnull=False),
                name="message_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.direction}: {self.text[:40]}"
