"""Seed 003's guardrails, strict parsing of model output, the prompt's order, the cache key
and the circuit breaker (on the real Redis of the test run)."""

from __future__ import annotations

import json

import pytest
import redis
from django.conf import settings

from mlops.guardrails import Rules, clean_response, guard, truncate_response, validate_response
from mlops.llm import GenerationParams
from mlops.llm_replies import (
    UNRANKED,
    CircuitBreaker,
    CompletionFn,
    cache_key,
    generate_options,
    parse_option,
    quality_score,
)
from mlops.prompts import REPLY_SCHEMA, PromptInputs, build_messages, system_prompt

# -- clean, truncate, validate -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('"Hey you! How was your day?"', "Hey you! How was your day?"),
        ("Assistant: hi there", "hi there"),
        ("Mia: omg stop it 😂", "omg stop it 😂"),
        ("**so** `nice`\n\n  to   meet you", "so nice to meet you"),
        ("# Title\n- item one", "Title item one"),
    ],
)
def test_clean_response(raw, clean):
    assert clean_response(raw, speaker="Mia") == clean


def test_truncate_keeps_max_sentences_and_cuts_at_a_word():
    text = "First one. Second one! Third one? Fourth."
    assert truncate_response(text, 280, 2) == "First one. Second one!"
    assert truncate_response(text, 280, 3) == "First one. Second one! Third one?"
    long = "word " * 100
    cut = truncate_response(long, 50, 2)
    assert len(cut) <= 50 and cut.endswith("…") and "wor…" not in cut


@pytest.mark.parametrize(
    "reply",
    [
        "As an AI, I can't meet you",
        "I'm an assistant, but happy to chat",
        "Sorry, we're having technical difficulties right now",
        "That's my programming talking lol",
        "I am a language model trained to help",
    ],
)
def test_ai_and_technical_wording_is_refused(reply):
    ok, reason = validate_response(reply, Rules())
    assert not ok and reason == "AI or technical wording"


def test_no_cta_when_the_decision_is_never_but_fine_otherwise():
    never = Rules(cta_allowed=False, extra_cta_terms=("exclusive photo set",))
    for reply in (
        "Check out my page babe",
        "here's the link: https://x.example/me",
        "want my exclusive photo set?",
        "you can subscribe for more",
    ):
        assert validate_response(reply, never) == (
            False,
            "call to action while the CTA decision is NEVER",
        )
        assert validate_response(reply, Rules(cta_allowed=True))[0]
    assert validate_response("how was your day?", never) == (True, "")


def test_banned_phrases_and_prompt_leaks_are_refused():
    rules = Rules(
        banned_phrases=("guaranteed", "  "),
        system_prompt="You are Mia, chatting in private messages. Never mention being an AI.",
    )
    assert validate_response("It's GUARANTEED to work", rules) == (
        False,
        "banned phrase: guaranteed",
    )
    leaked = "ok so you are mia, chatting in private messages. never mention"
    assert validate_response(leaked, rules) == (False, "repeats the system prompt")
    assert validate_response("I'm Mia, nice to meet you", rules) == (True, "")


def test_guard_cleans_truncates_and_validates_in_one_go():
    rules = Rules(max_sentences=1, speaker="Mia")
    assert guard('Mia: "Hi there. How are you?"', rules) == ("Hi there.", "")
    assert guard("   ", rules) == ("", "empty")


# -- strict parsing --------------------------------------------------------------------


def test_parse_option_accepts_exactly_the_schema():
    good = {"text": "hey!", "theme": "warm", "descriptor": "Friendly"}
    assert parse_option(json.dumps(good)) == good
    assert parse_option(json.dumps(good), themes=("casual",)) is None
    for broken in (
        "not json",
        "[]",
        json.dumps({**good, "text": " "}),
        json.dumps({**good, "theme": "sarcastic"}),
        json.dumps({**good, "text": "..."}),
        json.dumps({k: v for k, v in good.items() if k != "descriptor"}),
    ):
        assert parse_option(broken) is None, broken


class Answers:
    """The model's side of one exchange, written out: what it answered, nothing else."""

    name, default_model = "answers", "answers"

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def complete(self, messages, params, timeout) -> list[str]:
        return self.texts


def test_a_confidence_the_model_writes_about_itself_is_never_kept():
    # The prompt asks for none; one written anyway does not become the option's confidence,
    # which the reply ranker computes later.
    raw = json.dumps({"text": "hey!", "theme": "warm", "descriptor": "x", "confidence": 0.99})
    assert parse_option(raw) == {"text": "hey!", "theme": "warm", "descriptor": "x"}
    assert "confidence" not in json.dumps(REPLY_SCHEMA)
    complete = CompletionFn(Answers([raw]), None, timeout=1, use_cache=False)
    generated = generate_options(complete, [], GenerationParams(), Rules(), "hi", count=1)
    assert [option.confidence for option in generated.options] == [UNRANKED]


def test_quality_score_counts_the_checks_passed():
    assert quality_score("Sounds great, tell me more", "Sounds great, tell me more", "hey") == 1.0
    # truncated by the guardrails and parroting the customer
    assert (
        quality_score("do you like cats", "do you like cats? and dogs?", "do you like cats") < 0.5
    )


# -- prompt order (prefix caching) and cache keys -----------------------------------------


def inputs(**overrides) -> PromptInputs:
    base = {
        "persona_name": "Mia",
        "persona_profile": {"city": "Austin", "cta_concept": "photo set"},
        "persona_phrases": ["omg stop it"],
        "campaign": {"compliance_text": "Be kind.", "language": "en", "max_sentences": 2},
        "journey_state": "deepening",
        "cta_decision": "NEVER",
        "facts": [("occupation", "nurse")],
        "knowledge": ["I have a cat called Biscuit."],
        "history": [("user", "hi"), ("assistant", "hey you")],
        "last_message": "what's new?",
    }
    return PromptInputs(**{**base, **overrides})


def test_the_system_message_is_the_same_across_turns_of_a_persona():
    one = build_messages(inputs())
    two = build_messages(
        inputs(journey_state="cta", cta_decision="NOW", last_message="ok tell me", facts=[])
    )
    assert one[0] == two[0]  # identical prefix: vLLM's prefix cache hits
    assert one[1] != two[1]
    system = one[0]["content"]
    assert "Mia" in system and "Austin" in system and "omg stop it" in system
    assert "Be kind." in system and "theme (one of: warm" in system


def test_the_turn_message_carries_phase_cta_facts_knowledge_and_history():
    turn = build_messages(inputs())[1]["content"]
    assert "deepening" in turn
    assert "Make no offer at all" in turn  # CTA NEVER
    assert "occupation: nurse" in turn
    assert "Biscuit" in turn
    assert "Them: hi" in turn and "You: hey you" in turn
    assert turn.rstrip().endswith("Write your reply.")
    now = build_messages(inputs(cta_decision="NOW"))[1]["content"]
    assert "photo set" in now


def test_a_campaign_system_prompt_override_replaces_the_persona_description():
    system = system_prompt(
        inputs(campaign={"system_prompt_override": "You are Alex from Northwind."})
    )
    assert system.startswith("You are Alex from Northwind.")
    assert "Austin" not in system


def test_cache_key_is_deterministic_and_covers_the_sampling_parameters():
    messages = build_messages(inputs())
    params = GenerationParams(max_tokens=100, temperature=0.7, top_p=0.9, repeat_penalty=1.1)
    key = cache_key(messages, params, "1:Mia")
    assert key == cache_key(messages, params, "1:Mia")
    assert key.startswith("llm:cache:1:Mia:")
    for changed in (
        GenerationParams(max_tokens=101, temperature=0.7, top_p=0.9, repeat_penalty=1.1),
        GenerationParams(max_tokens=100, temperature=0.8, top_p=0.9, repeat_penalty=1.1),
        GenerationParams(max_tokens=100, temperature=0.7, top_p=0.8, repeat_penalty=1.1),
        GenerationParams(max_tokens=100, temperature=0.7, top_p=0.9, repeat_penalty=1.2),
    ):
        assert cache_key(messages, changed, "1:Mia") != key
    assert cache_key(build_messages(inputs(last_message="other")), params, "1:Mia") != key


def test_deterministic_mode_is_temperature_zero_with_a_fixed_seed():
    params = GenerationParams(temperature=0.9).deterministic()
    assert (params.temperature, params.seed) == (0.0, 42)


# -- circuit breaker -------------------------------------------------------------------


@pytest.fixture
def breaker() -> CircuitBreaker:
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("circuit:test:failures", "circuit:test:open", "circuit:test:tripped")
    return CircuitBreaker(client, name="test", threshold=3, window=60, cooldown=1)


def test_the_circuit_opens_after_threshold_failures_and_closes_after_cooldown(breaker):
    assert breaker.allows()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allows()
    breaker.record_failure()
    assert breaker.is_open()
    breaker.client.delete(breaker.open_key)  # the cooldown has passed
    assert breaker.allows()
    breaker.record_failure()  # the trial call failed: open again at once
    assert breaker.is_open()


def test_a_success_resets_the_count(breaker):
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allows()


def test_a_cache_time_of_zero_turns_the_cache_off_instead_of_failing_every_draft():
    client = redis.Redis.from_url(settings.REDIS_URL)
    raw = json.dumps({"text": "hey!", "theme": "warm", "descriptor": "x"})
    complete = CompletionFn(
        Answers([raw]), client, timeout=1, namespace="no-cache", ttl_seconds=0, use_cache=False
    )
    assert complete([], GenerationParams()) == ([raw], False)
    assert not list(client.scan_iter(match="*no-cache*"))
