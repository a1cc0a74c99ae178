"""A contact's or operator's writing style: learn it from their replies, restyle drafts to it.

``StyleProfile`` is learned from the outputs of (input, output) samples by
``learn_style``, folded forward with ``merge_style``, applied with ``apply_style`` and
put into words for a prompt by ``describe_style``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any

from personas.style.formality import (
    _CASUAL_SWAPS,
    _CONTACT_SWAPS,
    _apply_contraction_preference,
    _count_contractions,
    _count_expanded,
    _has_words,
    _swap,
    formality_score,
)
from personas.style.text import (
    _CLAUSE_BOUNDARY_RE,
    _EMOJI_RE,
    _EMPHATIC_RE,
    _LONE_FINAL_PERIOD_RE,
    _REPEATED_MARK_RE,
    _SENTENCE_END,
    _SENTENCE_SPLIT_RE,
    _emojis,
    _fit,
    _require,
    _split_trailing_decor,
    _terms,
    _unit,
    _words,
)

#: Profiles less formal than this get formal phrases swapped for everyday ones.
CASUAL_BELOW = 0.5
#: A profile this brief (or briefer) gets trailing clauses dropped.
BRIEF_AT = 0.5
#: How far past the learned average length a reply may run before it is trimmed: trimming
#: to the exact mean would chop every reply that is merely a little long.
LENGTH_SLACK = 1.5
#: Trimming keeps at least this many words, so an opener like "Sure," is never all that is
#: left of an answer.
MIN_KEPT_WORDS = 3
#: Emoji must show up in at least this share of samples before restyling adds one.
EMOJI_SHARE = 0.3
#: The emoji added for a contact whose profile uses emoji (profiles keep no emoji list).
CONTACT_EMOJI = "\U0001f642"
#: Outputs of this many characters or fewer count as maximally brief...
BRIEFEST_CHARS = 20
#: ...and outputs this long or longer as not brief at all.
WORDIEST_CHARS = 200
MAX_COMMON_PHRASES = 10
PUNCTUATION_STYLES = ("minimal", "standard", "expressive")
CAPITALIZATIONS = ("lowercase", "sentence", "mixed")


@dataclass
class StyleProfile:
    """How a contact or operator writes their replies."""

    formality: float
    emoji_usage: bool
    avg_length: int
    punctuation_style: str
    capitalization: str
    common_phrases: list[str]
    contraction_preference: float
    response_brevity: float
    samples_count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StyleProfile:
        """Rebuild a profile from ``to_dict`` output (e.g. stored JSON); extra keys are
        ignored and values are coerced to their field types."""
        return cls(
            formality=float(data["formality"]),
            emoji_usage=bool(data["emoji_usage"]),
            avg_length=int(data["avg_length"]),
            punctuation_style=str(data["punctuation_style"]),
            capitalization=str(data["capitalization"]),
            common_phrases=[str(phrase) for phrase in data["common_phrases"]],
            contraction_preference=float(data["contraction_preference"]),
            response_brevity=float(data["response_brevity"]),
            samples_count=int(data["samples_count"]),
        )


_STOPWORDS = frozenset(
    _terms(
        "a, an, the, i, you, me, my, your, we, us, our, it, is, are, was, be, am, to, of, and,"
        " or, in, on, at, for, with, that, this, so, do, it's, i'm, he, she, they, them, his,"
        " her, their, there, here, what, if, but, not, no, as, by, from, up, can, will, just,"
        " have, has, had"
    )
)
# Casual markers worth keeping even if seen only once: they are what makes a voice.
_CASUAL_MARKERS = frozenset(
    _terms(
        "yep, yup, yeah, nah, nope, sure, cool, sounds good, no worries, no problem, lol, haha,"
        " omg, ok, okay, kk, thx, ty, np, got it, will do, on it, for sure, all good, see ya,"
        " ttyl, lmk, btw, tbh, idk"
    )
)
_MAX_NGRAM = 3


def _ngrams(text: str) -> list[str]:
    words = _words(text)
    return [
        " ".join(words[start : start + size])
        for size in range(1, _MAX_NGRAM + 1)
        for start in range(len(words) - size + 1)
    ]


def _common_phrases(outputs: Sequence[str]) -> list[str]:
    """Short n-grams used in at least two outputs, plus known casual markers used at all.

    Longer phrases win ties, and a phrase already covered by a chosen longer one ("sounds"
    inside "sounds good") is skipped.
    """
    spread: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for output in outputs:
        for gram in dict.fromkeys(_ngrams(output)):
            spread[gram] += 1
            first_seen.setdefault(gram, len(first_seen))

    def is_candidate(gram: str) -> bool:
        if gram in _CASUAL_MARKERS:
            return True
        return spread[gram] >= 2 and not all(word in _STOPWORDS for word in gram.split())

    candidates = sorted(
        filter(is_candidate, spread),
        key=lambda gram: (-spread[gram], -len(gram.split()), first_seen[gram]),
    )
    chosen: list[str] = []
    for gram in candidates:
        if not any(f" {gram} " in f" {kept} " for kept in chosen):
            chosen.append(gram)
        if len(chosen) == MAX_COMMON_PHRASES:
            break
    return chosen


def _capitalization_of(text: str) -> str | None:
    """How one output capitalizes its sentence openings; None when it has no letters."""
    cased = [char for char in text if char.isupper() or char.islower()]
    if not cased:
        return None
    if len(cased) > 3 and all(char.isupper() for char in cased):
        return "mixed"  # shouting is not sentence case
    openings = [
        next(char for char in sentence if char.isupper() or char.islower())
        for sentence in _SENTENCE_SPLIT_RE.split(text)
        if any(char.isupper() or char.islower() for char in sentence)
    ]
    if all(char.islower() for char in openings):
        return "lowercase"
    if all(char.isupper() for char in openings):
        return "sentence"
    return "mixed"


def _punctuation_of(text: str) -> str:
    body, _ = _split_trailing_decor(text.strip())
    if _EMPHATIC_RE.search(body):
        return "expressive"
    if not body or body[-1] not in _SENTENCE_END:
        return "minimal"
    return "standard"


def _capitalization_votes(outputs: Iterable[str]) -> Counter[str]:
    return Counter(label for label in map(_capitalization_of, outputs) if label)


def _punctuation_votes(outputs: Iterable[str]) -> Counter[str]:
    return Counter(map(_punctuation_of, outputs))


def _capitalization_from(votes: Counter[str]) -> str:
    """The single most common habit; a tie (or no letters at all) means "mixed"."""
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return "mixed"
    return ranked[0][0]


def _punctuation_from(votes: Counter[str]) -> str:
    """The most common habit. Ties lean minimal, then expressive: someone who skips
    end punctuation even half the time reads as a minimal punctuator."""
    preference = {"minimal": 2, "expressive": 1, "standard": 0}
    return max(PUNCTUATION_STYLES, key=lambda style: (votes[style], preference[style]))


def _emoji_share(outputs: Sequence[str]) -> float:
    return sum(bool(_emojis(output)) for output in outputs) / len(outputs)


def _brevity(avg_length: float) -> float:
    """1 for texts of ``BRIEFEST_CHARS`` or fewer, falling linearly to 0 at
    ``WORDIEST_CHARS``."""
    span = WORDIEST_CHARS - BRIEFEST_CHARS
    return _unit(1 - (avg_length - BRIEFEST_CHARS) / span)


def _contraction_preference(outputs: Sequence[str], formality: float) -> float:
    """Share of contracted over contracted-plus-spelled-out forms, smoothed by one pseudo
    observation from formality, so outputs with neither (common in short replies) fall
    back to "casual writers contract"."""
    contracted = sum(_count_contractions(output) for output in outputs)
    spelled_out = sum(_count_expanded(output) for output in outputs)
    prior = 1 - formality
    return _unit((contracted + prior) / (contracted + spelled_out + 1))


def learn_style(outputs: Sequence[str]) -> StyleProfile:
    """Learn a contact's reply style from the outputs of their (input, output) samples.

    Blank outputs are ignored; raises ``ValueError("no samples")`` when none are left.
    """
    texts = _require(outputs)
    formality = _unit(fmean(formality_score(text) for text in texts))
    avg_length = round(fmean(len(text) for text in texts))
    return StyleProfile(
        formality=formality,
        emoji_usage=_emoji_share(texts) >= EMOJI_SHARE,
        avg_length=avg_length,
        punctuation_style=_punctuation_from(_punctuation_votes(texts)),
        capitalization=_capitalization_from(_capitalization_votes(texts)),
        common_phrases=_common_phrases(texts),
        contraction_preference=_contraction_preference(texts, formality),
        response_brevity=_brevity(avg_length),
        samples_count=len(texts),
    )


def _merge_phrases(old: list[str], new: list[str], old_is_heavier: bool) -> list[str]:
    """Phrases both sides share first, then the better-supported side's, then the other's."""
    heavier, lighter = (old, new) if old_is_heavier else (new, old)
    shared = [phrase for phrase in heavier if phrase in lighter]
    merged = dict.fromkeys([*shared, *heavier, *lighter])
    return list(merged)[:MAX_COMMON_PHRASES]


def merge_style(old: StyleProfile, outputs: Sequence[str]) -> StyleProfile:
    """Fold new outputs into an existing profile without its original samples.

    Each side weighs by its sample count: numbers are weighted means, emoji usage a
    weighted share, and the categorical habits a vote where the old label counts once per
    old sample. Profiles keep no raw text, so this is an approximation: phrases repeated
    across old and new outputs can't be found. Re-learn from all stored samples with
    ``learn_style`` when they are at hand.
    """
    texts = _require(outputs)
    fresh = learn_style(texts)
    old_weight = max(0, old.samples_count)
    total = old_weight + fresh.samples_count

    def blend(old_value: float, new_value: float) -> float:
        return (old_value * old_weight + new_value * fresh.samples_count) / total

    capitalization_votes = _capitalization_votes(texts)
    capitalization_votes[old.capitalization] += old_weight
    punctuation_votes = _punctuation_votes(texts)
    punctuation_votes[old.punctuation_style] += old_weight
    avg_length = round(blend(old.avg_length, fresh.avg_length))
    return StyleProfile(
        formality=_unit(blend(old.formality, fresh.formality)),
        emoji_usage=blend(float(old.emoji_usage), _emoji_share(texts)) >= EMOJI_SHARE,
        avg_length=avg_length,
        punctuation_style=_punctuation_from(punctuation_votes),
        capitalization=_capitalization_from(capitalization_votes),
        common_phrases=_merge_phrases(
            old.common_phrases, fresh.common_phrases, old_weight >= fresh.samples_count
        ),
        contraction_preference=_unit(
            blend(old.contraction_preference, fresh.contraction_preference)
        ),
        response_brevity=_brevity(avg_length),
        samples_count=total,
    )


def _trim_clauses(text: str, target: float) -> str:
    """Drop trailing clauses while the text runs past the target, keeping the first clause
    and at least ``MIN_KEPT_WORDS`` words."""
    clauses = [clause for clause in _CLAUSE_BOUNDARY_RE.split(text) if clause]
    length = len(text)
    words = len(_words(text))
    kept = len(clauses)
    while kept > 1 and length > target:
        dropped = clauses[kept - 1]
        if words - len(_words(dropped)) < MIN_KEPT_WORDS:
            break
        length -= len(dropped)
        words -= len(_words(dropped))
        kept -= 1
    if kept == len(clauses):
        return text
    # A clause cut after "good," would otherwise end on a dangling comma.
    return "".join(clauses[:kept]).rstrip().rstrip(",;:").rstrip()


def _sentence_case(text: str) -> str:
    text = re.sub(r"\bi\b", "I", text)
    return re.sub(
        rf"(\A\W*|[{_SENTENCE_END}]\s+)([^\W\d_])",
        lambda match: match.group(1) + match.group(2).upper(),
        text,
    )


def _apply_capitalization(text: str, capitalization: str) -> str:
    if capitalization == "lowercase":
        return text.lower()
    if capitalization == "sentence":
        return _sentence_case(text)
    return text  # "mixed": no single habit to imitate


def _apply_punctuation(text: str, style: str) -> str:
    body, tail = _split_trailing_decor(text)
    if style == "minimal":
        body = _LONE_FINAL_PERIOD_RE.sub("", _REPEATED_MARK_RE.sub(r"\1", body))
    elif style == "standard":
        body = _REPEATED_MARK_RE.sub(r"\1", body)
        if body[-1:].isalnum():
            body += "."
    elif style == "expressive":
        body = _LONE_FINAL_PERIOD_RE.sub("!", body)
    return body + tail


def _strip_emojis(text: str) -> str:
    """The text without emoji, or unchanged if emoji were all it said."""
    stripped = re.sub(r"[ \t]{2,}", " ", _EMOJI_RE.sub("", text)).strip()
    return stripped if _has_words(stripped) else text


def apply_style(text: str, profile: StyleProfile) -> str:
    """Restyle a draft reply so it reads like the profile's author.

    Casual profiles get everyday phrasing; contractions follow the contraction
    preference; brief profiles lose trailing clauses; then capitalization, punctuation and
    emoji follow the profile's habits. At most ``MAX_STYLED_CHARS`` characters come back.
    """
    styled = text.strip()
    if not _has_words(styled):
        return _fit(styled)
    if profile.formality < CASUAL_BELOW:
        styled = _swap(styled, (*_CONTACT_SWAPS, *_CASUAL_SWAPS))
    styled = _apply_contraction_preference(styled, profile.contraction_preference)
    if profile.response_brevity >= BRIEF_AT:
        styled = _trim_clauses(styled, max(1, profile.avg_length) * LENGTH_SLACK)
    styled = _apply_capitalization(styled, profile.capitalization)
    if not profile.emoji_usage:
        styled = _strip_emojis(styled)
    styled = _apply_punctuation(styled, profile.punctuation_style)
    suffix = ""
    if profile.emoji_usage and not _emojis(styled):
        suffix = f" {CONTACT_EMOJI}"
    return _fit(styled, suffix)


def describe_style(style: StyleProfile) -> str:
    """The profile in words, for a prompt: what an LLM rewrite or suggestion should match."""
    phrases = ", ".join(style.common_phrases[:5])
    return (
        f"{style.capitalization} capitalization, {style.punctuation_style} punctuation, "
        f"about {style.avg_length} characters, {'with' if style.emoji_usage else 'no'} emoji"
        + (f", phrases like {phrases}" if phrases else "")
    )
