"""Journey pages with the test client: who may import, what export gives, overrides."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conversations import ingestion, journeys
from conversations.models import Conversation, PhaseOverride, Playbook
from core.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CUSTOM = {
    "slug": "vip",
    "name": "VIP follow-up",
    "entry": "hello",
    "states": {"hello": {"goal": "Say hi"}, "done": {"terminal": True, "outcome": "success"}},
    "transitions": [{"from": "hello", "on": ["confirmed"], "to": "done"}],
}


@pytest.fixture
def manager_client(workspace) -> Client:
    client = Client()
    client.force_login(make_user("maya", workspace, Role.MANAGER))
    return client


def test_journeys_page_draws_every_built_in_playbook(operator_client):
    page = operator_client.get("/w/acme/journeys/").content.decode()
    for slug in ("call-outcome", "creator-dm", "sales-7"):
        assert f'data-playbook="{slug}"' in page
    assert 'data-state="GREETING"' in page


def test_an_operator_cannot_import_a_playbook(operator_client):
    response = operator_client.post("/w/acme/journeys/import/", {"document": json.dumps(CUSTOM)})

    assert response.status_code == 403
    assert not Playbook.objects.filter(slug="vip").exists()


def test_a_manager_imports_json_and_it_runs(manager_client, workspace, persona):
    response = manager_client.post("/w/acme/journeys/import/", {"document": json.dumps(CUSTOM)})

    assert response.status_code == 302
    playbook = Playbook.objects.get(workspace=workspace, slug="vip")
    conversation = ingestion.start_conversation(workspace, "u1", "", "hi", "vip")
    assert (conversation.playbook, conversation.journey_state) == (playbook, "hello")


def test_a_broken_import_lists_its_problems_and_stores_nothing(manager_client):
    broken = {**CUSTOM, "transitions": [{"from": "hello", "on": ["confirmed"], "to": "nowhere"}]}

    response = manager_client.post("/w/acme/journeys/import/", {"document": json.dumps(broken)})

    assert response.status_code == 422
    assert "unknown state &#x27;nowhere&#x27; in to" in response.content.decode()
    assert not Playbook.objects.filter(slug="vip").exists()


def test_a_playbook_in_use_is_not_replaced(manager_client, workspace, persona):
    manager_client.post("/w/acme/journeys/import/", {"document": json.dumps(CUSTOM)})
    ingestion.start_conversation(workspace, "u1", "", "hi", "vip")
    renamed = {**CUSTOM, "name": "Changed"}

    response = manager_client.post("/w/acme/journeys/import/", {"document": json.dumps(renamed)})

    assert response.status_code == 422
    assert Playbook.objects.get(workspace=workspace, slug="vip").name == "VIP follow-up"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_gives_a_document_that_imports_back(operator_client, fmt):
    response = operator_client.get(f"/w/acme/journeys/sales-7/export/?format={fmt}")

    assert response.status_code == 200
    assert 'filename="sales-7.' in response["Content-Disposition"]
    document = journeys.load_document(response.content.decode(), fmt)
    assert journeys.parse_playbook(document) == Playbook.objects.get(slug="sales-7").spec


def test_export_of_an_unknown_format_is_400(operator_client):
    assert operator_client.get("/w/acme/journeys/sales-7/export/?format=xml").status_code == 400


def test_operator_overrides_the_phase_through_the_page(operator_client, workspace, persona):
    conversation = ingestion.start_conversation(workspace, "u1", "", "hi", "creator-dm", "Mia")

    response = operator_client.post(
        f"/w/acme/c/{conversation.pk}/phase/",
        {"to_state": "cta", "outcome": "", "reason": "asked for the link"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "asked for the link" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.journey_state == "cta"
    assert PhaseOverride.objects.get().reason == "asked for the link"


def test_override_without_a_reason_is_422_and_changes_nothing(operator_client, workspace, persona):
    conversation = ingestion.start_conversation(workspace, "u1", "", "hi", "creator-dm", "Mia")

    response = operator_client.post(
        f"/w/acme/c/{conversation.pk}/phase/",
        {"to_state": "cta", "reason": " "},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "say why" in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).journey_state == "rapport_building"


def test_a_labeler_cannot_override(labeler, workspace, persona):
    conversation = ingestion.start_conversation(workspace, "u1", "", "hi", "creator-dm", "Mia")
    client = Client()
    client.force_login(labeler)

    response = client.post(
        f"/w/acme/c/{conversation.pk}/phase/", {"to_state": "cta", "reason": "because"}
    )

    assert response.status_code == 403
    assert not PhaseOverride.objects.exists()
