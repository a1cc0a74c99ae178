"""The intent model: a small head over the MiniLM sentence embedding of a message.

The embedding is the one the memory stage already stores for every inbound message, so
reading the intent costs a matrix-vector product, not a second encoder pass. Beside the
384 embedding dimensions the head sees a few hundred hashed word uni- and bigrams: MiniLM
places "definitely" and "definitely not" close together, and the words "not", "no" and
"never" are exactly what separates them (docs/intents.md). Hashed character trigrams of
each word (letters typed three times or more cut to two) let "nope", "nopee" and "nop",
or a swapped letter, share most of their features: chosen over words alone by grouped
cross-validation on the corpus (whole core phrasings held out), macro-F1 0.853 -> 0.864
for the logistic regression.

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
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

import numpy as np

from mlops.intent_features import (  # noqa: F401  (re-exported: the feature layout)
    CHAR_BUCKETS,
    CHARS_AT,
    EMBEDDING_DIMENSIONS,
    LEXICAL_BUCKETS,
    NEGATION_AT,
    NEGATION_BUCKETS,
    NEGATORS,
    WIDTH,
    WORDS_AT,
    char_buckets,
    hashed_columns,
    lexical_buckets,
    negation_buckets,
    words,
)
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
# An answer right less often than this is not worth acting on (see fit_threshold).
ABSTAIN_BELOW_ACCURACY = 0.5
MODEL_FAMILIES = ("logistic", "mlp", "ensemble")
# Grouped cross-validation on the corpus (whole core phrasings held out): C=1 0.845,
# C=4 0.853 macro-F1 over embedding and words.
LOGISTIC_C = 4.0
# Names how a head is built and calibrated; a stored bootstrap head of another recipe is
# trained again rather than read.
RECIPE = "lexical-2048+char3-1024+negation-512-idioms-marked-3/temperature/floor-0.5"


def features(vector: Sequence[float], text: str) -> np.ndarray:
    """The head's input row: the embedding, the hashed words, the trigrams, the words in
    a negation's scope."""
    row = np.zeros(WIDTH, dtype=np.float32)
    row[:EMBEDDING_DIMENSIONS] = np.asarray(vector, dtype=np.float32)
    columns, values = hashed_columns(text)
    row[columns] = values
    return row


def feature_matrix(vectors: Sequence[Sequence[float]], texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, WIDTH), dtype=np.float32)
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
    regression, two (ReLU between) for the MLP. An ensemble keeps each member's layers in
    `members` and averages their probabilities (its `logits` are the log of the average,
    so temperature and threshold apply to it as to one network)."""

    classes: list[str]
    layers: list[tuple[np.ndarray, np.ndarray]]
    temperature: float = 1.0
    threshold: float = 0.0
    family: str = "logistic"
    name: str = "intent-head"
    meta: dict[str, Any] = field(default_factory=dict)
    members: list[list[tuple[np.ndarray, np.ndarray]]] = field(default_factory=list)

    # -- inference ------------------------------------------------------------------------

    def logits(self, rows: np.ndarray) -> np.ndarray:
        if not self.members:
            return forward(self.layers, rows)
        average = np.mean([softmax(forward(layers, rows)) for layers in self.members], axis=0)
        return np.log(average + 1e-9)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return softmax(self.logits(rows), self.temperature)

    def read(self, vector: Sequence[float], text: str, abstain_to: str = OTHER) -> IntentReading:
        """One message, from its embedding and only its few non-zero text columns (the
        same numbers as read_rows over its whole feature row, at a fraction of the cost)."""
        embedding = np.asarray(vector, dtype=np.float32)
        columns, values = hashed_columns(text)
        weights, bias, widths = self.first_layers
        # Every member's first layer in one product, then each member's own rest.
        hidden = embedding @ weights[:EMBEDDING_DIMENSIONS] + values @ weights[columns] + bias
        outputs = []
        for layers, part in zip(
            self.members or [self.layers], np.split(hidden, widths[:-1]), strict=True
        ):
            for layer_weights, layer_bias in layers[1:]:
                part = np.maximum(part, 0.0) @ layer_weights + layer_bias
            outputs.append(part)
        logits = (
            outputs[0]
            if not self.members
            else np.log(np.mean(softmax(np.stack(outputs)), axis=0) + 1e-9)
        )
        return self.readings(logits[None, :], abstain_to)[0]

    @cached_property
    def first_layers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The members' first layers side by side, and where each member's columns end."""
        firsts = [layers[0] for layers in self.members or [self.layers]]
        widths = np.cumsum([weights.shape[1] for weights, _ in firsts])
        weights = np.ascontiguousarray(np.hstack([weights for weights, _ in firsts]))
        return weights, np.concatenate([bias for _, bias in firsts]), widths

    def read_rows(self, rows: np.ndarray, abstain_to: str = OTHER) -> list[IntentReading]:
        return self.readings(self.logits(rows), abstain_to)

    def readings(self, logits: np.ndarray, abstain_to: str = OTHER) -> list[IntentReading]:
        readings = []
        for row in softmax(logits, self.temperature):
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
            "members": [[[w.tolist(), b.tolist()] for w, b in layers] for layers in self.members],
            "temperature": self.temperature,
            "threshold": self.threshold,
            "family": self.family,
            "name": self.name,
            "meta": self.meta,
            "lexical_buckets": LEXICAL_BUCKETS,
            "char_buckets": CHAR_BUCKETS,
            "negation_buckets": NEGATION_BUCKETS,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntentHead:
        layout = (
            data.get("lexical_buckets", LEXICAL_BUCKETS),
            data.get("char_buckets", 0),
            data.get("negation_buckets", 0),
        )
        if layout != (LEXICAL_BUCKETS, CHAR_BUCKETS, NEGATION_BUCKETS):
            raise ValueError("the head was trained with another feature layout")
        return cls(
            classes=list(data["classes"]),
            layers=as_arrays(data["layers"]),
            members=[as_arrays(layers) for layers in data.get("members", [])],
            temperature=float(data["temperature"]),
            threshold=float(data["threshold"]),
            family=data.get("family", "logistic"),
            name=data.get("name", "intent-head"),
            meta=data.get("meta", {}),
        )


def forward(layers: list[tuple[np.ndarray, np.ndarray]], rows: np.ndarray) -> np.ndarray:
    """The network's output. The hashed features are nearly all zero, so the first layer
    multiplies only the columns some row uses: a message's read costs a tenth as much."""
    used = np.flatnonzero(np.any(rows != 0, axis=0))
    out = rows[:, used]
    for index, (weights, bias) in enumerate(layers):
        out = out @ (weights[used] if index == 0 else weights) + bias
        if index < len(layers) - 1:
            out = np.maximum(out, 0.0)
    return out


def as_arrays(layers: list) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)) for w, b in layers]


# -- training -----------------------------------------------------------------------------


def fit(
    rows: np.ndarray, labels: Sequence[str], family: str = "logistic", seed: int = 0
) -> IntentHead:
    """Fit the head's weights (no calibration yet)."""
    if family == "ensemble":
        parts = [fit(rows, labels, member, seed) for member in ("logistic", "mlp")]
        return IntentHead(
            parts[0].classes, [], family=family, members=[part.layers for part in parts]
        )
    if family == "logistic":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=LOGISTIC_C, max_iter=500, random_state=seed)
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
