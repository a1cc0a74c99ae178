"""Journey funnels with cohort semantics: the steps reached, step and overall rates,
drop-off, conversion and time to convert, in total and per breakdown group.

A funnel's cohort is the conversations *started* in the date range (PostHog's cohort
semantics): a conversation started on Monday that converts on Friday counts for Monday.
A conversation reaches step k when it has been in that state and in every earlier step;
it converts when it ended with outcome `success` within the conversion window.
`funnel()` counts in SQL over the visited-states rollup; `funnel_from_turns()` recomputes
the same from turns and overrides in Python (the benchmark's baseline and its check).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from analytics.time_to_convert import (
    HISTOGRAM_HOURS,
    Median,
    histogram,
    histogram_counts,
    seconds_to_convert,
)
from conversations.diagram import journey_order
from conversations.models import (
    Conversation,
    PhaseOverride,
    Playbook,
    Turn,
)

BREAKDOWNS = ("persona", "operator", "campaign", "channel")
SUCCESS = "success"


@dataclass
class FunnelQuery:
    playbook: Playbook
    start: date
    end: date
    steps: list[str]
    window_days: int = 30
    breakdown: str = ""
    # Per step (by name): at most this many hours from entering the previous step, or the
    # conversation does not count as reaching it (PostHog's conversion window, per step).
    step_windows: dict[str, float] = field(default_factory=dict)


@dataclass
class Step:
    name: str
    reached: int
    step_rate: float | None  # of the previous step
    overall_rate: float | None  # of the first step
    dropped: int  # reached the previous step but not this one
    previous: str | None = None
    window_hours: float | None = None  # its conversion window from the previous step


@dataclass
class Funnel:
    steps: list[Step]
    cohort: int
    converted: int
    conversion_rate: float | None
    median_hours_to_convert: float | None
    hours_histogram: list[tuple[str, int]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)


def default_steps(playbook: Playbook) -> list[str]:
    spec = playbook.spec
    return [name for name in journey_order(spec) if not spec.states[name].terminal]


def cohort(workspace, query: FunnelQuery):
    start = timezone.make_aware(datetime.combine(query.start, time.min))
    end = timezone.make_aware(datetime.combine(query.end + timedelta(days=1), time.min))
    return Conversation.objects.filter(
        workspace=workspace, playbook=query.playbook, created_at__gte=start, created_at__lt=end
    )


def visited_states(conversations) -> dict[int, set[str]]:
    """Every state each conversation has been in, from the rollup column."""
    return {pk: set(states) for pk, states in conversations.values_list("pk", "visited_states")}


def visited_states_from_turns(conversations) -> dict[int, dict[str, datetime]]:
    """The same, recomputed from turns and overrides, with when each state was first
    entered: what the rollup saves (kept as the benchmark's baseline and to check it)."""
    visited: dict[int, dict[str, datetime]] = defaultdict(dict)
    for pk, entry, created in conversations.values_list(
        "pk", "playbook__definition__entry", "created_at"
    ):
        visited[pk][entry] = created
    ids = list(visited)
    moves = [
        Turn.objects.filter(conversation_id__in=ids).values_list(
            "conversation_id", "state_after", "created_at"
        ),
        PhaseOverride.objects.filter(conversation_id__in=ids).values_list(
            "conversation_id", "to_state", "created_at"
        ),
    ]
    for rows in moves:
        for pk, state, when in rows:
            first = visited[pk].get(state)
            visited[pk][state] = when if first is None else min(first, when)
    return visited


def entered(state: str) -> Cast:
    """When the conversation first entered `state`, read from the rollup in SQL."""
    return Cast(KeyTextTransform(state, "visited_at"), DateTimeField())


def reached_filter(steps: list[str], index: int, windows: dict[str, float]) -> Q:
    """Reached steps[index]: has been in it and in every earlier step, each within its
    step's window (hours from entering the one before)."""
    condition = Q(visited_states__contains=steps[: index + 1])
    for i in range(1, index + 1):
        hours = windows.get(steps[i])
        if hours is not None:
            limit = ExpressionWrapper(
                entered(steps[i - 1]) + timedelta(hours=hours), output_field=DateTimeField()
            )
            condition &= Q(LessThanOrEqual(entered(steps[i]), limit))
    return condition


def converted_within(row: dict, window: timedelta) -> bool:
    return (
        row["outcome"] == SUCCESS
        and row["ended_at"] is not None
        and row["ended_at"] - row["created_at"] <= window
    )


def reached_steps(
    entries: dict[str, datetime], steps: list[str], windows: dict[str, float] | None = None
) -> int:
    """How many steps in a row the conversation reached (0: not even the first), each
    within its window of the one before."""
    count = 0
    for i, step in enumerate(steps):
        if step not in entries:
            break
        hours = (windows or {}).get(step)
        late = (
            i
            and hours is not None
            and entries[step] - entries[steps[i - 1]] > timedelta(hours=hours)
        )
        if late:
            break
        count += 1
    return count


def build_steps(depths: list[int], steps: list[str]) -> list[Step]:
    reached = [sum(1 for d in depths if d > i) for i in range(len(steps))]
    result = []
    for i, name in enumerate(steps):
        previous = reached[i - 1] if i else None
        result.append(
            Step(
                name=name,
                reached=reached[i],
                step_rate=round(reached[i] / previous, 4) if previous else None,
                overall_rate=round(reached[i] / reached[0], 4) if reached[0] else None,
                dropped=(previous - reached[i]) if previous is not None else 0,
                previous=steps[i - 1] if i else None,
            )
        )
    return result


def group_key(row: dict, breakdown: str) -> str:
    return {
        "persona": row["persona__name"],
        "operator": row["assigned_operator__username"] or "(unassigned)",
        "campaign": row["campaign__name"] or "(no campaign)",
        "channel": row["channel"],
    }[breakdown]


GROUP_FIELDS = {
    "persona": "persona__name",
    "operator": "assigned_operator__username",
    "campaign": "campaign__name",
    "channel": "channel",
}
EMPTY_GROUP = {"operator": "(unassigned)", "campaign": "(no campaign)"}


def converted_filter(window: timedelta) -> Q:
    return Q(outcome=SUCCESS, ended_at__isnull=False, ended_at__lte=F("created_at") + window)


def steps_from_counts(counts: list[int], steps: list[str]) -> list[Step]:
    depths = []  # expand counts back to the per-step shape build_steps expects
    for i, reached in enumerate(counts):
        following = counts[i + 1] if i + 1 < len(counts) else 0
        depths += [i + 1] * (reached - following)
    return build_steps(depths, steps)


def with_windows(result: Funnel, query: FunnelQuery) -> Funnel:
    for step in result.steps[1:]:
        step.window_hours = query.step_windows.get(step.name)
    return result


def funnel(workspace, query: FunnelQuery, rollup: bool = True) -> Funnel:
    """The funnel in SQL over the rollup column; `rollup=False` recomputes visited states
    from turns in Python (the benchmark's baseline).

    One pass over the cohort, grouped by the breakdown when there is one (the totals are
    then the groups' sums: conversations, conversions, steps and the histogram add up),
    plus a pass over the conversions alone for their median time."""
    if not rollup:
        return funnel_from_turns(workspace, query)
    conversations = cohort(workspace, query)
    won = converted_filter(timedelta(days=query.window_days))
    counts = {
        "cohort": Count("pk"),
        "converted": Count("pk", filter=won),
        **histogram_counts(won),
        **{
            f"s{i}": Count("pk", filter=reached_filter(query.steps, i, query.step_windows))
            for i in range(len(query.steps))
        },
    }
    if query.breakdown in BREAKDOWNS:
        group_field = GROUP_FIELDS[query.breakdown]
        rows = list(conversations.values(group_field).annotate(**counts).order_by(group_field))
    else:
        group_field, rows = "", [conversations.aggregate(**counts)]
    totals = {name: sum(row[name] for row in rows) for name in counts}
    median = conversations.filter(won).aggregate(m=Median(seconds_to_convert()))["m"]
    result = Funnel(
        steps=steps_from_counts([totals[f"s{i}"] for i in range(len(query.steps))], query.steps),
        cohort=totals["cohort"],
        converted=totals["converted"],
        conversion_rate=round(totals["converted"] / totals["cohort"], 4)
        if totals["cohort"]
        else None,
        median_hours_to_convert=round(median / 3600, 2) if median is not None else None,
        hours_histogram=[(label, totals[f"h{i}"]) for i, (_, label) in enumerate(HISTOGRAM_HOURS)],
    )
    if group_field:
        for row in rows:
            result.groups.append(
                {
                    "key": row[group_field] or EMPTY_GROUP.get(query.breakdown, "(none)"),
                    "cohort": row["cohort"],
                    "converted": row["converted"],
                    "conversion_rate": round(row["converted"] / row["cohort"], 4),
                    "steps": steps_from_counts(
                        [row[f"s{i}"] for i in range(len(query.steps))], query.steps
                    ),
                }
            )
        result.groups.sort(key=lambda group: group["key"])
    return with_windows(result, query)


def funnel_from_turns(workspace, query: FunnelQuery) -> Funnel:
    conversations = cohort(workspace, query)
    rows = list(
        conversations.values(
            "pk",
            "outcome",
            "created_at",
            "ended_at",
            "channel",
            "persona__name",
            "campaign__name",
            "assigned_operator__username",
        )
    )
    visited = visited_states_from_turns(conversations)
    window = timedelta(days=query.window_days)
    depths = {
        row["pk"]: reached_steps(visited[row["pk"]], query.steps, query.step_windows)
        for row in rows
    }
    converted = [row for row in rows if converted_within(row, window)]
    hours = [(r["ended_at"] - r["created_at"]).total_seconds() / 3600 for r in converted]
    result = Funnel(
        steps=build_steps(list(depths.values()), query.steps),
        cohort=len(rows),
        converted=len(converted),
        conversion_rate=round(len(converted) / len(rows), 4) if rows else None,
        median_hours_to_convert=round(statistics.median(hours), 2) if hours else None,
        hours_histogram=histogram(hours),
    )
    if query.breakdown in BREAKDOWNS:
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            groups[group_key(row, query.breakdown)].append(row)
        for key, members in sorted(groups.items()):
            wins = sum(1 for row in members if converted_within(row, window))
            result.groups.append(
                {
                    "key": key,
                    "cohort": len(members),
                    "converted": wins,
                    "conversion_rate": round(wins / len(members), 4),
                    "steps": build_steps([depths[row["pk"]] for row in members], query.steps),
                }
            )
    return with_windows(result, query)
