"""A/B tests of tactics: deterministic assignment, arithmetic, and winners only when
significant."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client

from analytics import abtest
from conversations import ingestion
from conversations.models import Conversation
from core.models import Role
from personas.ab import assign_variant
from personas.models import Campaign, CampaignVariant
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_wilson_interval_and_z_test_match_a_hand_computation():
    # 30/100: centre (0.3 + 1.96^2/200) / (1 + 1.96^2/100) = 0.3074, half-width 0.0885
    low, high = abtest.wilson(30, 100)
    assert (low, high) == (pytest.approx(0.219, abs=2e-4), pytest.approx(0.3959, abs=2e-4))
    # 30/100 vs 15/100: pooled 0.225, z = 0.15 / sqrt(0.225 * 0.775 * 0.02) = 2.540
    assert abtest.two_proportion_p(30, 100, 15, 100) == pytest.approx(0.01108, abs=1e-4)


@pytest.fixture
def campaign(workspace) -> Campaign:
    campaign = Campaign.objects.create(workspace=workspace, slug="spring", name="Spring")
    CampaignVariant.objects.create(campaign=campaign, name="A", weight=1)
    CampaignVariant.objects.create(campaign=campaign, name="B", weight=1)
    return campaign


def test_assignment_is_deterministic_and_follows_the_weights(campaign):
    first = [assign_variant(campaign, f"c-{n}") for n in range(400)]
    again = [assign_variant(campaign, f"c-{n}") for n in range(400)]
    assert first == again
    shares = Counter(v.name for v in first if v)
    assert 150 < shares["A"] < 250


def test_ingested_conversations_get_their_variant(workspace, persona, campaign):
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage("api", "m-1", "c-1", "Sam", "Mia", "hi", campaign="spring"),
    )
    conversation = Conversation.objects.get(pk=result.conversation_id)
    assert conversation.variant == assign_variant(campaign, "api:c-1")


def plant(workspace, campaign, arm: str, n: int, wins: int) -> None:
    variant = campaign.variants.get(name=arm)
    for i in range(n):
        conversation = ingestion.start_conversation(workspace, f"{arm}-{i}", "", "hi", "creator-dm")
        ended = conversation.created_at + timedelta(hours=2)
        Conversation.objects.filter(pk=conversation.pk).update(
            variant=variant,
            outcome="success" if i < wins else "declined",
            ended_at=ended,
        )


@pytest.fixture
def manager(workspace) -> Client:
    client = Client()
    client.force_login(make_user("maya", workspace, Role.MANAGER))
    return client


def test_the_planted_winner_is_named(manager, workspace, persona, campaign):
    plant(workspace, campaign, "A", 120, 12)  # 10%
    plant(workspace, campaign, "B", 120, 36)  # 30%

    page = manager.get("/w/acme/analytics/ab/?campaign=spring")

    assert page.context["winner"].name == "B"
    assert 'data-winner="B"' in page.content.decode()
    arms = {arm.name: (arm.conversations, arm.conversions) for arm in page.context["arms"]}
    assert arms == {"A": (120, 12), "B": (120, 36)}


def test_equal_variants_name_no_winner(manager, workspace, persona, campaign):
    plant(workspace, campaign, "A", 100, 20)
    plant(workspace, campaign, "B", 100, 22)

    page = manager.get("/w/acme/analytics/ab/?campaign=spring")

    assert page.context["winner"] is None
    assert "data-no-winner" in page.content.decode()


def test_unknown_campaign_is_400_and_operators_get_403(manager, operator_client, campaign):
    assert manager.get("/w/acme/analytics/ab/?campaign=nope").status_code == 400
    assert operator_client.get("/w/acme/analytics/ab/").status_code == 403
