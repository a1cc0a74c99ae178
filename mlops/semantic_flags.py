"""Red flags by meaning: a message matches a pattern when it says what one of the pattern's
example phrasings says, in whatever words.

Each rule's examples are embedded once per process (mlops.embeddings: unit vectors, so a
dot product is the cosine similarity), cached under a hash of the examples' text: a
workspace that edits its copy of a pattern gets a matrix of its own and changes nobody
else's. A conversation is scored with one product, its message vectors times the stacked
example matrix; each rule keeps its closest message and the example that message was
closest to, which is the evidence shown with the flag. A message counts only for the rules
it is closest to (SPREAD), only when no ordinary phrasing (red_flags_ordinary.yaml) is
about as close (MARGIN), and only with MIN_WORDS words or more.

How the numbers were chosen (no script kept; the figures are here). Negatives: the
chitchat-dataset conversations whose key's sha256, read as a fraction of 2**256, is below
0.7 (4,984 conversations, 96,773 lines); the other 30% were never looked at. Positives:
each example against the other examples of its rule (leave-one-out), and 100 paraphrases,
5 a pattern, written apart from the examples.
- THRESHOLD. Share of chitchat lines matching some rule: 0.46: 0.93%, 0.48: 0.61%,
  0.49: 0.43%, 0.50: 0.34%, 0.52: 0.20%, 0.54: 0.10%. The lowest within 0.5% is 0.49;
  0.50 is the round value above it. At 0.50, leave-one-out: 51% of examples are matched by
  their own rule, 60% by their category (the examples are spread out on purpose, so this
  is a floor); the paraphrases, regex and meaning together, by category: scam 0.92,
  freeloader 0.93, time_waste 0.93, emotional_manipulation 0.96, payment_scam 1.00
  (regex alone: 0.12, 0.33, 0.27, 0.52, 0.45).
- FULL_AT and WEAK_SHARE. Per conversation (combined_risk >= 0.5 or should_block, every
  line scored as the contact's) regex alone alarms on 0.42% of chitchat (1.04% before six
  patterns were narrowed, see red_flags.yaml); matches at full
  weight took that to 3.5%, since a chitchat conversation is long (no_purchase_intent adds
  0.2) and one faint scam or manipulation match tips it over. Chitchat matches sit at a
  median similarity of about 0.53, the paraphrases' at about 0.68; counting a match with
  0.1 of its weight at 0.50, rising to all of it at 0.70, gives 0.80% (0.38% with one
  speaker's lines only), and leaves a match's flag, evidence and category as they were.
- The first draft of examples, with no word floor, alarmed on 9.1% of conversations at full
  weight; rewriting the examples chitchat matched most (talk about the chat itself,
  secrets, best friends, rent), more ordinary phrasings and MIN_WORDS brought it to 3.5%.
  MARGIN 0.03: 0 let one more of 60 hand-written ordinary buyer messages match, 0.08 cost
  payment_scam paraphrases. SPREAD 0.05: 0 and 0.03 lost scam and time_waste paraphrases
  to a neighbouring rule; no limit gave 2.1 flags a paraphrase instead of about 1.1.
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

THRESHOLD = 0.50
MARGIN = 0.03
SPREAD = 0.05
MIN_WORDS = 3
# A match counts with part of its rule's weight, growing from WEAK_SHARE at THRESHOLD to the
# whole weight at FULL_AT; a CRITICAL rule blocks on a semantic match only from FULL_AT.
FULL_AT = 0.70
WEAK_SHARE = 0.1
ORDINARY_FILE = Path(__file__).resolve().parent / "red_flags_ordinary.yaml"
# Distinct example sets kept embedded: the built-ins plus every workspace's edited copies.
CACHE_SIZE = 512

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_stacks: OrderedDict[tuple[str, ...], Stack] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class SemanticMatch:
    rule: int  # index of the example set (the rule) in the caller's order
    message: int  # index of the closest message
    example: str  # the example it was closest to
    similarity: float


def weight_share(similarity: float) -> float:
    """How much of its rule's weight a match of this similarity counts with."""
    strength = min(1.0, max(0.0, (similarity - THRESHOLD) / (FULL_AT - THRESHOLD)))
    return WEAK_SHARE + (1 - WEAK_SHARE) * strength


def examples_key(examples: Sequence[str]) -> str:
    return hashed_examples(tuple(examples))


@lru_cache(maxsize=CACHE_SIZE * 4)
def hashed_examples(examples: tuple[str, ...]) -> str:
    """Remembered: every message's scan asks for the key of every rule's examples."""
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


Stack = tuple[list[int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def stacked(example_sets: Sequence[Sequence[str]]) -> Stack | None:
    """The rules' example matrices stacked and transposed for one product, with where each
    rule's columns start, and the ordinary phrasings' likewise: remembered by the sets'
    keys, as every message of every conversation is scanned against the same rules."""
    key = tuple(examples_key(examples) for examples in example_sets)
    with _lock:
        found = _stacks.get(key)
    if found is not None:
        return found
    ordinary, *matrices = example_matrices([ordinary_phrasings(), *example_sets])
    owners = [index for index, matrix in enumerate(matrices) if len(matrix)]
    if not owners:
        return None
    sizes = np.array([len(matrices[index]) for index in owners])
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    examples = np.ascontiguousarray(np.vstack([matrices[index] for index in owners]).T)
    stack = (owners, sizes, starts, examples, np.ascontiguousarray(ordinary.T))
    with _lock:
        _stacks[key] = stack
        while len(_stacks) > CACHE_SIZE:
            _stacks.popitem(last=False)
    return stack


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
    stack = stacked(example_sets)
    if stack is None:
        return []
    owners, sizes, starts, examples, ordinary = stack
    similarity = messages @ examples
    per_rule = np.maximum.reduceat(similarity, starts, axis=1)  # messages x rules
    # A message counts for the rules it is closest to (within SPREAD of its best), only
    # above the threshold, and only when no ordinary phrasing is about as close.
    floor = np.maximum(threshold, (messages @ ordinary).max(axis=1, initial=-1.0) + margin)
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
