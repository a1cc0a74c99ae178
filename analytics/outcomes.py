"""Outcomes of a funnel's cohort: how its conversations ended, counted per day they ended
and per breakdown group (one SQL group-by each), and the stacked-column chart of the days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate

from analytics.funnels import BREAKDOWNS, EMPTY_GROUP, GROUP_FIELDS, FunnelQuery, cohort


def outcomes_by_day(workspace, query: FunnelQuery) -> list[dict[str, Any]]:
    """Outcomes of the cohort by the day the conversations ended (one SQL group-by)."""
    rows = (
        cohort(workspace, query)
        .exclude(outcome="")
        .annotate(day=TruncDate("ended_at"))
        .values("day", "outcome")
        .annotate(n=Count("pk"))
        .order_by("day", "outcome")
    )
    days: dict[date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        days[row["day"]][row["outcome"]] = row["n"]
    return [{"day": day, "outcomes": outcomes} for day, outcomes in days.items()]


def outcomes_by_group(workspace, query: FunnelQuery) -> list[dict[str, Any]]:
    """Outcomes of the cohort per breakdown group (persona, operator, campaign, channel)."""
    if query.breakdown not in BREAKDOWNS:
        return []
    field_name = GROUP_FIELDS[query.breakdown]
    rows = (
        cohort(workspace, query)
        .exclude(outcome="")
        .values(field_name, "outcome")
        .annotate(n=Count("pk"))
        .order_by(field_name, "outcome")
    )
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        key = row[field_name] or EMPTY_GROUP.get(query.breakdown, "(none)")
        groups[key][row["outcome"]] = row["n"]
    return [{"key": key, "outcomes": outcomes} for key, outcomes in sorted(groups.items())]


OUTCOME_COLOURS = {
    "success": "#16a34a",
    "declined": "#f97316",
    "not_interested": "#eab308",
    "callback_requested": "#0ea5e9",
    "transfer_to_human": "#8b5cf6",
    "max_turns_reached": "#64748b",
    "error": "#dc2626",
    "unknown": "#94a3b8",
}


def outcome_chart(days: list[dict[str, Any]], width: int = 640, height: int = 160) -> dict:
    """Stacked columns per day for an SVG chart with a labelled y axis."""
    top = max((sum(d["outcomes"].values()) for d in days), default=0) or 1
    step = width / max(1, len(days))
    columns = []
    for i, day in enumerate(days):
        y = height
        segments = []
        for outcome, n in sorted(day["outcomes"].items()):
            h = n / top * height
            y -= h
            segments.append({"y": round(y, 1), "h": round(h, 1), "outcome": outcome, "n": n,
                             "colour": OUTCOME_COLOURS.get(outcome, "#94a3b8")})  # fmt: skip
        columns.append({"x": round(40 + i * step, 1), "w": round(max(1.0, step * 0.8), 1),
                        "day": day["day"], "segments": segments})  # fmt: skip
    return {"columns": columns, "top": top, "height": height, "width": width + 40,
            "legend": list(OUTCOME_COLOURS.items())}  # fmt: skip
