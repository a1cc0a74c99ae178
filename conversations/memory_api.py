"""Seed 002's memory API: store, recall, inject, stats and delete conversation memories.

The store is the `Memory` table on pgvector (an HNSW index on the summary's vector);
the pipeline's own summaries live there too, keyed by persona name and contact channel id,
so recall finds them alongside what integrators stored. Every query is scoped to the API
key's workspace.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pgvector.django import CosineDistance

from conversations.models import Memory
from core.api_input import ApiInput
from mlops.embeddings import embed_one
from mlops.summarize import Line, summarize
from personas.knowledge import filtered_vector_search

router = Router(tags=["memory"])

# `pattern` refuses blank strings: whitespace is neither a key nor something to remember.
KEY = Field(..., min_length=1, max_length=200, pattern=r"\S")
MAX_MESSAGES = 200
MAX_TOP_K = 50


class MemoryMessage(Schema):
    role: Literal["user", "assistant", "system"]
    content: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS, pattern=r"\S")


class StoreIn(ApiInput):
    user_id: str = KEY
    contact_id: str = KEY
    conversation_id: str = Field("", max_length=200)
    messages: list[MemoryMessage] = Field(..., min_length=1, max_length=MAX_MESSAGES)
    summary: str | None = Field(None, max_length=2000)
    metadata: dict[str, Any] = Field(default_factory=dict)


class StoreOut(Schema):
    memory_id: uuid.UUID
    summary: str
    stored_at: datetime


class RecallIn(ApiInput):
    user_id: str = KEY
    contact_id: str | None = Field(None, min_length=1, max_length=200, pattern=r"\S")
    query: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS, pattern=r"\S")
    top_k: int = Field(3, ge=1, le=MAX_TOP_K)


class MemoryOut(Schema):
    memory_id: uuid.UUID
    user_id: str
    contact_id: str
    summary: str
    similarity_score: float
    stored_at: datetime
    messages: list[dict[str, Any]]
    metadata: dict[str, Any]


class RecallOut(Schema):
    memories: list[MemoryOut]
    query: str
    total_found: int
    search_time_ms: float


class RecalledMemory(Schema):
    """A memory as /recall returned it; only the summary is needed to inject it."""

    summary: str = Field(..., min_length=1, max_length=2000, pattern=r"\S")
    similarity_score: float | None = None
    stored_at: datetime | None = None


class InjectIn(Schema):
    messages: list[MemoryMessage] = Field(..., min_length=1, max_length=MAX_MESSAGES)
    memories: list[RecalledMemory] = Field(..., max_length=MAX_TOP_K)


class InjectOut(Schema):
    messages: list[dict[str, str]]
    injected_count: int


class StatsOut(Schema):
    total_memories: int
    unique_users: int
    unique_contacts: int
    index_size_bytes: int
    oldest_memory: datetime | None
    newest_memory: datetime | None


class ErrorOut(Schema):
    detail: str


def memory_out(memory: Memory, similarity: float) -> MemoryOut:
    return MemoryOut(
        memory_id=memory.memory_id,
        user_id=memory.user_key,
        contact_id=memory.contact_key,
        summary=memory.summary,
        similarity_score=round(similarity, 4),
        stored_at=memory.stored_at,
        messages=memory.messages,
        metadata=memory.metadata,
    )


@router.post(
    "/memory/store",
    response={201: StoreOut, 422: ErrorOut},
    summary="Store a conversation segment (summarised when summary is null)",
)
def store_memory(request: HttpRequest, payload: StoreIn):
    lines = [Line(m.role, m.content) for m in payload.messages]
    summary = (payload.summary or "").strip() or summarize(lines)
    memory = Memory.objects.create(
        workspace=request.auth,  # type: ignore[attr-defined]
        user_key=payload.user_id,
        contact_key=payload.contact_id,
        conversation_key=payload.conversation_id,
        messages=[m.dict() for m in payload.messages],
        summary=summary,
        embedding=embed_one(summary),
        metadata=payload.metadata,
    )
    return Status(
        201, StoreOut(memory_id=memory.memory_id, summary=summary, stored_at=memory.stored_at)
    )


@router.post("/memory/recall", response=RecallOut, summary="Memories nearest a query, best first")
def recall_memories(request: HttpRequest, payload: RecallIn):
    started = time.perf_counter()
    vector = embed_one(payload.query)
    memories = Memory.objects.filter(workspace=request.auth, user_key=payload.user_id)  # type: ignore[attr-defined]
    if payload.contact_id is not None:
        memories = memories.filter(contact_key=payload.contact_id)
    with filtered_vector_search():
        nearest = list(
            memories.annotate(distance=CosineDistance("embedding", vector)).order_by("distance")[
                : payload.top_k
            ]
        )
    nearest.sort(key=lambda memory: memory.distance)  # relaxed_order: re-sort the k
    found = [memory_out(memory, 1.0 - memory.distance) for memory in nearest]
    return RecallOut(
        memories=found,
        query=payload.query,
        total_found=len(found),
        search_time_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def memory_context(memories: list[RecalledMemory]) -> str:
    lines = ["# Relevant Past Conversations"]
    for memory in memories:
        when = f" ({memory.stored_at:%Y-%m-%d})" if memory.stored_at else ""
        lines.append(f"- {memory.summary}{when}")
    return "\n".join(lines)


@router.post(
    "/memory/inject",
    response=InjectOut,
    summary="Prepend recalled memories to a chat as one system message",
)
def inject_memories(request: HttpRequest, payload: InjectIn):
    messages = [m.dict() for m in payload.messages]
    if not payload.memories:
        return InjectOut(messages=messages, injected_count=0)
    system = {"role": "system", "content": memory_context(payload.memories)}
    return InjectOut(messages=[system, *messages], injected_count=len(payload.memories))


@router.get("/memory/stats", response=StatsOut, summary="Counts and index size of the store")
def memory_stats(request: HttpRequest):
    workspace_memories = Memory.objects.filter(workspace=request.auth)  # type: ignore[attr-defined]
    totals = workspace_memories.aggregate(
        total=Count("pk"),
        users=Count("user_key", distinct=True),
        oldest=Min("stored_at"),
        newest=Max("stored_at"),
    )
    contacts = workspace_memories.values("user_key", "contact_key").distinct().count()
    return StatsOut(
        total_memories=totals["total"],
        unique_users=totals["users"],
        unique_contacts=contacts,
        index_size_bytes=index_size("memory_hnsw"),
        oldest_memory=totals["oldest"],
        newest_memory=totals["newest"],
    )


def index_size(name: str) -> int:
    # The index is shared by all workspaces (filtered at query time), so this is the
    # whole index's size, as seed 002's single-tenant store reported it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(to_regclass(%s))", [name])
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


@router.delete(
    "/memory/{memory_id}", response={200: dict, 404: ErrorOut}, summary="Delete one memory"
)
def delete_memory(request: HttpRequest, memory_id: uuid.UUID):
    memory = get_object_or_404(Memory, workspace=request.auth, memory_id=memory_id)  # type: ignore[attr-defined]
    memory.delete()
    return {"deleted": True}
