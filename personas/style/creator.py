"""A creator's flirty voice: pet names, signature emojis, teasing and escalation.

``CreatorStyle`` is learned from plain sample messages by ``learn_creator_style`` and
applied to a draft by ``apply_creator_style``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any

from personas.style.formality import (
    _CASUAL_SWAPS,
    _CONTRACT_RULES,
    _CREATOR_SWAPS,
    _drop_final_period,
    _has_words,
    _swap,
    formality_score,
)
from personas.style.text import (
    _APOSTROPHE,
    _CLAUSE_BOUNDARY_RE,
    _CLAUSE_MARKS,
    _ELLIPSIS,
    _EMOJI_RE,
    _emojis,
    _fit,
    _found,
    _lexicon,
    _phrase_re,
    _rank,
    _require,
    _terms,
    _unit,
)

MAX_SIGNATURE_EMOJIS = 5
#: Teasing markers in one message that make it fully teasing.
MARKERS_FOR_FULL_TEASE = 2

_PET_NAMES = _terms(
    "babe, baby, handsome, honey, hun, hon, sweetie, sweetheart, love, darling, cutie, sexy,"
    " gorgeous, hottie, beautiful, sugar, dear, stud"
)
# Everyday words that are only pet names when used to address someone ("hey love" or
# "night, love" but not "I love it").
_AMBIGUOUS_PET_NAMES = frozenset(_terms("love, sexy, gorgeous, beautiful, sugar, dear, honey, hon"))
_ADDRESS_OPENER_RE = re.compile(
    r"\b(?:hey|hi|hello|heya|my|oh|night|morning|thanks|thank you|bye)\Z", re.IGNORECASE
)
_SUBJECT_BEFORE_RE = re.compile(r"\b(?:i|you|we|they|would|i'd|to|so|a|the)\Z", re.IGNORECASE)
_ESCALATION = _lexicon(
    _terms(
        "miss you, thinking about you, can't stop, wish you were here, can't wait, want you,"
        " need you, all yours, just for you, only for you, come closer, all night"
    )
)
_DEFLECTION = _lexicon(
    _terms(
        "sub to my page, subscribe, cashapp, cash app, venmo, paypal, check my page,"
        " link in bio, dm me, tip me, unlock, my vip, exclusive content"
    )
)
# Each pattern is one teasing move; a message scores by how many distinct moves it makes.
_TEASING_MARKERS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"wouldn{_APOSTROPHE}?t you like to know",
        r"\b(?:maybe|guess|you wish|make me|who knows|behave|naughty|tease|find out)\b",
        rf"\bwe{_APOSTROPHE}?ll see\b|\bif you{_APOSTROPHE}?re good\b",
        rf"\.{{3}}|{_ELLIPSIS}",
        "[\U0001f60f\U0001f609\U0001f61c\U0001f608\U0001f648\U0001f92d\U0001f60b]",
        r"\bwinks?\b|;-?\)",
        # Rhetorical questions: negative-led ("don't you...?") or tagged ("..., right?").
        rf"\b(?:wouldn|don|aren|isn|won|didn|can){_APOSTROPHE}?t you\b[^?]*\?",
        r",\s*(?:right|huh|hmm|no)\s*\?",
        # Making them earn it: "sub first, then we'll talk", "if you ...".
        r"\bfirst\b[^.!?]*\bthen\b|\bif you\b",
    )
)


def _is_addressing(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] addresses the reader: after a greeting, or
    closing a phrase ("miss you, love") without a subject right before it ("I love.")."""
    # Only the few words right before matter; a bounded window keeps long texts cheap.
    before = text[max(0, start - 40) : start].rstrip()
    after = text[end:].lstrip()
    if _ADDRESS_OPENER_RE.search(before):
        return True
    closes_phrase = not after or after[0] in _CLAUSE_MARKS or bool(_EMOJI_RE.match(after))
    return closes_phrase and not _SUBJECT_BEFORE_RE.search(before.replace("\u2019", "'"))


def _pet_names_in(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Pet names used in the text, in order of appearance."""
    names = dict.fromkeys([*_PET_NAMES, *(name.lower() for name in extra if name.strip())])
    hits: list[tuple[int, str]] = []
    for name in names:
        for match in _phrase_re(name).finditer(text):
            ambiguous = name in _AMBIGUOUS_PET_NAMES
            if not ambiguous or _is_addressing(text, match.start(), match.end()):
                hits.append((match.start(), name))
    return [name for _, name in sorted(hits)]


def _teasing_level(samples: Sequence[str]) -> float:
    def tease(sample: str) -> float:
        moves = sum(bool(marker.search(sample)) for marker in _TEASING_MARKERS)
        return min(1.0, moves / MARKERS_FOR_FULL_TEASE)

    return _unit(fmean(tease(sample) for sample in samples))


@dataclass
class CreatorStyle:
    """A creator's flirty voice."""

    creator_id: str
    sample_count: int
    pet_names: list[str]
    signature_emojis: list[str]
    teasing_level: float
    formality: float
    escalation_phrases: list[str]
    deflection_phrases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CreatorStyle:
        """Rebuild a style from ``to_dict`` output; extra keys are ignored."""

        def strings(key: str) -> list[str]:
            return [str(item) for item in data[key]]

        return cls(
            creator_id=str(data["creator_id"]),
            sample_count=int(data["sample_count"]),
            pet_names=strings("pet_names"),
            signature_emojis=strings("signature_emojis"),
            teasing_level=float(data["teasing_level"]),
            formality=float(data["formality"]),
            escalation_phrases=strings("escalation_phrases"),
            deflection_phrases=strings("deflection_phrases"),
        )


def learn_creator_style(creator_id: str, samples: Sequence[str]) -> CreatorStyle:
    """Learn a creator's voice from sample messages they wrote.

    Lists are ranked by frequency, ties in order of first appearance. Blank samples are
    ignored; raises ``ValueError("no samples")`` when none are left.
    """
    texts = _require(samples)

    def ranked(find: Callable[[str], list[str]]) -> list[str]:
        return _rank(find(text) for text in texts)

    return CreatorStyle(
        creator_id=creator_id,
        sample_count=len(texts),
        pet_names=ranked(_pet_names_in),
        signature_emojis=ranked(_emojis)[:MAX_SIGNATURE_EMOJIS],
        teasing_level=_teasing_level(texts),
        formality=_unit(fmean(formality_score(text) for text in texts)),
        escalation_phrases=ranked(lambda text: _found(_ESCALATION, text)),
        deflection_phrases=ranked(lambda text: _found(_DEFLECTION, text)),
    )


def _insert_after_first_clause(text: str, word: str) -> str:
    """Put the word after the first clause's last word: "I'm great babe, thanks"."""
    clause_end = _CLAUSE_BOUNDARY_RE.search(text)
    first_clause = text[: clause_end.start()] if clause_end else text
    word_ends = [match.end() for match in re.finditer(r"\w+", first_clause)]
    if not word_ends:
        return text  # nothing to attach to (punctuation or emoji only)
    cut = word_ends[-1]
    return f"{text[:cut]} {word}{text[cut:]}"


def _casualize(text: str) -> str:
    styled = _swap(text, (*_CREATOR_SWAPS, *_CASUAL_SWAPS))
    return _drop_final_period(_swap(styled, _CONTRACT_RULES))


def apply_creator_style(text: str, style: CreatorStyle) -> str:
    """Restyle a draft in the creator's voice.

    A draft more formal than the creator gets casual phrasing, contractions and no final
    period; the creator's top pet name goes after the first clause unless the draft
    already uses one, and their top signature emoji goes at the end unless it already has
    emoji. At most ``MAX_STYLED_CHARS`` characters come back.
    """
    styled = text.strip()
    if not _has_words(styled):
        return _fit(styled)
    if formality_score(styled) > style.formality:
        styled = _casualize(styled)
    pet_name = next((name for name in style.pet_names if name.strip()), None)
    if pet_name and not _pet_names_in(styled, style.pet_names):
        styled = _insert_after_first_clause(styled, pet_name.strip())
    emoji = next((e for e in style.signature_emojis if e.strip()), None)
    suffix = f" {emoji.strip()}" if emoji and not _emojis(styled) else ""
    return _fit(styled, suffix)
