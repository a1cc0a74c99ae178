"""The bootstrap intent corpus (mlops.intent_corpus): pure Python, no database."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from mlops import intent_corpus
from mlops.intent_corpus import (
    AFTER,
    BEFORE,
    CHITCHAT_MAX_CHARS,
    CORPUS_VERSION,
    INTENTS,
    PRECEDENCE,
    SHORT_CORE_WORDS,
    chitchat_conversations,
    chitchat_other,
    chitchat_split,
    dedup_key,
    generate,
    join,
    phrases,
    usable_chitchat,
)

PER_INTENT = 120

# The examples of docs/intents.md, each written under the intent the doc gives it.
DOC_EXAMPLES = {
    "yes": ("sure", "sounds good", "not a bad idea, sign me up", "ok tell me more", "yes please"),
    "no": ("definitely not", "no thanks, not for me", "Nope. Not interested.", "I'll pass", "nah"),
    "uncertain": ("maybe", "not sure yet", "let me think about it", "idk honestly"),
    "objection": ("that's too expensive", "how do I know this isn't a scam", "others charge half"),
    "price": ("how much?", "any discount?"),
    "callback": ("catch me later this week?", "call me back tomorrow", "busy now, text me tonight"),
    "request_human": (
        "get me a human please",
        "connect me with a representative",
        "is this a bot?",
    ),
    "greeting": ("hey!", "good morning", "hi there :)"),
    "confirmed": ("just paid", "sent the money", "booked it", "deal, I'll take it"),
    "goodbye": ("gotta go, bye", "talk soon", "good night!"),
    "other": ("what did you do today?", "I love hiking", "lol that's funny"),
}
# Polarity pairs: the same words, opposite intents.
POLARITY = {
    "yes": (
        "not a bad idea",
        "wouldn't say no",
        "can't wait to try it",
        "no doubt, I'm in",
        "wouldn't mind",
        "not opposed",
        "I'm not saying no",
        "no way I'm missing this",
    ),
    "no": (
        "definitely not",
        "not for me",
        "not interested",
        "I don't think so",
        "absolutely not",
        "not happening",
        "I'd rather not",
        "can't see it happening",
    ),
    "uncertain": ("not sure", "I don't know yet", "not convinced either way"),
    "other": ("no way that's so funny", "yes the weather was great today"),
}
NEGATION = re.compile(r"\b(not|no|never|nothing)\b|n'?t\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return generate(per_intent=PER_INTENT, seed=7)


def core_keys(intent: str) -> set[str]:
    return {dedup_key(core) for core in phrases(intent)}


def test_version_and_intents_follow_the_doc() -> None:
    assert CORPUS_VERSION == "intent-bootstrap-v1"
    assert INTENTS == (
        "yes",
        "no",
        "uncertain",
        "objection",
        "price",
        "callback",
        "request_human",
        "greeting",
        "confirmed",
        "goodbye",
        "other",
    )
    assert sorted(PRECEDENCE) == sorted(INTENTS)


def test_generate_is_deterministic_for_a_seed() -> None:
    assert generate(per_intent=60, seed=3) == generate(per_intent=60, seed=3)
    assert generate(per_intent=60, seed=3) != generate(per_intent=60, seed=4)


def test_every_intent_gets_per_intent_rows(rows: list[dict[str, Any]]) -> None:
    assert Counter(row["intent"] for row in rows) == dict.fromkeys(INTENTS, PER_INTENT)


def test_rows_have_the_documented_fields(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        # A templated row names its core phrasing, so cross-validation keeps them together.
        fields = {"text", "intent", "source", "register"}
        assert set(row) == (fields | {"core"} if row["source"] == "bootstrap" else fields)
        assert row["text"].strip() == row["text"] and row["text"]
        assert row["register"]
        assert row["source"] == "bootstrap" or (row["source"], row["intent"]) == (
            "chitchat",
            "other",
        )


def test_other_is_half_templated_half_chitchat(rows: list[dict[str, Any]]) -> None:
    sources = Counter(row["source"] for row in rows if row["intent"] == "other")
    assert sources == {"bootstrap": PER_INTENT // 2, "chitchat": PER_INTENT // 2}


def test_no_text_twice_ignoring_case(rows: list[dict[str, Any]]) -> None:
    keys = [dedup_key(row["text"]) for row in rows]
    assert len(keys) == len(set(keys))


def test_the_default_corpus_is_full_and_distinct() -> None:
    corpus = generate()
    assert Counter(row["intent"] for row in corpus) == dict.fromkeys(INTENTS, 800)
    assert len({row["text"].casefold() for row in corpus}) == len(corpus)


def test_each_intent_has_many_distinct_cores() -> None:
    for intent in INTENTS:
        assert len(core_keys(intent)) >= 60, intent


def test_the_default_corpus_draws_every_core(monkeypatch) -> None:
    """The generator cycles through the cores, so none is written and never used."""
    drawn: dict[str, set[str]] = {intent: set() for intent in INTENTS}
    compose = intent_corpus.compose

    def recording(intent: str, core: str, register: str, rng) -> str:
        drawn[intent].add(core)
        return compose(intent, core, register, rng)

    monkeypatch.setattr(intent_corpus, "compose", recording)
    generate()
    for intent in INTENTS:
        assert drawn[intent] == set(phrases(intent)), intent


def test_short_replies_stay_short(rows: list[dict[str, Any]]) -> None:
    """Short cores ("bet", "no ty", "👍") are often sent alone, so many rows stay short."""
    for intent in ("yes", "no", "uncertain", "greeting", "goodbye"):
        short = [
            row
            for row in rows
            if row["intent"] == intent and len(row["text"].split()) <= SHORT_CORE_WORDS
        ]
        assert len(short) >= PER_INTENT // 5, intent


def test_emoji_only_replies_are_cores() -> None:
    letters = re.compile(r"[a-zA-Z]")
    for intent in ("yes", "no", "greeting", "goodbye", "other"):
        assert any(not letters.search(core) for core in phrases(intent)), intent


def test_no_core_is_written_under_two_intents() -> None:
    for first in INTENTS:
        for second in INTENTS[INTENTS.index(first) + 1 :]:
            assert not core_keys(first) & core_keys(second), (first, second)


def test_the_doc_examples_are_cores_of_their_intent() -> None:
    for intent, examples in DOC_EXAMPLES.items():
        for example in examples:
            assert dedup_key(example) in core_keys(intent), (intent, example)


def test_second_clauses_rank_below_the_core() -> None:
    """A row that joins two intents is labelled by the core, so the other must rank lower."""
    for table in (BEFORE, AFTER):
        for intent, seconds in table.items():
            for second in seconds:
                assert PRECEDENCE.index(second) > PRECEDENCE.index(intent), (intent, second)


def test_join_does_not_double_punctuation() -> None:
    assert join("sounds good", "call me tomorrow", " but ") == "sounds good but call me tomorrow"
    assert join("hey!", "how much for a custom vid?", ", ") == "hey! how much for a custom vid?"
    assert join("how much?", "call me later", ", but ") == "how much? but call me later"


def test_negation_pairs_are_in_the_cores() -> None:
    for intent, examples in POLARITY.items():
        for example in examples:
            assert dedup_key(example) in core_keys(intent), (intent, example)


def test_negated_rows_appear_under_each_polarity(rows: list[dict[str, Any]]) -> None:
    negated = Counter(row["intent"] for row in rows if NEGATION.search(row["text"]))
    for intent in ("yes", "no", "uncertain", "objection", "other"):
        assert negated[intent] >= PER_INTENT // 10, intent
    yes_words = re.compile(r"^\W*(yes|yeah|no|nope|nah)\b", re.IGNORECASE)
    assert any(yes_words.search(row["text"]) for row in rows if row["intent"] == "other")


def test_chitchat_split_is_stable_and_about_seventy_thirty() -> None:
    assert chitchat_split("a07edb12-6b91-4138-b11e-02421888d699") == "train"
    assert chitchat_split("58a21226-302d-4d83-a7f8-8e6ade072c84") == "heldout"
    sides = Counter(chitchat_split(f"conversation-{n}") for n in range(4000))
    assert 0.67 < sides["train"] / 4000 < 0.73
    assert set(sides) == {"train", "heldout"}


def test_chitchat_lines_come_from_train_conversations_only() -> None:
    conversations = chitchat_conversations()
    assert conversations
    assert all(chitchat_split(key) == "train" for key, _ in conversations)
    lines = {line for _, chat in conversations for line in chat}
    sample = chitchat_other(200, seed=0)
    assert len(sample) == 200
    assert all(row["text"] in lines for row in sample)
    assert all(len(row["text"]) <= CHITCHAT_MAX_CHARS for row in sample)
    assert all(usable_chitchat(row["text"]) for row in sample)


def test_chitchat_sample_is_deterministic_and_extends() -> None:
    assert chitchat_other(120, seed=1) == chitchat_other(120, seed=1)
    assert chitchat_other(120, seed=1)[:40] == chitchat_other(40, seed=1)
    assert chitchat_other(40, seed=1) != chitchat_other(40, seed=2)


@pytest.mark.parametrize(
    "line",
    ["hi, how are you?", "How much is it?", "call me tomorrow", "Yes", "nope", "Bye!", "umm"],
)
def test_chitchat_filter_drops_lines_that_may_carry_an_intent(line: str) -> None:
    assert not usable_chitchat(line)


def test_chitchat_filter_keeps_small_talk() -> None:
    assert usable_chitchat("I love Marvel movies.")
    assert not usable_chitchat("I love Marvel movies. " * 10)  # too long
