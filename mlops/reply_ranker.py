"""The reply ranker: one transparent linear model over features the server computes.

Every candidate reply (a library entry retrieved for the message, or a model draft) gets
the same features; the ranker's logistic score is the probability that an operator sends
it, and that probability is what the operator sees as the option's confidence. The model
never rates itself.

Until a workspace has trained its own ranker from accept/edit/reject labels (through the
registry and the gate, like the CTA model), the PRIOR weights below rank: set by hand,
each with the reason beside it, so anyone can read why an option came first.

Knows nothing of conversations: it takes numbers and texts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mlops.embeddings import cosine

SOURCES = ("sent", "bootstrap", "phrase", "model", "adapter", "template")
FEATURES = (
    "context_similarity",  # the message vs the context the library entry answered before
    "reply_fit",  # the message vs the reply itself
    "phase_match",  # 1 written for this phase, 0.5 for any phase, 0 for another
    "intent_match",  # 1 written for this intent, 0.5 for any intent, 0 for another
    "acceptance",  # operators' sends / (sends + rejections), smoothed towards 1/2
    "win_rate",  # share of its sends in conversations that ended in success
    "pinned",  # a manager pinned it
    "question",  # it asks something back: keeps the chat going
    "length",  # characters / 120, at most 1
    *(f"source_{source}" for source in SOURCES),
)

# Hand-set, read as log-odds. Context similarity is what Smart Reply ranks on first; the
# phase and intent say it was written for this moment; operators' past sends are the
# strongest evidence of all. Drafts have no context similarity and no history, so they
# lead only when nothing in the library fits.
PRIOR_WEIGHTS: dict[str, float] = {
    "context_similarity": 4.0,
    "reply_fit": 1.5,
    "phase_match": 0.8,
    "intent_match": 1.0,
    "acceptance": 1.5,
    "win_rate": 1.0,
    "pinned": 1.0,
    "question": 0.2,
    "length": 0.0,
    "source_sent": 0.5,
    "source_bootstrap": 0.0,
    "source_phrase": -0.5,
    "source_model": 1.2,
    "source_adapter": 1.6,
    "source_template": 0.0,
}
PRIOR_INTERCEPT = -4.5
# Two options this close in meaning say the same thing: the second one is skipped.
DIVERSITY_MAX_SIMILARITY = 0.85


@dataclass(frozen=True)
class Candidate:
    """One reply the ranker may show, with the facts its features come from."""

    text: str
    source: str
    theme: str = "warm"
    descriptor: str = ""
    context_similarity: float = 0.0
    reply_fit: float = 0.0
    phase_match: float = 1.0
    intent_match: float = 0.5
    sent: int = 0
    rejected: int = 0
    won: int = 0
    pinned: bool = False
    entry_id: int | None = None
    vector: Sequence[float] | None = None  # the reply's embedding, for diversity
    extra: dict[str, Any] = field(default_factory=dict)

    def features(self) -> dict[str, float]:
        values = {
            "context_similarity": max(0.0, self.context_similarity),
            "reply_fit": max(0.0, self.reply_fit),
            "phase_match": self.phase_match,
            "intent_match": self.intent_match,
            "acceptance": (self.sent + 1) / (self.sent + self.rejected + 2),
            "win_rate": self.won / (self.sent + 1),
            "pinned": 1.0 if self.pinned else 0.0,
            "question": 1.0 if self.text.rstrip().endswith("?") else 0.0,
            "length": min(len(self.text) / 120, 1.0),
        }
        values.update({f"source_{s}": 1.0 if s == self.source else 0.0 for s in SOURCES})
        return {name: round(values[name], 4) for name in FEATURES}


def match(wanted: str, written_for: str) -> float:
    """1 for the same phase or intent, 0.5 for an entry written for any, 0 otherwise."""
    if not written_for or written_for == "*":
        return 0.5
    return 1.0 if written_for == wanted else 0.0


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    z = math.exp(x)
    return z / (1 + z)


@dataclass(frozen=True)
class Ranker:
    weights: dict[str, float]
    intercept: float
    version: str = "prior"

    def probability(self, features: dict[str, float]) -> float:
        score = self.intercept + sum(self.weights.get(n, 0.0) * v for n, v in features.items())
        return sigmoid(score)

    def explain(self, features: dict[str, float], top: int = 3) -> list[tuple[str, float]]:
        """The features that pushed this option's score most, either way."""
        parts = [(name, self.weights.get(name, 0.0) * value) for name, value in features.items()]
        return sorted(parts, key=lambda p: -abs(p[1]))[:top]

    def to_dict(self) -> dict[str, Any]:
        return {"weights": self.weights, "intercept": self.intercept, "features": list(FEATURES)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], version: str) -> Ranker:
        return cls(dict(data["weights"]), float(data["intercept"]), version)


PRIOR = Ranker(PRIOR_WEIGHTS, PRIOR_INTERCEPT)


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    probability: float
    features: dict[str, float]


def rank(candidates: Sequence[Candidate], ranker: Ranker = PRIOR) -> list[Ranked]:
    """Every candidate with its probability, best first."""
    scored = []
    for candidate in candidates:
        features = candidate.features()
        scored.append(Ranked(candidate, round(ranker.probability(features), 4), features))
    return sorted(scored, key=lambda r: -r.probability)


def diverse(ranked: Sequence[Ranked], count: int) -> list[Ranked]:
    """The best `count` options that do not repeat one another: an option whose text (or
    meaning, when vectors are known) is too close to one already chosen is skipped."""
    chosen: list[Ranked] = []
    for option in ranked:
        if len(chosen) == count:
            break
        if any(repeats(option.candidate, kept.candidate) for kept in chosen):
            continue
        chosen.append(option)
    return chosen


def repeats(a: Candidate, b: Candidate) -> bool:
    if " ".join(a.text.lower().split()) == " ".join(b.text.lower().split()):
        return True
    if a.vector is None or b.vector is None:
        return False
    return cosine(a.vector, b.vector) > DIVERSITY_MAX_SIMILARITY


# -- training from labels -------------------------------------------------------------------

MIN_LABELS = 30
GATE_MIN_AUC = 0.6  # a ranker that cannot tell sent from unsent this well is noise
GATE_MIN_GAIN = 0.005


class NotEnoughLabels(ValueError):
    """Too few decisions, or only one kind, to train a ranker from."""


def auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve: the chance a sent option outscores an unsent one."""
    positives = [s for s, y in zip(scores, labels, strict=True) if y == 1]
    negatives = [s for s, y in zip(scores, labels, strict=True) if y == 0]
    if not positives or not negatives:
        return 0.5
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def log_loss(labels: Sequence[int], probabilities: Sequence[float]) -> float:
    total = 0.0
    for y, p in zip(labels, probabilities, strict=True):
        p = min(max(p, 1e-6), 1 - 1e-6)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / max(len(labels), 1)


def evaluate(ranker: Ranker, rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    labels = [int(row["label"]) for row in rows]
    probabilities = [ranker.probability(row["features"]) for row in rows]
    return {
        "auc": round(auc(labels, probabilities), 4),
        "log_loss": round(log_loss(labels, probabilities), 4),
        "rows": len(rows),
    }


def split(rows: Sequence[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """By conversation (rows carry "group"): a fifth of the conversations are held out, so
    no conversation's options are both trained on and judged."""
    groups = sorted({row["group"] for row in rows})
    random.Random(7).shuffle(groups)
    held = set(groups[: max(1, len(groups) // 5)])
    return [r for r in rows if r["group"] not in held], [r for r in rows if r["group"] in held]


def fit(rows: Sequence[dict[str, Any]], version: str) -> Ranker:
    """Logistic regression on the rows' features: its probabilities are calibrated by the
    log-loss it minimises, which is why the ranker is linear and not a forest."""
    from sklearn.linear_model import LogisticRegression

    labels = [int(row["label"]) for row in rows]
    if len(rows) < MIN_LABELS or len(set(labels)) < 2:
        raise NotEnoughLabels(
            f"need at least {MIN_LABELS} shown options with both sends and non-sends; "
            f"have {len(rows)}"
        )
    matrix = [[row["features"].get(name, 0.0) for name in FEATURES] for row in rows]
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(matrix, labels)
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0], strict=True)}
    return Ranker(weights, round(float(model.intercept_[0]), 4), version)


def gate(new: dict[str, float], active: dict[str, float]) -> dict[str, Any]:
    """Promote only a ranker that tells sends from non-sends and beats the one in use."""
    passed = new["auc"] >= GATE_MIN_AUC and new["auc"] >= active["auc"] + GATE_MIN_GAIN
    return {
        "passed": passed,
        "new_auc": new["auc"],
        "active_auc": active["auc"],
        "min_auc": GATE_MIN_AUC,
        "min_gain": GATE_MIN_GAIN,
        "new_log_loss": new["log_loss"],
        "active_log_loss": active["log_loss"],
    }


def shuffled(rows: Sequence[dict[str, Any]], seed: int = 1) -> list[dict[str, Any]]:
    """The same rows with their labels shuffled: a ranker fitted on them must be refused."""
    labels = [row["label"] for row in rows]
    random.Random(seed).shuffle(labels)
    return [{**row, "label": label} for row, label in zip(rows, labels, strict=True)]
