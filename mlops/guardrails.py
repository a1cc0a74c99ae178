"""Seed 003's LLM guardrails for reply suggestions: clean, truncate, validate.

A suggestion is shown to an operator who may send it with one key, so anything that
would embarrass the persona is dropped here: wording that gives away a machine or a
"technical difficulty", pieces of the system prompt, a call to action when the CTA
decision is NEVER, and the workspace's banned phrases. Given the facts a reply may draw
on (Rules.fact_sources), also anything it invents: see mlops.fact_checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from mlops.fact_checks import FactSources, check_reply, invented_facts

# Phrases a human chatting would never write about themselves.
AI_WORDING = re.compile(
    r"\b(as an ai|an ai\b|ai (?:language )?model|language model|large language|chatbot|"
    r"virtual assistant|i(?:'m| am) an? (?:assistant|bot|program)|openai|chatgpt|llm\b|"
    r"technical (?:difficult|issue|problem)|system error|i (?:cannot|can't) (?:browse|access)|"
    r"my (?:training|programming)|as a persona)",
    re.IGNORECASE,
)
# What a call to action looks like in a DM: links, pages, subscriptions, payments, bookings.
CTA_WORDING = re.compile(
    r"(https?://|www\.|\blink\b|\bsubscribe|\bsub to\b|\bmy page\b|\bcheck out\b|"
    r"\bunlock\b|\bexclusive\b|\bbuy\b|\bpurchase\b|\bpay(?:ment)?\b|\bprice\b|"
    r"\bbook (?:a|the|your)\b|\bdemo call\b|\bsign up\b|\bfree trial\b|\bdiscount\b)",
    re.IGNORECASE,
)
ROLE_PREFIX = re.compile(r"^\s*(?:assistant|persona|reply|response|answer)\s*:\s*", re.IGNORECASE)
SENTENCE = re.compile(r"[^.!?…]+[.!?…]*[\"')\]]*\s*")
# Markdown that a chat app would show literally.
MARKDOWN = re.compile(r"(\*\*|__|`|^#+\s*|^\s*[-*]\s+)", re.MULTILINE)
LEAK_NGRAM = 6  # words: a run this long copied from the system prompt is a leak


@dataclass(frozen=True)
class Rules:
    max_chars: int = 280
    max_sentences: int = 2
    cta_allowed: bool = True
    banned_phrases: tuple[str, ...] = ()
    # The instructions (system prompt and the turn's guidance) the reply must not quote.
    system_prompt: str = ""
    # The persona's own offer (its cta_concept), which counts as a CTA too.
    extra_cta_terms: tuple[str, ...] = field(default=())
    speaker: str = ""
    # What the reply may take facts from (mlops.fact_checks): when given, a reply that
    # invents a name, handle, link, price, date, place or promise is dropped, and one that
    # greets the persona by her own name is repaired where that is safe.
    fact_sources: FactSources | None = None


def clean_response(text: str, speaker: str = "") -> str:
    """One chat line: no quotes around it, no "Mia:" prefix, no markdown, no stray JSON."""
    cleaned = ROLE_PREFIX.sub("", text.strip(), count=1)
    if speaker and cleaned.lower().startswith(speaker.lower() + ":"):
        cleaned = cleaned[len(speaker) + 1 :]
    cleaned = MARKDOWN.sub("", cleaned)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) >= 2 and cleaned[0] == cleaned[-1] and cleaned[0] in "\"'“”":
        cleaned = cleaned[1:-1].strip()
    return cleaned.strip("{}[] ").strip()


def truncate_response(text: str, max_chars: int = 280, max_sentences: int = 2) -> str:
    """At most max_sentences sentences and max_chars characters, cut at a word."""
    sentences = [s.strip() for s in SENTENCE.findall(text) if s.strip()]
    if sentences:
        text = " ".join(sentences[:max_sentences])
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;: ") + "…"


def bare_words(text: str) -> list[str]:
    """Lower-case words without punctuation: "mirroring." and "mirroring;" are one word."""
    return re.findall(r"[\w']+", text.lower())


def leaks_prompt(text: str, system_prompt: str) -> bool:
    """True when the reply copies a run of LEAK_NGRAM words from the instructions."""
    if not system_prompt:
        return False
    words = bare_words(text)
    prompt = " ".join(bare_words(system_prompt))
    return any(
        " ".join(words[i : i + LEAK_NGRAM]) in prompt for i in range(len(words) - LEAK_NGRAM + 1)
    )


def mentions_cta(text: str, extra_terms: Iterable[str] = ()) -> bool:
    lowered = text.lower()
    return bool(CTA_WORDING.search(text)) or any(
        term.lower() in lowered for term in extra_terms if term.strip()
    )


def validate_response(text: str, rules: Rules) -> tuple[bool, str]:
    """(True, "") for a sendable reply, or (False, why not)."""
    if not text.strip():
        return False, "empty"
    if AI_WORDING.search(text):
        return False, "AI or technical wording"
    if leaks_prompt(text, rules.system_prompt):
        return False, "repeats the system prompt"
    if not rules.cta_allowed and mentions_cta(text, rules.extra_cta_terms):
        return False, "call to action while the CTA decision is NEVER"
    lowered = text.lower()
    for phrase in rules.banned_phrases:
        if phrase.strip() and phrase.strip().lower() in lowered:
            return False, f"banned phrase: {phrase.strip()}"
    if rules.fact_sources is not None:
        invented = invented_facts(text, rules.fact_sources)
        if invented:
            return False, "; ".join(invented)
    return True, ""


def guard(text: str, rules: Rules) -> tuple[str, str]:
    """Clean, truncate and validate: (reply, "") or ("", the reason it was dropped)."""
    cleaned = clean_response(text, rules.speaker)
    reply = truncate_response(cleaned, rules.max_chars, rules.max_sentences)
    if rules.fact_sources is not None:
        # The one safe repair ("Hi Mia! ..." -> "Hi! ..."); anything else invented is
        # left for validate_response to report, after the checks that come first.
        repaired, _reasons = check_reply(reply, rules.fact_sources)
        reply = repaired or reply
    ok, reason = validate_response(reply, rules)
    return (reply, "") if ok else ("", reason)
