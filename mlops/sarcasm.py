"""Sarcasm: rules for the cues people use in chat, or a local checkpoint when configured.

The rules look for positive wording over a negative situation ("Oh great, another delayed
shipment"), scare quotes around praise, an explicit "/s", and eye-roll emoji. Words that
only say something happened again or is missing ("another", "again", "never") are trouble
only after a sarcastic frame ("Oh great, ...", "Great, another email", "thanks for
nothing"): after plain praise they are ordinary chat ("thanks again, great service",
"love it! can I get another one?").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from mlops.textclassifier import load_classifier

RULES_MODEL = "sarcasm-rules-v2"
PRAISE_WORDS = r"great|wonderful|fantastic|perfect|lovely|awesome|brilliant|nice|amazing"
FRAMED_PRAISE = re.compile(
    r"\b(oh,? (great|joy|wonderful|perfect|nice|lovely|fantastic)|just what i (needed|wanted)|"
    r"thanks for nothing|yeah,? right|sure,? because|how nice)\b"
    rf"|(^|[.!?]\s*)({PRAISE_WORDS})\s*[,.!]",  # praise said as an interjection: "Great, ..."
    re.IGNORECASE,
)
PRAISE = re.compile(
    rf"\b({PRAISE_WORDS}|thanks a lot|love (it|that|how)|can'?t wait)\b", re.IGNORECASE
)
TROUBLE = re.compile(
    r"\b(delayed|delay|late|broken|broke|lost|cancel+ed|stuck|crashed|wrong|missed|"
    r"rain(ing)?|traffic|monday|overtime|spam|fail(ed)?|error|nothing works)\b",
    re.IGNORECASE,
)
RECURRENCE = re.compile(r"\b(another|again|waiting|still not|never|no one|nobody)\b", re.IGNORECASE)
# Straight and typographic quotes (U+2018/U+2019, U+201C/U+201D) around praise.
OPEN_QUOTE, CLOSE_QUOTE = "[\"'\u2018\u201c]", "[\"'\u2019\u201d]"
SCARE_QUOTES = re.compile(
    OPEN_QUOTE + r"(great|amazing|perfect|helpful|fast|free|special)" + CLOSE_QUOTE, re.I
)
EYE_ROLL = ("🙄", "😒", "🙃", "😑")
EXPLICIT = re.compile(r"(^|\s)/s\b")


@dataclass(frozen=True)
class Sarcasm:
    is_sarcastic: bool
    score: float
    cues: list[str] = field(default_factory=list)
    model: str = RULES_MODEL
    drivers: list[dict[str, Any]] = field(default_factory=list)  # the words behind each cue

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cue_drivers(text: str) -> list[dict[str, Any]]:
    """Each cue with the words that raised it."""
    drivers = []

    def add(cue: str, words: str) -> None:
        drivers.append({"cue": cue, "words": words, "text": f"{cue}: {words}"})

    if explicit := EXPLICIT.search(text):
        add("explicit /s", explicit.group(0).strip())
    if quoted := SCARE_QUOTES.search(text):
        add("scare quotes", quoted.group(0))
    framed, praise = FRAMED_PRAISE.search(text), PRAISE.search(text)
    trouble = TROUBLE.search(text) or (RECURRENCE.search(text) if framed else None)
    said = framed or praise
    if said and trouble:
        praised = said.group(0).strip(" ,.!").strip()
        add(f"praise over trouble: {praised}", f"'{praised}' over '{trouble.group(0)}'")
    rolled = [emoji for emoji in EYE_ROLL if emoji in text]
    if rolled:
        add("eye-roll emoji", " ".join(rolled))
    return drivers


def sarcasm_cues(text: str) -> list[str]:
    return [d["cue"] for d in cue_drivers(text)]


def rule_sarcasm(text: str) -> Sarcasm:
    drivers = cue_drivers(text)
    cues = [d["cue"] for d in drivers]
    score = min(1.0, 0.45 * len(cues))
    # One strong cue is enough; eye-roll alone only when paired with praise.
    strong = any(c != "eye-roll emoji" for c in cues) or (cues and PRAISE.search(text))
    return Sarcasm(bool(strong), round(score, 2), cues, drivers=drivers)


def analyse_sarcasm(texts: list[str], model_path: str = "") -> list[Sarcasm]:
    if not model_path:
        return [rule_sarcasm(text) for text in texts]
    classifier = load_classifier(model_path)
    results = []
    for text, probabilities in zip(texts, classifier.classify(texts), strict=True):
        sarcastic = next(
            (p for label, p in probabilities.items() if "sarc" in label or label == "label_1"),
            0.0,
        )
        drivers = cue_drivers(text)
        cues = [d["cue"] for d in drivers]
        results.append(Sarcasm(sarcastic >= 0.5, round(sarcastic, 3), cues, model_path, drivers))
    return results
