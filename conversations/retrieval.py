"""What the prompt gets to know for one inbound message.

- knowledge: the persona's top-k chunks for the message;
- facts and memories: the contact's, by cosine similarity times a recency decay (a fact
  restated last week beats the same fact from last year);
- history: the conversation's earlier messages by similarity and closeness in the thread.

Every query filters by workspace and by the conversation's own persona or contact, so no
path can reach another tenant's vectors. The result is plain data; the suggestion set
stores it, so operators (and labels) can see what the suggestions were built on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from pgvector.django import CosineDistance

from conversations.models import ContactFact, Conversation, Memory, Message
from mlops.embeddings import Vector, as_list, cosine, embed, embed_one
from personas import knowledge

KNOWLEDGE_K = 4
FACTS_K = 5
MEMORIES_K = 2
HISTORY_N = 6
# Candidates fetched by raw similarity before the recency re-rank.
CANDIDATES = 20
HISTORY_WINDOW = 50
HALF_LIFE_DAYS = 30.0
# A message 10 turns back counts half as much as the one just before.
HISTORY_HALF_LIFE_TURNS = 10.0


@dataclass(frozen=True)
class FactHit:
    fact_id: int
    kind: str
    value: str
    similarity: float
    score: float


@dataclass(frozen=True)
class MemoryHit:
    memory_id: str
    summary: str
    similarity: float
    score: float


@dataclass(frozen=True)
class HistoryHit:
    seq: int
    direction: str
    text: str
    score: float


@dataclass
class RetrievedContext:
    knowledge: list[knowledge.KnowledgeHit] = field(default_factory=list)
    facts: list[FactHit] = field(default_factory=list)
    memories: list[MemoryHit] = field(default_factory=list)
    history: list[HistoryHit] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RetrievedContext:
        """What a SuggestionSet stored: the context its prompt was built from."""
        return cls(
            knowledge=[knowledge.KnowledgeHit(**hit) for hit in data.get("knowledge", [])],
            facts=[FactHit(**hit) for hit in data.get("facts", [])],
            memories=[MemoryHit(**hit) for hit in data.get("memories", [])],
            history=[HistoryHit(**hit) for hit in data.get("history", [])],
        )


def decay(when: datetime, now: datetime, half_life_days: float = HALF_LIFE_DAYS) -> float:
    age_days = max((now - when).total_seconds(), 0.0) / 86400
    return 0.5 ** (age_days / half_life_days)


def retrieve(conversation: Conversation, message: Message) -> RetrievedContext:
    vector = as_list(message.embedding) if message.embedding is not None else None
    query = vector or embed_one(message.text)
    return RetrievedContext(
        knowledge=knowledge.search(conversation.persona, query, KNOWLEDGE_K),
        facts=relevant_facts(conversation, query),
        memories=relevant_memories(conversation, query),
        history=relevant_history(conversation, message, query),
    )


def relevant_facts(conversation: Conversation, query: Vector, k: int = FACTS_K) -> list[FactHit]:
    with knowledge.filtered_vector_search():
        rows = list(
            ContactFact.objects.filter(
                workspace_id=conversation.workspace_id, contact_id=conversation.contact_id
            )
            .annotate(distance=CosineDistance("embedding", query))
            .order_by("distance")[:CANDIDATES]
        )
    now = timezone.now()
    hits = [
        FactHit(
            fact.pk,
            fact.kind,
            fact.value,
            round(1 - fact.distance, 4),
            round((1 - fact.distance) * decay(fact.last_mentioned_at, now), 4),
        )
        for fact in rows
    ]
    return sorted(hits, key=lambda hit: hit.score, reverse=True)[:k]


def relevant_memories(
    conversation: Conversation, query: Vector, k: int = MEMORIES_K
) -> list[MemoryHit]:
    # The pipeline's summaries, and memories stored through the API under this persona's
    # name and the contact's channel id.
    mine = Q(contact_id=conversation.contact_id) | Q(
        user_key=conversation.persona.name, contact_key=conversation.contact.external_id
    )
    with knowledge.filtered_vector_search():
        rows = list(
            Memory.objects.filter(workspace_id=conversation.workspace_id)
            .filter(mine)
            .annotate(distance=CosineDistance("embedding", query))
            .order_by("distance")[:CANDIDATES]
        )
    now = timezone.now()
    hits = [
        MemoryHit(
            str(memory.memory_id),
            memory.summary,
            round(1 - memory.distance, 4),
            round((1 - memory.distance) * decay(memory.stored_at, now), 4),
        )
        for memory in rows
    ]
    return sorted(hits, key=lambda hit: hit.score, reverse=True)[:k]


def relevant_history(
    conversation: Conversation, message: Message, query: Vector, n: int = HISTORY_N
) -> list[HistoryHit]:
    """The n earlier messages that best match, by similarity x closeness; in thread order."""
    window = list(
        conversation.messages.filter(seq__lt=message.seq).order_by("-seq")[:HISTORY_WINDOW]
    )
    ensure_embeddings(window)
    scored = [
        HistoryHit(
            earlier.seq,
            earlier.direction,
            earlier.text,
            round(
                max(cosine(as_list(earlier.embedding), query), 0.0)
                * 0.5 ** ((message.seq - earlier.seq - 1) / HISTORY_HALF_LIFE_TURNS),
                4,
            ),
        )
        for earlier in window
    ]
    best = sorted(scored, key=lambda hit: hit.score, reverse=True)[:n]
    return sorted(best, key=lambda hit: hit.seq)


def ensure_embeddings(messages: list[Message]) -> None:
    """Operators' replies are not perceived, so they are embedded here, once."""
    missing = [m for m in messages if m.embedding is None]
    if not missing:
        return
    for message, vector in zip(missing, embed([m.text for m in missing]), strict=True):
        message.embedding = vector
        Message.objects.filter(pk=message.pk).update(embedding=vector)
