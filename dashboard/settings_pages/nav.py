"""The settings pages' side navigation: (label, url name) in the order shown. Each page
appends itself here when it is added, so the menu never links a page that does not exist."""

from __future__ import annotations

TEAM_SECTIONS: list[tuple[str, str]] = []
CONFIG_SECTIONS: list[tuple[str, str]] = []
