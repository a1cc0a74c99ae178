"""Readers for location: "I live in Berlin", "based in London", "I'm from Texas"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mlops.facts.text import (
    ARTICLE_A,
    ARTICLES,
    Finding,
    clean,
    said_about_self,
    split_words,
    words_before,
    wordset,
)

# -- location ----------------------------------------------------------------------------

# First words that make "I live in ..." / "I'm in ..." a state, not a place.
_NOT_PLACES = wordset(
    """my your his her their our this that it there here no love trouble bed pain class
    school work charge shock tears heaven hell town fear hope denial debt luck public
    private person time line touch total agreement awe shape style control danger doubt
    general progress mind need favor favour front sync tune hiding peace harmony poverty
    luxury sin fact case order addition return lockdown quarantine isolation"""
)
_PLACE_NOUNS = wordset(
    """town city village suburb suburbs countryside area state country county province region
    neighborhood neighbourhood island capital"""
)
_PLACE_CONNECTORS = wordset("of de da del la le upon am on sur")
_PLACE_WORDS = 4


def _place(raw: str) -> str | None:
    """Cut a place out of a clause tail, keeping its capitalisation.

    "Paris visiting friends" gives "Paris"; "a small town" is a place, "a house" is not;
    a lower-cased "berlin" is trusted because the trigger ("I live in") already is.
    """
    words = split_words(raw)[:_PLACE_WORDS]
    lead = words[0].lower() if words else ""
    if not words or lead in _NOT_PLACES:
        return None
    if lead in ARTICLES:
        if len(words) > 1 and words[1][:1].isupper():  # "the UK", "the Netherlands"
            return clean(" ".join(_capitalised_run(words)))
        nouns = [i for i, word in enumerate(words) if word.lower() in _PLACE_NOUNS]
        if not nouns:
            return None  # "a house", "the moment"
        kept = words[: nouns[-1] + 1]  # "a small town near ..." gives "small town"
        return clean(" ".join(kept[1:] if lead in ARTICLE_A else kept))
    if words[0][:1].isupper():
        return clean(" ".join(_capitalised_run(words)))
    return clean(" ".join(words[:3]))


def _capitalised_run(words: Sequence[str]) -> list[str]:
    """Leading words of a proper name: "New York City", "Rio de Janeiro", "the UK"."""
    run = list(words[:1])
    for word in words[1:]:
        if not (word[:1].isupper() or word.lower() in _PLACE_CONNECTORS):
            break
        run.append(word)
    while len(run) > 1 and run[-1].lower() in _PLACE_CONNECTORS:
        run.pop()
    return run


def read_place(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I live in Berlin", "based in London", "I'm from Texas"; not "do you live in Rome"."""
    if not said_about_self(words_before(text, match.start())):
        return []
    place = _place(match["value"])
    return [("location", place)] if place else []


def read_here_now(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I'm in Paris right now": a capitalised place only ("I'm in love" is not one)."""
    return read_place(match, text) if match["value"][:1].isupper() else []
