"""Workspace settings, configuration side (`/w/<slug>/settings/...`): a workspace's admin runs
its webhooks, outbound connector, risk policy, red-flag patterns, autonomy and campaigns
inside the product. A valid change is stored and audited (never with a secret's value);
invalid input answers 422 with a message and stores nothing; another workspace's objects
are 404; managers read, only admins write.

The acceptance test at the end goes through the pages as a non-staff admin and verifies a
test delivery on a real HTTP server on 127.0.0.1 with the `standardwebhooks` package."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from conversations import ingestion
from conversations.models import Conversation, RedFlagPattern
from conversations.signing import inbound_secrets, outbound_secrets
from core.models import AuditEvent, Role, Workspace
from personas.models import Campaign, CampaignVariant, Persona
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(workspace):
    user = make_user("ada", workspace, Role.ADMIN)
    assert not user.is_staff and not user.is_superuser  # a tenant's admin, not platform staff
    return user


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client(headers=HTMX)
    client.force_login(admin)
    return client


@pytest.fixture
def manager_client(workspace) -> Client:
    client = Client(headers=HTMX)
    client.force_login(make_user("mona", workspace, Role.MANAGER))
    return client


def url(name: str, **ids) -> str:
    return reverse(name, kwargs={"slug": "acme", **ids})


def text(response) -> str:
    return response.content.decode()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def fresh(workspace: Workspace) -> Workspace:
    return Workspace.objects.get(pk=workspace.pk)


# -- risk policy --------------------------------------------------------------------------


RISK = {
    "risk_policy": "block",
    "risk_threshold": "0.55",
    "cta_labels_required": "2",
    "banned_phrases": "guaranteed income\n\n  free money  \n",
}


def test_an_admin_sets_the_risk_policy_and_the_change_is_audited(admin_client, admin, workspace):
    response = admin_client.post(url("settings_risk_save"), RISK)

    assert response.status_code == 200
    stored = fresh(workspace)
    assert (stored.risk_policy, stored.risk_threshold, stored.cta_labels_required) == (
        "block",
        0.55,
        2,
    )
    assert stored.banned_phrases == "guaranteed income\nfree money"
    [event] = events("settings.risk")
    assert event.workspace == workspace and event.actor == admin
    assert event.before == {
        "risk_policy": "off",
        "risk_threshold": 0.7,
        "cta_labels_required": 1,
        "banned_phrases": "",
    }
    assert event.after["risk_policy"] == "block" and event.after["risk_threshold"] == 0.55


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("risk_threshold", "1.5", "risk threshold"),
        ("risk_threshold", "nan", "risk threshold"),
        ("risk_threshold", "high", "risk threshold"),
        ("cta_labels_required", "9", "cta labels required"),
        ("risk_policy", "delete-everything", "risk policy"),
    ],
)
def test_an_invalid_risk_setting_is_refused_with_a_message(
    admin_client, workspace, field, value, message
):
    response = admin_client.post(url("settings_risk_save"), {**RISK, field: value})

    assert response.status_code == 422
    assert message in text(response)
    stored = fresh(workspace)
    assert (stored.risk_policy, stored.risk_threshold, stored.banned_phrases) == ("off", 0.7, "")
    assert not AuditEvent.objects.exists()


def test_a_manager_reads_the_risk_policy_but_cannot_change_it(manager_client, workspace):
    page = manager_client.get(url("settings_risk"))
    refused = manager_client.post(url("settings_risk_save"), RISK)

    assert page.status_code == 200
    assert "<fieldset disabled>" in text(page) and "Only the workspace's admins" in text(page)
    assert refused.status_code == 403
    assert fresh(workspace).risk_policy == "off"
    assert not AuditEvent.objects.exists()


# -- red flags ----------------------------------------------------------------------------


FLAG = {
    "pattern_name": "crypto_wallet",
    "category": "payment_scam",
    "severity": "HIGH",
    "weight": "0.8",
    "pattern": r"send (btc|eth) to",
    "examples": "pay me in bitcoin\n\ntransfer crypto first",
    "active": "1",
}


def own_rules(workspace: Workspace) -> dict[str, RedFlagPattern]:
    return {p.pattern_name: p for p in RedFlagPattern.objects.rules_for(workspace)}


def test_an_admin_adds_a_red_flag_pattern_for_this_workspace_only(
    admin_client, workspace, other_workspace
):
    response = admin_client.post(url("settings_red_flag_add"), FLAG)

    assert response.status_code == 200
    pattern = RedFlagPattern.objects.get(pattern_name="crypto_wallet")
    assert pattern.workspace == workspace
    assert pattern.examples == ["pay me in bitcoin", "transfer crypto first"]
    assert "crypto_wallet" in own_rules(workspace)
    assert "crypto_wallet" not in own_rules(other_workspace)
    [event] = events("red_flag.add")
    assert event.after["pattern"] == r"send (btc|eth) to"


def test_switching_off_an_override_silences_the_builtin_for_this_workspace_only(
    admin_client, workspace, other_workspace
):
    builtin = RedFlagPattern.objects.get(workspace=None, pattern_name="gift_card_payment")
    page = admin_client.get(url("settings_red_flags"), {"copy": "gift_card_payment"})
    assert builtin.pattern in text(page)  # the form comes filled with the built-in

    override = {
        **FLAG,
        "pattern_name": "gift_card_payment",
        "pattern": builtin.pattern,
        "category": builtin.category,
    }
    del override["active"]  # unticked
    response = admin_client.post(url("settings_red_flag_add"), override)

    assert response.status_code == 200
    assert "gift_card_payment" not in own_rules(workspace)
    assert own_rules(other_workspace)["gift_card_payment"].pk == builtin.pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pattern": "(unclosed"}, "not a valid regular expression"),
        ({"pattern": "(a+)+$"}, "pattern"),  # catastrophic backtracking
        ({"weight": "heavy"}, "weight"),
        ({"weight": "1.5"}, "weight"),
        ({"category": "gossip"}, "category must be one of"),
        ({"pattern_name": "no spaces allowed"}, "pattern name"),
    ],
)
def test_an_invalid_red_flag_pattern_is_refused_with_a_message(
    admin_client, workspace, change, message
):
    response = admin_client.post(url("settings_red_flag_add"), {**FLAG, **change})

    assert response.status_code == 422
    assert message in text(response)
    assert not RedFlagPattern.objects.filter(workspace=workspace).exists()
    assert not AuditEvent.objects.exists()
    assert "pay me in bitcoin" in text(response)  # what was typed is still in the form


def test_a_second_pattern_of_the_same_name_is_refused(admin_client, workspace):
    admin_client.post(url("settings_red_flag_add"), FLAG)

    response = admin_client.post(url("settings_red_flag_add"), {**FLAG, "weight": "0.3"})

    assert response.status_code == 422
    assert RedFlagPattern.objects.get(workspace=workspace).weight == 0.8


def test_an_admin_switches_off_on_and_deletes_the_workspaces_pattern(admin_client, workspace):
    admin_client.post(url("settings_red_flag_add"), FLAG)
    pattern = RedFlagPattern.objects.get(workspace=workspace)
    change = url("settings_red_flag_change", pattern_id=pattern.pk)

    admin_client.post(change, {"action": "disable"})
    assert "crypto_wallet" not in own_rules(workspace)
    admin_client.post(change, {"action": "enable"})
    assert "crypto_wallet" in own_rules(workspace)
    unknown = admin_client.post(change, {"action": "explode"})
    admin_client.post(change, {"action": "delete"})

    assert unknown.status_code == 422
    assert not RedFlagPattern.objects.filter(workspace=workspace).exists()
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "red_flag.add",
        "red_flag.disable",
        "red_flag.enable",
        "red_flag.delete",
    ]


def test_builtin_and_other_workspaces_patterns_are_not_editable_here(admin_client, other_workspace):
    builtin = RedFlagPattern.objects.filter(workspace=None)[0]
    theirs = RedFlagPattern.objects.create(
        workspace=other_workspace,
        pattern_name="theirs",
        category="scam",
        severity="LOW",
        weight=0.2,
        pattern="theirs",
    )

    for pattern in (builtin, theirs):
        response = admin_client.post(
            url("settings_red_flag_change", pattern_id=pattern.pk), {"action": "delete"}
        )
        assert response.status_code == 404
    assert RedFlagPattern.objects.filter(pk__in=[builtin.pk, theirs.pk]).count() == 2


# -- autonomy -----------------------------------------------------------------------------


def test_an_admin_sets_a_personas_autonomy(admin_client, persona):
    response = admin_client.post(
        url("settings_autonomy_save", persona_id=persona.pk),
        {
            "autonomy_enabled": "1",
            "autonomy_min_confidence": "0.92",
            "autonomy_allows_links": "1",
        },
    )

    assert response.status_code == 200
    persona.refresh_from_db()
    assert persona.autonomy_enabled and persona.autonomy_min_confidence == 0.92
    assert persona.autonomy_allows_links
    [event] = events("persona.autonomy")
    assert event.object_repr == "Mia"
    assert event.before == {
        "autonomy_enabled": False,
        "autonomy_min_confidence": 0.8,
        "autonomy_allows_links": False,
    }


@pytest.mark.parametrize("confidence", ["1.2", "-0.1", "nan", "sure"])
def test_an_autonomy_confidence_outside_0_to_1_is_refused(admin_client, persona, confidence):
    response = admin_client.post(
        url("settings_autonomy_save", persona_id=persona.pk),
        {"autonomy_enabled": "1", "autonomy_min_confidence": confidence},
    )

    assert response.status_code == 422
    assert "minimum confidence is a number from 0 to 1" in text(response)
    persona.refresh_from_db()
    assert not persona.autonomy_enabled and persona.autonomy_min_confidence == 0.8


def test_another_workspaces_persona_is_404(admin_client, other_workspace):
    theirs = Persona.objects.create(workspace=other_workspace, name="Mia")

    response = admin_client.post(
        url("settings_autonomy_save", persona_id=theirs.pk),
        {"autonomy_enabled": "1", "autonomy_min_confidence": "0.1"},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.autonomy_enabled


# -- campaigns and variants ---------------------------------------------------------------


CAMPAIGN = {
    "slug": "summer",
    "name": "Summer promo",
    "playbook_slug": "",
    "prompt_config": '{"temperature": 0.6, "compliance_text": "18+ only"}',
    "active": "1",
}


@pytest.fixture
def campaign(workspace) -> Campaign:
    return Campaign.objects.create(workspace=workspace, slug="spring", name="Spring")


def test_an_admin_creates_a_campaign_with_its_prompt_config(admin_client, workspace):
    response = admin_client.post(url("settings_campaign_create"), CAMPAIGN)

    assert response.status_code == 200
    campaign = Campaign.objects.get(workspace=workspace, slug="summer")
    assert campaign.config.temperature == 0.6 and campaign.config.compliance_text == "18+ only"
    assert events("campaign.create")[0].after["prompt_config"] == campaign.prompt_config


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"prompt_config": '{"temperature": 0.6,'}, "not valid JSON (line 1"),
        ({"prompt_config": "[1, 2]"}, "a JSON object"),
        ({"prompt_config": '{"temperature": 3}'}, "temperature: Input should be less"),
        ({"prompt_config": '{"jailbreak": true}'}, "jailbreak: Extra inputs are not permitted"),
        ({"playbook_slug": "no-such-journey"}, "no playbook"),
        ({"slug": ""}, "slug"),
    ],
)
def test_an_invalid_campaign_is_refused_with_a_message(admin_client, workspace, change, message):
    response = admin_client.post(url("settings_campaign_create"), {**CAMPAIGN, **change})

    assert response.status_code == 422
    assert message in text(response)
    assert not Campaign.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_campaign_slug_is_unique_within_the_workspace(admin_client, workspace, campaign):
    response = admin_client.post(url("settings_campaign_create"), {**CAMPAIGN, "slug": "spring"})

    assert response.status_code == 422
    assert Campaign.objects.get(workspace=workspace).name == "Spring"


def test_an_admin_edits_a_campaign_and_the_log_says_what_changed(admin_client, campaign):
    response = admin_client.post(
        url("settings_campaign_save", campaign_id=campaign.pk),
        {"name": "Spring sale", "prompt_config": '{"max_sentences": 3}', "active": "1"},
    )

    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.name == "Spring sale" and campaign.config.max_sentences == 3
    [event] = events("campaign.update")
    assert event.before == {"name": "Spring", "prompt_config": {}}
    assert event.after == {"name": "Spring sale", "prompt_config": {"max_sentences": 3}}


def test_a_refused_campaign_edit_keeps_what_was_stored(admin_client, campaign):
    response = admin_client.post(
        url("settings_campaign_save", campaign_id=campaign.pk),
        {"name": "Renamed", "prompt_config": '{"max_tokens": 0}', "active": "1"},
    )

    assert response.status_code == 422
    assert "max_tokens" in text(response)
    assert 'value="Renamed"' in text(response)  # what was typed is still in the form
    campaign.refresh_from_db()
    assert campaign.name == "Spring" and campaign.prompt_config == {}


def test_an_admin_adds_edits_and_removes_a_variant(admin_client, campaign):
    add = admin_client.post(
        url("settings_variant_add", campaign_id=campaign.pk),
        {"name": "playful", "weight": "3", "prompt_config": '{"response_style": "playful"}'},
    )
    variant = CampaignVariant.objects.get(campaign=campaign)
    edit = admin_client.post(
        url("settings_variant_save", campaign_id=campaign.pk, variant_id=variant.pk),
        {"name": "playful", "weight": "1", "prompt_config": '{"response_style": "teasing"}'},
    )
    variant.refresh_from_db()
    assert (variant.weight, variant.prompt_config) == (1, {"response_style": "teasing"})
    remove = admin_client.post(
        url("settings_variant_delete", campaign_id=campaign.pk, variant_id=variant.pk)
    )

    assert [add.status_code, edit.status_code, remove.status_code] == [200, 200, 200]
    assert not CampaignVariant.objects.exists()
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "variant.add",
        "variant.update",
        "variant.delete",
    ]
    assert AuditEvent.objects.get(action="variant.update").after == {
        "weight": 1,
        "prompt_config": {"response_style": "teasing"},
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weight": "-1"}, "weight"),
        ({"weight": "lots"}, "weight: a whole number"),
        ({"name": ""}, "name"),
        ({"prompt_config": '{"max_sentences": 50}'}, "max_sentences"),
    ],
)
def test_an_invalid_variant_is_refused_with_a_message(admin_client, campaign, change, message):
    response = admin_client.post(
        url("settings_variant_add", campaign_id=campaign.pk),
        {"name": "bold", "weight": "1", "prompt_config": "{}", **change},
    )

    assert response.status_code == 422
    assert message in text(response)
    assert not CampaignVariant.objects.exists()


def test_a_variant_with_conversations_is_not_removed(admin_client, workspace, persona, campaign):
    variant = CampaignVariant.objects.create(campaign=campaign, name="bold")
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage(
            channel="api",
            external_id="m-1",
            contact_external_id="c-1",
            contact_name="Sam",
            persona="Mia",
            text="hi",
        ),
    )
    Conversation.objects.filter(pk=result.conversation_id).update(
        campaign=campaign, variant=variant
    )

    response = admin_client.post(
        url("settings_variant_delete", campaign_id=campaign.pk, variant_id=variant.pk)
    )

    assert response.status_code == 422
    assert "Set its weight to 0" in text(response)
    assert CampaignVariant.objects.filter(pk=variant.pk).exists()


def test_another_workspaces_campaign_and_variant_are_404(admin_client, campaign, other_workspace):
    theirs = Campaign.objects.create(workspace=other_workspace, slug="theirs", name="Theirs")
    their_variant = CampaignVariant.objects.create(campaign=theirs, name="a")
    edit = {"name": "hijacked", "weight": "9", "prompt_config": "{}", "active": "1"}

    responses = [
        admin_client.get(url("settings_campaign", campaign_id=theirs.pk)),
        admin_client.post(url("settings_campaign_save", campaign_id=theirs.pk), edit),
        admin_client.post(url("settings_variant_add", campaign_id=theirs.pk), edit),
        # their variant through our own campaign's address
        admin_client.post(
            url("settings_variant_save", campaign_id=campaign.pk, variant_id=their_variant.pk),
            edit,
        ),
        admin_client.post(
            url("settings_variant_delete", campaign_id=campaign.pk, variant_id=their_variant.pk)
        ),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    theirs.refresh_from_db()
    their_variant.refresh_from_db()
    assert theirs.name == "Theirs" and (their_variant.name, their_variant.weight) == ("a", 1)
    assert CampaignVariant.objects.filter(campaign=theirs).count() == 1


# -- webhooks -----------------------------------------------------------------------------


def shown_secret(response) -> str:
    found = re.search(r"<code data-secret>(whsec_[A-Za-z0-9+/=]+)</code>", text(response))
    assert found, "the new secret is shown once"
    return found.group(1)


def test_the_webhooks_page_shows_the_inbound_url_and_no_secret(manager_client, workspace):
    response = manager_client.get(url("settings_webhooks"))

    assert response.status_code == 200
    assert "http://testserver/api/webhooks/acme/messages" in text(response)
    assert workspace.webhook_secret not in text(response)
    assert workspace.outbound_webhook_secret not in text(response)
    assert "data-rotate-inbound" not in text(response)  # managers read, admins rotate


def test_rotating_the_inbound_secret_keeps_the_old_one_for_the_chosen_overlap(
    admin_client, workspace
):
    old = workspace.webhook_secret

    response = admin_client.post(url("settings_rotate_inbound"), {"overlap": "24h"})

    new = shown_secret(response)
    assert "no-store" in response["Cache-Control"]
    stored = fresh(workspace)
    assert stored.webhook_secret == new != old
    assert inbound_secrets(stored) == [new, old]
    later = timezone.now() + datetime.timedelta(hours=25)
    assert inbound_secrets(stored, now=later) == [new]
    [event] = events("webhook.inbound_secret.rotate")
    assert new not in str(event.after) and old not in str(event.after)
    assert event.after["overlap"] == "24 hours"
    assert new not in text(admin_client.get(url("settings_webhooks")))  # shown once only


def test_both_inbound_secrets_sign_accepted_webhooks_during_the_overlap(
    admin_client, workspace, persona
):
    old = workspace.webhook_secret
    new = shown_secret(admin_client.post(url("settings_rotate_inbound"), {"overlap": "1h"}))
    body = b'{"channel": "api", "external_id": "%s", "contact": {"external_id": "c-1"}, '
    body += b'"persona": "Mia", "text": "hi"}'

    statuses = []
    for n, secret in enumerate([old, new, "whsec_" + "A" * 32]):
        payload = body % f"wh-{n}".encode()
        webhook_id, now = f"msg_{n}", timezone.now()
        signature = Webhook(secret).sign(webhook_id, now, payload.decode())
        response = Client().post(
            "/api/webhooks/acme/messages",
            payload,
            content_type="application/json",
            headers={
                "webhook-id": webhook_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": signature,
            },
        )
        statuses.append(response.status_code)

    assert statuses == [201, 201, 401]


@pytest.mark.parametrize("route", ["settings_rotate_inbound", "settings_rotate_outbound"])
def test_an_unknown_overlap_is_refused_and_the_secrets_kept(admin_client, workspace, route):
    response = admin_client.post(url(route), {"overlap": "forever"})

    assert response.status_code == 422
    assert "Choose how long the old secret keeps working" in text(response)
    stored = fresh(workspace)
    assert stored.webhook_secret == workspace.webhook_secret
    assert stored.outbound_webhook_secret == workspace.outbound_webhook_secret
    assert not AuditEvent.objects.exists()


def test_rotating_the_outbound_secret_shows_it_once(admin_client, workspace):
    old = workspace.outbound_webhook_secret

    response = admin_client.post(url("settings_rotate_outbound"), {"overlap": "1h"})

    secret = shown_secret(response)
    stored = fresh(workspace)
    assert stored.outbound_webhook_secret == secret != old
    assert outbound_secrets(stored) == [secret, old]  # the old one still signs for an hour
    assert stored.webhook_secret == workspace.webhook_secret  # separate secrets
    [event] = events("webhook.outbound_secret.rotate")
    assert secret not in str(event.after) and old not in str(event.after)
    assert secret not in text(admin_client.get(url("settings_webhooks")))


def test_an_admin_switches_the_webhook_scheme(admin_client, workspace):
    switched = admin_client.post(url("settings_webhook_scheme"), {"scheme": "legacy"})
    refused = admin_client.post(url("settings_webhook_scheme"), {"scheme": "md5"})

    assert (switched.status_code, refused.status_code) == (200, 422)
    assert fresh(workspace).webhook_scheme == "legacy"
    [event] = events("webhook.scheme")
    assert (event.before, event.after) == (
        {"webhook_scheme": "standard"},
        {"webhook_scheme": "legacy"},
    )


# -- the outbound connector ---------------------------------------------------------------


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that keeps what it is sent."""

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://127.0.0.1:9/hooks", "127.0.0.1"),
        ("http://169.254.169.254/latest/meta-data", "metadata"),
        ("http://10.1.2.3/hooks", "10.1.2.3"),
        ("ftp://example.com/hooks", "outbound webhook url"),
        ("not a url", "outbound webhook url"),
    ],
)
def test_an_unsafe_outbound_url_is_refused_at_save(admin_client, workspace, address, message):
    response = admin_client.post(url("settings_connector_save"), {"url": address})

    assert response.status_code == 422
    assert message in text(response)
    assert fresh(workspace).outbound_webhook_url == ""
    assert not AuditEvent.objects.exists()


def test_an_allow_listed_url_is_saved_and_audited(admin_client, workspace, receiver, settings):
    settings.OUTBOUND_URL_ALLOWLIST = ["127.0.0.1"]

    response = admin_client.post(url("settings_connector_save"), {"url": receiver.url})

    assert response.status_code == 200
    assert fresh(workspace).outbound_webhook_url == receiver.url
    [event] = events("connector.url")
    assert event.after == {"outbound_webhook_url": receiver.url}


def test_a_password_in_the_url_stays_out_of_the_audit_log(admin_client, settings):
    settings.OUTBOUND_URL_ALLOWLIST = ["127.0.0.1"]

    admin_client.post(url("settings_connector_save"), {"url": "http://hook:s3cret@127.0.0.1/x"})

    [event] = events("connector.url")
    assert event.after == {"outbound_webhook_url": "http://hook:***@127.0.0.1/x"}


def test_a_test_delivery_without_a_url_says_so(admin_client):
    response = admin_client.post(url("settings_connector_test"))

    assert response.status_code == 200
    assert 'data-delivery="failed"' in text(response)
    assert "no outbound webhook URL is configured" in text(response)


def test_a_manager_cannot_send_test_deliveries_or_set_the_url(manager_client, workspace):
    responses = [
        manager_client.post(url("settings_connector_save"), {"url": "https://example.com/h"}),
        manager_client.post(url("settings_connector_test")),
        manager_client.post(url("settings_rotate_outbound")),
        manager_client.post(url("settings_rotate_inbound"), {"overlap": "1h"}),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    stored = fresh(workspace)
    assert stored.outbound_webhook_url == ""
    assert stored.webhook_secret == workspace.webhook_secret
    assert stored.outbound_webhook_secret == workspace.outbound_webhook_secret


def test_during_the_outbound_overlap_a_receiver_verifies_with_the_old_or_the_new_secret(
    admin_client, workspace, receiver, settings
):
    settings.OUTBOUND_URL_ALLOWLIST = ["127.0.0.1"]
    workspace.outbound_webhook_url = receiver.url
    workspace.save(update_fields=["outbound_webhook_url"])
    old = workspace.outbound_webhook_secret
    new = shown_secret(admin_client.post(url("settings_rotate_outbound"), {"overlap": "7d"}))

    admin_client.post(url("settings_connector_test"))

    [(headers, body)] = receiver.received
    lowered = {name.lower(): value for name, value in headers.items()}
    assert Webhook(old).verify(body, lowered)["type"] == "test"
    assert Webhook(new).verify(body, lowered)["type"] == "test"


# -- acceptance ---------------------------------------------------------------------------


def test_a_workspace_admin_configures_everything_without_the_django_admin(
    admin_client, workspace, persona, receiver, settings
):
    """Issue 18's acceptance: outbound webhook, secret rotation, a red-flag override and a
    campaign variant through the settings pages; a test delivery signed with the new
    secret verifies with the standardwebhooks package."""
    settings.OUTBOUND_URL_ALLOWLIST = ["127.0.0.1"]
    assert admin_client.get("/admin/").status_code in (302, 403, 404)  # not for tenants

    saved = admin_client.post(url("settings_connector_save"), {"url": receiver.url})
    old_secret = workspace.outbound_webhook_secret  # never shown: the receiver has none yet
    secret = shown_secret(admin_client.post(url("settings_rotate_outbound"), {"overlap": "0"}))
    flagged = admin_client.post(url("settings_red_flag_add"), FLAG)
    admin_client.post(url("settings_campaign_create"), CAMPAIGN)
    campaign = Campaign.objects.get(workspace=workspace, slug="summer")
    variant = admin_client.post(
        url("settings_variant_add", campaign_id=campaign.pk),
        {"name": "teasing", "weight": "1", "prompt_config": '{"response_style": "teasing"}'},
    )
    delivery = admin_client.post(url("settings_connector_test"))

    assert [saved.status_code, flagged.status_code, variant.status_code] == [200, 200, 200]
    assert 'data-delivery="ok"' in text(delivery) and "HTTP 204" in text(delivery)
    [(headers, body)] = receiver.received
    lowered = {name.lower(): value for name, value in headers.items()}
    event = Webhook(secret).verify(body, lowered)
    assert event["type"] == "test" and event["workspace"] == "acme"
    for other in (workspace.webhook_secret, old_secret):  # inbound, or rotated with no overlap
        with pytest.raises(WebhookVerificationError):
            Webhook(other).verify(body, lowered)
    assert "crypto_wallet" in own_rules(workspace)
    assert campaign.variants.get().prompt_config == {"response_style": "teasing"}
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "connector.url",
        "webhook.outbound_secret.rotate",
        "red_flag.add",
        "campaign.create",
        "variant.add",
        "connector.test",
    }
