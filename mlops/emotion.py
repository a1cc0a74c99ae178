"""Emotions of messages: the NRC affect lexicon by default (nrclex, fed our own tokens so
no corpus download is needed), or a local transformers checkpoint when configured."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from mlops.textclassifier import load_classifier

EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
TOKEN = re.compile(r"[a-z']+")
NRC_MODEL = "nrc-lexicon"


@dataclass(frozen=True)
class Emotions:
    scores: dict[str, float] = field(default_factory=dict)  # emotion -> share, 0..1
    top: str | None = None
    model: str = NRC_MODEL

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def nrc() -> Any:
    from nrclex import NRCLex

    return NRCLex()  # loads the bundled lexicon once per process


SUFFIXES = ("ing", "ed", "es", "s", "ly", "d")


def lexicon_tokens(text: str, lexicon: dict[str, Any]) -> list[str]:
    """Our tokens, with a cheap suffix strip so "delayed" finds "delay" (no NLTK data)."""
    tokens = []
    for token in TOKEN.findall(text.lower()):
        if token not in lexicon:
            stems = (token[: -len(s)] for s in SUFFIXES if token.endswith(s) and len(token) > 4)
            token = next((stem for stem in stems if stem in lexicon), token)
        tokens.append(token)
    return tokens


def lexicon_emotions(text: str) -> Emotions:
    analyser = nrc()
    analyser.load_token_list(lexicon_tokens(text, analyser.__lexicon__))
    raw = analyser.raw_emotion_scores
    total = sum(raw.get(emotion, 0) for emotion in EMOTIONS)
    if not total:
        return Emotions()
    scores = {e: round(raw.get(e, 0) / total, 3) for e in EMOTIONS if raw.get(e)}
    return Emotions(scores, max(scores, key=scores.__getitem__))


def analyse_emotions(texts: list[str], model_path: str = "") -> list[Emotions]:
    if not model_path:
        return [lexicon_emotions(text) for text in texts]
    classifier = load_classifier(model_path)
    results = []
    for probabilities in classifier.classify(texts):
        scores = {label: round(p, 3) for label, p in probabilities.items()}
        results.append(
            Emotions(scores, max(scores, key=scores.__getitem__), f"transformers:{model_path}")
        )
    return results
