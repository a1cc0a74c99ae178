"""Emotions of messages: the NRC affect lexicon by default (nrclex, fed our own tokens so
no corpus download is needed), read the way chat is, or a local transformers checkpoint
when configured.

NRC lists every emotion a word can evoke in any sense ("crazy": anger, fear, sadness;
"money": anger, joy, trust; "watch": fear). Read over chat, a word's emotions count only
when (mlops/chat_lexicon.py):
- the chat reading keeps the word literal (a degree word, praise slang, laughter or an
  idiom evokes none of its literal emotions; praise evokes joy, eagerness anticipation);
- it is not a topic word, a greeting formula or an interjection;
- it is not negated ("don't worry", "no problem", "not happy");
- the word itself leans the emotion's way: anger, disgust, fear and sadness need a word
  VADER or NRC rates negative, joy and trust one rated positive (so "honest" evokes no
  anger and "music" no sadness);
- the message's sentiment agrees: anger needs a negative message, joy a positive one.
Commerce complaints NRC lacks ("ripoff", "ghosted") and chat emoji are added.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from mlops.chat_lexicon import (
    CHAT_EMOJI,
    DESIRE,
    GRIEVANCES,
    NEGATIVE_EMOTIONS,
    POSITIVE_EMOTIONS,
    PRAISE,
    ChatToken,
    emotion_agrees,
    emotion_frame_drop,
)
from mlops.sentiment import read_chat, vader
from mlops.textclassifier import load_classifier

EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
TOKEN = re.compile(r"[a-z']+")
NRC_MODEL = "nrc-lexicon+chat-1"
NEGATION_REACH = 3  # words before an emotion word that can negate it, as in VADER


@dataclass(frozen=True)
class Emotions:
    scores: dict[str, float] = field(default_factory=dict)  # emotion -> share, 0..1
    top: str | None = None
    model: str = NRC_MODEL
    drivers: list[dict[str, Any]] = field(default_factory=list)  # which words evoked what

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def nrc() -> Any:
    from nrclex import NRCLex

    return NRCLex()  # loads the bundled lexicon once per process


SUFFIXES = ("ing", "ed", "es", "s", "ly", "d")


def lexicon_word(token: str, lexicon: dict[str, Any]) -> str:
    """The lexicon's form of a token, with a cheap suffix strip ("delayed" finds "delay")."""
    if token in lexicon:
        return token
    stems = (token[: -len(s)] for s in SUFFIXES if token.endswith(s) and len(token) > 4)
    return next((stem for stem in stems if stem in lexicon), token)


def lexicon_tokens(text: str, lexicon: dict[str, Any]) -> list[str]:
    """Our tokens, with a cheap suffix strip so "delayed" finds "delay" (no NLTK data)."""
    return [lexicon_word(token, lexicon) for token in TOKEN.findall(text.lower())]


def negated(tokens: tuple[ChatToken, ...], i: int) -> bool:
    from vaderSentiment.vaderSentiment import negated as vader_negated

    before = []
    for j in range(i - 1, max(-1, i - 1 - NEGATION_REACH), -1):
        if tokens[j].clause_end:
            break
        before.append(tokens[j].word)
    return bool(before) and (vader_negated(before) or "no" in before)


def word_polarity(word: str, entry: list[str]) -> int:
    """Which way a word leans on its own: VADER's rating, else NRC's positive/negative."""
    rating = vader().literal.get(word) or GRIEVANCES.get(word, (0.0, ()))[0]
    if rating:
        return 1 if rating > 0 else -1
    positive, negative = "positive" in entry, "negative" in entry
    return 0 if positive == negative else (1 if positive else -1)


def leans(emotion: str, polarity: int) -> bool:
    if emotion in NEGATIVE_EMOTIONS:
        return polarity < 0
    if emotion in POSITIVE_EMOTIONS:
        return polarity > 0
    return True


def evoked(word: str, lexicon: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The lexicon form of a word and the emotions it lists (NRC plus the grievances)."""
    if word in GRIEVANCES:
        return word, list(GRIEVANCES[word][1])
    form = lexicon_word(word, lexicon)
    if form in GRIEVANCES:
        return form, list(GRIEVANCES[form][1])
    return form, list(lexicon.get(form, []))


def emotion_driver(word: str, emotions: list[str], why: str = "") -> dict[str, Any]:
    shown = ", ".join(emotions) if emotions else "none"
    text = f"{word} → {shown}" + (f" ({why})" if why else "")
    return {"word": word, "emotions": emotions, "why": why, "text": text}


def token_emotions(
    tokens: tuple[ChatToken, ...], i: int, lexicon: dict[str, list[str]], readings: dict
) -> tuple[list[str], list[dict[str, Any]]]:
    """The emotions one token evokes in chat, and the drivers that say why."""
    token, reading = tokens[i], readings.get(i)
    if token.emoji:
        emotions = list(CHAT_EMOJI.get(token.word, (None, ()))[1])
        return emotions, [emotion_driver(token.word, emotions)] if emotions else []
    if reading is not None:
        emotions = ["joy"] if reading.kind == PRAISE else []
        emotions = ["anticipation"] if reading.kind == DESIRE else emotions
        return emotions, [emotion_driver(token.word, emotions, reading.why)]
    found: list[str] = []
    drivers = []
    for word in TOKEN.findall(token.word):
        form, entry = evoked(word, lexicon)
        emotions = [e for e in EMOTIONS if e in entry]
        if not emotions:
            continue
        dropped = emotion_frame_drop(list(tokens), i)
        if dropped is None and negated(tokens, i):
            dropped = "negated"
        if dropped:
            drivers.append(emotion_driver(word, [], f"{', '.join(emotions)} dropped: {dropped}"))
            continue
        polarity = word_polarity(form, entry)
        kept = [e for e in emotions if leans(e, polarity)]
        off = [e for e in emotions if e not in kept]
        why = f"{', '.join(off)} dropped: the word does not lean that way" if off else ""
        drivers.append(emotion_driver(word, kept, why))
        found.extend(kept)
    return found, drivers


def lexicon_emotions(text: str) -> Emotions:
    reading = read_chat(text)
    lexicon = nrc().__lexicon__
    counts: dict[str, int] = {}
    drivers: list[dict[str, Any]] = []
    for i in range(len(reading.tokens)):
        emotions, why = token_emotions(reading.tokens, i, lexicon, reading.readings)
        drivers.extend(why)
        for emotion in emotions:
            counts[emotion] = counts.get(emotion, 0) + 1
    disagree = [e for e in EMOTIONS if counts.get(e) and not emotion_agrees(e, reading.compound)]
    if disagree:
        mood = f"{reading.compound:+.2f}"
        text = f"{', '.join(disagree)} dropped: the message's sentiment ({mood}) disagrees"
        drivers.append({"word": "", "emotions": [], "why": text, "text": text})
        for emotion in disagree:
            del counts[emotion]
    total = sum(counts.values())
    if not total:
        return Emotions(drivers=drivers)
    scores = {e: round(counts[e] / total, 3) for e in EMOTIONS if counts.get(e)}
    return Emotions(scores, top_emotion(scores), drivers=drivers)


def top_emotion(scores: dict[str, float]) -> str:
    """The largest share; on a tie an emotion with a sign (anger, joy...) over one without
    (anticipation, surprise), since the sentiment has already agreed with it."""
    signed = NEGATIVE_EMOTIONS | POSITIVE_EMOTIONS
    return max(scores, key=lambda e: (scores[e], e in signed, -EMOTIONS.index(e)))


def analyse_emotions(texts: list[str], model_path: str = "") -> list[Emotions]:
    if not model_path:
        return [lexicon_emotions(text) for text in texts]
    classifier = load_classifier(model_path)
    results = []
    for probabilities in classifier.classify(texts):
        scores = {label: round(p, 3) for label, p in probabilities.items()}
        top = max(scores, key=scores.__getitem__)
        note = f"from the checkpoint: {top} {scores[top]}"
        results.append(
            Emotions(
                scores,
                top,
                f"transformers:{model_path}",
                [{"word": "", "emotions": [top], "why": "checkpoint", "text": note}],
            )
        )
    return results
