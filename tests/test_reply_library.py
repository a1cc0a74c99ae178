"""The reply library: sent replies come back for similar messages, per workspace, and a
manager's retire sticks; the ranker learns from labels and refuses shuffled ones."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import (
    decisions,
    ingestion,
    library,
    library_curation,
    pipeline,
    ranking,
    tasks,
)
from conversations.models import (
    Conversation,
    Message,
    OperatorDecision,
    ReplyEntry,
    SuggestionSet,
    WorkspaceIntent,
)
from conversations.show import store_suggestions
from core import dispatch
from mlops import reply_ranker
from mlops.models import TrainingJob
from personas.models import Persona
from tests.conftest import make_user

SHIPPING_ANSWER = "Yes {}! It ships everywhere and usually arrives within a week or so."


def arrive(workspace, text: str, external_id: str, contact: str, name: str) -> Message:
    """An inbound message to Mia, perceived: the library's options are offered then."""
    result = ingestion.ingest(
        workspace, ingestion.InboundMessage("api", external_id, contact, name, "Mia", text)
    )
    message = Message.objects.select_related("conversation__contact").get(pk=result.message_id)
    pipeline.perceive(message)
    message.refresh_from_db()
    return message


def options_for(message: Message) -> list:
    shown = SuggestionSet.objects.filter(request_key=dispatch.auto_request_key(message.pk)).first()
    return list(shown.suggestions.all()) if shown else []


def send(message: Message, operator, text: str) -> OperatorDecision:
    decision = decisions.send_reply(message.conversation, operator, text)
    tasks.learn_reply(decision.pk)  # the task the send queues, run here in the test
    return decision


@pytest.fixture
def manager(workspace):
    return make_user("mona", workspace, "manager")


def test_it_suggests_a_sent_reply_for_a_similar_later_message_with_the_name_filled(
    workspace, persona, operator
):
    first = arrive(workspace, "do you ship to canada?", "m-1", "c-1", "Sam Doe")
    send(first, operator, SHIPPING_ANSWER.format("Sam"))
    entry = ReplyEntry.objects.get(persona=persona, source="sent")
    assert entry.text == SHIPPING_ANSWER.format("{name}")  # the contact's name is a slot
    assert entry.phase == first.conversation.journey_state

    later = arrive(workspace, "hey do you deliver to canada??", "m-2", "c-2", "Jordan")
    shown = options_for(later)
    assert SHIPPING_ANSWER.format("Jordan") in [s.text for s in shown]
    option = next(s for s in shown if s.library_entry_id == entry.pk)
    assert option.source == "sent" and option.source_badge == "library"
    assert option.features["context_similarity"] > 0.6
    # The confidence is the ranker's probability of its own features, not a claim.
    assert option.confidence == pytest.approx(
        reply_ranker.PRIOR.probability(
            {k: v for k, v in option.features.items() if k in reply_ranker.FEATURES}
        ),
        abs=0.01,
    )


def test_another_workspace_never_sees_a_sent_reply(workspace, other_workspace, persona, operator):
    first = arrive(workspace, "do you ship to canada?", "m-1", "c-1", "Sam")
    send(first, operator, SHIPPING_ANSWER.format("Sam"))
    Persona.objects.create(workspace=other_workspace, name="Mia")
    theirs = arrive(other_workspace, "do you ship to canada?", "x-1", "c-9", "Ann")
    assert theirs.conversation.workspace_id == other_workspace.pk
    assert not [s for s in options_for(theirs) if "ships everywhere" in s.text]
    assert not ReplyEntry.objects.filter(workspace=other_workspace, source="sent").exists()


def test_a_retired_reply_never_comes_back_even_when_sent_again(
    workspace, persona, operator, manager
):
    first = arrive(workspace, "do you ship to canada?", "m-1", "c-1", "Sam")
    send(first, operator, SHIPPING_ANSWER.format("Sam"))
    entry = ReplyEntry.objects.get(persona=persona, source="sent")
    library_curation.retire(entry, manager)
    second = arrive(workspace, "do you ship to canada at all?", "m-2", "c-2", "Jordan")
    assert not [s for s in options_for(second) if s.library_entry_id == entry.pk]
    send(second, operator, SHIPPING_ANSWER.format("Jordan"))  # the same reply, typed again
    entry.refresh_from_db()
    assert entry.retired and entry.sent == 1
    third = arrive(workspace, "shipping to canada?", "m-3", "c-3", "Kim")
    assert not [s for s in options_for(third) if "ships everywhere" in s.text]


def test_a_rejected_library_option_counts_against_its_entry(workspace, persona, operator):
    message = arrive(workspace, "hi there!", "m-1", "c-1", "Sam")
    option = next(s for s in options_for(message) if s.library_entry_id)
    decision = decisions.reject_suggestion(message.conversation, operator, option.pk, "Wrong tone")
    tasks.learn_reply(decision.pk)
    assert ReplyEntry.objects.get(pk=option.library_entry_id).rejected == 1


def test_personal_data_in_a_sent_reply_keeps_it_out_of_the_library(workspace, persona, operator):
    first = arrive(workspace, "how do I reach you?", "m-1", "c-1", "Sam")
    send(first, operator, "Mail me at mia.private@example.com and I'll answer tonight")
    assert not ReplyEntry.objects.filter(persona=persona, source="sent").exists()


def test_the_bootstrap_library_is_a_versioned_dataset(workspace, persona):
    arrive(workspace, "hello!", "m-1", "c-1", "Sam")
    version, rows = library.bootstrap_rows()
    dataset = library.bootstrap_dataset()
    assert dataset.kind == "reply-library" and dataset.version == version
    assert dataset.rows == len(rows) and len(dataset.sha256) == 64
    stored = ReplyEntry.objects.filter(persona=persona, source="bootstrap")
    assert stored.count() == len({library.entry_key(r["text"]) for r in rows})
    assert set(
        ReplyEntry.objects.filter(persona=persona, source="phrase").values_list("text", flat=True)
    ) == set(persona.phrases)


@pytest.mark.parametrize(
    ("template", "name", "offer", "expected"),
    [
        ("Hey {name}! How's your day going?", "Jordan", "", "Hey Jordan! How's your day going?"),
        ("Hey {name}! How's your day going?", "", "", "Hey! How's your day going?"),
        ("Sounds good, {name}.", "", "", "Sounds good."),
        ("{name}, that made me laugh", "", "", "That made me laugh"),
        ("Next step is easy: {offer}.", "", "book a call", "Next step is easy: book a call."),
        ("Next step is easy: {offer}.", "", "", None),
    ],
)
def test_it_fills_placeholders_or_leaves_them_out_cleanly(template, name, offer, expected):
    assert library.fill(template, name, offer) == expected


def test_it_fills_the_personas_own_profile_fields_and_skips_what_she_lacks():
    profile = {"city": "Austin", "cta_concept": "my page", "name": "Mia"}
    assert library.fill("Hey {name}!", "Jordan", "", profile) == "Hey Jordan!"
    assert library.fill("Sunny in {city} today!", "", "", profile) == "Sunny in Austin today!"
    assert library.fill("How is {studies} going?", "", "", profile) is None


def test_a_handle_is_not_taken_for_a_first_name():
    assert library.first_name("fan_2931") == ""
    assert library.first_name("Jordan Lee") == "Jordan"


# -- the ranker ---------------------------------------------------------------------------


def labelled_sets(workspace, persona, operator, count: int) -> None:
    """`count` conversations with two options each. This team sends the option that asks
    something back and rejects the library's closest match: the prior ranks them the other
    way round, so only a ranker that learned from the labels gets them right."""
    for i in range(count):
        result = ingestion.ingest(
            workspace,
            ingestion.InboundMessage("api", f"r-{i}", f"rc-{i}", "Sam", "Mia", f"question {i}"),
        )
        message = Message.objects.get(pk=result.message_id)
        conversation = Conversation.objects.get(pk=message.conversation_id)
        asks, tells = f"how was it, number {i}?", f"sure thing, number {i}."
        options = [
            ranking.as_option(ranked, reply_ranker.PRIOR)
            for ranked in reply_ranker.rank(
                [
                    reply_ranker.Candidate(asks, "bootstrap", context_similarity=0.2 + i % 5 / 20),
                    reply_ranker.Candidate(tells, "sent", context_similarity=0.6 + i % 7 / 20),
                ]
            )
        ]
        stored = store_suggestions(conversation, message, f"rank-{i}", options, {}, False)
        by_text = {s.text: s for s in stored.suggestions.all()}
        decisions.send_reply(conversation, operator, asks, by_text[asks].pk)
        decisions.reject_suggestion(conversation, operator, by_text[tells].pk, "Wrong tone")


def test_the_ranker_learns_from_labels_and_refuses_shuffled_ones(workspace, persona, operator):
    labelled_sets(workspace, persona, operator, 40)
    rows = ranking.label_rows(workspace.pk)
    assert len(rows) == 80 and sum(r["label"] for r in rows) == 40

    shuffled = TrainingJob.objects.create(kind=ranking.KIND, workspace_id=workspace.pk)
    ranking.run(shuffled, shuffle_labels=True)
    shuffled.refresh_from_db()
    assert shuffled.status == "completed" and not shuffled.promoted
    assert shuffled.gate["new_auc"] < reply_ranker.GATE_MIN_AUC

    honest = TrainingJob.objects.create(kind=ranking.KIND, workspace_id=workspace.pk)
    ranking.run(honest)
    honest.refresh_from_db()
    assert honest.promoted and honest.gate["new_auc"] > honest.gate["active_auc"]
    assert honest.gate["new_auc"] >= reply_ranker.GATE_MIN_AUC
    assert honest.result is not None
    assert ranking.active_ranker(workspace.pk).version == f"ranker-v{honest.result.version}"


def test_training_without_enough_labels_fails_with_a_reason(workspace):
    job = TrainingJob.objects.create(kind=ranking.KIND, workspace_id=workspace.pk)
    ranking.run(job)
    job.refresh_from_db()
    assert job.status == "failed" and "at least" in job.error


# -- the library's pages and API ----------------------------------------------------------


def an_entry(persona, text: str = "Sounds lovely, tell me more?") -> ReplyEntry:
    return library_curation.add_entry(persona, text, "", "")


def test_a_manager_retires_and_restores_a_reply_on_the_persona_page(workspace, persona, manager):
    entry = an_entry(persona)
    client = Client(headers={"HX-Request": "true"})
    client.force_login(manager)
    url = f"/w/acme/personas/{persona.pk}/library/{entry.pk}/"

    retired = client.post(url, {"action": "retire"})
    assert retired.status_code == 200
    entry.refresh_from_db()
    assert entry.retired and entry.retired_by == manager
    assert "Sounds lovely" not in retired.content.decode()  # the live list hides it
    listed = client.get(f"/w/acme/personas/{persona.pk}/library/", {"retired": "1"})
    assert "Sounds lovely" in listed.content.decode()

    refused = client.post(url, {"action": "pin"})
    assert refused.status_code == 422 and "restore it first" in refused.content.decode()
    unknown = client.post(url, {"action": "explode"})
    assert unknown.status_code == 422 and "Unknown action" in unknown.content.decode()
    entry.refresh_from_db()
    assert entry.retired and not entry.pinned  # nothing changed by the refused requests

    assert client.post(url, {"action": "restore"}).status_code == 200
    assert client.post(url, {"action": "pin"}).status_code == 200
    entry.refresh_from_db()
    assert not entry.retired and entry.pinned


def test_the_library_api_refuses_bad_input_and_keeps_what_is_stored(
    workspace, other_workspace, persona, api
):
    base = f"/api/personas/{persona.pk}/library"
    kept = an_entry(persona)
    cases = [
        ({"text": "x" * 281}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "hey {nickname}!"}, "unknown placeholder {nickname}"),
        ({"text": "Sounds lovely, tell me more?"}, "already in the library"),
        ({"text": "fine", "intent": "maybe"}, "intent"),
        ({"text": "fine", "phase": "nowhere"}, "phase"),
    ]
    for body, says in cases:
        response = api.post(base, body, content_type="application/json")
        assert response.status_code == 422, body
        assert says in response.content.decode(), (body, response.content)
    assert list(ReplyEntry.objects.filter(persona=persona)) == [kept]

    added = api.post(
        base,
        {"text": "Hey {name}! Want the {offer}?", "phase": "cta"},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["phase"] == "cta"
    # A workspace's own intent is one a reply may be for; another workspace's is not.
    WorkspaceIntent.objects.create(workspace=workspace, name="asks_merch", description="merch")
    merch = {"text": "The hoodies drop Friday!", "intent": "asks_merch"}
    assert api.post(base, merch, content_type="application/json").status_code == 201
    WorkspaceIntent.objects.create(workspace=other_workspace, name="asks_tour", description="x")
    tour = {"text": "Tour dates soon!", "intent": "asks_tour"}
    refused = api.post(base, tour, content_type="application/json")
    assert refused.status_code == 422 and "intent" in refused.content.decode()
    empty = api.patch(f"{base}/{kept.pk}", {}, content_type="application/json")
    assert empty.status_code == 422
    pinned = api.patch(f"{base}/{kept.pk}", {"pinned": True}, content_type="application/json")
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    listed = api.get(base, {"q": "lovely"}).json()
    assert [row["id"] for row in listed] == [kept.pk]
    assert api.get(f"/api/personas/{persona.pk + 999}/library").status_code == 404


def test_the_models_page_shows_the_ranker_and_a_manager_queues_its_retraining(
    workspace, persona, manager
):
    client = Client()
    client.force_login(manager)
    page = client.get("/w/acme/models/").content.decode()
    assert "Reply ranker" in page and "the hand-set prior" in page
    assert "context_similarity" in page  # its weights are shown: the explanation

    response = client.post("/w/acme/models/ranker/retrain/")
    assert response.status_code == 302
    job = TrainingJob.objects.get(kind=ranking.KIND, workspace_id=workspace.pk)
    assert job.created_by == manager and job.status == "queued"
