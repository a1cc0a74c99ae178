"""Readers for the list kinds: interests, dislikes, current activities, upcoming events."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mlops.facts.text import (
    ARTICLE_A,
    ARTICLES,
    CONTEXT_PRONOUNS,
    TO,
    Finding,
    Reader,
    clean,
    drop_leading,
    said_about_self,
    split_words,
    words_before,
    wordset,
)

# -- interests and dislikes --------------------------------------------------------------

# A liked or disliked "thing" that starts with these is about the conversation or is too
# vague to keep: "I love it", "I like your pics", "I hate when ...".
_REJECT_LEADS = wordset(
    """it its it's that this these those you u ya yall y'all him her them me us your ur
    yours his their our my how when what where why who which if so too lot lots everything
    anything nothing something all both each one ones some most more less much very way
    no not"""
)
# "and" inside these is part of the name, not a list.
_KEEP_TOGETHER = (
    "rock and roll",
    "r and b",
    "fish and chips",
    "dungeons and dragons",
    "salt and pepper",
    "arts and crafts",
    "drum and bass",
    "pen and paper",
    "mac and cheese",
    "black and white",
    "fast and furious",
    "lord of the rings",
)
_CONJUNCTION = re.compile(r"\s+(?:and|or|&)\s+|^(?:and|or|&)\s+", re.IGNORECASE)
_LIST_JOIN = re.compile(r"^(?:and|or|&)\s|\s(?:and|or|&)\s", re.IGNORECASE)
_THING_WORDS = 6


def _things(raw: str) -> list[str]:
    """Split "hiking and climbing" or "hiking, climbing and chess" into separate things.

    Commas only separate things when the tail reads as a list that ends in "and"/"or";
    otherwise the comma ends the value ("hiking, what about you").
    """
    segments = [segment.strip() for segment in raw.split(",") if segment.strip()]
    if len(segments) > 1 and not _is_enumeration(segments):
        segments = segments[:1]
    things: list[str] = []
    for segment in segments:
        if any(phrase in segment.lower() for phrase in _KEEP_TOGETHER):
            parts = [segment]
        else:
            parts = _CONJUNCTION.split(segment)
        things.extend(thing for thing in map(_thing, parts) if thing)
    return things


def _is_enumeration(segments: Sequence[str]) -> bool:
    return (
        all(len(segment.split()) <= 4 for segment in segments)
        and bool(_LIST_JOIN.search(segments[-1]))
        and not any(segment.split()[0].lower() in _REJECT_LEADS for segment in segments)
    )


def _thing(raw: str) -> str | None:
    words = drop_leading(split_words(raw), TO)  # "I love to travel"
    words = drop_leading(words, ARTICLE_A)  # "I like a good book"
    lowered = [word.lower() for word in words]
    core = drop_leading(lowered, ARTICLES)  # "the way you ..." leads with "way"
    if not core or core[0] in _REJECT_LEADS:
        return None
    if any(word in CONTEXT_PRONOUNS for word in lowered):
        return None
    return clean(" ".join(words[:_THING_WORDS])) or None


def reads_things(kind: str, *, check_speaker: bool = False) -> Reader:
    def read(match: re.Match[str], text: str) -> list[Finding]:
        if check_speaker and not said_about_self(words_before(text, match.start())):
            return []
        return [(kind, thing) for thing in _things(match["value"])]

    return read


def read_fan(match: re.Match[str], text: str) -> list[Finding]:
    """Fan phrasing: "big fan of jazz" is an interest, "not a fan of cats" a dislike."""
    if not said_about_self(words_before(text, match.start())):
        return []
    kind = "dislikes" if match["neg"] else "interests"
    return [(kind, thing) for thing in _things(match["value"])]


# -- current activities and upcoming events -----------------------------------------------

# "-ing" words after "I'm" that are talk or mood, not an activity or a plan.
_NOT_ACTIVITIES = wordset(
    """saying kidding joking wondering asking thinking feeling hoping trying being dying
    loving hating going getting looking starting gonna"""
)
_NOT_PLANS = _NOT_ACTIVITIES - {"going", "getting", "looking", "starting"}


def _activity(raw: str, *, min_words: int = 1) -> str | None:
    words = split_words(raw)
    lowered = [word.lower() for word in words]
    if len(words) < min_words or not lowered or lowered[0] in _NOT_ACTIVITIES:
        return None
    if any(word in CONTEXT_PRONOUNS for word in lowered):  # "I'm just working on it"
        return None
    return clean(" ".join(words[:8])) or None


def read_activity(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm currently watching Dune", "right now I'm cooking dinner"."""
    activity = _activity(match["value"])
    return [("current_activities", activity)] if activity else []


def read_just_did(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "just got back from the gym", "I just started a new job"."""
    if not said_about_self(words_before(text, match.start()), strict=True):
        return []
    activity = _activity(match["value"], min_words=2)
    return [("current_activities", activity)] if activity else []


_EVENT_DROP = wordset("a an the my our this another")
# A plan cannot start with these ("I have no plans tomorrow") ...
_NOT_EVENT_LEADS = wordset("no nothing lot lots be been some it that this you to")
# ... nor contain these: the lazy match crossed into another clause ("I have a lot of
# work but my exam is tomorrow") or it is about the chat itself.
_NOT_IN_EVENTS = CONTEXT_PRONOUNS | wordset("and but or is are was were about because if when so")
_EVENT_WORDS = 6


def _event(raw: str, time: str, *, keep_lead: bool = False) -> str | None:
    """The plan and its time: "an exam" + "tomorrow" gives "exam tomorrow"."""
    words = split_words(raw)
    if not keep_lead:
        words = drop_leading(drop_leading(words, TO), _EVENT_DROP)
    lowered = [word.lower() for word in words]
    if not words or len(words) > _EVENT_WORDS or lowered[0] in _NOT_EVENT_LEADS:
        return None
    if any(word in _NOT_IN_EVENTS for word in lowered[1:]):
        return None
    return clean(f"{' '.join(words)} {' '.join(time.split())}") or None


def read_event(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I have an exam tomorrow", "going to a concert this weekend", "my birthday is ..."."""
    if not said_about_self(words_before(text, match.start())):
        return []
    event = _event(match["value"], match["time"])
    return [("upcoming_events", event)] if event else []


def read_plan(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm flying to Rome on Friday": the whole plan, verb included."""
    words = split_words(match["value"])
    if not words or words[0].lower() in _NOT_PLANS:
        return []
    event = _event(match["value"], match["time"], keep_lead=True)
    return [("upcoming_events", event)] if event else []
