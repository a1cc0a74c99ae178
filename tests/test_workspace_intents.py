"""A workspace's own intents (issue 17, item 3): defined on the models page with example
phrasings, learnt by its retrained head, usable by its playbooks, and invisible to every
other workspace."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import custom_intents, ingestion, journeys, playbook_io, steering, understanding
from conversations.models import IntentLabel, Turn, WorkspaceIntent
from core.models import AuditEvent, Role
from mlops import intent_training
from mlops.embeddings import embed
from mlops.models import ModelVersion, TrainingJob
from personas.models import Persona
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NEW = "/w/acme/models/intents/new/"
MERCH = "asks_about_merch"
MERCH_PHRASINGS = [
    "do you sell hoodies?",
    "where can I buy your merch",
    "is the merch store open yet",
    "any t-shirts with your logo on them?",
    "I want one of your caps, where do I get it",
    "do you do merch like mugs or stickers",
    "can I order a hoodie from you",
    "where's the merch shop link",
    "are your tees still for sale",
    "need that logo hoodie, how do I get one",
    "do you ship merch abroad",
    "is there a store for your shirts and hats",
]
PLAYBOOK = f"""
slug: merch-desk
name: Merch desk
entry: GREETING
states:
  GREETING: {{goal: "Greet and ask what they are after."}}
  MERCH: {{goal: "Share the merch store link."}}
  GOODBYE: {{goal: "Close politely.", terminal: true, outcome: computed}}
transitions:
  - {{from: "*", on: [{MERCH}], to: MERCH}}
  - {{from: "*", on: [goodbye, "no"], to: GOODBYE}}
"""


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(workspace):
    return make_user("maya", workspace, Role.MANAGER)


def define(client: Client, name: str = MERCH, phrasings: list[str] = MERCH_PHRASINGS, **extra):
    body = {
        "name": name,
        "description": "asks whether we sell merch",
        "phrasings": "\n".join(phrasings),
        **extra,
    }
    return client.post(NEW, body)


def test_a_manager_defines_an_intent_with_phrasings_and_it_is_audited(workspace, manager):
    response = define(client_for(manager))

    assert response.status_code == 302
    intent = WorkspaceIntent.objects.get()
    assert (intent.workspace, intent.name, intent.created_by) == (workspace, MERCH, manager)
    assert IntentLabel.objects.filter(intent=MERCH, source="phrase").count() == len(MERCH_PHRASINGS)
    event = AuditEvent.objects.get(action="intent.create")
    assert event.workspace == workspace and event.actor == manager
    assert event.after == {
        "name": MERCH,
        "description": "asks whether we sell merch",
        "phrasings": len(MERCH_PHRASINGS),
    }
    page = client_for(manager).get("/w/acme/models/").content.decode()
    assert f'data-own-intent="{MERCH}"' in page and "not yet" in page
    assert f'<option value="{MERCH}">' in page  # a phrasing may now name it


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("name", "Merch", "name:"),
        ("name", "m", "name:"),
        ("name", "1merch", "name:"),
        ("name", "merch-store", "name:"),
        ("name", "x" * 31, "name:"),
        ("name", "yes", "name: 'yes' is a built-in"),
        ("name", "max_turns", "name: 'max_turns' is a built-in"),
        ("name", MERCH, "name: this workspace already has"),
        ("description", "   ", "description:"),
        ("description", "d" * 301, "description:"),
        ("phrasings", "fine\n" + "p" * 301, "phrasings: line 2"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_stored_is_lost(
    workspace, manager, field, value, problem
):
    client = client_for(manager)
    assert define(client).status_code == 302
    before = sorted(IntentLabel.objects.values_list("text", flat=True))

    body = {"name": "asks_about_tour", "description": "tour dates", "phrasings": "when's the tour"}
    response = client.post(NEW, {**body, field: value})

    assert response.status_code == 422
    assert problem in response.content.decode()
    assert list(WorkspaceIntent.objects.values_list("name", flat=True)) == [MERCH]
    assert sorted(IntentLabel.objects.values_list("text", flat=True)) == before
    assert AuditEvent.objects.filter(action="intent.create").count() == 1


def test_only_managers_and_admins_define_intents(workspace, operator, labeler):
    for user in (operator, labeler):
        assert define(client_for(user)).status_code == 403
    assert not WorkspaceIntent.objects.exists()


def test_labels_phrasings_and_the_queue_take_the_workspaces_own_intent(
    workspace, persona, manager, labeler
):
    define(client_for(manager), phrasings=[])
    conversation = ingestion.start_conversation(
        workspace, "u1", "Sam", "hey there", "call-outcome", "Mia"
    )
    message = ingestion.add_customer_message(conversation, "got any hoodies left")
    steering.steer(message)
    client = client_for(labeler)

    page = client.get("/w/acme/labels/intents/").content.decode()
    assert f'data-intent="{MERCH}"' in page and 'data-key="1"' in page
    verdict = client.post("/w/acme/labels/intents/", {"message_id": message.pk, "intent": MERCH})
    phrasing = client_for(manager).post(
        "/w/acme/models/intents/phrasings/", {"text": "merch drop when", "intent": MERCH}
    )

    assert verdict.status_code == 302 and phrasing.status_code == 302
    assert set(IntentLabel.objects.values_list("intent", "source")) == {
        (MERCH, "labeler"),
        (MERCH, "phrase"),
    }
    assert {row["intent"] for row in understanding.label_rows(workspace.pk)} == {MERCH}


def test_a_playbook_may_move_on_its_own_intent_and_a_typo_names_the_transition(workspace, manager):
    define(client_for(manager), phrasings=[])

    playbook = playbook_io.import_playbook(workspace, PLAYBOOK)
    typo = client_for(manager).post(
        "/w/acme/journeys/import/",
        {"document": PLAYBOOK.replace(MERCH, "asks_about_merhc"), "format": "auto"},
    )

    assert ("*", "MERCH", [MERCH]) in playbook.spec.edges()
    assert typo.status_code == 422
    assert "transition 1: unknown intent or signal &#x27;asks_about_merhc&#x27;" in (
        typo.content.decode()
    )


def test_an_intent_a_playbook_moves_on_is_not_removed_and_another_is(workspace, manager):
    client = client_for(manager)
    define(client)
    define(client, "asks_about_tour", ["when's the tour", "tour dates?"])
    playbook_io.import_playbook(workspace, PLAYBOOK)
    remove = "/w/acme/models/intents/remove/"

    used = client.post(remove, {"name": MERCH})
    unknown = client.post(remove, {"name": "asks_about_nothing"})
    removed = client.post(remove, {"name": "asks_about_tour"})

    assert used.status_code == 422 and b"name: playbook merch-desk moves on" in used.content
    assert unknown.status_code == 422 and b"name: this workspace has no intent" in unknown.content
    assert removed.status_code == 302
    assert list(WorkspaceIntent.objects.values_list("name", flat=True)) == [MERCH]
    # its labels are kept, but no retrain uses them and nobody may label with it again
    assert IntentLabel.objects.filter(intent="asks_about_tour").count() == 2
    assert {row["intent"] for row in understanding.label_rows(workspace.pk)} == {MERCH}
    assert AuditEvent.objects.get(action="intent.delete").before["name"] == "asks_about_tour"
    refused = client.post(
        "/w/acme/models/intents/phrasings/", {"text": "tour?", "intent": "asks_about_tour"}
    )
    assert refused.status_code == 422 and b"intent:" in refused.content


def test_another_workspace_cannot_see_or_use_the_intent(
    workspace, other_workspace, manager, outsider
):
    define(client_for(manager))
    client = client_for(outsider)  # an admin of the other workspace

    page = client.get(f"/w/{other_workspace.slug}/models/").content.decode()
    phrasing = client.post(
        f"/w/{other_workspace.slug}/models/intents/phrasings/",
        {"text": "do you sell hoodies", "intent": MERCH},
    )

    assert f'data-own-intent="{MERCH}"' not in page and f'value="{MERCH}"' not in page
    assert phrasing.status_code == 422 and b"intent: must be one of" in phrasing.content
    with pytest.raises(journeys.PlaybookError, match="unknown intent or signal"):
        playbook_io.import_playbook(other_workspace, PLAYBOOK)
    assert custom_intents.known_intents(other_workspace.pk) == custom_intents.known_intents(None)
    # the same name is free for the other workspace to define as its own
    assert define(client).status_code == 404  # the URL names acme
    other = client.post(
        f"/w/{other_workspace.slug}/models/intents/new/",
        {"name": MERCH, "description": "theirs", "phrasings": ""},
    )
    assert other.status_code == 302
    assert WorkspaceIntent.objects.filter(name=MERCH).count() == 2


@pytest.mark.timeout(300)
def test_a_retrained_head_reads_a_fresh_paraphrase_and_the_playbook_moves_on_it(
    workspace, other_workspace, persona, manager
):
    client = client_for(manager)
    define(client)
    define(client, "asks_about_nothing", ["just one example"])  # too few: left out
    playbook_io.import_playbook(workspace, PLAYBOOK)

    assert client.post("/w/acme/models/intents/retrain/").status_code == 302
    job = TrainingJob.objects.get(kind="intent", status="queued")
    intent_training.run(job)

    job.refresh_from_db()
    assert job.status == "completed", job.error
    assert job.promoted, job.gate
    version = job.result
    assert version is not None and ModelVersion.objects.active("intent", workspace.pk) == version
    head = intent_training.load_head(version)
    assert MERCH in head.classes and "asks_about_nothing" not in head.classes
    figures = version.metrics["custom_intents"][MERCH]
    assert figures["in_head"] and figures["examples"] == len(MERCH_PHRASINGS)
    # the held-out figures are the built-ins' alone, and still clear the rules'
    assert set(version.metrics["per_class"]) == set(intent_training.intent_model.INTENTS)
    assert version.metrics["macro_f1"] >= version.metrics["baseline"]["macro_f1"] + 0.05

    fresh = "hey do you guys sell any merch, like a hoodie?"
    reading = head.read(embed([fresh])[0], fresh)
    assert (reading.intent, reading.abstained) == (MERCH, False)
    assert reading.probabilities[MERCH] == reading.confidence

    conversation = ingestion.start_conversation(
        workspace, "u1", "Sam", "hey there", "merch-desk", "Mia"
    )
    steering.steer(conversation.messages.get())
    turn = steering.steer(ingestion.add_customer_message(conversation, fresh))
    assert (turn.intent_analysis["intent"], turn.trigger, turn.state_after) == (
        MERCH,
        MERCH,
        "MERCH",
    )
    page = client.get("/w/acme/models/").content.decode()
    assert "data-in-head>yes" in page

    # another workspace reads the same words with its own (shared) head: never as MERCH
    Persona.objects.create(workspace=other_workspace, name="Zoe")
    theirs = ingestion.start_conversation(other_workspace, "u9", "Zed", "hi", "call-outcome", "Zoe")
    steering.steer(theirs.messages.get())
    other_turn = steering.steer(ingestion.add_customer_message(theirs, fresh))
    assert other_turn.intent_analysis["intent"] != MERCH
    assert MERCH not in other_turn.intent_analysis["probabilities"]
    assert Turn.objects.filter(workspace=other_workspace, trigger=MERCH).count() == 0
