"""Model-level rules: sequence numbers, unique constraints, decisions, API keys, settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from conversations import decisions, ingestion
from conversations.models import (
    Conversation,
    Message,
    OperatorDecision,
    Suggestion,
    SuggestionSet,
)
from core.models import ApiKey, hash_api_key
from dashboard.env import database_from_url, env_bool, env_int, env_list
from personas.models import Persona

ROOT = Path(__file__).resolve().parent.parent
Action = OperatorDecision.Action


def inbound(
    external_id: str = "msg-1",
    contact: str = "contact-1",
    channel: str = "api",
    persona: str = "Mia",
    text: str = "hey there",
) -> ingestion.InboundMessage:
    return ingestion.InboundMessage(
        channel=channel,
        external_id=external_id,
        contact_external_id=contact,
        contact_name="Sam",
        persona=persona,
        text=text,
    )


@pytest.fixture
def conversation(workspace, persona) -> Conversation:
    result = ingestion.ingest(workspace, inbound())
    return Conversation.objects.get(pk=result.conversation_id)


def make_suggestions(conversation: Conversation, *texts: str) -> list[Suggestion]:
    message = conversation.messages.latest("seq")
    suggestion_set = SuggestionSet.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        message=message,
        request_key=f"test:{secrets.token_hex(8)}",
        journey_state=conversation.journey_state,
        model_version="test-model",
        prompt_version="test-prompt",
    )
    return [
        Suggestion.objects.create(
            suggestion_set=suggestion_set,
            position=position,
            text=text,
            theme="warm",
            descriptor="friendly",
            confidence=0.9,
            model_version="test-model",
            prompt_version="test-prompt",
        )
        for position, text in enumerate(texts)
    ]


# Sequence numbers


@pytest.mark.django_db
def test_ingest_numbers_each_conversation_without_gaps(workspace, persona):
    Persona.objects.create(workspace=workspace, name="Zoe")
    seqs: dict[int, list[int]] = {}
    for n, (contact, name) in enumerate(
        [("a", "Mia"), ("b", "Mia"), ("a", "Mia"), ("a", "Zoe"), ("b", "Mia"), ("a", "Mia")]
    ):
        result = ingestion.ingest(workspace, inbound(f"m{n}", contact=contact, persona=name))
        seqs.setdefault(result.conversation_id, []).append(result.seq)

    assert sorted(seqs.values()) == [[1], [1, 2], [1, 2, 3]]
    for conversation in Conversation.objects.all():
        stored = list(conversation.messages.values_list("seq", flat=True))
        assert stored == list(range(1, len(stored) + 1))
        assert conversation.last_seq == len(stored)


@pytest.mark.django_db
def test_ingest_continues_the_sequence_after_an_operator_reply(conversation, operator):
    decisions.send_reply(conversation, operator, "hi Sam")
    result = ingestion.ingest(conversation.workspace, inbound("msg-2"))

    assert result.seq == 3
    assert list(conversation.messages.values_list("seq", "direction")) == [
        (1, "in"),
        (2, "out"),
        (3, "in"),
    ]


@pytest.mark.django_db
def test_ingest_returns_the_stored_message_for_a_duplicate(conversation):
    again = ingestion.ingest(conversation.workspace, inbound(text="a different text"))

    assert again.duplicate is True
    assert again.seq == 1
    assert Message.objects.get().text == "hey there"


@pytest.mark.django_db
def test_ingest_refuses_an_unknown_persona(workspace, persona):
    with pytest.raises(ingestion.UnknownPersona, match="Nobody"):
        ingestion.ingest(workspace, inbound(persona="Nobody"))

    assert Message.objects.count() == 0
    assert Conversation.objects.count() == 0


@pytest.mark.django_db
def test_a_message_after_a_conversation_ended_starts_a_new_one(conversation):
    Conversation.objects.filter(pk=conversation.pk).update(
        status=Conversation.Status.CLOSED, outcome="success"
    )

    result = ingestion.ingest(conversation.workspace, inbound("msg-2"))

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED  # its outcome stands
    fresh = Conversation.objects.get(pk=result.conversation_id)
    assert fresh.pk != conversation.pk
    assert (fresh.contact, fresh.persona, result.seq) == (
        conversation.contact,
        conversation.persona,
        1,
    )
    assert fresh.journey_state == fresh.playbook.spec.entry


# Database constraints


def create_message(
    conversation: Conversation,
    seq: int,
    external_id: str | None,
    channel: str = "api",
    workspace=None,
) -> Message:
    return Message.objects.create(
        workspace=workspace or conversation.workspace,
        conversation=conversation,
        seq=seq,
        direction=Message.Direction.IN,
        author_kind=Message.AuthorKind.CONTACT,
        text="hello",
        channel=channel,
        external_id=external_id,
        delivery=Message.Delivery.RECEIVED,
    )


@pytest.mark.django_db
def test_two_messages_cannot_share_a_sequence_number(conversation):
    with pytest.raises(IntegrityError), transaction.atomic():
        create_message(conversation, seq=1, external_id="other-id")


@pytest.mark.django_db
def test_an_external_id_is_unique_per_workspace_and_channel(conversation):
    with pytest.raises(IntegrityError), transaction.atomic():
        create_message(conversation, seq=2, external_id="msg-1")


@pytest.mark.django_db
def test_the_same_external_id_is_fine_on_another_channel(conversation):
    create_message(conversation, seq=2, external_id="msg-1", channel="whatsapp")

    assert Message.objects.filter(external_id="msg-1").count() == 2


@pytest.mark.django_db
def test_the_same_external_id_is_fine_in_another_workspace(conversation, other_workspace):
    Persona.objects.create(workspace=other_workspace, name="Mia")

    result = ingestion.ingest(other_workspace, inbound())

    assert result.duplicate is False
    assert Message.objects.filter(external_id="msg-1").count() == 2


@pytest.mark.django_db
def test_messages_without_external_id_do_not_collide(conversation):
    create_message(conversation, seq=2, external_id=None)
    create_message(conversation, seq=3, external_id=None)

    assert conversation.messages.filter(external_id__isnull=True).count() == 2


# Edit distance and decisions


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),
        ("sitting", "kitten", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("", "", 0),
        ("same text", "same text", 0),
        ("flaw", "lawn", 2),
        ("omg stop it", "omg stop it!!", 2),
        ("abc", "acb", 2),
    ],
)
def test_edit_distance_is_levenshtein(a, b, distance):
    assert decisions.edit_distance(a, b) == distance


@pytest.mark.django_db
def test_sending_a_suggestion_unchanged_is_an_accept(conversation, operator):
    (suggestion,) = make_suggestions(conversation, "omg stop it")

    decision = decisions.send_reply(conversation, operator, "omg stop it", suggestion.pk)

    assert decision.action == Action.ACCEPT
    assert decision.edit_distance == 0
    assert decision.suggestion == suggestion
    assert decision.suggestion_set == suggestion.suggestion_set
    assert decision.shown_text == decision.final_text == "omg stop it"
    assert decision.operator == operator
    sent = decision.sent_message
    assert sent is not None
    assert sent.text == "omg stop it"
    assert sent.direction == Message.Direction.OUT
    assert sent.author == operator
    assert sent.delivery == Message.Delivery.PENDING
    assert sent.seq == 2


@pytest.mark.django_db
def test_only_whitespace_changes_still_count_as_an_accept(conversation, operator):
    (suggestion,) = make_suggestions(conversation, "omg stop it")

    decision = decisions.send_reply(conversation, operator, "  omg   stop it \n", suggestion.pk)

    assert decision.action == Action.ACCEPT
    assert decision.final_text == "omg stop it"


@pytest.mark.django_db
def test_sending_a_changed_suggestion_is_an_edit_with_its_distance(conversation, operator):
    (suggestion,) = make_suggestions(conversation, "omg stop it")

    decision = decisions.send_reply(conversation, operator, "omg stop it!!", suggestion.pk)

    assert decision.action == Action.EDIT
    assert decision.edit_distance == 2
    assert decision.shown_text == "omg stop it"
    assert decision.final_text == "omg stop it!!"


@pytest.mark.django_db
def test_a_reply_without_suggestion_is_manual(conversation, operator):
    decision = decisions.send_reply(conversation, operator, "hi Sam")

    assert decision.action == Action.MANUAL
    assert decision.edit_distance is None
    assert decision.suggestion is None
    assert decision.shown_text == ""
    assert decision.final_text == "hi Sam"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_an_empty_reply_is_refused(conversation, operator, text):
    with pytest.raises(decisions.DecisionError, match="empty"):
        decisions.send_reply(conversation, operator, text)

    assert conversation.messages.count() == 1
    assert OperatorDecision.objects.count() == 0


@pytest.mark.django_db
def test_an_oversize_reply_is_refused(conversation, operator, settings):
    with pytest.raises(decisions.DecisionError, match="longer"):
        decisions.send_reply(conversation, operator, "x" * (settings.MESSAGE_MAX_CHARS + 1))

    assert conversation.messages.count() == 1


@pytest.mark.django_db
def test_rejecting_records_the_reason(conversation, operator):
    (suggestion,) = make_suggestions(conversation, "omg stop it")

    decision = decisions.reject_suggestion(conversation, operator, suggestion.pk, " Wrong tone ")

    assert decision.action == Action.REJECT
    assert decision.reason == "Wrong tone"
    assert decision.shown_text == "omg stop it"
    assert decision.sent_message is None
    assert conversation.messages.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_requires_a_reason(conversation, operator, reason):
    (suggestion,) = make_suggestions(conversation, "omg stop it")

    with pytest.raises(decisions.DecisionError, match="why"):
        decisions.reject_suggestion(conversation, operator, suggestion.pk, reason)

    assert OperatorDecision.objects.count() == 0


@pytest.fixture
def foreign_suggestion(workspace, persona) -> Suggestion:
    """A suggestion for a different conversation (another contact) of the same workspace."""
    result = ingestion.ingest(workspace, inbound("msg-x", contact="contact-2"))
    (suggestion,) = make_suggestions(Conversation.objects.get(pk=result.conversation_id), "hi")
    return suggestion


@pytest.mark.django_db
def test_a_suggestion_of_another_conversation_cannot_be_sent(
    conversation, operator, foreign_suggestion
):
    with pytest.raises(decisions.DecisionError, match="does not belong"):
        decisions.send_reply(conversation, operator, "hi", foreign_suggestion.pk)

    assert conversation.messages.count() == 1
    assert OperatorDecision.objects.count() == 0


@pytest.mark.django_db
def test_a_suggestion_of_another_conversation_cannot_be_rejected(
    conversation, operator, foreign_suggestion
):
    with pytest.raises(decisions.DecisionError, match="does not belong"):
        decisions.reject_suggestion(conversation, operator, foreign_suggestion.pk, "Wrong tone")

    assert OperatorDecision.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_suggestion_id_is_refused(conversation, operator):
    with pytest.raises(decisions.DecisionError):
        decisions.send_reply(conversation, operator, "hi", suggestion_id=999_999)


# API keys


@pytest.mark.django_db
def test_an_issued_key_is_stored_only_as_its_hash(workspace):
    raw = ApiKey.issue(workspace, "connector")

    key = ApiKey.objects.get()
    assert key.key_hash == hash_api_key(raw)
    assert raw.startswith(key.prefix)
    for field in ApiKey._meta.concrete_fields:
        assert raw not in str(getattr(key, field.attname)), field.name


@pytest.mark.django_db
def test_workspace_for_finds_the_workspace_of_a_live_key(workspace, other_workspace):
    raw = ApiKey.issue(workspace, "connector")
    other_raw = ApiKey.issue(other_workspace, "connector")

    assert ApiKey.objects.workspace_for(raw) == workspace
    assert ApiKey.objects.workspace_for(other_raw) == other_workspace
    assert ApiKey.objects.workspace_for("od_unknown") is None
    assert ApiKey.objects.workspace_for(raw[:-1]) is None


@pytest.mark.django_db
def test_workspace_for_ignores_a_revoked_key(workspace):
    raw = ApiKey.issue(workspace, "connector")
    ApiKey.objects.update(revoked=True)

    assert ApiKey.objects.workspace_for(raw) is None


@pytest.mark.django_db
def test_issue_keeps_a_given_raw_key(workspace):
    assert ApiKey.issue(workspace, "fixed", raw_key="od_fixed-value") == "od_fixed-value"
    assert ApiKey.objects.workspace_for("od_fixed-value") == workspace


# Settings readers


@pytest.mark.parametrize("value", ["maybe", "2", "yess"])
def test_env_bool_refuses_a_non_boolean(monkeypatch, value):
    monkeypatch.setenv("X", value)

    with pytest.raises(ImproperlyConfigured, match="X="):
        env_bool("X", False)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("X", value)

    assert env_bool("X", not expected) is expected


def test_env_bool_falls_back_to_the_default(monkeypatch):
    monkeypatch.delenv("X", raising=False)

    assert env_bool("X", True) is True


@pytest.mark.parametrize("value", ["abc", "1.5", ""])
def test_env_int_refuses_a_non_integer(monkeypatch, value):
    monkeypatch.setenv("X", value)

    with pytest.raises(ImproperlyConfigured, match="X="):
        env_int("X", 5)


def test_env_int_refuses_a_value_below_the_minimum(monkeypatch):
    monkeypatch.setenv("X", "0")

    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X", 5, minimum=1)


def test_env_int_reads_a_number(monkeypatch):
    monkeypatch.setenv("X", "42")

    assert env_int("X", 5, minimum=1) == 42


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X", " a.example, b.example ,,")

    assert env_list("X", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(
    "url", ["mysql://user:pw@localhost/db", "sqlite:///db.sqlite3", "postgresql://host"]
)
def test_database_from_url_refuses_what_is_not_a_postgres_database(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_database_from_url_reads_a_socket_url():
    parsed = database_from_url("postgresql://bob:p%40ss@/shop?host=/run/pg")

    assert parsed["NAME"] == "shop"
    assert parsed["USER"] == "bob"
    assert parsed["PASSWORD"] == "p@ss"
    assert parsed["HOST"] == "/run/pg"


def test_database_from_url_reads_a_tcp_url():
    parsed = database_from_url("postgres://bob@db.internal:6543/shop")

    assert (parsed["HOST"], parsed["PORT"], parsed["NAME"]) == ("db.internal", "6543", "shop")


# Production settings


def start_django(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process with DEBUG off and the given variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        DEBUG="0",
        DATABASE_URL="postgresql://dashboard@db.example/dashboard",
        REDIS_URL="redis://redis.example:6379/0",
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD_KEY = secrets.token_urlsafe(36)  # 48 characters


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param(None, id="unset"),
        pytest.param("short", id="short"),
        pytest.param("x" * 31, id="31 characters"),
        pytest.param("insecure-" + "x" * 40, id="development key"),
    ],
)
def test_production_refuses_an_unsafe_secret_key(secret_key):
    env = {"ALLOWED_HOSTS": "dash.example.com"}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key

    result = start_django(**env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "hosts", [pytest.param(None, id="unset"), pytest.param("", id="empty"), "*", "a.example,*"]
)
def test_production_refuses_missing_or_wildcard_allowed_hosts(hosts):
    env = {"SECRET_KEY": GOOD_KEY}
    if hosts is not None:
        env["ALLOWED_HOSTS"] = hosts

    result = start_django(**env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_safe_values():
    result = start_django(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="dash.example.com")

    assert result.returncode == 0, result.stderr


def test_a_typo_in_a_setting_stops_start_up():
    result = start_django(
        SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="dash.example.com", MESSAGE_MAX_CHARS="4k"
    )

    assert result.returncode != 0
    assert "MESSAGE_MAX_CHARS" in result.stderr
