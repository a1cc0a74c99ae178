"""Hostile configuration (issue 18, item 5): what a workspace's own manager or admin
writes is read as hostile. A playbook with YAML aliases (a "billion laughs" document) is
refused before anything is expanded or stored; a red-flag pattern that backtracks
catastrophically is refused when saved, and one already stored cannot hang perception."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conversations import risk
from conversations.models import Conversation, Playbook, RedFlagPattern
from core.models import Role
from mlops import bad_actor
from tests.conftest import make_user, receive

pytestmark = pytest.mark.django_db

IMPORT = "/w/acme/journeys/import/"

# A playbook that names one goal and reuses it through an alias: harmless-looking, and
# exactly the mechanism a bomb uses.
ALIASED = """\
slug: vip
name: VIP
entry: hello
states:
  hello: {goal: &greeting "Say hi"}
  again: {goal: *greeting}
  done: {terminal: true, outcome: success}
transitions:
  - {from: hello, on: [confirmed], to: done}
  - {from: hello, on: [greeting], to: again}
  - {from: again, on: [confirmed], to: done}
"""


def laughs(levels: int, fan_out: int) -> str:
    """A "billion laughs" playbook: each level lists the one before `fan_out` times, and
    the goal of its only state is the last level, fan_out ** levels strings once expanded.
    """
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels + 1):
        items = ", ".join([f"*l{level - 1}"] * fan_out)
        lines.append(f"l{level}: &l{level} [{items}]")
    lines += [
        "slug: lol",
        "entry: hello",
        f"states: {{hello: {{goal: *l{levels}}}, done: {{terminal: true, outcome: success}}}}",
        "transitions: [{from: hello, on: [confirmed], to: done}]",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def manager_client(workspace) -> Client:
    client = Client()
    client.force_login(make_user("maya", workspace, Role.MANAGER))
    return client


def test_a_playbook_with_yaml_aliases_is_refused_and_nothing_is_stored(manager_client):
    before = Playbook.objects.count()

    response = manager_client.post(IMPORT, {"document": ALIASED, "format": "yaml"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "line 5: YAML anchors and aliases (&amp;name, *name) are not accepted" in page
    assert Playbook.objects.count() == before
    assert not Playbook.objects.filter(slug="vip").exists()


# Ten million "lol"s once expanded (70 MB as text): the old import stringified the goal
# and stored it as JSON. The scan refuses it without expanding anything.
@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["yaml", "auto"])
def test_a_billion_laughs_document_gets_a_clear_422_at_once(manager_client, fmt):
    bomb = laughs(levels=7, fan_out=10)
    assert len(bomb) < 1_000  # a few hundred bytes

    response = manager_client.post(IMPORT, {"document": bomb, "format": fmt})

    assert response.status_code == 422
    assert "YAML anchors and aliases" in response.content.decode()
    assert not Playbook.objects.filter(slug="lol").exists()


@pytest.mark.parametrize(
    ("document", "fmt"), [("[" * 5_000 + "]" * 5_000, "yaml"), ("[" * 50_000, "json")]
)
def test_a_document_nested_beyond_the_parser_is_a_422_not_a_crash(manager_client, document, fmt):
    before = Playbook.objects.count()

    response = manager_client.post(IMPORT, {"document": document, "format": fmt})

    assert response.status_code == 422
    assert "nested too deeply" in response.content.decode()
    assert Playbook.objects.count() == before


def test_a_plain_yaml_playbook_still_imports(manager_client, workspace):
    plain = ALIASED.replace('&greeting "Say hi"', '"Say hi"').replace("*greeting", '"Hi again"')

    response = manager_client.post(IMPORT, {"document": plain, "format": "yaml"})

    assert response.status_code == 302
    stored = Playbook.objects.get(workspace=workspace, slug="vip")
    assert stored.definition["states"]["again"]["goal"] == "Hi again"


# -- red-flag patterns ----------------------------------------------------------------

# Exponential on a long run of "a" that does not end the way the pattern wants.
NESTED = r"(a+)+$"
ALTERNATING = r"(a|aa)+$"  # no nested quantifier: only the timed probe catches this one


def override(workspace, pattern: str, name: str = "slow-one") -> RedFlagPattern:
    return RedFlagPattern(
        workspace=workspace,
        pattern_name=name,
        category="scam",
        severity="HIGH",
        weight=0.5,
        pattern=pattern,
    )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (NESTED, "nested quantifiers"),
        (r"(\w+\s?)+$", "nested quantifiers"),
        (r"(?:gift|card){1,5}(x{1,9})+", "nested quantifiers"),
        (ALTERNATING, "catastrophic backtracking"),
    ],
)
def test_a_pattern_that_backtracks_catastrophically_is_refused_when_saved(
    workspace, pattern, reason
):
    row = override(workspace, pattern)

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert reason in " ".join(refused.value.messages)
    assert not RedFlagPattern.objects.filter(pattern_name="slow-one").exists()


def test_ordinary_and_built_in_patterns_are_accepted(workspace):
    risk.sync_builtin_red_flags()
    for builtin in RedFlagPattern.objects.filter(workspace__isnull=True):
        builtin.full_clean()  # every shipped pattern passes the same checks
    override(workspace, r"\b(send|give) (me )?(your|ur) (bank|card) (details|number)").full_clean()


# The evil pattern stored before these checks existed (or through a path that skips
# them): perception must still finish, and still find the other flags in the message.
@pytest.mark.timeout(60)
def test_a_hostile_pattern_already_stored_cannot_hang_perception(workspace, persona):
    risk.sync_builtin_red_flags()
    RedFlagPattern.objects.bulk_create([override(workspace, ALTERNATING)])  # no clean()
    text = "send me your bank details " + "a" * 5_000 + "!"

    message = receive(workspace, text, "m-1")

    conversation = Conversation.objects.get(pk=message.conversation_id)
    found = {flag["pattern_name"] for flag in conversation.risk["red_flags"]}
    assert "bank_details_request" in found, found
    assert "slow-one" not in found  # cut off by its time budget: counted as no match


@pytest.mark.timeout(60)
def test_each_message_has_a_time_budget_for_the_patterns(workspace):
    rules = (
        override(workspace, NESTED, "nested").as_rule(),
        override(workspace, ALTERNATING, "alternating").as_rule(),
        override(workspace, r"\bwestern union\b", "wire").as_rule(),
    )
    texts = ["a" * 20_000 + "!", "pay me by western union " + "a" * 20_000 + "!"]

    report = bad_actor.detect_bad_actor(texts, rules, vectors=[None, None])

    assert [flag.pattern_name for flag in report.red_flags if flag.match == "regex"] == ["wire"]
