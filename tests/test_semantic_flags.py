"""Semantic red flags: a pattern also matches messages close in meaning to its examples,
with the example shown as the evidence; ordinary chat stays unflagged."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape

from conversations import risk
from conversations.models import Conversation, Message, RedFlagPattern
from core.models import ApiKey
from mlops import bad_actor, semantic_flags
from tests.conftest import receive

PARAPHRASE = "before I pay, send me your bank account and routing number so I can deposit"
CHITCHAT = ["hey how was your weekend", "I paid with my card yesterday at the store"]
# A workspace's own phrasing of time-wasting: a rival studying the prices.
RIVAL_EXAMPLES = [
    "I run a page like yours, just checking what you charge",
    "not buying, only researching your prices for my own account",
    "I'm a creator too, want to see how you price your sets",
]
RIVAL_PARAPHRASE = "just scoping out your prices for my own page"


def detect(api, messages: list[str]) -> dict:
    body = {"conversation_id": "c-1", "messages": [{"content": m} for m in messages]}
    response = api.post("/api/sales/detect-bad-actor", body, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def semantic_flag(flags: list[dict], name: str) -> dict:
    [flag] = [f for f in flags if f["pattern_name"] == name]
    assert flag["match"] == "semantic"
    return flag


def builtin_examples(name: str) -> tuple[str, ...]:
    return next(r.examples for r in bad_actor.default_rules() if r.pattern_name == name)


# -- the detector ------------------------------------------------------------------------


def test_the_paraphrase_regex_misses_is_caught_with_its_evidence():
    regex_only = tuple(
        bad_actor.RedFlagRule(r.pattern_name, r.category, r.severity, r.weight, r.pattern)
        for r in bad_actor.default_rules()
    )
    assert bad_actor.detect_bad_actor([PARAPHRASE], regex_only).scam_risk == 0

    report = bad_actor.detect_bad_actor([PARAPHRASE])

    assert report.scam_risk >= 0.7
    assert report.should_block
    flag = next(f for f in report.red_flags if f.category == "scam")
    assert flag.match == "semantic"
    assert flag.matched_text == PARAPHRASE
    assert flag.example in builtin_examples(flag.pattern_name)
    assert flag.similarity is not None and flag.similarity >= semantic_flags.THRESHOLD
    assert flag.example in flag.evidence


def test_ordinary_chat_is_not_flagged():
    report = bad_actor.detect_bad_actor(CHITCHAT)
    assert report.red_flags == []
    assert report.combined_risk == 0
    assert not report.should_block


def test_the_regex_path_still_matches_first():
    report = bad_actor.detect_bad_actor(["send me your routing number"])
    [flag] = [f for f in report.red_flags if f.pattern_name == "bank_details_request"]
    assert (flag.match, flag.matched_text) == ("regex", "send me your routing number")
    assert flag.similarity is None
    assert report.scam_risk == 1.0


def test_stored_vectors_are_used_as_they_are(monkeypatch):
    vectors = semantic_flags.message_matrix([*CHITCHAT, PARAPHRASE])
    semantic_flags.example_matrices([r.examples for r in bad_actor.default_rules()])

    def no_embedding(texts):
        raise AssertionError(f"embedded again: {texts}")

    monkeypatch.setattr(semantic_flags, "embed", no_embedding)
    report = bad_actor.detect_bad_actor([*CHITCHAT, PARAPHRASE], None, list(vectors))
    assert report.scam_risk >= 0.7


def test_examples_are_embedded_once_per_content(monkeypatch):
    calls: list[list[str]] = []
    real = semantic_flags.embed

    def counting(texts):
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(semantic_flags, "embed", counting)
    fresh = ("an example nobody has embedded yet", "and its sibling")
    semantic_flags.example_matrices([fresh])
    semantic_flags.example_matrices([fresh])
    semantic_flags.example_matrices([(*fresh, "edited")])
    assert calls == [list(fresh), [*fresh, "edited"]]


def test_a_faint_match_counts_for_less_and_does_not_block_alone():
    assert semantic_flags.weight_share(semantic_flags.THRESHOLD) == semantic_flags.WEAK_SHARE
    assert semantic_flags.weight_share(semantic_flags.FULL_AT) == 1.0
    faint = bad_actor.RedFlag("x", "t", "CRITICAL", 0.3, "scam", "semantic", "e", 0.55)
    strong = bad_actor.RedFlag("x", "t", "CRITICAL", 1.0, "scam", "semantic", "e", 0.75)
    assert bad_actor.weak(faint)
    assert not bad_actor.weak(strong)


def test_examples_are_checked_like_the_rest_of_a_rule():
    rule = bad_actor.RedFlagRule("x", "scam", "HIGH", 0.5, "x", ("", "fine"))
    assert bad_actor.rule_problems(rule) == ["each example must be 1 to 300 characters"]
    assert bad_actor.rule_problems(bad_actor.RedFlagRule("x", "scam", "HIGH", 0.5, "x")) == []


def test_every_builtin_pattern_has_examples():
    for rule in bad_actor.default_rules():
        assert 8 <= len(rule.examples) <= 15, rule.pattern_name
        assert not bad_actor.rule_problems(rule)


# -- the product -------------------------------------------------------------------------


@pytest.mark.django_db
def test_builtins_carry_their_examples(workspace):
    row = RedFlagPattern.objects.get(workspace=None, pattern_name="bank_details_request")
    assert tuple(row.examples) == builtin_examples("bank_details_request")
    assert row.as_rule().examples == builtin_examples("bank_details_request")


@pytest.mark.django_db
def test_a_workspace_copy_rejects_examples_that_are_not_a_list(workspace):
    builtin = RedFlagPattern.objects.get(workspace=None, pattern_name="begging")
    copy = RedFlagPattern(
        workspace=workspace,
        pattern_name="begging",
        category=builtin.category,
        severity=builtin.severity,
        weight=builtin.weight,
        pattern=builtin.pattern,
        examples="please",
    )
    with pytest.raises(ValidationError, match="examples must be a list"):
        copy.full_clean()


@pytest.mark.django_db
def test_the_api_scores_the_paraphrase_with_the_example_as_evidence(api):
    body = detect(api, ["hi there", PARAPHRASE])

    assert body["scam_risk"] >= 0.7
    assert body["should_block"] is True
    flag = next(f for f in body["red_flags"] if f["category"] == "scam")
    assert flag["match"] == "semantic"
    assert flag["matched_text"] == PARAPHRASE
    assert flag["example"] in builtin_examples(flag["pattern_name"])
    assert flag["similarity"] >= semantic_flags.THRESHOLD
    assert flag["example"] in flag["evidence"]


@pytest.mark.django_db
def test_the_api_leaves_ordinary_chat_alone(api):
    body = detect(api, CHITCHAT)
    assert body["red_flags"] == []
    assert body["combined_risk"] == 0


@pytest.mark.django_db
def test_the_api_still_refuses_bad_input(api):
    response = api.post(
        "/api/sales/detect-bad-actor",
        {"conversation_id": "c", "messages": []},
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
def test_the_pipeline_scores_the_paraphrase_on_the_stored_embedding(
    workspace, persona, monkeypatch
):
    message = receive(workspace, PARAPHRASE, "m-1")

    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert Message.objects.get(pk=message.pk).embedding is not None
    assert conversation.risk["scam_risk"] >= 0.7
    flag = next(f for f in conversation.risk["red_flags"] if f["category"] == "scam")
    assert (flag["match"], flag["matched_text"]) == ("semantic", PARAPHRASE)
    assert flag["example"] in builtin_examples(flag["pattern_name"])

    def no_embedding(texts):
        raise AssertionError(f"embedded again: {texts}")

    monkeypatch.setattr(semantic_flags, "embed", no_embedding)
    assert risk.assess(conversation)["scam_risk"] >= 0.7  # the message's own vector


@pytest.mark.django_db
def test_the_pipeline_leaves_ordinary_chat_alone(workspace, persona):
    for n, text in enumerate(CHITCHAT):
        message = receive(workspace, text, f"m-{n}")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.risk["red_flags"] == []


@pytest.mark.django_db
def test_a_workspace_copy_with_its_own_examples_is_its_own(api, workspace, other_workspace):
    builtin = RedFlagPattern.objects.get(workspace=None, pattern_name="just_chatting")
    assert detect(api, [RIVAL_PARAPHRASE])["red_flags"] == []
    RedFlagPattern.objects.create(
        workspace=workspace,
        pattern_name="just_chatting",
        category=builtin.category,
        severity=builtin.severity,
        weight=builtin.weight,
        pattern=builtin.pattern,
        examples=[*builtin.examples, *RIVAL_EXAMPLES],
    )

    flag = semantic_flag(detect(api, [RIVAL_PARAPHRASE])["red_flags"], "just_chatting")
    assert flag["example"] in RIVAL_EXAMPLES

    other = Client(headers={"X-API-Key": ApiKey.issue(other_workspace, "other")})
    assert detect(other, [RIVAL_PARAPHRASE])["red_flags"] == []


@pytest.mark.django_db
def test_the_conversation_page_shows_the_evidence_and_which_matches_are_faint(
    operator_client, workspace, persona
):
    message = receive(workspace, PARAPHRASE, "m-1")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    flag = next(f for f in conversation.risk["red_flags"] if f["category"] == "scam")

    def shown_flag() -> str:
        page = operator_client.get(f"/w/acme/c/{conversation.pk}/").content.decode()
        [item] = re.findall(rf'<li data-flag="{flag["pattern_name"]}".*?</li>', page, re.S)
        return item

    item = shown_flag()
    assert "by meaning" in item and escape(flag["example"]) in item
    assert "data-faint" not in item and "(faint)" not in item

    # The same likeness at the threshold only: it counted faintly, and the page says so.
    faint = {**flag, "similarity": semantic_flags.THRESHOLD}
    Conversation.objects.filter(pk=conversation.pk).update(risk={"red_flags": [faint]})
    item = shown_flag()
    assert "data-faint" in item and "(faint)" in item
