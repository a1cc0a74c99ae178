"""Perception in the product: the ml stage on stored messages, risk policy, the seed 002
endpoints, and what operators and managers see."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import pipeline
from conversations.models import Conversation, ModerationAction, RedFlagPattern
from core.models import Role
from tests.conftest import make_user, receive

pytestmark = pytest.mark.django_db

SCAMMER_LINES = [
    "hello dear, I have a business proposal",
    "my bank doesn't allow venmo",
    "can you send me your bank details so I can pay",
]


def test_every_inbound_message_is_perceived_and_timed(workspace, persona):
    message = receive(workspace, "Hey, can you call me ASAP? It's urgent!", "m-1")

    analysis = message.analysis
    assert {"sentiment", "emotions", "sarcasm", "context", "guidance", "triage"} <= set(analysis)
    assert analysis["triage"]["priority"] in ("urgent", "time-sensitive")
    for stage in ("sentiment_ms", "emotion_ms", "sarcasm_ms", "perceive_ms", "risk_steer_ms"):
        assert analysis["timings"][stage] >= 0
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.priority == analysis["triage"]["priority"]
    assert conversation.risk["red_flags"] == []


def test_context_reads_the_contacts_earlier_messages(workspace, persona):
    for n, text in enumerate(["I love this, amazing!", "so happy with it", "great stuff"]):
        receive(workspace, text, f"m-{n}")
    message = receive(workspace, "this is terrible, I hate how slow it is", "m-9")

    assert message.analysis["context"]["label"] == "declining"
    assert message.analysis["context"]["trend"] < 0


def test_scammer_is_flagged_and_muted_by_policy(workspace, persona):
    workspace.risk_policy, workspace.risk_threshold = "mute", 0.7
    workspace.save()
    for n, text in enumerate(SCAMMER_LINES):
        message = receive(workspace, text, f"s-{n}")

    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.risk["should_block"]
    assert conversation.moderation == "muted"
    action = ModerationAction.objects.get(conversation=conversation)
    assert (action.action, action.actor) == ("mute", None)
    assert "HIGH RISK" in action.reason
    assert pipeline.suggest(message, "auto:test") is None  # no drafts for a muted contact


def test_policy_off_only_flags(workspace, persona):
    for n, text in enumerate(SCAMMER_LINES):
        message = receive(workspace, text, f"s-{n}")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.risk["should_block"]
    assert conversation.moderation == "none"


def test_a_manager_restores_and_the_policy_does_not_mute_again(workspace, persona):
    workspace.risk_policy = "block"
    workspace.save()
    message = receive(workspace, SCAMMER_LINES[1], "s-1")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.moderation == "blocked"
    manager = Client()
    manager.force_login(make_user("maya", workspace, Role.MANAGER))

    response = manager.post(
        f"/w/acme/c/{conversation.pk}/moderation/",
        {"action": "restore", "reason": "known customer"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.moderation == "none"
    restore = ModerationAction.objects.select_related("actor").get(action="restore")
    assert restore.actor is not None
    assert (restore.actor.username, restore.reason) == ("maya", "known customer")
    receive(workspace, SCAMMER_LINES[2], "s-2")
    assert Conversation.objects.get(pk=conversation.pk).moderation == "none"


def test_an_operator_cannot_moderate(operator_client, workspace, persona):
    message = receive(workspace, "hi", "m-1")
    response = operator_client.post(
        f"/w/acme/c/{message.conversation_id}/moderation/", {"action": "mute"}
    )
    assert response.status_code == 403
    assert not ModerationAction.objects.exists()


def test_patterns_are_data_a_workspace_can_switch_off(workspace, persona):
    builtin = RedFlagPattern.objects.get(workspace=None, pattern_name="echeck_bank_excuse")
    RedFlagPattern.objects.create(
        workspace=workspace,
        pattern_name=builtin.pattern_name,
        category=builtin.category,
        severity=builtin.severity,
        weight=builtin.weight,
        pattern=builtin.pattern,
        active=False,
    )
    message = receive(workspace, "my bank doesn't allow venmo", "s-1")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert "echeck_bank_excuse" not in [f["pattern_name"] for f in conversation.risk["red_flags"]]


def test_conversation_page_shows_badges_risk_and_trend(operator_client, workspace, persona):
    receive(workspace, "I love it!", "m-1")
    message = receive(workspace, "Oh great, another delayed shipment. Just what I needed.", "m-2")
    receive(workspace, SCAMMER_LINES[1], "m-3")

    page = operator_client.get(f"/w/acme/c/{message.conversation_id}/").content.decode()

    assert "data-sarcasm" in page
    assert 'data-flag="echeck_bank_excuse"' in page
    assert 'data-trend="3"' in page
    assert "data-guidance" in page


def test_inbox_sorts_and_filters_by_priority(operator_client, workspace, persona):
    calm = receive(workspace, "hey there", "m-1", contact="calm")
    urgent = receive(workspace, "URGENT: call me ASAP, emergency!", "m-2", contact="urgent")
    receive(workspace, "hi again", "m-3", contact="calm")  # calm is now the most recent

    by_priority = operator_client.get("/w/acme/?sort=priority").content.decode()
    only_urgent = operator_client.get("/w/acme/?priority=urgent").content.decode()

    urgent_row = f'data-conversation-id="{urgent.conversation_id}"'
    calm_row = f'data-conversation-id="{calm.conversation_id}"'
    assert by_priority.index(urgent_row) < by_priority.index(calm_row)
    assert urgent_row in only_urgent and calm_row not in only_urgent


# -- seed 002 endpoints --------------------------------------------------------------------


def post(api, url: str, body: dict):
    return api.post(url, body, content_type="application/json")


def test_triage_endpoint_answers_the_seed_example(api):
    response = post(
        api,
        "/api/triage",
        {
            "message": "Hey, can you call me ASAP? It's urgent!",
            "contact_classification": "friend",
            "message_id": "msg-123",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["priority"], body["message_id"], body["is_urgent"]) == ("urgent", "msg-123", True)
    assert set(body) >= {
        "urgency_score",
        "adjusted_urgency",
        "intent",
        "emotional_tone",
        "topic",
        "suggested_response_style",
        "suggested_response_time",
        "confidence_overall",
        "raw_message",
        "needs_action",
        "is_positive",
        "is_negative",
    }


def test_batch_triage_is_sorted_by_urgency(api):
    response = post(
        api,
        "/api/triage/batch",
        {
            "messages": [
                {"message": "Hey!", "contact_classification": "friend"},
                {"message": "URGENT: Server is down!", "contact_classification": "work"},
            ]
        },
    )
    body = response.json()
    assert body["total"] == 2
    assert body["results"][0]["raw_message"] == "URGENT: Server is down!"
    urgencies = [r["adjusted_urgency"] for r in body["results"]]
    assert urgencies == sorted(urgencies, reverse=True)


def test_bad_actor_endpoint_answers_the_seed_example(api):
    response = post(
        api,
        "/api/sales/detect-bad-actor",
        {
            "conversation_id": "conv-123",
            "messages": [
                {"role": "user", "content": "Hey beautiful", "direction": "incoming"},
                {"role": "assistant", "content": "Hey there!", "direction": "outgoing"},
                {"role": "user", "content": "my bank doesn't allow venmo"},
            ],
        },
    )
    body = response.json()
    assert body["conversation_id"] == "conv-123"
    assert body["should_block"] is True
    flag = next(f for f in body["red_flags"] if f["category"] == "payment_scam")
    assert flag == {
        "pattern_name": "echeck_bank_excuse",
        "matched_text": "my bank doesn't allow venmo",
        "severity": "HIGH",
        "weight": 0.9,
        "category": "payment_scam",
    }
    assert set(body) == {
        "conversation_id",
        "freeloader_score",
        "scam_risk",
        "time_waste_score",
        "combined_risk",
        "red_flags",
        "recommendation",
        "should_block",
    }


def test_outgoing_messages_are_not_scored(api):
    response = post(
        api,
        "/api/sales/detect-bad-actor",
        {
            "conversation_id": "c",
            "messages": [{"role": "assistant", "content": "send me your bank details"}],
        },
    )
    assert response.json()["red_flags"] == []


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/triage", {}, "message"),
        ("/api/triage", {"message": ""}, "message"),
        (
            "/api/triage",
            {"message": "hi", "contact_classification": "boss"},
            "contact_classification",
        ),
        ("/api/triage/batch", {"messages": []}, "messages"),
        ("/api/triage/batch", {"messages": [{"message": "x"}] * 101}, "messages"),
        ("/api/sales/detect-bad-actor", {"messages": [{"content": "x"}]}, "conversation_id"),
        ("/api/sales/detect-bad-actor", {"conversation_id": "c", "messages": []}, "messages"),
        (
            "/api/sales/detect-bad-actor",
            {"conversation_id": "c", "messages": [{"role": "robot", "content": "x"}]},
            "role",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(api, url, body, field):
    response = post(api, url, body)
    assert response.status_code == 422
    assert field in response.json()["detail"]


def test_analysis_endpoints_need_a_key(client):
    assert client.post("/api/triage", {"message": "hi"}, "application/json").status_code == 401
