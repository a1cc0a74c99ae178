"""Drill-down: the conversations behind a number of the funnel page (those that reached a
step or stopped there, converted or not, of one breakdown group), filtered on the
visited-states rollup. The page lists DRILL_DOWN_LIMIT of them, the CSV export all.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from analytics.funnels import (
    BREAKDOWNS,
    EMPTY_GROUP,
    GROUP_FIELDS,
    FunnelQuery,
    cohort,
    converted_filter,
    reached_filter,
)

DRILL_DOWN_LIMIT = 500


def drill_down(workspace, query: FunnelQuery, step: str = "", dropped: bool = False,
               converted: bool | None = None, group: str = ""):  # fmt: skip
    """The conversations behind a number, newest first (pages show DRILL_DOWN_LIMIT of
    them, the CSV all): those that reached `step` (or stopped right there), optionally
    only (not) converted ones, optionally one breakdown group. Filters on the rollup."""
    conversations = cohort(workspace, query)
    if step:
        index = query.steps.index(step)
        conversations = conversations.filter(reached_filter(query.steps, index, query.step_windows))
        if dropped and index + 1 < len(query.steps):
            conversations = conversations.exclude(
                reached_filter(query.steps, index + 1, query.step_windows)
            )
    if converted is not None:
        won = converted_filter(timedelta(days=query.window_days))
        conversations = conversations.filter(won) if converted else conversations.exclude(won)
    if group and query.breakdown in BREAKDOWNS:
        field_name = GROUP_FIELDS[query.breakdown]
        empty = EMPTY_GROUP.get(query.breakdown)
        conversations = conversations.filter(
            Q(**{f"{field_name}__isnull": True}) if group == empty else Q(**{field_name: group})
        )
    related = conversations.select_related("contact", "persona", "campaign", "assigned_operator")
    return related.order_by("-created_at")
