"""The CTA classifier (seed 000): NOW / WAIT / NEVER from conversation features.

- FEATURES fixes the order of the feature vector; `vectorize` is the one way to build it,
  for training and inference alike.
- `train` fits a RandomForest and `evaluate` scores it (accuracy, macro-F1, per-class
  precision/recall, confusion matrix) next to the phase + message-count rule baseline.
- `FastForest` evaluates the fitted trees for one row without sklearn's per-call overhead,
  and explains the decision by each feature's contribution along the decision paths.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

LABELS = ("NOW", "WAIT", "NEVER")
FEATURES = (
    "contact_messages",
    "operator_messages",
    "turns_since_cta",
    "ctas_so_far",
    "sentiment",
    "intensity",
    "sentiment_trend",
    "joy",
    "trust",
    "anger",
    "fear",
    "sadness",
    "sarcastic",
    "phase_progress",
    "phase_is_cta",
    "phase_is_objection",
    "objections",
    "persona_has_offer",
    "engagement",
    "reply_latency_s",
    "facts_known",
    "risk",
    "purchase_intent",
    "age_minutes",
)
DEFAULT_HYPERPARAMETERS = {"n_estimators": 60, "max_depth": 12, "min_samples_leaf": 2}


def vectorize(features: dict[str, float]) -> list[float]:
    """The feature vector in FEATURES order; a missing feature is 0."""
    return [float(features.get(name, 0.0)) for name in FEATURES]


def rule_baseline(features: dict[str, float]) -> str:
    """What a team does without a model: offer in the CTA phase or after enough messages."""
    if features.get("phase_is_cta") or features.get("contact_messages", 0) >= 8:
        return "NOW"
    return "WAIT"


# -- training and evaluation ------------------------------------------------------------


def train(rows: list[dict[str, Any]], hyperparameters: dict[str, Any] | None = None, seed: int = 0):
    """Fit a RandomForest on rows of {"features": {...}, "label": "NOW|WAIT|NEVER"}."""
    from sklearn.ensemble import RandomForestClassifier

    params = {**DEFAULT_HYPERPARAMETERS, **(hyperparameters or {})}
    model = RandomForestClassifier(random_state=seed, n_jobs=1, **params)
    model.fit([vectorize(r["features"]) for r in rows], [r["label"] for r in rows])
    return model


def split(rows: list[dict[str, Any]], held_out: float = 0.2, seed: int = 0):
    """A stratified split, the same for the same rows and seed."""
    from sklearn.model_selection import train_test_split

    labels = [r["label"] for r in rows]
    return train_test_split(rows, test_size=held_out, random_state=seed, stratify=labels)


def scores(truth: list[str], predicted: list[str]) -> dict[str, Any]:
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    precision, recall, _, support = precision_recall_fscore_support(
        truth, predicted, labels=list(LABELS), zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(
                f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)
            ),
            4,
        ),
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "support": int(s),
            }
            for label, p, r, s in zip(LABELS, precision, recall, support, strict=True)
        },
        "confusion_matrix": {
            "labels": list(LABELS),
            "rows": confusion_matrix(truth, predicted, labels=list(LABELS)).tolist(),
        },
    }


def evaluate(model, rows: list[dict[str, Any]]) -> dict[str, Any]:
    truth = [r["label"] for r in rows]
    predicted = list(model.predict([vectorize(r["features"]) for r in rows]))
    return scores(truth, [str(p) for p in predicted])


def evaluate_baseline(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return scores([r["label"] for r in rows], [rule_baseline(r["features"]) for r in rows])


# -- fast single-row inference ------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    decision: str
    probabilities: dict[str, float]
    top_features: list[tuple[str, float]]  # (feature, contribution to the decision)


class FastForest:
    """The fitted trees as plain lists; one row is walked tree by tree in Python.

    sklearn's predict_proba validates input, builds arrays and dispatches jobs on every
    call, which costs milliseconds for a single row; walking ~60 trees of depth ~12 costs
    tens of microseconds and gives the same probabilities.
    """

    def __init__(self, classes: list[str], trees: list) -> None:
        self.classes = classes
        self.trees = trees

    @classmethod
    def from_sklearn(cls, model) -> FastForest:
        return cls(
            [str(c) for c in model.classes_],
            [cls._flatten(estimator.tree_) for estimator in model.estimators_],
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain lists, saved as JSON: the web process can decide without sklearn."""
        return {"classes": self.classes, "trees": self.trees}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FastForest:
        return cls(data["classes"], [tuple(tree) for tree in data["trees"]])

    @staticmethod
    def _flatten(tree) -> tuple[list[int], list[int], list[int], list[float], list[list[float]]]:
        values = []
        for row in tree.value[:, 0, :]:
            total = float(row.sum())
            values.append([float(v) / total for v in row])
        return (
            tree.children_left.tolist(),
            tree.children_right.tolist(),
            tree.feature.tolist(),
            tree.threshold.tolist(),
            values,
        )

    @staticmethod
    def as_float32(row: list[float]) -> list[float]:
        # sklearn compares float32 inputs with its thresholds; so must we, or a value
        # right at a threshold would take the other branch.
        return array("f", row).tolist()

    def predict_proba(self, row: list[float]) -> list[float]:
        row = self.as_float32(row)
        totals = [0.0] * len(self.classes)
        for left, right, feature, threshold, values in self.trees:
            node = 0
            while left[node] != -1:
                node = left[node] if row[feature[node]] <= threshold[node] else right[node]
            for i, v in enumerate(values[node]):
                totals[i] += v
        return [t / len(self.trees) for t in totals]

    def decide(self, features: dict[str, float], top: int = 5) -> Decision:
        """The decision, its probabilities, and the features that pushed toward it."""
        row = self.as_float32(vectorize(features))
        probabilities = self.predict_proba(row)
        chosen = max(range(len(self.classes)), key=probabilities.__getitem__)
        contributions = [0.0] * len(FEATURES)
        for left, right, feature, threshold, values in self.trees:
            node = 0
            while left[node] != -1:
                child = left[node] if row[feature[node]] <= threshold[node] else right[node]
                contributions[feature[node]] += values[child][chosen] - values[node][chosen]
                node = child
        ranked = sorted(range(len(FEATURES)), key=lambda i: abs(contributions[i]), reverse=True)
        return Decision(
            decision=self.classes[chosen],
            probabilities={
                c: round(p, 4) for c, p in zip(self.classes, probabilities, strict=True)
            },
            top_features=[
                (FEATURES[i], round(contributions[i] / len(self.trees), 4))
                for i in ranked[:top]
                if contributions[i]
            ],
        )
