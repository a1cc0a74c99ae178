"""The intent model in the product: the journey moves on what the head reads, every turn
records the probabilities, people's corrections become labels, and retraining learns a
workspace's own language while the gate refuses a broken model."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from django.test import Client

from conversations import ingestion, steering, understanding
from conversations.models import IntentLabel, Message, Turn
from core.models import Role
from mlops import intent_model, intent_training
from mlops.embeddings import embed
from mlops.models import ModelVersion, TrainingJob
from personas.models import Persona
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

JSON = "application/json"


def start(api: Client, playbook: str = "call-outcome") -> int:
    body = {"user_id": "u-1", "initial_message": "hello?", "playbook": playbook}
    response = api.post("/api/conversations", body, content_type=JSON)
    assert response.status_code == 201, response.content
    return response.json()["conversation_id"]


def say(api: Client, conversation_id: int, text: str) -> dict:
    response = api.post(
        f"/api/conversations/{conversation_id}/transition",
        {"user_message": text},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    return response.json()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- the examples the rules got wrong (issue 17, "Why") ----------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "state"),
    [
        ("definitely not", "no", "GOODBYE"),
        ("is this a bot? I want a real agent", "request_human", "TRANSFER"),
        ("get me a human please", "request_human", "TRANSFER"),
        ("connect me with a representative", "request_human", "TRANSFER"),
        ("can a live agent take over?", "request_human", "TRANSFER"),
        ("no thanks, not for me", "no", "GOODBYE"),
        ("Nope. Not interested.", "no", "GOODBYE"),
        ("not a bad idea, sign me up", "yes", "QUALIFICATION"),
    ],
)
def test_paraphrases_the_rules_misread_move_the_call_machine(api, persona, text, intent, state):
    conversation_id = start(api)

    moved = say(api, conversation_id, text)

    assert (moved["intent"], moved["state"]) == (intent, state)


def test_catch_me_later_is_a_callback_that_ends_the_call_as_one(api, persona):
    conversation_id = start(api)
    say(api, conversation_id, "yes, go ahead")  # GREETING -> QUALIFICATION

    moved = say(api, conversation_id, "catch me later this week?")

    assert (moved["intent"], moved["state"]) == ("callback", "GOODBYE")
    assert api.get(f"/api/conversations/{conversation_id}").json()["outcome"] == (
        "callback_requested"
    )


def test_a_turn_records_the_probabilities_and_the_confidence(api, persona):
    conversation_id = start(api)
    say(api, conversation_id, "nah, I'll pass")

    turn = Turn.objects.filter(conversation_id=conversation_id).last()
    assert turn is not None
    reading = turn.intent_analysis
    assert set(reading["probabilities"]) == set(intent_model.INTENTS)
    assert sum(reading["probabilities"].values()) == pytest.approx(1.0, abs=0.01)
    assert reading["confidence"] == max(reading["probabilities"].values())
    assert reading["abstained"] is False
    assert reading["model"] == "intent-bootstrap"
    # the message's embedding was computed once and stored for the memory stage
    assert Message.objects.get(turn=turn).embedding is not None


def test_an_unsure_head_abstains_to_the_playbooks_choice():
    head = intent_training.bootstrap_head()
    unsure = dataclasses.replace(head, threshold=1.01, name="unsure")
    vector = embed(["yes please"])[0]

    reading = unsure.read(vector, "yes please", abstain_to="uncertain")

    assert reading.abstained and reading.intent == "uncertain"
    assert reading.predicted == "yes"


def test_a_head_survives_its_json_round_trip():
    head = intent_training.bootstrap_head()
    again = intent_model.IntentHead.from_dict(json.loads(json.dumps(head.to_dict())))
    rows = intent_model.feature_matrix(
        embed(["how much is it", "bye!"]), ["how much is it", "bye!"]
    )

    assert np.allclose(head.probabilities(rows), again.probabilities(rows), atol=1e-6)
    assert again.predict(rows) == ["price", "goodbye"]


# -- labels from people ----------------------------------------------------------------------


@pytest.fixture
def conversation(workspace, persona):
    return ingestion.start_conversation(workspace, "u1", "Sam", "hey there", "call-outcome", "Mia")


def test_an_operators_override_labels_the_customers_last_message(conversation, operator):
    message = ingestion.add_customer_message(conversation, "put me through to your boss")
    steering.steer(message)

    steering.override_phase(conversation.pk, operator, "TRANSFER", "", "asked for a person")

    label = IntentLabel.objects.get()
    assert (label.message, label.intent, label.source) == (message, "request_human", "override")
    assert label.user == operator


def test_the_intent_queue_shows_corrections_first_and_takes_a_verdict(
    workspace, conversation, operator, labeler
):
    plain = ingestion.add_customer_message(conversation, "what did you have for lunch")
    steering.steer(plain)
    corrected = ingestion.add_customer_message(conversation, "put me through to your boss")
    steering.steer(corrected)
    steering.override_phase(conversation.pk, operator, "TRANSFER", "", "asked for a person")
    client = client_for(labeler)

    page = client.get("/w/acme/labels/intents/").content.decode()
    assert f'data-intent-item="{corrected.pk}"' in page
    assert "an operator corrected it" in page and 'data-key="h"' in page
    response = client.post(
        "/w/acme/labels/intents/", {"message_id": corrected.pk, "intent": "request_human"}
    )

    assert response.status_code == 302
    assert IntentLabel.objects.filter(source="labeler", message=corrected).count() == 1
    after = client.get("/w/acme/labels/intents/").content.decode()
    assert f'data-intent-item="{corrected.pk}"' not in after
    assert "data-intent-item=" in after  # the opener and the plain message are still to do
    assert plain.pk in understanding.review_queue(workspace, labeler).values_list(
        "message_id", flat=True
    )


def test_bad_input_to_the_intent_pages_is_refused_and_loses_nothing(
    workspace, conversation, labeler, operator
):
    message = ingestion.add_customer_message(conversation, "hmm")
    steering.steer(message)
    understanding.label_message(message, labeler, "uncertain", "labeler")
    client = client_for(labeler)
    manager = client_for(make_user("maya", workspace, Role.MANAGER))

    bad_intent = client.post(
        "/w/acme/labels/intents/", {"message_id": message.pk, "intent": "maybe"}
    )
    unknown = client.post("/w/acme/labels/intents/", {"message_id": 999999, "intent": "no"})
    empty = manager.post("/w/acme/models/intents/phrasings/", {"text": "  ", "intent": "yes"})
    wrong = manager.post("/w/acme/models/intents/phrasings/", {"text": "bet", "intent": "sure"})

    assert bad_intent.status_code == 422 and b"intent: must be one of" in bad_intent.content
    assert unknown.status_code == 404
    assert empty.status_code == 422 and b"text:" in empty.content
    assert wrong.status_code == 422 and b"intent:" in wrong.content
    assert list(IntentLabel.objects.values_list("intent", flat=True)) == ["uncertain"]
    assert client_for(operator).get("/w/acme/labels/intents/").status_code == 403
    assert client_for(operator).post("/w/acme/models/intents/retrain/").status_code == 403


def test_another_workspaces_message_cannot_be_labelled(workspace, other_workspace, labeler):
    Persona.objects.create(workspace=other_workspace, name="Zoe")
    other = ingestion.start_conversation(other_workspace, "u9", "Zed", "hi", "call-outcome", "Zoe")
    message = other.messages.get()

    response = client_for(labeler).post(
        "/w/acme/labels/intents/", {"message_id": message.pk, "intent": "no"}
    )

    assert response.status_code == 404
    assert not IntentLabel.objects.exists()


# -- retraining: the gate and the loop ---------------------------------------------------------


# Shuffled labels keep the MLP from converging, so it runs all its epochs over the 8,800
# rows: a few minutes on two busy cores.
@pytest.mark.timeout(300)
def test_a_head_trained_on_shuffled_labels_is_refused_by_the_gate(workspace):
    job = TrainingJob.objects.create(kind="intent", workspace_id=workspace.pk)

    intent_training.run(job, shuffle_labels=True)

    job.refresh_from_db()
    assert job.status == "completed" and not job.promoted
    assert job.gate["new_macro_f1"] < job.gate["rules_macro_f1"]
    assert ModelVersion.objects.active("intent", workspace.pk) is None


# A systematic error: this workspace's customers agree in Scots, which the bootstrap
# corpus never saw. Operators correct 30 such messages; different ones are the slice.
SCOTS_TAUGHT = [
    f"{opener} {tail}"
    for opener in ("aye", "aye aye", "och aye", "aye right enough,", "aye nae bother,")
    for tail in (
        "go on then",
        "ah'll hae it",
        "pit me doon fur wan",
        "that's braw",
        "sound, crack on",
        "gie's it",
    )
]
SCOTS_SLICE = [
    "aye, that's braw, pit me doon",
    "och aye, gie's wan",
    "aye nae bother, ah'll hae the lot",
    "aye go on, sound",
    "aye right enough, crack on wi it",
    "aye aye, gie's the braw wan",
    "och aye, pit me doon fur it",
    "aye, ah'll hae wan then",
]


def slice_accuracy(head: intent_model.IntentHead) -> float:
    rows = intent_model.feature_matrix(embed(SCOTS_SLICE), SCOTS_SLICE)
    return sum(intent == "yes" for intent in head.predict(rows)) / len(SCOTS_SLICE)


def test_thirty_operator_corrections_teach_a_workspaces_own_yes(workspace, conversation, operator):
    before = slice_accuracy(intent_training.bootstrap_head())
    for text in SCOTS_TAUGHT:
        message = ingestion.add_customer_message(conversation, text)
        understanding.label_message(message, operator, "yes", "override", "means yes here")

    manager = client_for(make_user("maya", workspace, Role.MANAGER))
    assert manager.post("/w/acme/models/intents/retrain/").status_code == 302
    job = TrainingJob.objects.get(kind="intent", status="queued")
    assert job.dataset is not None and job.dataset.rows == len(SCOTS_TAUGHT)
    intent_training.run(job)

    job.refresh_from_db()
    assert job.status == "completed", job.error
    version = job.result
    assert version is not None and version.workspace_id == workspace.pk
    after = slice_accuracy(intent_training.load_head(version))
    assert after >= 0.85 and after > before, (before, after)
    # and the rest of the held-out set did not suffer for it
    assert version.metrics["macro_f1"] >= version.metrics["baseline"]["macro_f1"] + 0.05
    assert job.promoted and ModelVersion.objects.active("intent", workspace.pk) == version
    # the models page shows the run and the new version's figures beside the rules'
    page = manager.get("/w/acme/models/").content.decode()
    assert "Training the intent model" in page and "promoted" in page
    assert f'data-intent-version="{version.version}"' in page
    assert str(version.metrics["baseline"]["macro_f1"]) in page
