"""Extractive summaries of a conversation segment: its most central sentences, in order.

No LLM is needed (nor trusted) to remember what was said: the sentences whose embeddings
sit closest to the segment's centroid are the ones most of the segment is about. They are
quoted in their original order, each with who said it, so the summary is always true to
the transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlops.embeddings import Vector, cosine, embed

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
MAX_SENTENCES = 3
MAX_CHARS = 400
# Fillers ("ok", "lol") are central to nothing but dilute everything: skip the shortest.
MIN_SENTENCE_CHARS = 12


@dataclass(frozen=True)
class Line:
    role: str  # "user" (the contact) or "assistant" (the persona), as in seed 002
    content: str


def sentences_of(lines: list[Line]) -> list[tuple[str, str]]:
    found = []
    for line in lines:
        for sentence in SENTENCE_END.split(" ".join(line.content.split())):
            if len(sentence) >= MIN_SENTENCE_CHARS:
                found.append((line.role, sentence))
    if not found:  # a segment of short lines: fall back to the lines themselves
        found = [(line.role, " ".join(line.content.split())) for line in lines if line.content]
    return found


def centroid(vectors: list[Vector]) -> Vector:
    return [sum(column) / len(vectors) for column in zip(*vectors, strict=True)]


def summarize(lines: list[Line], max_sentences: int = MAX_SENTENCES) -> str:
    """A short summary: up to max_sentences central sentences, labelled by speaker."""
    candidates = sentences_of(lines)
    if not candidates:
        return ""
    vectors = embed([sentence for _, sentence in candidates])
    middle = centroid(vectors)
    ranked = sorted(range(len(candidates)), key=lambda i: cosine(vectors[i], middle), reverse=True)
    chosen = sorted(ranked[:max_sentences])
    parts = [f"{speaker(candidates[i][0])}: {candidates[i][1]}" for i in chosen]
    summary = " ".join(parts)
    return summary if len(summary) <= MAX_CHARS else summary[: MAX_CHARS - 1].rstrip() + "…"


def speaker(role: str) -> str:
    return {"user": "Contact", "assistant": "Persona"}.get(role, role.capitalize() or "Someone")
