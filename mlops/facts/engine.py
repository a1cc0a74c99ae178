"""Scanning a message with the rules, de-duplicating what they read, and merging stored facts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mlops.facts.rules import RULES
from mlops.facts.text import APOSTROPHES, ARTICLES, drop_leading, prepare

SINGLE_KINDS = ("name", "occupation", "studies", "relationship_status", "location")
LIST_KINDS = ("interests", "dislikes", "current_activities", "upcoming_events")
FACT_KINDS = SINGLE_KINDS + LIST_KINDS

MAX_EVIDENCE_CHARS = 200
# Chat messages are short; reading only the start of a pasted wall of text keeps the
# worst case for every inbound message bounded.
MAX_SCAN_CHARS = 10_000


@dataclass(frozen=True)
class ExtractedFact:
    kind: str  # one of FACT_KINDS
    value: str  # cleaned human-readable value, e.g. "nurse", "Berlin", "hiking"
    evidence: str  # the part of the message it came from


# -- public API ----------------------------------------------------------------------------


def extract_facts(text: str) -> list[ExtractedFact]:
    """Facts the contact states about themselves in one message, in message order.

    Message order matters to `merge_facts`: of two single values ("I'm from Texas but live
    in Berlin now") the later one wins. Never raises: any string (emoji, control
    characters, a pasted essay) gives a list, usually an empty one. The same (kind, value)
    is reported once.
    """
    if not text:
        return []
    original = text[:MAX_SCAN_CHARS]
    prepared = prepare(original)
    facts: list[tuple[int, ExtractedFact]] = []
    seen: set[tuple[str, str]] = set()
    # Spans already read per kind, so a general rule does not re-read what a specific one
    # already took ("I'm going to a concert this weekend" is one event, not two).
    claimed: dict[str, list[tuple[int, int]]] = {}
    for rule in RULES:
        for match in rule.pattern.finditer(prepared):
            span = match.span()
            findings = [
                (kind, value)
                for kind, value in rule.read(match, prepared)
                if not _overlaps(claimed.get(kind, ()), span)
            ]
            end = _evidence_end(prepared, span, [value for _, value in findings])
            evidence = _clean_evidence(original[span[0] : end])
            for kind, value in findings:
                key = (kind, normalize_value(value))
                if value and key[1] and key not in seen:
                    seen.add(key)
                    facts.append((span[0], ExtractedFact(kind, value, evidence)))
            for kind in {kind for kind, _ in findings}:
                claimed.setdefault(kind, []).append(span)
    facts.sort(key=lambda positioned: positioned[0])  # stable: rule order breaks ties
    return [fact for _, fact in facts]


def _overlaps(spans: Iterable[tuple[int, int]], span: tuple[int, int]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)


def _evidence_end(text: str, span: tuple[int, int], values: Sequence[str]) -> int:
    """End the evidence after the last value read, not after the whole clause tail.

    "I love hiking, what about you" is evidence enough as "I love hiking". Values that
    were rewritten ("married" from "my wife") keep the whole match.
    """
    ends = [text.find(value, span[0], span[1]) + len(value) for value in values]
    if not ends or any(end < len(value) for end, value in zip(ends, values, strict=True)):
        return span[1]
    return max(ends)


def _clean_evidence(raw: str) -> str:
    return raw.strip()[:MAX_EVIDENCE_CHARS].strip()


_KEY_JUNK = re.compile(r"[^\w\s+#]|_")
_VOWELS = frozenset("aeiou")


def normalize_value(value: str) -> str:
    """The de-duplication key of a value: "Hiking!", "hiking" and "the hikings" agree.

    Case-folded, apostrophes and punctuation dropped, leading articles dropped, spaces
    collapsed, and the last word reduced to a rough singular.
    """
    text = unicodedata.normalize("NFKC", value).translate(APOSTROPHES).casefold()
    text = _KEY_JUNK.sub(" ", text.replace("'", ""))
    words = text.split()
    bare = drop_leading(words, ARTICLES) or words  # "The The" stays a band
    if bare:
        bare[-1] = _singular(bare[-1])
    return " ".join(bare)


def _singular(word: str) -> str:
    """A rough singular, only good as a key: "movies"/"movie" and "puppies"/"puppy" agree."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        word = word[:-1] + "ie"
    return word


def merge_facts(
    existing: Mapping[str, str | list[str]], new: Iterable[ExtractedFact]
) -> dict[str, str | list[str]]:
    """A new facts dict: `existing` updated with `new`; neither input is modified.

    Single kinds take the newer value. List kinds keep their first-seen order with new
    values appended, and hold each value once by `normalize_value` ("hiking" then
    "Hiking!" stays one entry, the first spelling). Keys that are not fact kinds are kept.
    """
    merged: dict[str, str | list[str]] = {
        key: list(value) if isinstance(value, list) else value for key, value in existing.items()
    }
    for kind in LIST_KINDS:
        if kind in merged:
            merged[kind] = _unique(_as_list(merged[kind]))
    for fact in new:
        if fact.kind not in FACT_KINDS:
            raise ValueError(f"unknown fact kind: {fact.kind!r}")
        if not normalize_value(fact.value):
            continue
        if fact.kind in SINGLE_KINDS:
            merged[fact.kind] = fact.value
        else:
            merged[fact.kind] = _unique([*_as_list(merged.get(fact.kind, [])), fact.value])
    return merged


def _as_list(value: str | list[str]) -> list[str]:
    """A stored list value; tolerate a lone string left by older data."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return [value] if value else []


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for value in values:
        key = normalize_value(value)
        if key and key not in seen:
            seen.add(key)
            unique.append(value)
    return unique
