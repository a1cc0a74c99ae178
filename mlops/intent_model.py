"""The intent model: a small head over the MiniLM sentence embedding of a message.

The embedding is the one the memory stage already stores for every inbound message, so
reading the intent costs a matrix-vector product, not a second encoder pass. Beside the
384 embedding dimensions the head sees a few hundred hashed word uni- and bigrams: MiniLM
places "definitely" and "definitely not" close together, and the words "not", "no" and
"never" are exactly what separates them (docs/intents.md).

- `features` builds the input row; `train` fits a logistic regression (or a one-layer MLP)
  with scikit-learn; `IntentHead` holds the fitted weights as plain arrays, saved as JSON,
  and predicts with numpy alone, so the web process and the workers need no sklearn.
- The head's probabilities are temperature-scaled on a validation split, and `threshold`
  is where its answers stop being right more often than wrong on that split: below it the
  head abstains to the playbook's preferred intent (`other` unless the playbook says).
- `scores` gives accuracy, macro-F1, per-intent precision/recall and the confusion matrix.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from mlops.intents import IntentResult

INTENTS = (
    "yes",
    "no",
    "uncertain",
    "objection",
    "price",
    "callback",
    "request_human",
    "greeting",
    "confirmed",
    "goodbye",
    "other",
)
OTHER = "other"
EMBEDDING_DIMENSIONS = 384
# Hashed word features: enough buckets that the few hundred words that matter for polarity
# rarely share one, few enough that a row stays cheap.
LEXICAL_BUCKETS = 2048
# An answer right less often than this is not worth acting on (see fit_threshold).
ABSTAIN_BELOW_ACCURACY = 0.5
WORD = re.compile(r"[a-z0-9']+|[^\sa-z0-9']", re.IGNORECASE)
MODEL_FAMILIES = ("logistic", "mlp")
# Names how a head is built and calibrated; a stored bootstrap head of another recipe is
# trained again rather than read.
RECIPE = "lexical-2048/temperature/floor-0.5"


def words(text: str) -> list[str]:
    # Apostrophes dropped inside words, as people type them both ways ("dont", "don't").
    return [w.replace("'", "") for w in WORD.findall(text.lower()) if w.strip("'")]


def lexical_buckets(text: str, buckets: int = LEXICAL_BUCKETS) -> dict[int, float]:
    """Hashed unigrams and bigrams, L2-normalised; crc32 so every process agrees."""
    tokens = words(text)
    grams = tokens + [f"{a} {b}" for a, b in pairwise(tokens)]
    counts: dict[int, float] = {}
    for gram in grams:
        bucket = zlib.crc32(gram.encode()) % buckets
        counts[bucket] = counts.get(bucket, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {bucket: value / norm for bucket, value in counts.items()}


def features(vector: Sequence[float], text: str, buckets: int = LEXICAL_BUCKETS) -> np.ndarray:
    """The head's input row: the embedding, then the hashed words."""
    row = np.zeros(EMBEDDING_DIMENSIONS + buckets, dtype=np.float32)
    row[:EMBEDDING_DIMENSIONS] = np.asarray(vector, dtype=np.float32)
    for bucket, value in lexical_buckets(text, buckets).items():
        row[EMBEDDING_DIMENSIONS + bucket] = value
    return row


def feature_matrix(vectors: Sequence[Sequence[float]], texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSIONS + LEXICAL_BUCKETS), dtype=np.float32)
    return np.vstack([features(v, t) for v, t in zip(vectors, texts, strict=True)])


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class IntentReading:
    """What the head read in one message, and whether it trusted itself enough to act."""

    intent: str
    probabilities: dict[str, float]
    confidence: float  # the calibrated probability of the predicted intent
    predicted: str  # the head's top intent, before abstaining
    abstained: bool
    model: str
    evidence: str = ""
    override: str = ""  # the override rule that decided, if one did

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IntentHead:
    """Fitted weights as arrays. `layers` is [(W, b), ...]: one layer for the logistic
    regression, two (ReLU between) for the MLP."""

    classes: list[str]
    layers: list[tuple[np.ndarray, np.ndarray]]
    temperature: float = 1.0
    threshold: float = 0.0
    family: str = "logistic"
    name: str = "intent-head"
    meta: dict[str, Any] = field(default_factory=dict)

    # -- inference ------------------------------------------------------------------------

    def logits(self, rows: np.ndarray) -> np.ndarray:
        out = rows
        for index, (weights, bias) in enumerate(self.layers):
            out = out @ weights + bias
            if index < len(self.layers) - 1:
                out = np.maximum(out, 0.0)
        return out

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return softmax(self.logits(rows), self.temperature)

    def read(self, vector: Sequence[float], text: str, abstain_to: str = OTHER) -> IntentReading:
        return self.read_rows(features(vector, text)[None, :], abstain_to)[0]

    def read_rows(self, rows: np.ndarray, abstain_to: str = OTHER) -> list[IntentReading]:
        readings = []
        for row in self.probabilities(rows):
            best = int(row.argmax())
            confidence = float(row[best])
            abstained = confidence < self.threshold
            predicted = self.classes[best]
            readings.append(
                IntentReading(
                    intent=abstain_to if abstained else predicted,
                    probabilities={
                        c: round(float(p), 4) for c, p in zip(self.classes, row, strict=True)
                    },
                    confidence=round(confidence, 4),
                    predicted=predicted,
                    abstained=abstained,
                    model=self.name,
                )
            )
        return readings

    def predict(self, rows: np.ndarray) -> list[str]:
        """Top intents with no abstention, for evaluation."""
        return [self.classes[i] for i in self.logits(rows).argmax(axis=1)]

    # -- storage ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "layers": [[w.tolist(), b.tolist()] for w, b in self.layers],
            "temperature": self.temperature,
            "threshold": self.threshold,
            "family": self.family,
            "name": self.name,
            "meta": self.meta,
            "lexical_buckets": LEXICAL_BUCKETS,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntentHead:
        if data.get("lexical_buckets", LEXICAL_BUCKETS) != LEXICAL_BUCKETS:
            raise ValueError("the head was trained with another feature layout")
        return cls(
            classes=list(data["classes"]),
            layers=[
                (np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32))
                for w, b in data["layers"]
            ],
            temperature=float(data["temperature"]),
            threshold=float(data["threshold"]),
            family=data.get("family", "logistic"),
            name=data.get("name", "intent-head"),
            meta=data.get("meta", {}),
        )


# -- training -----------------------------------------------------------------------------


def fit(
    rows: np.ndarray, labels: Sequence[str], family: str = "logistic", seed: int = 0
) -> IntentHead:
    """Fit the head's weights (no calibration yet)."""
    if family == "logistic":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=1.0, max_iter=500, random_state=seed)
        model.fit(rows, list(labels))
        layers = [(model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32))]
    elif family == "mlp":
        from sklearn.neural_network import MLPClassifier

        model = MLPClassifier(
            hidden_layer_sizes=(128,), alpha=1e-3, max_iter=300, random_state=seed
        )
        model.fit(rows, list(labels))
        layers = [
            (w.astype(np.float32), b.astype(np.float32))
            for w, b in zip(model.coefs_, model.intercepts_, strict=True)
        ]
    else:
        raise ValueError(f"family must be one of {MODEL_FAMILIES}")
    return IntentHead([str(c) for c in model.classes_], layers, family=family)


def fit_temperature(head: IntentHead, rows: np.ndarray, labels: Sequence[str]) -> float:
    """The temperature that minimises the negative log-likelihood on the validation split
    (Guo et al. 2017): a grid is enough for one parameter."""
    if not len(labels):
        return 1.0
    logits = head.logits(rows)
    index = {c: i for i, c in enumerate(head.classes)}
    truth = np.array([index.get(label, -1) for label in labels])
    known = truth >= 0
    best, best_nll = 1.0, math.inf
    for temperature in np.geomspace(0.25, 8.0, 41):
        probabilities = softmax(logits[known], float(temperature))
        nll = -np.log(probabilities[np.arange(known.sum()), truth[known]] + 1e-12).mean()
        if nll < best_nll:
            best, best_nll = float(temperature), float(nll)
    return best


def fit_threshold(head: IntentHead, rows: np.ndarray, labels: Sequence[str]) -> float:
    """The confidence below which the head abstains.

    A calibrated probability is the accuracy to expect, so below ABSTAIN_BELOW_ACCURACY an
    answer is more likely wrong than right: that is the floor. Above it, the threshold
    rises to the top of any confidence band (of at least 5 validation rows) in which the
    head was in fact right less often than that."""
    threshold = ABSTAIN_BELOW_ACCURACY
    if not len(labels):
        return threshold
    probabilities = head.probabilities(rows)
    confidence = probabilities.max(axis=1)
    right = np.array([head.classes[i] for i in probabilities.argmax(axis=1)]) == np.array(labels)
    edges = np.linspace(0.0, 1.0, 11)
    for low, high in pairwise(edges):
        in_bin = (confidence >= low) & (confidence < high)
        if in_bin.sum() >= 5 and right[in_bin].mean() < ABSTAIN_BELOW_ACCURACY:
            threshold = max(threshold, float(high))
    return round(threshold, 2)


def train(
    rows: np.ndarray,
    labels: Sequence[str],
    validation_rows: np.ndarray,
    validation_labels: Sequence[str],
    family: str = "logistic",
    name: str = "intent-head",
) -> IntentHead:
    head = fit(rows, labels, family)
    head.temperature = fit_temperature(head, validation_rows, validation_labels)
    head.threshold = fit_threshold(head, validation_rows, validation_labels)
    head.name = name
    return head


# -- evaluation ---------------------------------------------------------------------------


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    labels = list(INTENTS)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": {
            "labels": labels,
            "rows": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }


def reading_from_rules(result: IntentResult) -> IntentReading:
    """The rules' answer in the model's shape, for when no head is available."""
    return IntentReading(
        intent=result.intent,
        probabilities={},
        confidence=result.confidence,
        predicted=result.intent,
        abstained=False,
        model=result.model,
        evidence=result.evidence,
    )
