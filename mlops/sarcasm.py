"""Sarcasm: rules for the cues people use in chat, or a local checkpoint when configured.

The rules look for positive wording over a negative situation ("Oh great, another delayed
shipment"), scare quotes around praise, an explicit "/s", and eye-roll emoji.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from mlops.textclassifier import load_classifier

RULES_MODEL = "sarcasm-rules-v1"
PRAISE = re.compile(
    r"\b(oh (great|joy|wonderful|perfect|nice)|great|wonderful|fantastic|perfect|lovely|"
    r"awesome|brilliant|just what i (needed|wanted)|thanks a lot|thanks for nothing|"
    r"love (it|that|how)|can'?t wait|yeah,? right|sure,? because|how nice)\b",
    re.IGNORECASE,
)
TROUBLE = re.compile(
    r"\b(another|again|delayed|delay|late|broken|broke|lost|cancel+ed|stuck|waiting|crashed|"
    r"wrong|missed|rain(ing)?|traffic|monday|overtime|spam|fail(ed)?|error|nothing works|"
    r"no one|nobody|still not|never)\b",
    re.IGNORECASE,
)
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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sarcasm_cues(text: str) -> list[str]:
    cues = []
    if EXPLICIT.search(text):
        cues.append("explicit /s")
    if SCARE_QUOTES.search(text):
        cues.append("scare quotes")
    praise = PRAISE.search(text)
    if praise and TROUBLE.search(text):
        cues.append(f"praise over trouble: {praise.group(0)}")
    if any(emoji in text for emoji in EYE_ROLL):
        cues.append("eye-roll emoji")
    return cues


def rule_sarcasm(text: str) -> Sarcasm:
    cues = sarcasm_cues(text)
    score = min(1.0, 0.45 * len(cues))
    # One strong cue is enough; eye-roll alone only when paired with praise.
    strong = any(c != "eye-roll emoji" for c in cues) or (cues and PRAISE.search(text))
    return Sarcasm(bool(strong), round(score, 2), cues)


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
        results.append(
            Sarcasm(sarcastic >= 0.5, round(sarcastic, 3), sarcasm_cues(text), model_path)
        )
    return results
