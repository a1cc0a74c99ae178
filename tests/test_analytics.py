"""Funnels on known data: exact numbers, cohort semantics, windows, breakdowns, drill-down."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversations import ingestion
from conversations.models import Conversation, OperatorDecision, Playbook, SuggestionSet, Turn
from dashboard.models import Role
from personas.models import Persona
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(workspace) -> Client:
    client = Client()
    client.force_login(make_user("maya", workspace, Role.MANAGER))
    return client


def journey(workspace, user: str, states: list[str], outcome: str = "", days_ago: int = 2,
            converted_after_days: int = 1, persona: str = "Mia") -> Conversation:  # fmt: skip
    """A creator-dm conversation started `days_ago` that went through `states`."""
    conversation = ingestion.start_conversation(workspace, user, user, "hi", "creator-dm", persona)
    started = timezone.now() - timedelta(days=days_ago)
    for state in states:
        Turn.objects.create(
            workspace=workspace, conversation=conversation, state_before="x", state_after=state
        )
    Conversation.objects.filter(pk=conversation.pk).update(
        visited_states=["rapport_building", *states],  # what steering keeps as it moves
        created_at=started,
        outcome=outcome,
        ended_at=started + timedelta(days=converted_after_days) if outcome else None,
    )
    return conversation


@pytest.fixture
def planted(workspace, persona):
    """10 conversations: 6 reach deepening, 3 reach cta, 2 convert inside the window, one
    converts after 40 days (outside a 30-day window); one more started before the range."""
    Persona.objects.create(workspace=workspace, name="Zoe")
    made = []
    for n in range(4):
        made.append(journey(workspace, f"cold-{n}", [], persona="Zoe" if n < 2 else "Mia"))
    for n in range(3):
        made.append(journey(workspace, f"warm-{n}", ["deepening"]))
    made.append(journey(workspace, "won-1", ["deepening", "cta", "converted"], "success"))
    made.append(journey(workspace, "won-2", ["deepening", "cta", "converted"], "success",
                        persona="Zoe"))  # fmt: skip
    made.append(
        journey(workspace, "late", ["deepening", "cta", "converted"], "success", days_ago=50,
                converted_after_days=40)
    )  # fmt: skip
    journey(workspace, "old", ["deepening", "cta"], "success", days_ago=400)
    return made


def test_funnel_numbers_are_exact(manager, planted):
    start = (timezone.localdate() - timedelta(days=60)).isoformat()
    page = manager.get(f"/w/acme/analytics/?start={start}&window=30")

    funnel = page.context["funnel"]
    assert [(s.name, s.reached) for s in funnel.steps] == [
        ("rapport_building", 10),
        ("deepening", 6),
        ("cta", 3),
        ("objection_handling", 0),
    ]
    assert [s.dropped for s in funnel.steps] == [0, 4, 3, 3]
    assert funnel.steps[1].step_rate == 0.6
    assert (funnel.cohort, funnel.converted) == (10, 2)  # the late one is outside the window
    assert funnel.conversion_rate == 0.2
    assert funnel.median_hours_to_convert == 24.0


def test_a_longer_window_counts_the_late_conversion(manager, planted):
    start = (timezone.localdate() - timedelta(days=60)).isoformat()
    page = manager.get(f"/w/acme/analytics/?start={start}&window=60")
    assert page.context["funnel"].converted == 3


def test_cohorts_count_by_start_date(manager, planted):
    # The default range is the last 30 days: the conversation started 50 days ago is out,
    # even though it converted within the range.
    funnel = manager.get("/w/acme/analytics/").context["funnel"]
    assert funnel.cohort == 9


def test_breakdown_by_persona(manager, planted):
    groups = manager.get("/w/acme/analytics/?breakdown=persona").context["funnel"].groups
    by_key = {g["key"]: (g["cohort"], g["converted"]) for g in groups}
    assert by_key == {"Mia": (6, 1), "Zoe": (3, 1)}


def test_chosen_steps_make_the_funnel(manager, planted):
    funnel = manager.get("/w/acme/analytics/?steps=rapport_building&steps=cta").context["funnel"]
    assert [(s.name, s.reached) for s in funnel.steps] == [("rapport_building", 9), ("cta", 2)]


def test_drill_down_lists_the_conversations_behind_a_number(manager, planted):
    reached = manager.get("/w/acme/analytics/conversations/?step=deepening")
    dropped = manager.get("/w/acme/analytics/conversations/?step=deepening&dropped=1")
    won = manager.get("/w/acme/analytics/conversations/?converted=1")

    assert len(reached.context["conversations"]) == 5
    names = sorted(str(c.contact) for c in dropped.context["conversations"])
    assert names == ["warm-0", "warm-1", "warm-2"]
    assert sorted(str(c.contact) for c in won.context["conversations"]) == ["won-1", "won-2"]
    assert f"/w/acme/c/{won.context['conversations'][0].pk}/" in won.content.decode()


def test_csv_has_one_row_per_conversation(manager, planted):
    response = manager.get("/w/acme/analytics/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "conversation_id"
    assert len(rows) == 1 + 9


def test_copilot_metrics_per_operator(manager, workspace, persona, operator):
    conversation = ingestion.start_conversation(workspace, "u", "U", "hi", "creator-dm")
    for action, distance in [("accept", 0), ("accept", 0), ("edit", 10), ("reject", None)]:
        OperatorDecision.objects.create(
            workspace=workspace, conversation=conversation, action=action, operator=operator,
            edit_distance=distance, latency_ms=1000,
        )  # fmt: skip
    [row] = manager.get("/w/acme/analytics/").context["copilot"]
    assert row["group"] == "olivia"
    assert (row["accept_rate"], row["edit_rate"], row["reject_rate"]) == (0.5, 0.25, 0.25)
    assert row["autonomy_rate"] == round(2 / 3, 4)
    assert (row["mean_edit_distance"], row["mean_reply_ms"]) == (10.0, 1000)


def test_copilot_metrics_per_prompt_version(manager, workspace, persona, operator):
    conversation = ingestion.start_conversation(workspace, "u", "U", "hi", "creator-dm")
    message = conversation.messages.get()
    for prompt_version, action in [
        ("llm-1", "accept"),
        ("llm-1", "edit"),
        ("skeleton-2", "reject"),
    ]:
        suggestion_set = SuggestionSet.objects.create(
            workspace=workspace, conversation=conversation, message=message,
            request_key=f"k-{prompt_version}-{action}", journey_state="rapport_building",
            model_version="m", prompt_version=prompt_version,
        )  # fmt: skip
        OperatorDecision.objects.create(
            workspace=workspace, conversation=conversation, suggestion_set=suggestion_set,
            action=action, operator=operator, edit_distance=3 if action == "edit" else None,
        )  # fmt: skip
    rows = manager.get("/w/acme/analytics/?copilot_by=prompt").context["copilot"]
    by_prompt = {
        row["group"]: (row["total"], row["accept_rate"], row["reject_rate"]) for row in rows
    }
    assert by_prompt == {"llm-1": (2, 0.5, 0.0), "skeleton-2": (1, 0.0, 1.0)}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=yesterday", "start must be a date"),
        ("start=2026-11-10&end=2026-11-01", "end must not be before start"),
        ("playbook=nope", "unknown playbook"),
        ("steps=nowhere", "nowhere"),
        ("window=0", "window must be between"),
        ("breakdown=mood", "breakdown must be one of"),
    ],
)
def test_bad_filters_are_400_with_a_message(manager, query, message):
    response = manager.get(f"/w/acme/analytics/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_managers_and_admins_see_analytics(operator_client, labeler):
    labeler_client = Client()
    labeler_client.force_login(labeler)
    for client in (operator_client, labeler_client):
        assert client.get("/w/acme/analytics/").status_code == 403
        assert client.get("/w/acme/analytics/export.csv").status_code == 403


def test_inbox_shows_conversion_probability_from_funnel_rates(operator_client, workspace, planted):
    from django.core.cache import cache

    cache.clear()
    live = journey(workspace, "now-in-cta", ["deepening", "cta"])
    Conversation.objects.filter(pk=live.pk).update(journey_state="cta")

    page = operator_client.get("/w/acme/").content.decode()

    # Ended conversations that were in cta: won-1, won-2, late and old, all successes,
    # so (4 + 1) / (4 + 2) with Laplace smoothing.
    assert f'data-conversation-id="{live.pk}"' in page
    assert 'data-conversion-probability="0.833"' in page


def test_the_rollup_is_kept_by_steering_and_overrides(workspace, persona, operator):
    from conversations import steering
    from dashboard import analytics

    conversation = ingestion.start_conversation(workspace, "u", "U", "hi", "sales-7")
    for text in ["yes tell me more", "sure sounds good", "how much is it?"]:
        ingestion.continue_conversation(conversation, text)
    steering.override_phase(conversation.pk, operator, "closing_attempt", "", "asked to buy")
    conversation.refresh_from_db()

    expected = {
        "initial_contact",
        "interest_qualification",
        "value_proposition",
        "price_negotiation",
        "closing_attempt",
    }
    assert set(conversation.visited_states) == expected
    recomputed = analytics.visited_states_from_turns(
        Conversation.objects.filter(pk=conversation.pk)
    )
    assert recomputed[conversation.pk] == expected


def test_sql_funnel_equals_the_funnel_recomputed_from_turns(workspace, planted):
    from dashboard import analytics

    playbook = planted[0].playbook
    query = analytics.FunnelQuery(
        playbook,
        timezone.localdate() - timedelta(days=60),
        timezone.localdate(),
        analytics.default_steps(playbook),
        30,
        "persona",
    )
    fast = analytics.funnel(workspace, query)
    slow = analytics.funnel(workspace, query, rollup=False)
    assert fast.steps == slow.steps
    assert (fast.cohort, fast.converted) == (slow.cohort, slow.converted)
    assert fast.groups == slow.groups


def test_generated_data_feeds_the_same_funnel_both_ways():
    from django.core.management import call_command

    from conversations.models import Message
    from dashboard import analytics
    from dashboard.models import Workspace

    call_command("generate_analytics_data", workspace="gen", conversations=40, messages=4)
    call_command("generate_analytics_data", workspace="gen", conversations=10, messages=4)
    workspace = Workspace.objects.get(slug="gen")
    assert Conversation.objects.filter(workspace=workspace).count() == 50
    assert Message.objects.filter(conversation__workspace=workspace).count() == 200

    playbook = Playbook.objects.get(workspace=None, slug="creator-dm")
    today = timezone.localdate()
    query = analytics.FunnelQuery(
        playbook, today - timedelta(days=90), today, analytics.default_steps(playbook), 30,
        "persona",
    )  # fmt: skip
    fast, slow = analytics.funnel(workspace, query), analytics.funnel(workspace, query, False)
    assert fast.steps == slow.steps and fast.groups == slow.groups
    assert fast.cohort == 50


def test_outcomes_per_breakdown_and_per_day(manager, planted):
    start = (timezone.localdate() - timedelta(days=60)).isoformat()
    page = manager.get(f"/w/acme/analytics/?start={start}&breakdown=persona")

    groups = {g["key"]: g["outcomes"] for g in page.context["outcomes_by_group"]}
    assert groups == {"Mia": {"success": 2}, "Zoe": {"success": 1}}
    days = page.context["outcome_chart"]["columns"]
    assert sum(seg["n"] for col in days for seg in col["segments"]) == 3
    assert "data-day=" in page.content.decode()
