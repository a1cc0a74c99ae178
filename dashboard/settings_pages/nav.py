"""The settings pages' side navigation: (label, url name) in the order shown. Each page
appends itself here when it is added, so the menu never links a page that does not exist."""

from __future__ import annotations

from core.models import Membership, Role

TEAM_SECTIONS: list[tuple[str, str]] = [
    ("Members", "settings_members"),
    ("API keys", "settings_api_keys"),
    ("Audit log", "settings_audit"),
]
# Pages only admins open: the menu leaves them out for other roles.
ADMIN_ONLY_SECTIONS = {"settings_api_keys"}
CONFIG_SECTIONS: list[tuple[str, str]] = [
    ("Webhooks", "settings_webhooks"),
    ("Outbound connector", "settings_connector"),
    ("Risk policy", "settings_risk"),
    ("Red flags", "settings_red_flags"),
    ("Autonomy", "settings_autonomy"),
    ("Campaigns", "settings_campaigns"),
    ("Assignment", "settings_assignment"),
]


def settings_context(membership: Membership) -> dict:
    """What `templates/settings/base.html` needs: the workspace, the viewer's membership
    (the top bar shows the role) and the side navigation in its two groups."""
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "settings_nav": [
            (heading, [entry for entry in sections if visible(entry, membership)])
            for heading, sections in (("Team", TEAM_SECTIONS), ("Configuration", CONFIG_SECTIONS))
        ],
    }


def visible(entry: tuple[str, str], membership: Membership) -> bool:
    return membership.role == Role.ADMIN or entry[1] not in ADMIN_ONLY_SECTIONS
