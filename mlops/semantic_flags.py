"""Red flags by meaning: a message matches a pattern when it says what one of the pattern's
example phrasings says, in whatever words.

Each rule's examples are embedded once per process (mlops.embeddings: unit vectors, so a
dot product is the cosine similarity), cached under a hash of the examples' text: a
workspace that edits its copy of a pattern gets a matrix of its own and changes nobody
else's. A conversation is scored with one product, its message vectors times the stacked
example matrix; each rule keeps its closest message and the example that message was
closest to, which is the evidence shown with the flag.

THRESHOLD, and how it was chosen (2,880 lines in all; no script kept, the figures are here):
TODO
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from mlops.embeddings import DIMENSIONS, embed

THRESHOLD = 0.5
MARGIN = 0.03
SPREAD = 0.05
MIN_WORDS = 3
ORDINARY_FILE = Path(__file__).resolve().parent / "red_flags_ordinary.yaml"
# Distinct example sets kept embedded: the built-ins plus every workspace's edited copies.
CACHE_SIZE = 512

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class SemanticMatch:
    rule: int  # index of the example set (the rule) in the caller's order
    message: int  # index of the closest message
    example: str  # the example it was closest to
    similarity: float


def examples_key(examples: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(examples).encode()).hexdigest()


def example_matrices(example_sets: Sequence[Sequence[str]]) -> list[np.ndarray]:
    """Each set's examples as rows of unit vectors. Sets not seen by this process yet are
    embedded together, in one batched call."""
    keys = [examples_key(examples) for examples in example_sets]
    found: dict[str, np.ndarray] = {}
    with _lock:
        for key in keys:
            if key in _cache:
                _cache.move_to_end(key)
                found[key] = _cache[key]
    missing = {
        key: list(examples)
        for key, examples in zip(keys, example_sets, strict=True)
        if examples and key not in found
    }
    if missing:
        texts = [text for examples in missing.values() for text in examples]
        vectors = np.asarray(embed(texts), dtype=np.float32)
        start = 0
        with _lock:
            for key, examples in missing.items():
                found[key] = _cache[key] = vectors[start : start + len(examples)]
                start += len(examples)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    empty = np.zeros((0, DIMENSIONS), dtype=np.float32)
    return [found.get(key, empty) for key in keys]


def message_matrix(
    texts: Sequence[str], vectors: Sequence[Sequence[float] | None] | None = None
) -> np.ndarray:
    """The messages' vectors as rows: the stored ones as they are, the rest embedded in one
    batched call. A message of fewer than MIN_WORDS words gets a zero row, which matches
    nothing: "Leave" or "Catfish" carries a topic, not a meaning to match."""
    known = list(vectors) if vectors is not None else [None] * len(texts)
    if len(known) != len(texts):
        raise ValueError(f"{len(texts)} messages but {len(known)} vectors")
    matrix = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    todo = []
    for row, (text, vector) in enumerate(zip(texts, known, strict=True)):
        if len(text.split()) < MIN_WORDS:
            continue
        if vector is None:
            todo.append(row)
        else:
            matrix[row] = np.asarray(vector, dtype=np.float32)
    if todo:
        matrix[todo] = np.asarray(embed([texts[row] for row in todo]), dtype=np.float32)
    return matrix


@lru_cache(maxsize=1)
def ordinary_phrasings() -> tuple[str, ...]:
    return tuple(yaml.safe_load(ORDINARY_FILE.read_text()))


def best_matches(
    example_sets: Sequence[Sequence[str]],
    messages: np.ndarray,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> list[SemanticMatch]:
    """For each example set, the message closest to one of its examples, among those at
    least `threshold` similar to it and `margin` more similar to it than to any ordinary
    phrasing."""
    if not len(messages):
        return []
    ordinary, *matrices = example_matrices([ordinary_phrasings(), *example_sets])
    owners = [index for index, matrix in enumerate(matrices) if len(matrix)]
    if not owners:
        return []
    sizes = np.array([len(matrices[index]) for index in owners])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    similarity = messages @ np.vstack([matrices[index] for index in owners]).T
    per_rule = np.maximum.reduceat(similarity, starts, axis=1)  # messages x rules
    # A message counts for the rules it is closest to (within SPREAD of its best), only
    # above the threshold, and only when no ordinary phrasing is about as close.
    floor = np.maximum(threshold, (messages @ ordinary.T).max(axis=1, initial=-1.0) + margin)
    floor = np.maximum(floor, per_rule.max(axis=1) - SPREAD)
    per_rule = np.where(per_rule >= floor[:, None], per_rule, -np.inf)
    closest = per_rule.argmax(axis=0)
    best = per_rule[closest, np.arange(len(owners))]
    matches = []
    for column in np.flatnonzero(np.isfinite(best)):
        start, message = starts[column], closest[column]
        example = int(similarity[message, start : start + sizes[column]].argmax())
        rule = owners[column]
        matches.append(
            SemanticMatch(
                rule, int(message), example_sets[rule][example], round(float(best[column]), 3)
            )
        )
    return matches
