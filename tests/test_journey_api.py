"""Journeys with the database: seed 001's conversation API, stored playbooks, campaign
prompt settings, operator overrides and steering of ingested messages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conversations import builtin_playbooks, ingestion, journeys, messages, steering
from conversations.models import Conversation, Message, PhaseOverride, Playbook, Turn
from personas.models import Campaign, Persona

pytestmark = pytest.mark.django_db

JSON = "application/json"


def start(api: Client, **body):
    body.setdefault("user_id", "user123")
    body.setdefault("initial_message", "Hi, interested in your services")
    return api.post("/api/conversations", body, content_type=JSON)


def say(api: Client, conversation_id: int, text: str, **extra):
    return api.post(
        f"/api/conversations/{conversation_id}/transition",
        {"user_message": text, **extra},
        content_type=JSON,
    )


def without_bot_message(body: dict) -> dict:
    """The transition's answer less its reply (tests/test_seed_contracts.py checks it)."""
    assert body.pop("bot_message") and body.pop("bot_message_source")
    return body


def report(api: Client, conversation_id: int) -> dict:
    response = api.get(f"/api/conversations/{conversation_id}")
    assert response.status_code == 200
    return response.json()


# -- seed 001: the conversation API -------------------------------------------------------------


def test_starting_a_conversation_answers_201_in_the_sales_entry_state(api, persona):
    response = start(api)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"conversation_id", "state"}
    assert isinstance(body["conversation_id"], int)
    assert body["state"] == "initial_contact"

    conversation = Conversation.objects.get(pk=body["conversation_id"])
    assert conversation.playbook.slug == "sales-7"
    assert conversation.playbook.is_builtin
    assert conversation.persona == persona
    assert conversation.contact.external_id == "user123"
    assert [m.text for m in conversation.messages.all()] == ["Hi, interested in your services"]


def test_the_seed_walk_reaches_price_negotiation_on_a_pricing_question(api, persona):
    conversation_id = start(api).json()["conversation_id"]
    walk = [
        ("Yes, I'd love to hear more", "initial_contact", "interest_qualification", "yes"),
        ("Sure, scaling is my challenge", "interest_qualification", "value_proposition", "yes"),
    ]
    for text, before, after, intent in walk:
        response = say(api, conversation_id, text, user_name="John")
        assert response.status_code == 200
        assert without_bot_message(response.json()) == {
            "conversation_id": conversation_id,
            "state": after,
            "previous_state": before,
            "intent": intent,
        }

    response = say(api, conversation_id, "Tell me about pricing", user_name="John")

    assert response.status_code == 200
    assert without_bot_message(response.json()) == {
        "conversation_id": conversation_id,
        "state": "price_negotiation",
        "previous_state": "value_proposition",
        "intent": "price",
    }
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.journey_state == "price_negotiation"
    assert conversation.contact.display_name == "John"
    assert conversation.messages.count() == 4


def test_get_reports_state_history_counters_and_no_outcome_while_open(api, persona):
    conversation_id = start(api).json()["conversation_id"]
    say(api, conversation_id, "Yes please")
    say(api, conversation_id, "that's too expensive")

    body = report(api, conversation_id)

    assert body["conversation_id"] == conversation_id
    assert body["playbook"] == "sales-7"
    assert body["state"] == "interest_qualification"
    assert body["status"] == "open"
    assert body["outcome"] is None
    assert body["counters"] == {
        "turns": 3,
        "objections": 1,
        "ctas_introduced": 0,
        "llm_errors": 0,
        "callback_requested": False,
        "user_confirmed": False,
    }
    history = body["history"]
    assert [entry["kind"] for entry in history] == ["turn", "turn", "turn"]
    # The opener is answered in the entry state whatever it is read as.
    assert history[0]["user_message"] == "Hi, interested in your services"
    assert history[0]["state_before"] == history[0]["state_after"] == "initial_contact"
    assert [
        (e["user_message"], e["state_before"], e["state_after"], e["intent"]["intent"])
        for e in history
    ][1:] == [
        ("Yes please", "initial_contact", "interest_qualification", "yes"),
        ("that's too expensive", "interest_qualification", "interest_qualification", "objection"),
    ]
    assert [entry["seq"] for entry in history] == [1, 2, 3]
    assert history[1]["trigger"] == "yes"
    assert history[2]["trigger"] == ""
    # The model's reading is stored with its probabilities and computed confidence.
    reading = history[2]["intent"]
    assert reading["probabilities"]["objection"] == reading["confidence"] > 0.5


def test_the_opening_message_never_moves_the_conversation(api, persona):
    body = start(api, initial_message="I just paid, let's do it").json()

    assert body["state"] == "initial_contact"
    assert report(api, body["conversation_id"])["counters"]["user_confirmed"] is True


def test_each_start_opens_a_new_conversation_even_for_a_known_user(api, persona):
    first = start(api).json()["conversation_id"]
    second = start(api).json()["conversation_id"]

    assert first != second
    assert Conversation.objects.filter(contact__external_id="user123").count() == 2


def test_a_call_outcome_conversation_ends_on_a_callback_request(api, persona):
    conversation_id = start(api, playbook="call-outcome", initial_message="Hello?").json()[
        "conversation_id"
    ]

    first = say(api, conversation_id, "yes")
    second = say(api, conversation_id, "can you call me back later")

    assert first.json()["state"] == "QUALIFICATION"
    assert second.status_code == 200
    assert without_bot_message(second.json()) == {
        "conversation_id": conversation_id,
        "state": "GOODBYE",
        "previous_state": "QUALIFICATION",
        "intent": "callback",
    }
    body = report(api, conversation_id)
    assert body["state"] == "GOODBYE"
    assert body["status"] == "closed"
    assert body["outcome"] == "callback_requested"
    assert body["outcome_reason"]
    assert body["counters"]["callback_requested"] is True
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.ended_at is not None


def test_an_ended_conversation_refuses_further_messages_with_409(api, persona):
    conversation_id = start(api, playbook="call-outcome").json()["conversation_id"]
    say(api, conversation_id, "I want to speak to a manager")
    messages, turns = Message.objects.count(), Turn.objects.count()

    response = say(api, conversation_id, "hello again")

    assert response.status_code == 409
    assert "ended" in response.json()["detail"]
    assert "transfer_to_human" in response.json()["detail"]
    assert (Message.objects.count(), Turn.objects.count()) == (messages, turns)
    assert report(api, conversation_id)["state"] == "TRANSFER"


@pytest.mark.parametrize("method", ["get", "transition"])
def test_an_unknown_conversation_is_404(api, persona, method):
    conversation_id = start(api).json()["conversation_id"] + 1000

    if method == "get":
        response = api.get(f"/api/conversations/{conversation_id}")
    else:
        response = say(api, conversation_id, "hello")

    assert response.status_code == 404
    assert Message.objects.count() == 1


def test_another_workspaces_conversation_is_404(api, other_workspace):
    Persona.objects.create(workspace=other_workspace, name="Max")
    theirs = ingestion.start_conversation(other_workspace, "u-9", "Zoe", "hello", "sales-7")

    got = api.get(f"/api/conversations/{theirs.pk}")
    moved = say(api, theirs.pk, "yes")

    assert got.status_code == 404
    assert moved.status_code == 404
    assert theirs.messages.count() == 1
    theirs.refresh_from_db()
    assert theirs.journey_state == "initial_contact"


@pytest.mark.parametrize(
    "body", [{}, {"user_message": ""}, {"user_message": None}, {"user_name": "John"}]
)
def test_a_transition_without_a_user_message_is_422_naming_the_field(api, persona, body):
    conversation_id = start(api).json()["conversation_id"]

    response = api.post(f"/api/conversations/{conversation_id}/transition", body, content_type=JSON)

    assert response.status_code == 422
    assert "user_message" in response.json()["detail"]
    assert Message.objects.count() == 1


@pytest.mark.parametrize("missing", ["user_id", "initial_message"])
def test_starting_without_a_required_field_is_422_naming_it(api, persona, missing):
    body = {"user_id": "user123", "initial_message": "hi"}
    del body[missing]

    response = api.post("/api/conversations", body, content_type=JSON)

    assert response.status_code == 422
    assert missing in response.json()["detail"]
    assert Conversation.objects.count() == 0


def test_an_unknown_playbook_is_422_naming_playbook(api, persona):
    response = start(api, playbook="does-not-exist")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("playbook:")
    assert "does-not-exist" in response.json()["detail"]
    assert Conversation.objects.count() == 0


def test_an_unknown_persona_is_422_naming_persona(api, persona):
    response = start(api, persona="Nobody")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("persona:")


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": "user\x00"},
        {"initial_message": "hi\x00"},
        {"playbook": "sales-7\x00"},
        {"persona": "Mia\x00"},
        {"user_name": "\x00"},
    ],
    ids=lambda body: next(iter(body)),
)
def test_nul_character_bug_in_a_new_conversation_is_a_422_not_a_500(api, persona, body):
    # Found by tests/test_api_fuzz.py: PostgreSQL text cannot hold NUL (U+0000).
    response = start(api, **body)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{next(iter(body))}: ")
    assert Conversation.objects.count() == 0


def test_nul_character_bug_in_a_transition_is_a_422_not_a_500(api, persona):
    conversation_id = start(api).json()["conversation_id"]
    turns = Turn.objects.filter(conversation_id=conversation_id).count()

    response = say(api, conversation_id, "how much\x00")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("user_message: ")
    assert Turn.objects.filter(conversation_id=conversation_id).count() == turns


def test_the_conversation_api_needs_an_api_key(api, persona):
    conversation_id = start(api).json()["conversation_id"]
    anonymous = Client()
    wrong_key = Client(headers={"X-API-Key": "not-a-key"})

    for client in (anonymous, wrong_key):
        assert start(client).status_code == 401
        assert client.get(f"/api/conversations/{conversation_id}").status_code == 401
        assert say(client, conversation_id, "yes").status_code == 401
    assert Message.objects.count() == 1


# -- built-in and user-written playbooks ----------------------------------------------------------


def test_the_built_in_playbooks_are_in_the_database_after_migrate():
    builtins = Playbook.objects.filter(workspace__isnull=True)

    assert sorted(builtins.values_list("slug", flat=True)) == [
        "call-outcome",
        "creator-dm",
        "sales-7",
    ]
    for playbook in builtins:
        path = builtin_playbooks.PLAYBOOK_DIR / f"{playbook.slug}.yaml"
        assert playbook.definition == journeys.load_document(path.read_text())
        assert playbook.is_builtin


@pytest.mark.parametrize(
    ("slug", "entry", "text", "after"),
    [
        ("call-outcome", "GREETING", "yeah sounds good", "QUALIFICATION"),
        ("creator-dm", "rapport_building", "I like hiking", "deepening"),
        ("sales-7", "initial_contact", "how much is it?", "interest_qualification"),
    ],
)
def test_a_conversation_runs_under_each_built_in_playbook(api, persona, slug, entry, text, after):
    started = start(api, playbook=slug)
    conversation_id = started.json()["conversation_id"]

    moved = say(api, conversation_id, text)

    assert started.status_code == 201
    assert started.json()["state"] == entry
    assert moved.status_code == 200
    assert (moved.json()["previous_state"], moved.json()["state"]) == (entry, after)
    assert report(api, conversation_id)["playbook"] == slug


CUSTOM_PLAYBOOK = """{
  "slug": "vip-checkin",
  "name": "VIP check-in",
  "entry": "ask",
  "limits": {"max_turns": 5, "max_objections": 2},
  "states": {
    "ask": {"goal": "Ask how the last order went."},
    "offer": {"goal": "Offer the VIP upgrade.", "cta": true},
    "done": {"goal": "Thank them.", "terminal": true, "outcome": "computed"}
  },
  "transitions": [
    {"from": "ask", "on": ["yes", "greeting"], "to": "offer"},
    {"from": "offer", "on": ["confirmed"], "to": "done"},
    {"from": "*", "on": ["goodbye", "max_turns", "max_objections"], "to": "done"}
  ]
}"""


def custom_playbook(workspace, text: str = CUSTOM_PLAYBOOK) -> Playbook:
    document = journeys.load_document(text, "json")
    return Playbook(
        workspace=workspace, slug=document["slug"], name=document["name"], definition=document
    )


def test_a_user_written_json_playbook_runs_through_the_api(api, workspace, persona):
    playbook = custom_playbook(workspace)
    playbook.full_clean()
    playbook.save()

    conversation_id = start(api, playbook="vip-checkin", initial_message="hi!").json()[
        "conversation_id"
    ]
    states = [say(api, conversation_id, text).json()["state"] for text in ("yes", "I just paid")]

    assert report(api, conversation_id)["playbook"] == "vip-checkin"
    assert states == ["offer", "done"]
    body = report(api, conversation_id)
    assert body["status"] == "closed"
    assert body["outcome"] == "success"
    assert Conversation.objects.get(pk=conversation_id).playbook == playbook


def test_a_user_written_playbook_ends_on_its_own_turn_limit(api, workspace, persona):
    playbook = custom_playbook(workspace)
    playbook.full_clean()
    playbook.save()
    conversation_id = start(api, playbook="vip-checkin", initial_message="hmm").json()[
        "conversation_id"
    ]

    for text in ("hmm", "the weather", "whatever", "lol"):
        say(api, conversation_id, text)

    body = report(api, conversation_id)
    assert body["counters"]["turns"] == 5
    assert body["state"] == "done"
    assert body["outcome"] == "max_turns_reached"


def test_another_workspaces_playbook_cannot_be_used(api, persona, other_workspace):
    custom_playbook(other_workspace).save()

    response = start(api, playbook="vip-checkin")

    assert response.status_code == 422
    assert "playbook" in response.json()["detail"]


def test_a_workspace_playbook_wins_over_a_built_in_of_the_same_slug(api, workspace, persona):
    own = custom_playbook(workspace, CUSTOM_PLAYBOOK.replace("vip-checkin", "sales-7"))
    own.full_clean()
    own.save()

    body = start(api).json()

    assert body["state"] == "ask"
    assert Conversation.objects.get(pk=body["conversation_id"]).playbook == own


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('"to": "done"}\n  ]', '"to": "gone"}\n  ]', "definition", "unknown state 'gone' in to"),
        ('"entry": "ask"', '"entry": "start"', "definition", "entry state 'start'"),
        ('"max_turns": 5', '"max_turns": 0', "definition", "limits.max_turns"),
        ('["confirmed"]', '["bought"]', "definition", "unknown intent or signal 'bought'"),
        ('"outcome": "computed"', '"outcome": "won"', "definition", "unknown outcome 'won'"),
        ('"slug": "vip-checkin"', '"slug": "vip-other"', "slug", "must match"),
    ],
)
def test_a_broken_playbook_fails_full_clean_naming_the_problem(workspace, old, new, field, problem):
    assert old in CUSTOM_PLAYBOOK
    playbook = custom_playbook(workspace, CUSTOM_PLAYBOOK.replace(old, new))
    playbook.slug = "vip-checkin"

    with pytest.raises(ValidationError) as raised:
        playbook.full_clean()

    assert field in raised.value.message_dict
    assert any(problem in message for message in raised.value.message_dict[field])


# -- seed 003: campaign prompt settings ------------------------------------------------------------

SEED_PROMPT_CONFIG = {
    "system_prompt_override": "You are Mia's assistant.",
    "greeting_override": "Hey you!",
    "compliance_text": "Reply STOP to opt out.",
    "tools_context": "Shop link: example.test",
    "temperature": 0.7,
    "max_tokens": 150,
    "response_style": "playful",
    "language": "en",
    "max_sentences": 3,
    "context_variables": {"offer": "20% off", "city": "Austin"},
}


def campaign(workspace, prompt_config) -> Campaign:
    return Campaign(
        workspace=workspace, slug="spring", name="Spring sale", prompt_config=prompt_config
    )


@pytest.mark.parametrize("config", [SEED_PROMPT_CONFIG, {}, {"temperature": 0, "max_sentences": 1}])
def test_a_campaign_accepts_the_seed_prompt_settings(workspace, config):
    spring = campaign(workspace, config)

    spring.full_clean()
    spring.save()

    settings = Campaign.objects.get(pk=spring.pk).config
    assert settings.model_dump(exclude_unset=True) == config
    assert settings.max_sentences == config.get("max_sentences", 2)
    assert settings.response_style == config.get("response_style", "conversational")


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"temperature": 5}, "temperature"),
        ({"temperature": -0.1}, "temperature"),
        ({"max_sentences": 0}, "max_sentences"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"language": "e"}, "language"),
        ({"tone": "friendly"}, "tone"),
        ({"context_variables": {"offer": 20}}, "context_variables.offer"),
    ],
)
def test_a_campaign_rejects_bad_prompt_settings_naming_the_field(workspace, config, field):
    with pytest.raises(ValidationError) as raised:
        campaign(workspace, config).full_clean()

    messages = raised.value.message_dict["prompt_config"]
    assert any(message.startswith(f"{field}:") for message in messages), messages


def test_a_campaign_names_every_bad_prompt_setting(workspace):
    with pytest.raises(ValidationError) as raised:
        campaign(workspace, {"temperature": 5, "max_sentences": 0, "tone": "x"}).full_clean()

    assert len(raised.value.message_dict["prompt_config"]) == 3


# -- operator overrides --------------------------------------------------------------------------


def call(workspace, persona) -> Conversation:
    return ingestion.start_conversation(workspace, "caller-1", "Sam", "hello", "call-outcome")


def test_an_override_moves_the_state_and_leaves_a_label(api, workspace, persona, operator):
    conversation = call(workspace, persona)

    label = steering.override_phase(
        conversation.pk, operator, "CLOSING", "", "  they already said yes on the phone  "
    )

    conversation.refresh_from_db()
    assert conversation.journey_state == "CLOSING"
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.outcome == ""
    stored = PhaseOverride.objects.get()
    assert stored == label
    assert (stored.operator, stored.from_state, stored.to_state) == (
        operator,
        "GREETING",
        "CLOSING",
    )
    assert stored.reason == "they already said yes on the phone"
    assert stored.workspace == workspace

    history = report(api, conversation.pk)["history"]
    assert [entry["kind"] for entry in history] == ["turn", "override"]
    assert history[1]["state_before"] == "GREETING"
    assert history[1]["state_after"] == "CLOSING"
    assert history[1]["operator"] == "olivia"
    assert history[1]["reason"] == "they already said yes on the phone"


def test_the_journey_continues_from_the_overridden_state(api, workspace, persona, operator):
    conversation = call(workspace, persona)
    steering.override_phase(conversation.pk, operator, "CLOSING", "", "skip ahead")

    response = say(api, conversation.pk, "great, I just paid")

    assert response.json()["previous_state"] == "CLOSING"
    assert response.json()["state"] == "GOODBYE"
    assert report(api, conversation.pk)["outcome"] == "success"


@pytest.mark.parametrize(
    ("to_state", "outcome", "expected"),
    [
        ("TRANSFER", "", "transfer_to_human"),
        ("GOODBYE", "", "unknown"),
        ("GOODBYE", "declined", "declined"),
        ("QUALIFICATION", "callback_requested", "callback_requested"),
    ],
)
def test_a_terminal_state_or_an_outcome_ends_the_conversation(
    api, workspace, persona, operator, to_state, outcome, expected
):
    conversation = call(workspace, persona)

    steering.override_phase(conversation.pk, operator, to_state, outcome, "called them")

    conversation.refresh_from_db()
    assert conversation.journey_state == to_state
    assert conversation.status == Conversation.Status.CLOSED
    assert conversation.outcome == expected
    assert conversation.ended_at is not None
    assert PhaseOverride.objects.get().outcome == expected
    assert say(api, conversation.pk, "yes").status_code == 409


def test_moving_an_ended_conversation_back_to_a_live_state_reopens_it(
    api, workspace, persona, operator
):
    conversation = call(workspace, persona)
    steering.override_phase(conversation.pk, operator, "GOODBYE", "declined", "hung up")

    steering.override_phase(conversation.pk, operator, "QUALIFICATION", "", "they called back")

    body = report(api, conversation.pk)
    assert (body["state"], body["status"], body["outcome"]) == ("QUALIFICATION", "open", None)
    assert say(api, conversation.pk, "yes").json()["state"] == "CLOSING"


@pytest.mark.parametrize(
    ("to_state", "outcome", "reason", "message"),
    [
        ("CLOSING", "", "", "say why"),
        ("CLOSING", "", "   ", "say why"),
        ("NEGOTIATION", "", "because", "'NEGOTIATION' is not a state"),
        ("closing", "", "because", "'closing' is not a state"),
        ("GOODBYE", "won", "because", "'won' is not an outcome"),
    ],
)
def test_an_override_that_cannot_apply_raises_and_stores_nothing(
    workspace, persona, operator, to_state, outcome, reason, message
):
    conversation = call(workspace, persona)

    with pytest.raises(steering.OverrideError, match=message):
        steering.override_phase(conversation.pk, operator, to_state, outcome, reason)

    conversation.refresh_from_db()
    assert conversation.journey_state == "GREETING"
    assert conversation.status == Conversation.Status.OPEN
    assert PhaseOverride.objects.count() == 0


# -- generation failures (seed 003: LLM_ERROR x2) ------------------------------------------------


def test_the_second_generation_failure_ends_the_conversation_in_error(api, workspace, persona):
    conversation = call(workspace, persona)

    first = steering.record_generation_error(conversation.pk)
    after_first = report(api, conversation.pk)
    second = steering.record_generation_error(conversation.pk)

    assert first is None
    assert after_first["state"] == "GREETING"
    assert after_first["counters"]["llm_errors"] == 1
    assert after_first["outcome"] is None
    assert second is not None
    assert (second.state_before, second.state_after, second.trigger) == (
        "GREETING",
        "GOODBYE",
        "llm_error",
    )
    body = report(api, conversation.pk)
    assert (body["state"], body["status"], body["outcome"]) == ("GOODBYE", "closed", "error")
    assert body["counters"]["llm_errors"] == 2
    assert body["history"][-1]["user_message"] == ""


# -- ingestion: POST /api/messages, then steering ------------------------------------------------


def test_an_ingested_conversation_starts_in_the_personas_playbook(post_message, persona):
    body = post_message().json()

    conversation = Conversation.objects.get(pk=body["conversation_id"])
    assert persona.playbook_slug == ""
    assert conversation.playbook.slug == "creator-dm"
    assert conversation.journey_state == "rapport_building"


def test_a_campaign_playbook_wins_over_the_personas(post_message, workspace, persona):
    Campaign.objects.create(
        workspace=workspace, slug="calls", name="Calls", playbook_slug="call-outcome"
    )

    body = post_message(campaign="calls").json()

    conversation = Conversation.objects.get(pk=body["conversation_id"])
    assert conversation.playbook.slug == "call-outcome"
    assert conversation.journey_state == "GREETING"


def test_steering_keeps_the_first_message_in_the_entry_state_and_moves_later_ones(
    post_message, persona
):
    first = Message.objects.get(pk=post_message(text="hey, love your pics!").json()["message_id"])
    second = Message.objects.get(
        pk=post_message(external_id="msg-2", text="yeah, sounds good").json()["message_id"]
    )

    opener = steering.steer(first)
    moved = steering.steer(second)

    assert (opener.state_before, opener.state_after, opener.trigger) == (
        "rapport_building",
        "rapport_building",
        "",
    )
    assert opener.intent_analysis["intent"] == "greeting"
    assert (moved.state_before, moved.state_after, moved.trigger) == (
        "rapport_building",
        "deepening",
        "yes",
    )
    conversation = Conversation.objects.get(pk=first.conversation_id)
    assert conversation.journey_state == "deepening"
    assert conversation.turn_count == 2


def test_steering_the_same_message_twice_creates_one_turn(post_message, persona):
    first = Message.objects.get(pk=post_message().json()["message_id"])
    second = Message.objects.get(
        pk=post_message(external_id="msg-2", text="that's too expensive").json()["message_id"]
    )
    steering.steer(first)

    turn = steering.steer(second)
    again = steering.steer(second)

    assert again.pk == turn.pk
    assert Turn.objects.filter(message=second).count() == 1
    conversation = Conversation.objects.get(pk=second.conversation_id)
    assert conversation.journey_state == "objection_handling"
    assert (conversation.turn_count, conversation.objection_count) == (2, 1)


def test_a_message_to_an_ended_conversation_is_recorded_but_moves_nothing(post_message, persona):
    first = Message.objects.get(pk=post_message().json()["message_id"])
    steering.steer(first)
    bought = Message.objects.get(
        pk=post_message(external_id="msg-2", text="I just paid!").json()["message_id"]
    )
    steering.steer(bought)
    conversation = Conversation.objects.get(pk=first.conversation_id)
    assert (conversation.journey_state, conversation.outcome) == ("converted", "success")

    late = ingestion.add_customer_message(conversation, "thanks again, bye")
    turn = steering.steer(late)

    assert (turn.state_before, turn.state_after, turn.trigger) == ("converted", "converted", "")
    conversation.refresh_from_db()
    assert conversation.outcome == "success"
    assert conversation.turn_count == 2


def test_the_next_message_after_an_ended_conversation_opens_a_new_one(post_message, persona):
    first = Message.objects.get(pk=post_message().json()["message_id"])
    steering.steer(first)
    bought = Message.objects.get(
        pk=post_message(external_id="msg-2", text="just subscribed").json()["message_id"]
    )
    steering.steer(bought)

    body = post_message(external_id="msg-3", text="hi again").json()

    assert body["conversation_id"] != first.conversation_id
    assert body["seq"] == 1
    fresh = Conversation.objects.get(pk=body["conversation_id"])
    assert (fresh.journey_state, fresh.status, fresh.outcome) == ("rapport_building", "open", "")


def test_an_operator_reply_in_a_cta_state_counts_a_cta_and_times_the_turn(
    api, workspace, persona, operator
):
    conversation = call(workspace, persona)
    steering.override_phase(conversation.pk, operator, "CLOSING", "", "ready to close")
    reply = messages.append_message(
        conversation,
        text="Shall we go ahead?",
        direction=Message.Direction.OUT,
        author_kind=Message.AuthorKind.OPERATOR,
        author=operator,
        delivery=Message.Delivery.PENDING,
    )

    steering.record_reply(reply)

    body = report(api, conversation.pk)
    assert body["counters"]["ctas_introduced"] == 1
    turn = Turn.objects.get(conversation=conversation)
    assert turn.reply == reply
    assert turn.response_time_ms is not None
    assert body["history"][0]["response_time_ms"] == turn.response_time_ms
