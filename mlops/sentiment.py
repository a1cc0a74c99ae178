"""Sentiment of messages: label and score, and intensity (VADER, read the way chat is).

VADER is the offline default (no weights to download), with a chat layer
(mlops/chat_lexicon.py): degree words such as "crazy good" boost the next word instead of
counting as negative, chat praise ("killer outfit", "sick!!") and laughter ("dying 😂") are
read for what they mean, and chat emoji and commerce complaints VADER lacks are rated.
Every reading lists its drivers: each word that moved the score, by how much, and why.
When a local transformers checkpoint is configured, its label and score are used and the
chat reading still gives intensity and drivers.
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

from mlops.chat_lexicon import (
    BOOSTER,
    CHAT_EMOJI,
    DESIRE,
    GRIEVANCES,
    NEUTRAL,
    PRAISE,
    PRAISE_VALENCE,
    VADER_GAPS,
    ChatToken,
    Reading,
    chat_readings,
    chat_tokens,
    pad_emoji,
)
from mlops.textclassifier import load_classifier

VADER_MODEL = "vader-3.3.2+chat-1"
PRAISE_TOKEN = "<chat-praise>"  # what a praise reading puts in VADER's place


@dataclass(frozen=True)
class Sentiment:
    label: str  # positive / neutral / negative
    compound: float  # -1 .. 1
    intensity: float  # 0 .. 1, how strongly felt regardless of sign
    model: str
    drivers: list[dict[str, Any]] = field(default_factory=list)  # what moved the score

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChatReading:
    """One text as the chat layer and VADER read it, shared with the emotion reading."""

    compound: float
    tokens: tuple[ChatToken, ...]
    readings: dict[int, Reading]
    drivers: tuple[dict[str, Any], ...]


def chat_analyser_class() -> type:
    # Imported lazily: only worker processes pay for loading the lexicon.
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

    class ChatAnalyser(SentimentIntensityAnalyzer):  # type: ignore[misc, valid-type]
        """VADER with the chat readings applied to its tokens before its own rules run."""

        def __init__(self) -> None:
            super().__init__()
            self.literal = dict(self.lexicon)  # the words' own ratings, for explanations
            self.lexicon.update({word: v for word, (v, _) in GRIEVANCES.items()})
            self.lexicon.update(VADER_GAPS)
            self.lexicon[PRAISE_TOKEN] = PRAISE_VALENCE
            for emoji, description in self.emojis.items():
                chat = CHAT_EMOJI.get(emoji, (None, ()))[0]
                words = description.lower().split()
                value = chat if chat is not None else sum(self.literal.get(w, 0) for w in words)
                if value:
                    self.lexicon[emoji] = round(value, 3)

        def known(self, word: str) -> bool:
            return word in self.lexicon or word in BOOSTER_DICT

        def rewritten(self, token: ChatToken, reading: Reading | None, vader_token: str) -> str:
            """The token VADER scores: a booster, nothing, praise, the word a lengthened
            word stands for, or VADER's own token (emoticons such as ":)" kept)."""
            upper = token.raw.isupper()
            if reading and reading.kind == BOOSTER:
                return "REALLY" if upper else "really"
            if reading and reading.kind in (NEUTRAL, DESIRE):
                return ""
            if reading and reading.kind == PRAISE:
                return PRAISE_TOKEN
            if token.emoji or token.word == token.raw.lower().strip(string.punctuation):
                return vader_token
            return token.word.upper() if upper else token.word  # "goooood" -> "good"

        def read(self, text: str) -> ChatReading:
            padded = pad_emoji(text, self.emojis)
            tokens = chat_tokens(padded, self.emojis, self.known)
            readings = chat_readings(tokens, self.lexicon, BOOSTER_DICT)
            sentitext = SentiText(padded)
            words = [
                self.rewritten(token, readings.get(i), vader_token)
                for i, (token, vader_token) in enumerate(
                    zip(tokens, sentitext.words_and_emoticons, strict=True)
                )
            ]
            sentitext.words_and_emoticons = words
            sentiments: list[float] = []
            for i, item in enumerate(words):
                if item.lower() in BOOSTER_DICT or (
                    item.lower() == "kind" and i + 1 < len(words) and words[i + 1] == "of"
                ):
                    sentiments.append(0)  # modifiers carry no valence of their own
                    continue
                sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            sentiments = self._but_check(words, sentiments)
            compound = float(self.score_valence(sentiments, padded)["compound"])
            drivers = self.explain(tokens, readings, words, sentiments, padded)
            return ChatReading(compound, tuple(tokens), readings, tuple(drivers))

        def explain(
            self,
            tokens: list[ChatToken],
            readings: dict[int, Reading],
            words: list[str],
            sentiments: list[float],
            padded: str,
        ) -> list[dict[str, Any]]:
            boosted_by = {r.target: tokens[i].word for i, r in readings.items() if r.target}
            drivers = []
            for i, (token, value) in enumerate(zip(tokens, sentiments, strict=True)):
                reading = readings.get(i)
                if not value and not reading:
                    continue
                why = reading.why if reading else self.modified(words[i], value)
                if i in boosted_by:
                    why = f"boosted by '{boosted_by[i]}'"
                drivers.append(driver(token.word or token.raw, value, why))
            total = sum(sentiments)
            emphasis = self._punctuation_emphasis(padded) if total else 0.0
            if emphasis:
                drivers.append(driver("!/?", emphasis if total > 0 else -emphasis, "emphasis"))
            return drivers

        def modified(self, word: str, value: float) -> str:
            """Why a word counts other than its rating: negation, emphasis, damping."""
            base = self.lexicon.get(word.lower(), 0.0)
            if base * value < 0:
                return "negated"
            if abs(value) > abs(base) + 0.01:
                return "emphasised"
            if abs(value) < abs(base) - 0.01:
                return "damped"
            return ""

    return ChatAnalyser


def driver(word: str, value: float, why: str = "") -> dict[str, Any]:
    valence = round(float(value), 3)
    text = f"{word} {valence:+.2f}" + (f" ({why})" if why else "")
    return {"word": word, "valence": valence, "why": why, "text": text}


@lru_cache(maxsize=1)
def vader() -> Any:
    return chat_analyser_class()()


@lru_cache(maxsize=4096)
def read_chat(text: str) -> ChatReading:
    """The chat-aware VADER reading of a text (cached: emotions read the same one)."""
    return vader().read(text)


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
    readings = [read_chat(text) for text in texts]
    if not model_path:
        return [
            Sentiment(
                label_for(r.compound), r.compound, abs(r.compound), VADER_MODEL, list(r.drivers)
            )
            for r in readings
        ]
    classifier = load_classifier(model_path)
    results = []
    for probabilities, r in zip(classifier.classify(texts), readings, strict=True):
        sentiment = from_probabilities(
            probabilities, abs(r.compound), f"transformers:{classifier.path}"
        )
        note = {"word": "", "valence": sentiment.compound, "why": "checkpoint"}
        note["text"] = f"label from the checkpoint; words as the offline reading: {r.compound:+.2f}"
        results.append(replace(sentiment, drivers=[note, *r.drivers]))
    return results


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
