"""Conversion probability for the live inbox (seed 001's conversion_probability), from
funnel rates: of the ended conversations of the same playbook that were in a state, the
Laplace-smoothed share that succeeded; an ended conversation is 1 or 0 by its outcome.
"""

from __future__ import annotations

from collections import Counter

from analytics.funnels import SUCCESS, visited_states
from conversations.models import Conversation

RATE_SAMPLE = 5000
RATE_CACHE_SECONDS = 60


def state_conversion_rates(workspace) -> dict[tuple[int, str], float]:
    """Laplace-smoothed P(success | reached state) per (playbook, state); cached a minute
    because the live inbox asks on every refresh."""
    from django.core.cache import cache

    key = f"conversion-rates:{workspace.pk}"
    rates = cache.get(key)
    if rates is not None:
        return rates
    ended = Conversation.objects.filter(workspace=workspace).exclude(outcome="")
    ended = ended.order_by("-ended_at")[:RATE_SAMPLE]
    outcome_of = dict(ended.values_list("pk", "outcome"))
    playbook_of = dict(ended.values_list("pk", "playbook_id"))
    seen: Counter[tuple[int, str]] = Counter()
    won: Counter[tuple[int, str]] = Counter()
    for pk, states in visited_states(Conversation.objects.filter(pk__in=outcome_of)).items():
        for state in states:
            seen[(playbook_of[pk], state)] += 1
            won[(playbook_of[pk], state)] += outcome_of[pk] == SUCCESS
    rates = {k: round((won[k] + 1) / (seen[k] + 2), 3) for k in seen}
    cache.set(key, rates, RATE_CACHE_SECONDS)
    return rates


def conversion_probability(conversation, rates: dict[tuple[int, str], float]) -> float:
    if conversation.outcome:
        return 1.0 if conversation.outcome == SUCCESS else 0.0
    return rates.get((conversation.playbook_id, conversation.journey_state), 0.5)
