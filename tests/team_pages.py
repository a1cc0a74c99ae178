"""The people side of workspace settings (members, API keys, the audit log), for the
tenancy suites: each route with its method, and a URL whose member or key belongs to the
given conversation's workspace."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from conversations.models import Conversation
from core.models import ApiKey, Membership, Role, Workspace

TEAM_PAGES = {
    "settings": "get",
    "settings_members": "get",
    "settings_member_invite": "post",
    "settings_member_create": "post",
    "settings_member_role": "post",
    "settings_member_deactivate": "post",
    "settings_member_reactivate": "post",
    "settings_member_remove": "post",
    "settings_api_keys": "get",
    "settings_api_key_create": "post",
    "settings_api_key_revoke": "post",
    "settings_audit": "get",
    "settings_audit_csv": "get",
}
# Addressed by a member's or a key's id: another workspace's is a 404 through one's slug.
MEMBER_PAGES = {
    "settings_member_role",
    "settings_member_deactivate",
    "settings_member_reactivate",
    "settings_member_remove",
}
KEY_PAGES = {"settings_api_key_revoke"}
# The rest are pages of the workspace as a whole.
TEAM_WORKSPACE_PAGES = set(TEAM_PAGES) - MEMBER_PAGES - KEY_PAGES


def team_page_url(name: str, slug: str, conversation: Conversation) -> str:
    kwargs: dict[str, str | int] = {"slug": slug}
    if name in MEMBER_PAGES:
        kwargs["member_id"] = member_of(conversation.workspace_id).pk
    if name in KEY_PAGES:
        kwargs["key_id"] = key_of(conversation.workspace_id).pk
    return reverse(name, kwargs=kwargs)


def member_of(workspace_id: int) -> Membership:
    """An operator of the workspace, the one the member pages act on."""
    user, _ = get_user_model().objects.get_or_create(username=f"member-of-{workspace_id}")
    return Membership.objects.get_or_create(
        user=user, workspace_id=workspace_id, defaults={"role": Role.OPERATOR}
    )[0]


def key_of(workspace_id: int) -> ApiKey:
    """A live key of the workspace, the one the revoke page acts on."""
    key = ApiKey.objects.filter(workspace_id=workspace_id, name="integration").first()
    if key is None:
        ApiKey.issue(Workspace.objects.get(pk=workspace_id), "integration")
        key = ApiKey.objects.get(workspace_id=workspace_id, name="integration")
    return key
