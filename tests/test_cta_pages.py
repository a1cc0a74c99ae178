"""CTA pages: the operator's verdict, the labeler queue with agreement, the models page."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations import ingestion
from conversations.models import CtaDecision, CtaLabel
from core.models import Role
from mlops.agreement import cohen_kappa, fleiss_kappa
from mlops.models import Dataset, ModelVersion, TrainingJob
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(workspace) -> ModelVersion:
    dataset = Dataset.objects.create(kind="cta", version="v1", rows=10, path="-", sha256="-")
    return ModelVersion.objects.create(
        kind="cta", version=1, workspace_id=workspace.pk, dataset=dataset, artifact="-",
        status=ModelVersion.Status.ACTIVE, metrics={"macro_f1": 0.9},
    )  # fmt: skip


@pytest.fixture
def conversation(workspace, persona):
    return ingestion.start_conversation(workspace, "u1", "Sam", "hey there", "creator-dm", "Mia")


def decide(conversation, version, decision: str, margin: float) -> CtaDecision:
    message = ingestion.add_customer_message(conversation, f"message at margin {margin}")
    return CtaDecision.objects.create(
        workspace=conversation.workspace, conversation=conversation, message=message,
        model_version=version, decision=decision, margin=margin,
        probabilities={"NOW": 0.5, "WAIT": 0.3, "NEVER": 0.2},
        top_features=[["sentiment", 0.2]], features={"sentiment": 0.4},
    )  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_operator_accepts_then_overrides_the_cta(operator_client, conversation, version):
    decision = decide(conversation, version, "NOW", 0.4)
    url = f"/w/acme/c/{conversation.pk}/cta/"

    operator_client.post(url, {"decision_id": decision.pk, "label": "NOW"})
    assert CtaLabel.objects.get().label == "NOW"
    operator_client.post(url, {"decision_id": decision.pk, "label": "NEVER", "reason": "scammy"})

    label = CtaLabel.objects.get()  # one verdict per person, the latest
    assert (label.label, label.source, label.reason) == ("NEVER", "operator", "scammy")


def test_a_bad_verdict_is_422(operator_client, conversation, version):
    decision = decide(conversation, version, "NOW", 0.4)
    response = operator_client.post(
        f"/w/acme/c/{conversation.pk}/cta/", {"decision_id": decision.pk, "label": "MAYBE"}
    )
    assert response.status_code == 422
    assert not CtaLabel.objects.exists()


def test_queue_shows_overrides_first_then_the_least_certain(
    workspace, labeler, operator, conversation, version
):
    certain = decide(conversation, version, "WAIT", 0.9)
    unsure = decide(conversation, version, "NOW", 0.05)
    overridden = decide(conversation, version, "NOW", 0.7)
    CtaLabel.objects.create(
        workspace=workspace, decision=overridden, label="NEVER", source="operator", user=operator
    )
    client = client_for(labeler)

    order = []
    for _ in range(3):
        page = client.get("/w/acme/labels/")
        item = page.context["item"]
        order.append(item.pk)
        client.post("/w/acme/labels/", {"decision_id": item.pk, "label": "WAIT", "reason": "r"})

    assert order == [overridden.pk, unsure.pk, certain.pk]
    assert client.get("/w/acme/labels/").context["item"] is None


def test_an_item_needing_two_labelers_stays_until_both_judged(
    workspace, labeler, conversation, version
):
    workspace.cta_labels_required = 2
    workspace.save()
    decision = decide(conversation, version, "NOW", 0.3)
    second = make_user("luis", workspace, Role.LABELER)

    client_for(labeler).post("/w/acme/labels/", {"decision_id": decision.pk, "label": "NOW"})
    assert client_for(second).get("/w/acme/labels/").context["item"] == decision
    client_for(second).post("/w/acme/labels/", {"decision_id": decision.pk, "label": "WAIT"})

    page = client_for(labeler).get("/w/acme/labels/")
    assert page.context["item"] is None
    assert page.context["pairs"] == [{"pair": "lena / luis", "items": 1, "kappa": 0.0}]


def test_operators_cannot_use_the_queue_or_models(operator_client):
    assert operator_client.get("/w/acme/labels/").status_code == 403
    assert operator_client.get("/w/acme/models/").status_code == 403
    assert operator_client.post("/w/acme/models/retrain/").status_code == 403
    assert not TrainingJob.objects.exists()


def test_a_manager_retrains_and_promotes_from_the_models_page(workspace, version):
    manager = client_for(make_user("maya", workspace, Role.MANAGER))
    dataset = version.dataset
    candidate = ModelVersion.objects.create(
        kind="cta", version=2, workspace_id=workspace.pk, dataset=dataset, artifact="-"
    )

    page = manager.get("/w/acme/models/").content.decode()
    assert 'data-version="2"' in page
    manager.post("/w/acme/models/retrain/")
    assert TrainingJob.objects.get().status == "queued"
    manager.post(f"/w/acme/models/{candidate.pk}/status/", {"status": "active"})

    assert ModelVersion.objects.active("cta", workspace.pk) == candidate
    version.refresh_from_db()
    assert version.status == ModelVersion.Status.RETIRED
    # rolling back is promoting the old version again
    manager.post(f"/w/acme/models/{version.pk}/status/", {"status": "active"})
    assert ModelVersion.objects.active("cta", workspace.pk) == version


def test_progress_polling_stops_when_nothing_trains(workspace):
    manager = client_for(make_user("maya", workspace, Role.MANAGER))
    assert manager.get("/w/acme/models/", headers={"HX-Request": "true"}).status_code == 286
    TrainingJob.objects.create(workspace_id=workspace.pk)
    assert manager.get("/w/acme/models/", headers={"HX-Request": "true"}).status_code == 200


def test_cohen_kappa_on_a_known_table():
    # 50 items: both yes 20, yes/no 5, no/yes 10, both no 15 -> kappa 0.4
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == 0.4
    assert cohen_kappa(first, first) == 1.0


def test_fleiss_kappa_is_one_for_full_agreement_and_low_for_none():
    assert fleiss_kappa([["NOW", "NOW", "NOW"], ["WAIT", "WAIT", "WAIT"]]) == 1.0
    disagreement = fleiss_kappa([["NOW", "WAIT", "NEVER"], ["WAIT", "NEVER", "NOW"]])
    assert disagreement is not None and disagreement < 0


def test_models_page_counts_shadow_disagreements(workspace, conversation, version):
    manager = client_for(make_user("maya", workspace, Role.MANAGER))
    shadow = ModelVersion.objects.create(
        kind="cta", version=2, workspace_id=workspace.pk, dataset=version.dataset, artifact="-",
        status=ModelVersion.Status.SHADOW,
    )  # fmt: skip
    for n, (shown, other) in enumerate([("NOW", "NOW"), ("NOW", "WAIT"), ("WAIT", "NEVER")]):
        active_row = decide(conversation, version, shown, 0.1 * n)
        CtaDecision.objects.create(
            workspace=workspace, conversation=conversation, message=active_row.message,
            model_version=shadow, is_shadow=True, decision=other, margin=0.1,
            probabilities={}, top_features=[], features={},
        )  # fmt: skip

    assert manager.get("/w/acme/models/").context["shadow"] == {
        "version": 2,
        "decisions": 3,
        "disagreements": 2,
    }


def test_the_transcript_shows_its_decision_log(operator_client, operator, conversation, version):
    from conversations import decisions

    decision = decide(conversation, version, "NOW", 0.4)
    operator_client.post(
        f"/w/acme/c/{conversation.pk}/cta/", {"decision_id": decision.pk, "label": "WAIT"}
    )
    decisions.send_reply(conversation, operator, "Hi Sam, how was your day?")

    page = operator_client.get(f"/w/acme/c/{conversation.pk}/")

    kinds = [entry["kind"] for entry in page.context["decision_log"]]
    assert sorted(kinds) == ["cta", "reply"]
    html = page.content.decode()
    assert "olivia: WAIT" in html
    assert "Hi Sam, how was your day?" in html
