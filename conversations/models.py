"""Contacts, conversations, messages, reply suggestions and the operators' decisions."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from pgvector.django import HnswIndex, VectorField

from conversations import journeys
from core.models import Workspace
from mlops.bad_actor import RedFlagRule, rule_problems
from mlops.embeddings import DIMENSIONS
from mlops.facts import FACT_KINDS
from mlops.triage import CLASSIFICATIONS
from personas.models import Campaign, CampaignVariant, Persona


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
            spec = journeys.parse_playbook(self.definition or {})
        except journeys.PlaybookError as exc:
            raise ValidationError({"definition": exc.problems}) from exc
        if self.slug and spec.slug != self.slug:
            raise ValidationError({"slug": f"must match the definition's slug {spec.slug!r}"})

    @cached_property
    def spec(self) -> journeys.Playbook:
        return journeys.parse_playbook(self.definition)


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

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion_set", "position"], name="suggestion_position"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


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


class RedFlagPatternQuerySet(models.QuerySet["RedFlagPattern"]):
    def rules_for(self, workspace: Workspace) -> list[RedFlagPattern]:
        """Active patterns: the workspace's own, and built-ins it has not replaced."""
        rows = self.filter(Q(workspace=workspace) | Q(workspace__isnull=True))
        chosen: dict[str, RedFlagPattern] = {}
        for row in rows.order_by(F("workspace").asc(nulls_first=True)):
            chosen[row.pattern_name] = row  # the workspace's copy comes last and wins
        return [row for row in chosen.values() if row.active]


class RedFlagPattern(models.Model):
    """A bad-actor pattern (seed 002). Built-ins have no workspace; a workspace edits its
    own copy of the same name to change or switch one off."""

    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="red_flags"
    )
    pattern_name = models.SlugField(max_length=60)
    category = models.CharField(max_length=30)
    severity = models.CharField(max_length=10)
    weight = models.FloatField()
    pattern = models.CharField(max_length=500, help_text="Regular expression, case-insensitive")
    active = models.BooleanField(default=True)

    objects = RedFlagPatternQuerySet.as_manager()

    class Meta:
        ordering = ["category", "pattern_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "pattern_name"], name="red_flag_name_per_workspace"
            ),
            models.UniqueConstraint(
                fields=["pattern_name"],
                condition=Q(workspace__isnull=True),
                name="builtin_red_flag_name",
            ),
        ]

    def __str__(self) -> str:
        return self.pattern_name

    def as_rule(self) -> RedFlagRule:
        return RedFlagRule(
            self.pattern_name, self.category, self.severity, self.weight, self.pattern
        )

    def clean(self) -> None:
        problems = rule_problems(self.as_rule())
        if problems:
            raise ValidationError(problems)


class ModerationAction(models.Model):
    """The audit log of muting and blocking: automatic by policy, or by a manager."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    action = models.CharField(
        max_length=8,
        choices=[("mute", "Mute"), ("block", "Block"), ("restore", "Restore")],
    )
    # NULL: taken automatically by the workspace's risk policy.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    combined_risk = models.FloatField()
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.conversation_id} by {self.actor or 'policy'}"


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


class ContactFact(models.Model):
    """One thing known about a contact (seed 000's facts), with its own vector for retrieval."""

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Extracted from a message"
        OPERATOR = "operator", "Corrected by an operator"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=24, choices=[(k, k.replace("_", " ")) for k in FACT_KINDS])
    value = models.CharField(max_length=200)
    # De-duplication key (mlops.facts.normalize_value): "Hiking!" and "hiking" are one fact.
    normalized = models.CharField(max_length=200)
    embedding = VectorField(dimensions=DIMENSIONS)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.EXTRACTED)
    source_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped when the contact mentions it again: retrieval decays by this, not creation.
    last_mentioned_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "kind", "normalized"], name="fact_once_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class FactCorrection(models.Model):
    """An operator's correction or deletion of a fact: a label for the fact extractor."""

    class Action(models.TextChoices):
        CORRECTED = "corrected", "Corrected"
        DELETED = "deleted", "Deleted"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    fact = models.ForeignKey(
        ContactFact, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    kind = models.CharField(max_length=24)
    old_value = models.CharField(max_length=200)
    new_value = models.CharField(max_length=200, blank=True)
    # The message the wrong fact came from: with old and new value, a training example.
    source_text = models.TextField(blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.kind}: {self.old_value} -> {self.new_value}"


class Memory(models.Model):
    """A remembered conversation segment with its summary and the summary's vector.

    One store for seed 002's memory API and for the summaries the pipeline writes every
    few messages, so `/api/memory/recall` finds both. The API's user_id, contact_id and
    conversation_id are the caller's strings, kept in the *_key fields; pipeline summaries
    set user_key to the persona's name and contact_key to the contact's channel id, and
    link the contact and conversation rows too.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    memory_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user_key = models.CharField(max_length=200)
    contact_key = models.CharField(max_length=200)
    conversation_key = models.CharField(max_length=200, blank=True)
    messages = models.JSONField(default=list)
    summary = models.TextField()
    embedding = VectorField(dimensions=DIMENSIONS)
    metadata = models.JSONField(default=dict, blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="memories"
    )
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="memories"
    )
    # For pipeline summaries: the last message sequence number the summary covers.
    upto_seq = models.PositiveIntegerField(null=True, blank=True)
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stored_at"]
        indexes = [
            HnswIndex(
                name="memory_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            models.Index(fields=["workspace", "user_key", "contact_key"], name="memory_keys"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "upto_seq"],
                condition=Q(conversation__isnull=False),
                name="one_summary_per_conversation_point",
            )
        ]

    def __str__(self) -> str:
        return self.summary[:60]
