"""Time to convert: how long a funnel's conversions took, from the conversation's start
to its `success` ending. The exact median (PostgreSQL's percentile_cont) and the
HISTOGRAM_HOURS buckets are counted in SQL; `histogram()` buckets hours in Python for the
baseline recomputed from turns.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Aggregate, Count, F, FloatField, Func, Q

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
