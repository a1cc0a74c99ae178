"""Sentiment of one message. VADER is the offline default (no weights to download)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Sentiment:
    label: str  # positive / neutral / negative
    compound: float  # -1 .. 1
    intensity: float  # 0 .. 1, how strongly felt regardless of sign
    model: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def _vader() -> Any:
    # Imported lazily: only worker processes pay for loading the lexicon.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def analyse_sentiment(text: str) -> Sentiment:
    compound = float(_vader().polarity_scores(text)["compound"])
    # VADER's conventional thresholds for calling a text positive or negative.
    if compound >= 0.05:
        label = "positive"
    elif compound <= -0.05:
        label = "negative"
    else:
        label = "neutral"
    return Sentiment(label=label, compound=compound, intensity=abs(compound), model="vader-3.3.2")
