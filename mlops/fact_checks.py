"""Facts a reply draft invents: checked against what the persona and the chat already said.

A small model asked to reply "as Mia" fills the gaps with whatever sounds plausible: it
greets the persona by her own name ("Dear Mia, ..."), has her introduce herself as someone
else ("I'm Emily"), and makes up handles, links, prices, dates, places and offers. An
operator who sends such a draft with one key tells a customer something untrue, so every
drafted option is checked here against FactSources: everything a reply may draw facts
from. Five checks, each giving a short reason:

1. the persona addressed by her own name ("Hi Mia", "Mia, ...", "thanks Mia", ", Mia.");
   introducing herself ("I'm Mia", "it's Mia here") is fine;
2. a person name, @handle, URL, e-mail, price, date, clock time or place that appears
   nowhere in the sources (case-insensitive, on word boundaries);
3. the persona speaking as someone else ("I'm Emily", "my name is Emily", "Emily here");
4. a promise the persona's own material does not make (discount, refund, free things,
   guarantee, meeting in person, a call, a gift, a percentage off);
5. a template slot the model left unfilled ("Dear [Name]").

Only the first has a safe repair: dropping the vocative ("Hi Mia! How are you?" ->
"Hi! How are you?"); any other finding drops the draft (check_reply).

Names and places are found without an NER model: capitalised words that are not common
English words (mlops.common_words learns which are, offline); the patterns for dates,
prices, links, promises and greetings are in mlops.fact_patterns.

Pure functions over plain values: nothing here reads the database.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mlops.common_words import (
    CURLY_APOSTROPHE,
    SENTENCE_BREAK,
    TOKEN,
    common_words,
    count_words,
    is_common,
)
from mlops.fact_patterns import (
    DATE,
    DEMONYM,
    DURATION,
    EMAIL,
    GREETING,
    HANDLE,
    INTRODUCES,
    MONTHS,
    MOTION,
    NAME_HERE,
    NORM_WORD,
    PLACE_BEFORE,
    PLACE_WORDS,
    PLACEHOLDER,
    PRICE,
    PROMISES,
    SIGN_OFF,
    SPEAKS_AS,
    URL,
    WEEKDAYS,
)
from mlops.prompts import PromptInputs

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FactSources:
    """What a reply may take facts from, as plain text.

    persona_name: the persona's name ("Mia").
    known_text: everything a reply may draw facts from, joined: the persona's profile
        values, her knowledge chunks retrieved for this message, her common phrases, the
        contact's name and facts, earlier conversations' memories, the recent turns and the
        message being answered. Names, handles, links, prices, dates and places are checked
        against it.
    offer_text: what the persona herself says and offers (her profile values, phrases and
        knowledge, the campaign's context): the only text that can allow a promise. The
        contact's words never do: "any discount?" does not make a discount.
    """

    persona_name: str
    known_text: str
    offer_text: str = ""
    known: str = field(init=False, repr=False, compare=False)
    offers: str = field(init=False, repr=False, compare=False)
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Normalised once: " word word " so that a phrase is found on word boundaries.
        object.__setattr__(self, "known", normalised(f"{self.persona_name} {self.known_text}"))
        object.__setattr__(self, "offers", normalised(self.offer_text))
        # Words the sources capitalise mid-sentence: names even when they are also words
        # ("my dog Max", "Grace"), so "I'm Max" is someone else speaking.
        object.__setattr__(self, "names", capitalised_mid_sentence(self.known_text))

    def knows(self, phrase: str) -> bool:
        words = normalised(phrase)
        return words.strip() != "" and words in self.known

    def offers_any(self, terms: str) -> bool:
        return any(
            normalised(term) in self.offers for term in terms.split("|") if normalised(term).strip()
        )


def sources_from(
    persona_name: str,
    profile: dict[str, str] | None = None,
    phrases: Iterable[str] = (),
    knowledge: Iterable[str] = (),
    contact_name: str = "",
    facts: Iterable[tuple[str, str]] = (),
    memories: Iterable[str] = (),
    history: Iterable[tuple[str, str]] = (),
    last_message: str = "",
    campaign: dict[str, Any] | None = None,
) -> FactSources:
    """FactSources from the same plain values the prompt is built from (PromptInputs)."""
    campaign = campaign or {}
    variables = campaign.get("context_variables") or {}
    own = [
        *(str(value) for value in (profile or {}).values()),
        *phrases,
        *knowledge,
        str(campaign.get("tools_context") or ""),
        str(campaign.get("system_prompt_override") or ""),
        *(f"{key} {value}" for key, value in variables.items()),
    ]
    theirs = [
        contact_name,
        *(f"{kind} {value}" for kind, value in facts),
        *memories,
        *(text for _role, text in history),
        last_message,
    ]
    offer_text = "\n".join(part for part in own if part)
    known_text = "\n".join(part for part in [offer_text, *theirs] if part)
    return FactSources(persona_name, known_text, offer_text)


def sources_for_prompt(inputs: PromptInputs) -> FactSources:
    """FactSources for the reply to the prompt built from these inputs."""
    return sources_from(
        inputs.persona_name,
        profile=inputs.persona_profile,
        phrases=inputs.persona_phrases,
        knowledge=inputs.knowledge,
        contact_name=inputs.contact_name,
        facts=inputs.facts,
        memories=inputs.memories,
        history=inputs.history,
        last_message=inputs.last_message,
        campaign=inputs.campaign,
    )


def normalised(text: str) -> str:
    return " " + " ".join(NORM_WORD.findall(text.lower().replace(CURLY_APOSTROPHE, "'"))) + " "


# -- the checks ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def own_name_patterns(persona_name: str) -> tuple[re.Pattern[str], ...]:
    """(a greeting before the name, the name opening the reply, ", name" closing a clause)."""
    name = re.escape(persona_name.strip())
    if not name:
        return ()
    return (
        re.compile(rf"\b{GREETING}(?:\s+there)?[\s,!.]*\s{name}\b(?!'s)", re.I),
        re.compile(rf"^\W*{name}\s*[,!:]", re.I),
        re.compile(rf",\s*{name}\b(?!'s)\s*(?=[.!?…,]|$|[^\w\s])", re.I),
    )


def addresses_persona(reply: str, persona_name: str) -> bool:
    """The persona greeted or called by her own name, as if she were the one written to;
    introducing herself ("I'm Mia") and signing off ("love, Mia") are not."""
    patterns = own_name_patterns(persona_name)
    if not patterns:
        return False
    greeting, leading, trailing = patterns
    if greeting.search(reply) or leading.search(reply):
        return True
    return any(not SIGN_OFF.search(reply[: match.start()]) for match in trailing.finditer(reply))


def repair_own_name(reply: str, persona_name: str) -> str:
    """The reply without the vocatives that use the persona's own name, where removing
    them leaves the sentence whole: "Hi Mia! How are you?" -> "Hi! How are you?",
    "Mia, how are you?" -> "How are you?", "How was it, Mia?" -> "How was it?"."""
    patterns = own_name_patterns(persona_name)
    if not patterns:
        return reply
    name = re.escape(persona_name.strip())
    text = reply
    leading = re.match(
        rf"^(\W*)({GREETING})(?:\s+there)?[\s,]*\s{name}\b(?!'s)\s*([,!.]*)\s*", text, re.I
    )
    if leading:
        opening, greeting, punctuation = leading.groups()
        rest = text[leading.end() :]
        if greeting.lower() == "dear":
            text = opening + capitalise(rest)
        else:
            if not punctuation and rest[:1].isalnum():
                punctuation = ","  # "Hey Mia how are you" -> "Hey, how are you"
            text = f"{opening}{greeting}{punctuation} {rest}"
    bare = re.match(rf"^(\W*){name}\s*[,!:]+\s*", text, re.I)
    if bare:
        text = bare.group(1) + capitalise(text[bare.end() :])
    original = text

    def drop_vocative(match: re.Match[str]) -> str:
        return match.group() if SIGN_OFF.search(original[: match.start()]) else ""

    text = patterns[2].sub(drop_vocative, text)
    return " ".join(text.split())


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def capitalised_mid_sentence(text: str) -> frozenset[str]:
    found: Counter[str] = Counter()
    count_words(text, Counter(), found)
    return frozenset(found)


def speaks_as_someone_else(
    reply: str, persona_name: str, known_names: frozenset[str] = frozenset()
) -> list[str]:
    """Names the persona gives herself that are not hers: "I'm Emily", "Emily here";
    known_names: lower-case words known to be names although they are words too ("max")."""
    vocabulary = common_words()
    own = persona_name.strip().lower()
    claimed = [m.group(1) for m in SPEAKS_AS.finditer(reply)]
    claimed += [m.group(1) for m in INTRODUCES.finditer(reply)]
    claimed += [m.group(1) for m in NAME_HERE.finditer(reply)]
    found: list[str] = []
    for name in claimed:
        if name.lower() == own or is_date_word(name):
            continue
        if is_common(name, vocabulary) and name.lower() not in known_names:
            continue
        if DEMONYM.search(name):  # "I'm Canadian": a fact about her, left to proper_nouns
            continue
        if name not in found:
            found.append(name)
    return found


def is_date_word(word: str) -> bool:
    return bool(re.fullmatch(rf"(?:{WEEKDAYS})s?|{MONTHS}|may|march", word.lower()))


def proper_nouns(reply: str) -> list[tuple[str, bool]]:
    """Capitalised runs that name someone or somewhere: (the run, looks like a place)."""
    vocabulary = common_words()
    runs: list[list[tuple[str, bool, int, int]]] = []  # (word, sentence-initial, start, end)
    previous_end = 0
    for match in TOKEN.finditer(reply):
        word = match.group()
        gap = reply[previous_end : match.start()]
        initial = previous_end == 0 or bool(SENTENCE_BREAK.search(gap))
        joined = runs and previous_end and gap == " " and runs[-1][-1][3] == previous_end
        previous_end = match.end()
        if not word[0].isupper() or word == "I" or word.split("'")[0] == "I":
            continue
        entry = (word, initial, match.start(), match.end())
        if joined:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    found: list[tuple[str, bool]] = []
    for run in runs:
        # A sentence's first word is capitalised anyway: it starts a name only when it is
        # no common word ("Emily is...", but not "Hello Jake").
        while run and run[0][1] and is_common(run[0][0], vocabulary):
            run = run[1:]
        words = [possessive_base(word) for word, *_ in run]
        words = [w for w in words if not is_date_word(w)]
        if not words:
            continue
        uncommon = [w for w in words if not is_common(w, vocabulary)]
        if not uncommon and len(words) < 2:
            continue  # "Happy", "Love": emphasis, not a name
        if all(w.isupper() for w in words) and not uncommon:
            continue  # "OMG LOL"
        before = [w.lower() for w in reply[: run[0][2]].split() if w.lower() != "the"][-2:]
        place = (
            bool(before and before[-1] in PLACE_BEFORE)
            or (len(before) == 2 and before[1] == "to" and before[0] in MOTION)
            or any(w.lower() in PLACE_WORDS for w in words)
        )
        found.append((" ".join(words), place))
    return found


def possessive_base(word: str) -> str:
    return re.sub(r"'s$", "", word)


def invented_facts(reply: str, sources: FactSources) -> list[str]:
    """Why the reply invents something, one short reason per finding; [] when clean."""
    reply = reply.replace(CURLY_APOSTROPHE, "'")
    reasons: list[str] = []
    persona = sources.persona_name.strip()
    if persona and addresses_persona(reply, persona):
        reasons.append("addresses the persona by her own name")
    others = speaks_as_someone_else(reply, persona, sources.names)
    reasons += [f"speaks as someone else ({name})" for name in others]
    reasons += [f"unfilled placeholder {m.group()}" for m in PLACEHOLDER.finditer(reply)]
    text = PLACEHOLDER.sub(" ", reply)
    for match in EMAIL.finditer(text):
        if not sources.knows(match.group()):
            reasons.append(f"invented e-mail {match.group()}")
    text = EMAIL.sub(" ", text)
    for match in URL.finditer(text):
        address = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(), flags=re.I).rstrip(".,/")
        if not sources.knows(address):
            reasons.append(f"invented URL {match.group().rstrip('.,')}")
    text = URL.sub(" ", text)
    for match in HANDLE.finditer(text):
        handle = match.group(1).rstrip(".")
        if not sources.knows(handle):
            reasons.append(f"invented handle @{handle}")
    text = HANDLE.sub(" ", text)
    for match in PRICE.finditer(text):
        amount = match.group().strip()
        digits = re.findall(r"\d+(?:[.,]\d+)*", amount)
        value = digits[0].replace(",", "") if digits else amount
        if not sources.knows(value):
            reasons.append(f"invented price {amount}")
    text = PRICE.sub(" ", text)
    for match in DATE.finditer(text):
        phrase = match.group().strip()
        if not sources.knows(date_core(phrase)):
            reasons.append(f"invented date {phrase.rstrip('.')}")
    skip = {name.lower() for name in others} | {persona.lower()}
    for name, place in proper_nouns(text):
        if name.lower() in skip or sources.knows(name) or all_parts_known(name, sources):
            continue
        reasons.append(f"invented {'place' if place else 'name'} {name}")
    for pattern, label, allowed_by in PROMISES:
        for match in pattern.finditer(reply):
            said = " ".join(match.group().lower().split())
            if sources.offers_any(allowed_by or re.sub(DURATION, "", said)):
                continue
            reason = f"promise not in the profile: {label or said}"
            if reason not in reasons:
                reasons.append(reason)
    return unique(reasons)


def date_core(phrase: str) -> str:
    """The part of a date that must be known: the weekday or month itself ("this Friday" is
    fine when the persona posts "every Friday"), else the whole phrase."""
    named = re.search(rf"(?:{WEEKDAYS}|{MONTHS}|may|march)", phrase, re.I)
    if named and not re.search(r"\d", phrase):
        return named.group()
    return phrase


def all_parts_known(name: str, sources: FactSources) -> bool:
    """A run whose uncommon words are all known: "Barton Springs Park" when "Barton
    Springs" is in the knowledge, "Jake Miller" is not when only "Jake" is."""
    vocabulary = common_words()
    uncommon = [w for w in name.split() if not is_common(w, vocabulary)]
    return bool(uncommon) and all(sources.knows(w) for w in uncommon)


def unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def check_reply(reply: str, sources: FactSources) -> tuple[str, list[str]]:
    """(the reply, repaired where that is safe, or "" when it must be dropped; the reasons
    found in the draft). Only an own-name vocative is repaired; any other invented fact
    drops the reply."""
    reasons = invented_facts(reply, sources)
    if not reasons:
        return reply, []
    if reasons == ["addresses the persona by her own name"]:
        repaired = repair_own_name(reply, sources.persona_name)
        if (
            repaired
            and any(c.isalnum() for c in repaired)
            and not invented_facts(repaired, sources)
        ):
            return repaired, reasons
    return "", reasons
