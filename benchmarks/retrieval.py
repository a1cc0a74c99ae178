"""Knowledge retrieval at scale: the HNSW index against an exact scan, at 10k and 100k chunks.

Run: ./dev bench retrieval [QUERIES]. Fills two personas of the workspace
`retrieval-bench` once (10,000 and 100,000 chunks, in the one shared chunk table, as
tenants share it in production), then runs the same queries through
`personas.knowledge.search` twice: as the app runs it (HNSW, ef_search 80, iterative scan)
with index scans forbidden (exact), and as the app chooses (exact for a persona of up to
20k chunks, HNSW above). Prints recall@10, p50/p95 latency and ratios.

The vectors are synthetic but shaped like text embeddings: unit vectors around 2,000 topic
centres, queries near a centre. Embedding 110k real chunks on this CPU would take longer
than the search being measured and would not change how the index behaves.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.models import Workspace  # noqa: E402
from mlops.embeddings import DIMENSIONS  # noqa: E402
from personas.knowledge import search  # noqa: E402
from personas.models import KnowledgeChunk, KnowledgeDocument, Persona  # noqa: E402

SLUG = "retrieval-bench"
SIZES = (10_000, 100_000)
TOPICS = 2_000
CHUNKS_PER_DOCUMENT = 1_000
K = 10
rng = np.random.default_rng(7)
CENTRES = rng.standard_normal((TOPICS, DIMENSIONS)).astype(np.float32)


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def around_topics(count: int, spread: float) -> np.ndarray:
    topics = rng.integers(0, TOPICS, count)
    return unit(CENTRES[topics] + spread * rng.standard_normal((count, DIMENSIONS)))


def fill(workspace: Workspace, size: int) -> Persona:
    persona, _ = Persona.objects.get_or_create(workspace=workspace, name=f"bench-{size}")
    have = KnowledgeChunk.objects.filter(persona=persona).count()
    if have >= size:
        return persona
    print(f"filling {size - have} chunks for {persona.name} (once)...", flush=True)
    started = time.perf_counter()
    for start in range(have, size, CHUNKS_PER_DOCUMENT):
        count = min(CHUNKS_PER_DOCUMENT, size - start)
        document = KnowledgeDocument.objects.create(
            workspace=workspace,
            persona=persona,
            name=f"doc-{start // CHUNKS_PER_DOCUMENT}.txt",
            content="(synthetic)",
            content_hash="synthetic",
            chunk_count=count,
            synced_at=timezone.now(),
        )
        vectors = around_topics(count, spread=0.9)
        KnowledgeChunk.objects.bulk_create(
            KnowledgeChunk(
                workspace=workspace,
                persona=persona,
                document=document,
                position=i,
                text=f"chunk {start + i}",
                embedding=vector.tolist(),
            )
            for i, vector in enumerate(vectors)
        )
    print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)
    return persona


def run(persona: Persona, queries: np.ndarray, exact: bool | None) -> tuple[list[float], list[set]]:
    latencies, results = [], []
    for query in queries:
        started = time.perf_counter()
        hits = search(persona, query.tolist(), K, exact=exact)
        latencies.append((time.perf_counter() - started) * 1000)
        results.append({hit.chunk_id for hit in hits})
    return latencies, results


def plan(persona: Persona, query: np.ndarray) -> str:
    vector = "[" + ",".join(f"{x:.6f}" for x in query) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SET hnsw.iterative_scan = relaxed_order")
        cursor.execute(
            "EXPLAIN SELECT id FROM personas_knowledgechunk WHERE workspace_id = %s AND "
            "persona_id = %s ORDER BY embedding <=> %s::vector LIMIT %s",
            [persona.workspace_id, persona.pk, vector, K],
        )
        lines = [row[0] for row in cursor.fetchall()]
    return (
        "HNSW index scan"
        if any("knowledge_chunk_hnsw" in line for line in lines)
        else ("scan without HNSW: " + lines[0].strip())
    )


def recall(found: list[set], truth: list[set]) -> float:
    return statistics.mean(len(f & t) / K for f, t in zip(found, truth, strict=True))


def p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main(query_count: int) -> None:
    workspace, _ = Workspace.objects.get_or_create(slug=SLUG, defaults={"name": "Retrieval"})
    personas = [fill(workspace, size) for size in SIZES]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE personas_knowledgechunk")
    queries = around_topics(query_count, spread=0.6)
    print(f"{query_count} queries, top {K}, cosine distance, {DIMENSIONS}-d vectors")
    for size, persona in zip(SIZES, personas, strict=True):
        run(persona, queries[:5], exact=False)  # warm caches for both paths alike
        run(persona, queries[:5], exact=True)
        hnsw_ms, hnsw_sets = run(persona, queries, exact=False)
        exact_ms, exact_sets = run(persona, queries, exact=True)
        auto_ms, auto_sets = run(persona, queries, exact=None)
        print(f"\n{size:>7,} chunks ({plan(persona, queries[0])} when the index is allowed)")
        for name, times, found in (
            ("HNSW", hnsw_ms, hnsw_sets),
            ("exact", exact_ms, exact_sets),
            ("app", auto_ms, auto_sets),
        ):
            print(
                f"  {name:<5}  p50 {statistics.median(times):7.2f} ms  p95 {p95(times):7.2f} ms"
                f"  recall@{K} {recall(found, exact_sets):.3f}"
            )
        exact_p50 = statistics.median(exact_ms)
        print(f"  HNSW speed-up over exact, p50: {exact_p50 / statistics.median(hnsw_ms):.1f}x")
        print(f"  app speed-up over exact, p50: {exact_p50 / statistics.median(auto_ms):.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
