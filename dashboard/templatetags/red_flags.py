"""`{{ flag|faint }}`: whether a stored red flag counted only faintly.

A match by meaning that is short of full strength (of similarity to its example, or of
the red-flag head's probability) counts for less and never blocks by itself
(mlops.bad_actor.weak). The page says so, so that an operator reading "scam · CRITICAL"
beside an ordinary line sees it was a faint likeness, not a finding.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django import template

from mlops.bad_actor import RedFlag, weak

register = template.Library()

FLAG_FIELDS = {f.name for f in fields(RedFlag)}


@register.filter
def faint(flag: dict[str, Any]) -> bool:
    # Reports stored before a field existed lack it: the dataclass default stands in.
    known = {key: value for key, value in flag.items() if key in FLAG_FIELDS}
    try:
        return weak(RedFlag(**known))
    except TypeError:  # a stored flag without its required fields: shown as it is
        return False
