"""Manager analytics: journey funnels with cohort semantics, outcomes, copilot metrics.

A funnel's cohort is the conversations *started* in the date range (PostHog's cohort
semantics): a conversation started on Monday that converts on Friday counts for Monday.
A conversation reaches step k when it has been in that state and in every earlier step;
it converts when it ended with outcome `success` within the conversion window.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from conversations.diagram import journey_order
from conversations.models import (
    Conversation,
    CtaDecision,
    CtaLabel,
    OperatorDecision,
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


HISTOGRAM_HOURS = [(1, "< 1 h"), (6, "1-6 h"), (24, "6-24 h"), (72, "1-3 d"), (None, "> 3 d")]


class Median(Aggregate):
    """PostgreSQL's exact median (an ordered-set aggregate; FILTER works with it)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def seconds_to_convert() -> Func:
    return Func(
        F("ended_at"),
        F("created_at"),
        template="EXTRACT(EPOCH FROM (%(expressions)s))",
        arg_joiner=" - ",
        output_field=FloatField(),
    )


def histogram_counts(won: Q) -> dict[str, Count]:
    """h0, h1, ...: conversions per HISTOGRAM_HOURS bucket, counted in SQL."""
    counts: dict[str, Count] = {}
    lower: float | None = None
    for i, (limit, _) in enumerate(HISTOGRAM_HOURS):
        bucket = Q()
        if lower is not None:
            bucket &= Q(ended_at__gte=F("created_at") + timedelta(hours=lower))
        if limit is not None:
            bucket &= Q(ended_at__lt=F("created_at") + timedelta(hours=limit))
        lower = limit
        counts[f"h{i}"] = Count("pk", filter=won & bucket)
    return counts


def histogram(hours: list[float]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for value in hours:
        label = next(lbl for limit, lbl in HISTOGRAM_HOURS if limit is None or value < limit)
        counts[label] += 1
    return [(label, counts[label]) for _, label in HISTOGRAM_HOURS]


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


COPILOT_GROUPS = {
    "operator": "operator__username",
    "phase": "suggestion_set__journey_state",
    "persona": "conversation__persona__name",
    "model": "suggestion_set__model_version",
    "prompt": "suggestion_set__prompt_version",
}


def copilot_metrics(workspace, start: date, end: date, by: str = "operator") -> list[dict]:
    """Suggestion accept / edit / reject rates, edit distance and reply time, per group."""
    group_field = COPILOT_GROUPS[by]
    decisions = OperatorDecision.objects.filter(
        workspace=workspace, created_at__date__gte=start, created_at__date__lte=end
    )
    rows = (
        decisions.values(group_field)
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(action="accept")),
            edited=Count("pk", filter=Q(action="edit")),
            rejected=Count("pk", filter=Q(action="reject")),
            manual=Count("pk", filter=Q(action="manual")),
            mean_edit=Avg("edit_distance", filter=Q(action="edit")),
            mean_latency=Avg("latency_ms"),
        )
        .order_by(group_field)
    )
    result = []
    for row in rows:
        sent = row["accepted"] + row["edited"] + row["manual"]
        result.append(
            {
                "group": row[group_field] or "(none)",
                "total": row["total"],
                "accept_rate": round(row["accepted"] / row["total"], 4),
                "edit_rate": round(row["edited"] / row["total"], 4),
                "reject_rate": round(row["rejected"] / row["total"], 4),
                # Replies that went out exactly as the model wrote them.
                "autonomy_rate": round(row["accepted"] / sent, 4) if sent else None,
                "mean_edit_distance": round(row["mean_edit"], 1) if row["mean_edit"] else None,
                "mean_reply_ms": round(row["mean_latency"]) if row["mean_latency"] else None,
            }
        )
    return result


def cta_metrics(workspace, start: date, end: date) -> dict[str, Any]:
    shown = CtaDecision.objects.filter(
        workspace=workspace, is_shadow=False, decision="NOW",
        created_at__date__gte=start, created_at__date__lte=end,
    )  # fmt: skip
    converted = shown.filter(conversation__outcome=SUCCESS).values("conversation").distinct()
    conversations = shown.values("conversation").distinct().count()
    verdicts = CtaLabel.objects.filter(
        workspace=workspace, source=CtaLabel.Source.OPERATOR,
        created_at__date__gte=start, created_at__date__lte=end,
    ).select_related("decision")  # fmt: skip
    overrides = sum(1 for v in verdicts if v.label != v.decision.decision)
    return {
        "now_shown_conversations": conversations,
        "now_shown_converted": converted.count(),
        "now_conversion_rate": round(converted.count() / conversations, 4)
        if conversations
        else None,
        "operator_verdicts": len(verdicts),
        "override_rate": round(overrides / len(verdicts), 4) if verdicts else None,
    }


# Conversion probability (seed 001's conversion_probability), from funnel rates: of the
# ended conversations of the same playbook that were in this state, how many succeeded.
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
