"""What is remembered about contacts and conversations, for retrieval.

Holds ContactFact (one fact about a contact, with its vector), FactCorrection (an
operator's fix or deletion of a fact) and Memory (a summarised conversation segment).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex, VectorField

from conversations.models.conversation import Contact, Conversation, Message
from core.models import Workspace
from mlops.embeddings import DIMENSIONS
from mlops.facts import FACT_KINDS


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
