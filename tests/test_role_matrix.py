"""The role matrix, declared once: which role may do what. Each role x action pair is a
test: an allowed role gets past the permission check (anything but 403), a refused one
gets 403 and changes nothing. Every page route must appear here."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import Role
from tests.conftest import make_user
from tests.test_security_headers import snapshot
from tests.test_tenancy import PAGES, ingest, page_url

pytestmark = pytest.mark.django_db

EVERYONE = frozenset({Role.OPERATOR, Role.LABELER, Role.MANAGER, Role.ADMIN})
SENDERS = frozenset({Role.OPERATOR, Role.MANAGER, Role.ADMIN})
REVIEWERS = frozenset({Role.LABELER, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})

# action: (route, allowed roles)
ROLE_MATRIX: dict[str, tuple[str, frozenset[str]]] = {
    "view the inbox": ("inbox", EVERYONE),
    "read a conversation": ("conversation", EVERYONE),
    "read its messages": ("conversation_messages", EVERYONE),
    "read its suggestions": ("conversation_suggestions", EVERYONE),
    "read its journey": ("conversation_journey", EVERYONE),
    "read its primer": ("conversation_primer", EVERYONE),
    "read the journeys": ("journeys", EVERYONE),
    "export a playbook": ("export_playbook", EVERYONE),
    "read the personas": ("personas", EVERYONE),
    "read a persona": ("persona", EVERYONE),
    "send (accept, edit or type) a reply": ("send_reply", SENDERS),
    "reject a suggestion": ("reject_suggestion", SENDERS),
    "regenerate suggestions": ("regenerate_suggestions", SENDERS),
    "override the phase": ("override_phase", SENDERS),
    "take over from the bot": ("take_over", SENDERS),
    "correct a contact fact": ("edit_fact", SENDERS),
    "accept or override the CTA": ("cta_verdict", SENDERS),
    "manage policy (mute, block, restore)": ("moderate_conversation", MANAGERS),
    "see who owns a conversation": ("conversation_owner", EVERYONE),
    "claim a conversation": ("claim_conversation", SENDERS),
    "release a conversation": ("release_conversation", SENDERS),
    "assign a conversation to anyone": ("assign_conversation", MANAGERS),
    "go on or off shift": ("set_shift", SENDERS),
    "read the assignment settings": ("settings_assignment", MANAGERS),
    "change the assignment settings": ("settings_assignment_save", ADMINS),
    "label CTA decisions": ("label_queue", REVIEWERS),
    "label intents": ("intent_queue", REVIEWERS),
    "see the models": ("models", REVIEWERS),
    "retrain the intent model": ("retrain_intents", MANAGERS),
    "retrain the reply ranker": ("retrain_ranker", MANAGERS),
    "teach the intent model a phrasing": ("add_phrasing", MANAGERS),
    "define a workspace intent": ("add_intent", MANAGERS),
    "remove a workspace intent": ("remove_intent", MANAGERS),
    "retrain the CTA model": ("retrain", MANAGERS),
    "promote, shadow or retire a model": ("set_model_status", MANAGERS),
    "view analytics": ("analytics", MANAGERS),
    "drill down into analytics": ("analytics_conversations", MANAGERS),
    "export analytics": ("analytics_csv", MANAGERS),
    "read A/B results": ("ab_results", MANAGERS),
    "import a playbook": ("import_playbook", MANAGERS),
    "edit a persona's knowledge": ("upload_document", MANAGERS),
    "delete a persona's document": ("delete_document", MANAGERS),
    "learn or apply a persona's style": ("persona_style", MANAGERS),
    "browse a persona's reply library": ("persona_library", EVERYONE),
    "pin or retire a library reply": ("change_library_entry", MANAGERS),
    "open fine-tuning": ("finetune", MANAGERS),
    "build a reply dataset": ("finetune_build", MANAGERS),
    "export a reply dataset": ("finetune_download", MANAGERS),
    "train an adapter": ("finetune_train", MANAGERS),
    "cancel training": ("finetune_cancel", MANAGERS),
    "deploy an adapter": ("finetune_deploy", MANAGERS),
    "roll back an adapter": ("finetune_rollback", MANAGERS),
    "read the webhook settings": ("settings_webhooks", MANAGERS),
    "switch the webhook scheme": ("settings_webhook_scheme", ADMINS),
    "rotate the inbound webhook secret": ("settings_rotate_inbound", ADMINS),
    "rotate the outbound webhook secret": ("settings_rotate_outbound", ADMINS),
    "read the outbound connector": ("settings_connector", MANAGERS),
    "set the outbound webhook URL": ("settings_connector_save", ADMINS),
    "send a test delivery": ("settings_connector_test", ADMINS),
    "read the risk policy": ("settings_risk", MANAGERS),
    "change the risk policy": ("settings_risk_save", ADMINS),
    "read the red-flag patterns": ("settings_red_flags", MANAGERS),
    "add a red-flag pattern": ("settings_red_flag_add", ADMINS),
    "switch off or delete a red-flag pattern": ("settings_red_flag_change", ADMINS),
    "read autonomy per persona": ("settings_autonomy", MANAGERS),
    "change a persona's autonomy": ("settings_autonomy_save", ADMINS),
    "read the campaigns": ("settings_campaigns", MANAGERS),
    "create a campaign": ("settings_campaign_create", ADMINS),
    "read a campaign and its variants": ("settings_campaign", MANAGERS),
    "change a campaign": ("settings_campaign_save", ADMINS),
    "add an A/B variant": ("settings_variant_add", ADMINS),
    "change an A/B variant": ("settings_variant_save", ADMINS),
    "remove an A/B variant": ("settings_variant_delete", ADMINS),
    "open workspace settings": ("settings", MANAGERS),
    "read the members": ("settings_members", MANAGERS),
    "invite a member": ("settings_member_invite", ADMINS),
    "create a member's account": ("settings_member_create", ADMINS),
    "change a member's role": ("settings_member_role", ADMINS),
    "deactivate a member": ("settings_member_deactivate", ADMINS),
    "reactivate a member": ("settings_member_reactivate", ADMINS),
    "remove a member": ("settings_member_remove", ADMINS),
    "see the API keys": ("settings_api_keys", ADMINS),
    "create an API key": ("settings_api_key_create", ADMINS),
    "revoke an API key": ("settings_api_key_revoke", ADMINS),
    "read the audit log": ("settings_audit", MANAGERS),
    "export the audit log": ("settings_audit_csv", MANAGERS),
}
METHODS = dict(PAGES)
CASES = [
    pytest.param(action, role, id=f"{role}-{route}")
    for action, (route, _) in ROLE_MATRIX.items()
    for role in sorted(EVERYONE)
]


def test_every_page_route_is_in_the_matrix():
    assert {route for route, _ in ROLE_MATRIX.values()} == set(METHODS)


@pytest.mark.parametrize(("action", "role"), CASES)
def test_role_may_or_may_not(action, role, workspace, persona):
    route, allowed = ROLE_MATRIX[action]
    conversation = ingest(workspace)
    url = page_url(route, "acme", conversation)
    client = Client(headers={"HX-Request": "true"})
    client.force_login(make_user(f"user-{role}", workspace, role))
    before = snapshot()

    if METHODS[route] == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"text": "hi", "reason": "because", "status": "active"})

    if role in allowed:
        assert response.status_code != 403, f"{role} may {action}"
    else:
        assert response.status_code == 403, f"{role} may not {action}"
        assert snapshot() == before
