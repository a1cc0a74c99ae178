"""A persona's knowledge: documents split into ~1.5k-character chunks, embedded, searched.

Chunks follow the text's own seams: paragraphs are packed together up to CHUNK_CHARS, a
paragraph too long for one chunk is split between sentences, and a sentence too long is
split between words. A chunk therefore never cuts a word and rarely a sentence, which
keeps each one readable when it is quoted back into a prompt.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from pgvector.django import CosineDistance

from mlops.embeddings import embed, embed_one
from personas.models import KnowledgeChunk, KnowledgeDocument, Persona

CHUNK_CHARS = 1500
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# HNSW visits this many candidates per search; 40 is pgvector's default, raised so that
# filtering by persona still leaves k good rows (with iterative scans as the backstop).
EF_SEARCH = 80
# Up to this many chunks, a persona's own rows are read and sorted (exact, and as fast as
# the index at 10k chunks here); above it, the HNSW index answers.
EXACT_SCAN_MAX_CHUNKS = 20_000


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Split text into chunks of at most `size` characters along paragraph/sentence seams."""
    pieces = [p for p in (" ".join(par.split()) for par in PARAGRAPH_BREAK.split(text)) if p]
    return list(pack(split_to_fit(pieces, size), size))


def split_to_fit(paragraphs: list[str], size: int) -> Iterator[str]:
    """Paragraphs as they are when they fit; otherwise their sentences, then their words."""
    for paragraph in paragraphs:
        if len(paragraph) <= size:
            yield paragraph
            continue
        for sentence in SENTENCE_END.split(paragraph):
            if len(sentence) <= size:
                yield sentence
            else:
                yield from pack(split_words(sentence, size), size)


def split_words(sentence: str, size: int) -> Iterator[str]:
    for word in sentence.split(" "):
        # A "word" longer than a chunk (a URL, a base64 blob) is cut where it must be.
        for start in range(0, len(word), size):
            yield word[start : start + size]


def pack(pieces: Iterator[str], size: int) -> Iterator[str]:
    """Join consecutive pieces with spaces while the result stays within size."""
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > size:
            yield current
            current = ""
        current = f"{current} {piece}" if current else piece
    if current:
        yield current


@dataclass(frozen=True)
class SyncResult:
    document: KnowledgeDocument
    changed: bool


def store_document(
    persona: Persona, name: str, content: str, source: str = KnowledgeDocument.Source.UPLOAD
) -> SyncResult:
    """Create or update a document; re-chunk and re-embed only when its content changed."""
    digest = content_hash(content)
    existing = KnowledgeDocument.objects.filter(persona=persona, name=name).first()
    if existing is not None and existing.content_hash == digest:
        return SyncResult(existing, changed=False)
    chunks = chunk_text(content)
    # Embed before the transaction: the model call is the slow part, rows lock briefly.
    vectors = embed(chunks)
    with transaction.atomic():
        document, _ = KnowledgeDocument.objects.update_or_create(
            persona=persona,
            name=name,
            defaults={
                "workspace_id": persona.workspace_id,
                "source": source,
                "content": content,
                "content_hash": digest,
                "chunk_count": len(chunks),
                "synced_at": timezone.now(),
            },
        )
        document.chunks.all().delete()
        KnowledgeChunk.objects.bulk_create(
            KnowledgeChunk(
                workspace_id=persona.workspace_id,
                persona=persona,
                document=document,
                position=position,
                text=text,
                embedding=vector,
            )
            for position, (text, vector) in enumerate(zip(chunks, vectors, strict=True))
        )
    return SyncResult(document, changed=True)


@contextmanager
def filtered_vector_search(exact: bool = False) -> Iterator[None]:
    """A transaction whose HNSW scans return k rows even under a tenant filter.

    With a WHERE clause, an HNSW scan may stop before it has found k matching rows;
    pgvector 0.8's iterative scan keeps going until it has them. `exact` forbids index
    scans altogether (the ground truth for recall measurements).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if exact:
            cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        cursor.execute("SET LOCAL hnsw.ef_search = %s", [EF_SEARCH])
        yield


@dataclass(frozen=True)
class KnowledgeHit:
    chunk_id: int
    document: str
    text: str
    similarity: float


def chunk_count(persona: Persona) -> int:
    return int(persona.documents.aggregate(total=Sum("chunk_count"))["total"] or 0)


def search(
    persona: Persona, query: str | list[float], k: int = 4, exact: bool | None = None
) -> list[KnowledgeHit]:
    """The persona's k chunks nearest the query, by cosine similarity.

    Always filtered by workspace and persona: no query can reach another tenant's chunks.
    `exact` compares the query with every chunk of the persona (the ground truth the
    retrieval benchmark measures HNSW's recall against). Left to None, a persona with few
    chunks is scanned exactly: in a table shared with bigger personas, the HNSW graph
    would be walked past their chunks, slower than reading the persona's own and with
    lower recall (see benchmarks/retrieval.py).
    """
    vector = embed_one(query) if isinstance(query, str) else query
    if exact is None:
        exact = chunk_count(persona) <= EXACT_SCAN_MAX_CHUNKS
    with filtered_vector_search(exact):
        rows = list(
            KnowledgeChunk.objects.filter(workspace_id=persona.workspace_id, persona_id=persona.pk)
            .annotate(distance=CosineDistance("embedding", vector))
            .order_by("distance")
            .values_list("pk", "document__name", "text", "distance")[:k]
        )
    # relaxed_order may hand rows back slightly out of order; the k of them are re-sorted.
    rows.sort(key=lambda row: row[3])
    return [
        KnowledgeHit(pk, document, text, round(1.0 - float(distance), 4))
        for pk, document, text, distance in rows
    ]
