"""Sentiment of messages: label and score, and intensity (VADER).

VADER is the offline default (no weights to download). When a local transformers
checkpoint is configured, its label and score are used and VADER still gives intensity.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from mlops.textclassifier import load_classifier

VADER_MODEL = "vader-3.3.2"


@dataclass(frozen=True)
class Sentiment:
    label: str  # positive / neutral / negative
    compound: float  # -1 .. 1
    intensity: float  # 0 .. 1, how strongly felt regardless of sign
    model: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def vader() -> Any:
    # Imported lazily: only worker processes pay for loading the lexicon.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def label_for(compound: float) -> str:
    # VADER's conventional thresholds for calling a text positive or negative.
    if compound >= 0.05:
        return "positive"
    if compound <= -0.05:
        return "negative"
    return "neutral"


def analyse_sentiment(text: str) -> Sentiment:
    return analyse_sentiments([text])[0]


def analyse_sentiments(texts: list[str], model_path: str = "") -> list[Sentiment]:
    intensities = [abs(float(vader().polarity_scores(text)["compound"])) for text in texts]
    if not model_path:
        compounds = [float(vader().polarity_scores(text)["compound"]) for text in texts]
        return [
            Sentiment(label_for(c), c, i, VADER_MODEL)
            for c, i in zip(compounds, intensities, strict=True)
        ]
    classifier = load_classifier(model_path)
    return [
        from_probabilities(probabilities, intensity, f"transformers:{classifier.path}")
        for probabilities, intensity in zip(classifier.classify(texts), intensities, strict=True)
    ]


def from_probabilities(probabilities: dict[str, float], intensity: float, model: str) -> Sentiment:
    """Map a checkpoint's labels (positive/negative/neutral, or LABEL_0..2 as in the
    common three-class sentiment models: negative, neutral, positive) onto ours."""
    positive = next((p for label, p in probabilities.items() if "pos" in label), None)
    negative = next((p for label, p in probabilities.items() if "neg" in label), None)
    if positive is None or negative is None:
        ordered = list(probabilities.values())
        negative, positive = ordered[0], ordered[-1]
    compound = round(positive - negative, 4)
    return Sentiment(label_for(compound), compound, intensity, model)
