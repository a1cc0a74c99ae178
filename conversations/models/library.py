"""The reply library: ready-to-send replies a persona's options are drawn from.

ReplyEntry holds one reply with the context it answers (the vector retrieval matches a new
message against), what it was written for (phase, intent), where it came from (a sent
reply, the bootstrap library, the persona's phrases) and how operators treated it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from pgvector.django import HnswIndex, VectorField

from core.models import Workspace
from mlops.embeddings import DIMENSIONS


class ReplyEntryQuerySet(models.QuerySet["ReplyEntry"]):
    def live(self) -> ReplyEntryQuerySet:
        return self.filter(retired=False)


class ReplyEntry(models.Model):
    class Source(models.TextChoices):
        SENT = "sent", "Sent by an operator"
        BOOTSTRAP = "bootstrap", "Bootstrap library"
        PHRASE = "phrase", "Persona's common phrase"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    persona = models.ForeignKey(
        "personas.Persona", on_delete=models.CASCADE, related_name="library"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    # The reply with placeholders ({name}: the contact's first name, {offer}: the persona's
    # call to action), filled in when it is suggested.
    text = models.TextField()
    # Lower-case, one space: the same reply sent twice is one entry used twice.
    key = models.CharField(max_length=300)
    theme = models.CharField(max_length=40, default="warm")
    descriptor = models.CharField(max_length=60, blank=True)
    phase = models.CharField(max_length=60, blank=True, help_text="blank: any phase")
    intent = models.CharField(max_length=40, blank=True, help_text="blank: any intent")
    cta = models.BooleanField(default=False)
    # What it answered (scrubbed), and that context's vector: a running mean over its sends.
    context = models.TextField(blank=True)
    embedding = VectorField(dimensions=DIMENSIONS)
    reply_embedding = VectorField(dimensions=DIMENSIONS)
    shown = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    won = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(default=False)
    retired = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The bootstrap library's version, for entries that came from it.
    dataset_version = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ReplyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-sent", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["persona", "key"], name="library_reply_once")
        ]
        indexes = [
            HnswIndex(
                name="library_context_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            models.Index(fields=["persona", "retired", "source"], name="library_persona"),
        ]

    def __str__(self) -> str:
        return self.text[:60]
