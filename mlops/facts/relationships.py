"""Readers for relationship status: "I'm single", "we got engaged", "my wife"."""

from __future__ import annotations

import re

from mlops.facts.text import Finding, said_about_self, words_before

# -- relationship status ------------------------------------------------------------------

_STATUS_WORDS = {
    "taken": "in a relationship",
    "seeing someone": "in a relationship",
    "dating someone": "in a relationship",
    "spoken for": "in a relationship",
}
_PARTNER_STATUS = {
    "wife": "married",
    "wifey": "married",
    "husband": "married",
    "hubby": "married",
    "spouse": "married",
    "girlfriend": "in a relationship",
    "boyfriend": "in a relationship",
    "gf": "in a relationship",
    "bf": "in a relationship",
    "partner": "in a relationship",
    "bae": "in a relationship",
    "fiance": "engaged",
    "fiancé": "engaged",
    "fiancee": "engaged",
    "fiancée": "engaged",
}


def read_status(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm single", "I'm happily married", "I'm in a relationship", "we got engaged"."""
    status = " ".join(match["value"].lower().split())
    if status.startswith("in a"):
        status = "in a relationship"
    return [("relationship_status", _STATUS_WORDS.get(status, status))]


def read_got_status(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "we just got engaged", "got divorced last year"; not "my sister got married"."""
    if not said_about_self(words_before(text, match.start()), strict=True):
        return []
    return read_status(match, text)


def read_partner(match: re.Match[str], _text: str) -> list[Finding]:
    """Partners: "my wife" means married, "my boyfriend" a relationship, "my late wife" widowed."""
    if match["late"]:
        return [("relationship_status", "widowed")]
    partner = match["value"].lower()
    # The pattern allows any spelling of fiancé(e), so fall back to that.
    return [("relationship_status", _PARTNER_STATUS.get(partner, "engaged"))]


def read_complicated(_match: re.Match[str], _text: str) -> list[Finding]:
    return [("relationship_status", "it's complicated")]
