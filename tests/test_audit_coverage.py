"""The audit log covers what changes how a workspace answers its customers: model
promotions, shadowing, retirements and rollbacks, adapter deploys and rollbacks, playbook
imports, moderation and restores. Each row names who acted (a person, an API key, or the
system) and shows only on its own workspace's log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conversations.models import Conversation
from core.models import AuditEvent, Membership, Role
from mlops.models import Dataset, ModelVersion, TrainingJob
from tests.conftest import make_user, receive
from tests.test_finetune_api import reply_dataset, trained_job
from tests.test_journey_pages import CUSTOM
from tests.test_perception_pipeline import SCAMMER_LINES

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def maya(workspace):
    return make_user("maya", workspace, Role.MANAGER)


@pytest.fixture
def manager(maya) -> Client:
    return logged_in(maya)


def cta_version(workspace, number: int, status: str = "candidate") -> ModelVersion:
    dataset, _ = Dataset.objects.get_or_create(
        kind="cta", version="v1", defaults={"rows": 10, "path": "-", "sha256": "-"}
    )
    return ModelVersion.objects.create(
        kind="cta", version=number, workspace_id=workspace.pk, dataset=dataset, artifact="-",
        status=status,
    )  # fmt: skip


def logged(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


def actions_seen_by(client: Client, slug: str) -> list[str]:
    page = client.get(f"/w/{slug}/settings/audit/").content.decode()
    return [part.split('"')[0] for part in page.split('data-event="')[1:]]


def assert_private_to_acme(outsider, expected: set[str]) -> None:
    """Acme's admin reads every action; another workspace's admin reads none of them."""
    acme = Membership.objects.get(user__username="maya").workspace
    admin = logged_in(make_user("ada", acme, Role.ADMIN))
    assert expected <= set(actions_seen_by(admin, "acme"))
    outsiders = logged_in(outsider)
    assert actions_seen_by(outsiders, "other") == []
    assert outsiders.get("/w/acme/settings/audit/").status_code == 404


def test_promoting_shadowing_retiring_and_rolling_back_models_are_logged(
    manager, maya, workspace, outsider
):
    first = cta_version(workspace, 1, "active")
    second = cta_version(workspace, 2)

    for version, status in ((second, "shadow"), (second, "active"), (first, "active")):
        manager.post(f"/w/acme/models/{version.pk}/status/", {"status": status})
    manager.post(f"/w/acme/models/{first.pk}/status/", {"status": "retired"})

    shadow, promote, rollback, retire = (
        logged(a) for a in ("model.shadow", "model.promote", "model.rollback", "model.retire")
    )
    assert (promote.object_id, promote.before, promote.after["status"]) == (
        str(second.pk), {"status": "shadow"}, "active",
    )  # fmt: skip
    assert (rollback.object_id, rollback.before, rollback.after["version"]) == (
        str(first.pk), {"status": "retired"}, 1,
    )  # fmt: skip
    for event in (shadow, promote, rollback, retire):
        assert (event.actor, event.workspace) == (maya, workspace)
        assert event.address == "127.0.0.1"
    assert_private_to_acme(
        outsider, {"model.shadow", "model.promote", "model.rollback", "model.retire"}
    )


def test_a_model_deployed_through_the_api_names_the_key(api, maya, workspace, outsider):
    version = cta_version(workspace, 2)
    job = TrainingJob.objects.create(
        kind="cta", workspace_id=workspace.pk, status="completed", result=version
    )

    assert api.post(f"/api/model/deploy/{job.job_id}").status_code == 200

    event = logged("model.promote")
    assert (event.workspace, event.actor) == (workspace, None)
    assert event.actor_name.startswith("api key test (od_")
    assert event.after == {"status": "active", "kind": "cta", "version": 2}
    assert_private_to_acme(outsider, {"model.promote"})


def test_adapter_deploys_and_rollbacks_are_logged_from_the_page_and_the_api(
    manager, maya, api, workspace, persona, tmp_path, outsider
):
    dataset = reply_dataset(workspace, persona, tmp_path)
    first, second = trained_job(persona, dataset, 1), trained_job(persona, dataset, 2)

    manager.post(f"/w/acme/fine-tuning/jobs/{first.pk}/deploy/")
    assert api.post(f"/api/model/deploy/{second.job_id}").status_code == 200
    assert api.post(f"/api/model/rollback/{persona.pk}").status_code == 200
    manager.post(f"/w/acme/fine-tuning/personas/{persona.pk}/rollback/")

    events = list(AuditEvent.objects.filter(action__startswith="adapter.").order_by("pk"))
    assert [(e.action, e.actor_name.split(" (")[0]) for e in events] == [
        ("adapter.deploy", "maya"),
        ("adapter.deploy", "api key test"),
        ("adapter.rollback", "api key test"),
        ("adapter.rollback", "maya"),
    ]
    name = f"ws{workspace.pk}-persona{persona.pk}-lora-v"
    assert [(e.before["adapter"], e.after["adapter"]) for e in events] == [
        (None, name + "1"),
        (name + "1", name + "2"),
        (name + "2", name + "1"),
        (name + "1", None),
    ]
    assert all(e.workspace == workspace and e.object_id == str(persona.pk) for e in events)
    assert events[0].actor == maya
    assert_private_to_acme(outsider, {"adapter.deploy", "adapter.rollback"})


def test_a_playbook_import_is_logged_and_a_refused_one_is_not(manager, maya, workspace, outsider):
    broken = {**CUSTOM, "entry": "nowhere"}
    refused = manager.post("/w/acme/journeys/import/", {"document": json.dumps(broken)})
    assert refused.status_code == 422
    assert not AuditEvent.objects.exists()

    manager.post("/w/acme/journeys/import/", {"document": json.dumps(CUSTOM)})

    event = logged("playbook.import")
    assert (event.actor, event.workspace, event.object_repr) == (maya, workspace, "VIP follow-up")
    assert event.after == {"slug": "vip", "name": "VIP follow-up", "format": "auto"}
    assert_private_to_acme(outsider, {"playbook.import"})


def test_the_policys_mute_is_logged_as_the_system_and_a_restore_as_the_manager(
    manager, maya, workspace, persona, outsider
):
    workspace.risk_policy = "mute"
    workspace.save()
    message = receive(workspace, SCAMMER_LINES[1], "s-1")
    conversation = Conversation.objects.get(pk=message.conversation_id)

    manager.post(f"/w/acme/c/{conversation.pk}/moderation/", {"action": "restore", "reason": "ok"})
    manager.post(f"/w/acme/c/{conversation.pk}/moderation/", {"action": "block"})

    mute, restore, block = (
        logged(a) for a in ("conversation.mute", "conversation.restore", "conversation.block")
    )
    assert (mute.actor, mute.actor_name, mute.address) == (None, "system", None)
    assert "HIGH RISK" in mute.after["reason"]
    assert (restore.actor, restore.after) == (maya, {"moderation": "none", "reason": "ok"})
    assert (block.actor, block.after["moderation"]) == (maya, "blocked")
    assert {e.workspace for e in (mute, restore, block)} == {workspace}
    assert {e.object_id for e in (mute, restore, block)} == {str(conversation.pk)}
    assert_private_to_acme(
        outsider, {"conversation.mute", "conversation.restore", "conversation.block"}
    )
