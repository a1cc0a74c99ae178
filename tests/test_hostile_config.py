"""Hostile configuration (issue 18, item 5): what a workspace's own manager or admin
writes is read as hostile. A playbook with YAML aliases (a "billion laughs" document) is
refused before anything is expanded or stored; a red-flag pattern that backtracks
catastrophically is refused when saved, and one already stored cannot hang perception; the
persona folder sync follows no link, at any step, even one swapped in mid-sync."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conversations import risk
from conversations.models import Conversation, Playbook, RedFlagPattern
from core.models import Role
from mlops import bad_actor
from personas import folder_sync
from personas.folder_sync import sync_root
from personas.models import KnowledgeChunk, Persona
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


# -- the persona folder ---------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def shared_folder(tmp_path, workspace, other_workspace) -> Path:
    """The watched folder: Mia of acme, and Zoe of the other agency, next to each other."""
    mia = tmp_path / workspace.slug / "Mia"
    write(mia / "about.txt", "I grew up in San Antonio.")
    write(mia / "notes" / "food.md", "Tacos are my weakness.")
    write(tmp_path / other_workspace.slug / "Zoe" / "prices.txt", "Zoe's private price list")
    write(tmp_path / "outside" / "food.md", "a file outside every persona folder")
    return tmp_path


def synced_texts(workspace) -> str:
    return " ".join(
        KnowledgeChunk.objects.filter(persona__workspace=workspace).values_list("text", flat=True)
    )


def test_links_to_system_files_and_to_another_workspaces_persona_are_not_followed(
    shared_folder, workspace, other_workspace
):
    mia = shared_folder / workspace.slug / "Mia"
    (mia / "passwd.txt").symlink_to("/etc/passwd")
    (mia / "profile.txt").symlink_to("/etc/passwd")
    # acme's "Zoe" is a link to the other agency's real persona folder.
    (shared_folder / workspace.slug / "Zoe").symlink_to(
        shared_folder / other_workspace.slug / "Zoe", target_is_directory=True
    )

    reports = sync_root(shared_folder)

    assert sorted(r.persona for r in reports) == ["Mia", "Zoe"]  # each under its own owner
    assert not Persona.objects.filter(workspace=workspace, name="Zoe").exists()
    assert Persona.objects.get(workspace=workspace, name="Mia").profile == {}
    assert "root:" not in synced_texts(workspace)
    assert "price list" not in synced_texts(workspace)
    assert "price list" in synced_texts(other_workspace)


def mias(reports: list[folder_sync.FolderReport]) -> folder_sync.FolderReport:
    return next(report for report in reports if report.persona == "Mia")


def swap_after_listing(monkeypatch, swap) -> None:
    """Run `swap` between the listing and the reads: what a collaborator (or an attacker
    with write access to the shared folder) can do while a sync is running."""
    listing = folder_sync.knowledge_files

    def listed_then_swapped(folder: Path) -> list[Path]:
        found = listing(folder)
        if folder.name == "Mia":
            swap()
        return found

    monkeypatch.setattr(folder_sync, "knowledge_files", listed_then_swapped)


def test_a_folder_swapped_for_a_link_after_the_listing_is_not_read(
    shared_folder, workspace, monkeypatch
):
    notes = shared_folder / workspace.slug / "Mia" / "notes"

    def swap() -> None:
        shutil.rmtree(notes)
        notes.symlink_to(shared_folder / "outside", target_is_directory=True)

    swap_after_listing(monkeypatch, swap)

    report = mias(sync_root(shared_folder))

    assert report.skipped == ["notes/food.md"]
    assert "outside every persona folder" not in synced_texts(workspace)
    assert "San Antonio" in synced_texts(workspace)  # the rest of the folder still syncs


@pytest.mark.timeout(60)
def test_a_file_swapped_for_a_named_pipe_is_skipped_not_waited_on(
    shared_folder, workspace, monkeypatch
):
    about = shared_folder / workspace.slug / "Mia" / "about.txt"

    def swap() -> None:
        about.unlink()
        os.mkfifo(about)  # opening a pipe for reading waits for a writer that never comes

    swap_after_listing(monkeypatch, swap)

    report = mias(sync_root(shared_folder))

    assert report.skipped == ["about.txt"]
    assert "Tacos" in synced_texts(workspace)


PAUSED_SCAN = """
import sys
from mlops import bad_actor
rules = bad_actor.default_rules()
texts = ["hey so can i pay you later this week"] * int(sys.argv[1])
print("scanning", flush=True)
flagged = sum(bool(bad_actor.regex_matches(t, rules, bad_actor.MESSAGE_BUDGET_SECONDS))
              for t in texts)
print(flagged, flush=True)
"""


def test_a_worker_paused_mid_scan_still_reads_every_red_flag():
    """A busy machine takes the core away from a worker mid-scan (here: SIGSTOP for
    0.6 s, more than a whole message's budget of wall time). The budgets count the
    patterns' own CPU time, so no message loses its patterns to the pause."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, child_env

    count = 20_000
    scan = subprocess.Popen(
        [sys.executable, "-c", PAUSED_SCAN, str(count)],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert scan.stdout is not None
        assert scan.stdout.readline().strip() == "scanning"
        time.sleep(0.3)
        scan.send_signal(signal.SIGSTOP)
        time.sleep(0.6)
        scan.send_signal(signal.SIGCONT)
        flagged = int(scan.stdout.readline())
    finally:
        scan.kill()
        scan.wait()
    assert flagged == count
