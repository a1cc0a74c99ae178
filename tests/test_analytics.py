"""Funnels on known data: exact numbers, cohort semantics, windows, breakdowns, drill-down."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conversations import ingestion
from conversations.models import Conversation, OperatorDecision, Playbook, SuggestionSet, Turn
from core.models import Role
from personas.models import Persona
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(workspace) -> Client:
    client = Client()
    client.force_login(make_user("maya", workspace, Role.MANAGER))
    return client


def journey(workspace, user: str, states: list[str], outcome: str = "", days_ago: int = 2,
            converted_after_days: int = 1, persona: str = "Mia",
            hours_between: list[float] | None = None) -> Conversation:  # fmt: skip
    """A creator-dm conversation started `days_ago` that went through `states`, entering
    each `hours_between` (default: 1 hour) after the one before."""
    conversation = ingestion.start_conversation(workspace, user, user, "hi", "creator-dm", persona)
    started = timezone.now() - timedelta(days=days_ago)
    entered = {"rapport_building": started}
    when = started
    for state, gap in zip(states, hours_between or [1.0] * len(states), strict=True):
        when += timedelta(hours=gap)
        entered[state] = when
        turn = Turn.objects.create(
            workspace=workspace, conversation=conversation, state_before="x", state_after=state
        )
        Turn.objects.filter(pk=turn.pk).update(created_at=when)
    Conversation.objects.filter(pk=conversation.pk).update(
        visited_states=["rapport_building", *states],  # what steering keeps as it moves
        visited_at={state: at.isoformat() for state, at in entered.items()},
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


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.test","hi")', "+1+1", "-2", "@SUM(A1)", "\tx"]
)
def test_csv_cells_a_spreadsheet_would_run_reach_it_as_text(manager, workspace, persona, name):
    journey(workspace, name, ["deepening"])
    response = manager.get("/w/acme/analytics/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    contacts = [row[1] for row in rows[1:]]
    assert contacts == ["'" + name]  # the quote makes it text; nothing else changes


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
    from analytics import funnels
    from conversations import steering

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
    recomputed = funnels.visited_states_from_turns(Conversation.objects.filter(pk=conversation.pk))
    assert set(recomputed[conversation.pk]) == expected
    # When each state was first entered, kept alongside: the same as the turns say, to the
    # moment (the override's time for closing_attempt).
    assert set(conversation.visited_at) == expected
    stored = {state: datetime.fromisoformat(at) for state, at in conversation.visited_at.items()}
    assert stored["initial_contact"] <= stored["interest_qualification"]
    for state in expected - {"initial_contact"}:
        assert abs(stored[state] - recomputed[conversation.pk][state]) < timedelta(seconds=1)


def test_sql_funnel_equals_the_funnel_recomputed_from_turns(workspace, planted):
    from analytics import funnels

    playbook = planted[0].playbook
    query = funnels.FunnelQuery(
        playbook,
        timezone.localdate() - timedelta(days=60),
        timezone.localdate(),
        funnels.default_steps(playbook),
        30,
        "persona",
    )
    fast = funnels.funnel(workspace, query)
    slow = funnels.funnel(workspace, query, rollup=False)
    assert fast.steps == slow.steps
    assert (fast.cohort, fast.converted) == (slow.cohort, slow.converted)
    assert fast.groups == slow.groups


def test_generated_data_feeds_the_same_funnel_both_ways():
    from django.core.management import call_command

    from analytics import funnels
    from conversations.models import Message
    from core.models import Workspace

    call_command("generate_analytics_data", workspace="gen", conversations=40, messages=4)
    call_command("generate_analytics_data", workspace="gen", conversations=10, messages=4)
    workspace = Workspace.objects.get(slug="gen")
    assert Conversation.objects.filter(workspace=workspace).count() == 50
    assert Message.objects.filter(conversation__workspace=workspace).count() == 200

    playbook = Playbook.objects.get(workspace=None, slug="creator-dm")
    today = timezone.localdate()
    query = funnels.FunnelQuery(
        playbook, today - timedelta(days=90), today, funnels.default_steps(playbook), 30,
        "persona",
    )  # fmt: skip
    fast, slow = funnels.funnel(workspace, query), funnels.funnel(workspace, query, False)
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


# -- per-step conversion windows ---------------------------------------------------------


@pytest.fixture
def paced(workspace, persona):
    """Three conversations started yesterday that moved at different speeds."""
    journey(workspace, "fast", ["deepening", "cta"], hours_between=[2, 3])
    journey(workspace, "slow-to-deepen", ["deepening"], hours_between=[50])
    journey(workspace, "slow-to-cta", ["deepening", "cta"], hours_between=[2, 100], days_ago=6)


STEPS = "steps=rapport_building&steps=deepening&steps=cta"


def test_without_step_windows_every_arrival_counts(manager, paced):
    funnel = manager.get(f"/w/acme/analytics/?{STEPS}").context["funnel"]
    assert [(s.name, s.reached) for s in funnel.steps] == [
        ("rapport_building", 3),
        ("deepening", 3),
        ("cta", 2),
    ]


def test_step_windows_count_only_arrivals_within_hours_of_the_previous_step(manager, paced):
    page = manager.get(f"/w/acme/analytics/?{STEPS}&within_deepening=24&within_cta=48")

    funnel = page.context["funnel"]
    assert [(s.name, s.reached, s.dropped) for s in funnel.steps] == [
        ("rapport_building", 3, 0),
        ("deepening", 2, 1),  # slow-to-deepen took 50 h
        ("cta", 1, 1),  # slow-to-cta took 100 h from deepening
    ]
    assert [s.window_hours for s in funnel.steps] == [None, 24.0, 48.0]
    html = page.content.decode()
    assert "≤ 24.0 h after rapport_building" in html
    assert 'name="within_cta" min="0" step="any" value="48.0"' in html


def test_step_windows_hold_in_drill_down_breakdowns_and_the_turns_baseline(
    manager, workspace, paced
):
    from analytics import funnels

    windows = f"{STEPS}&within_deepening=24&within_cta=48"
    dropped_first = manager.get(
        f"/w/acme/analytics/conversations/?{windows}&step=rapport_building&dropped=1"
    )
    dropped_second = manager.get(
        f"/w/acme/analytics/conversations/?{windows}&step=deepening&dropped=1"
    )
    reached_cta = manager.get(f"/w/acme/analytics/conversations/?{windows}&step=cta")

    assert [str(c.contact) for c in dropped_first.context["conversations"]] == ["slow-to-deepen"]
    assert [str(c.contact) for c in dropped_second.context["conversations"]] == ["slow-to-cta"]
    assert [str(c.contact) for c in reached_cta.context["conversations"]] == ["fast"]

    by_persona = manager.get(f"/w/acme/analytics/?{windows}&breakdown=persona")
    (mia,) = by_persona.context["funnel"].groups
    assert [s.reached for s in mia["steps"]] == [3, 2, 1]

    query = by_persona.context["query"]
    from_turns = funnels.funnel(workspace, query, rollup=False)
    assert [s.reached for s in from_turns.steps] == [3, 2, 1]


@pytest.mark.parametrize(
    ("value", "message"),
    [("soon", "within_cta must be a number of hours"), ("0", "between 0 and 8760"),
     ("9000", "between 0 and 8760")],
)  # fmt: skip
def test_a_bad_step_window_is_a_400_naming_it(manager, paced, value, message):
    response = manager.get(f"/w/acme/analytics/?{STEPS}&within_cta={value}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_backfill_fills_entry_times_from_turns_and_overrides(workspace, persona, operator):
    """Conversations stored before visited_at existed get it from their turns and overrides
    (migration 0012), the earliest time for each state."""
    import importlib

    from django.db import connection

    from conversations import steering

    backfill = importlib.import_module("conversations.migrations.0012_backfill_visited_at")
    conversation = journey(workspace, "old-timer", ["deepening", "cta"], hours_between=[5, 7])
    steering.override_phase(conversation.pk, operator, "deepening", "", "back to rapport")
    Conversation.objects.filter(pk=conversation.pk).update(visited_at={})

    with connection.cursor() as cursor:
        cursor.execute(backfill.BACKFILL)

    conversation.refresh_from_db()
    started = conversation.created_at
    stored = {state: datetime.fromisoformat(at) for state, at in conversation.visited_at.items()}
    assert set(stored) == {"rapport_building", "deepening", "cta"}
    assert stored["rapport_building"] == started
    assert stored["deepening"] == started + timedelta(hours=5)  # not the later override
    assert stored["cta"] == started + timedelta(hours=12)
