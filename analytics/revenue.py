"""Money in the analytics: the funnel cohort's revenue (net of refunds), revenue and
conversion per phase, persona, operator, campaign and A/B variant, revenue per
conversation, what AI-drafted and human-typed replies earned (with the A/B page's
intervals), and how often a CTA NOW was followed by a payment within the window.

Amounts stay in whole minor units per currency: currencies are never added together.
A conversation "pays" when its payments, net of refunds, come to more than nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)

from analytics.abtest import Z95, two_proportion_p, wilson
from analytics.funnels import FunnelQuery, cohort
from conversations.currencies import exponent, to_major
from conversations.models import CtaDecision, Message, RevenueEvent

PAID = ("purchase", "tip", "subscription")
REVENUE_GROUPS = ("phase", "persona", "operator", "campaign", "variant")
# What an event is credited to, per group: a field of the event or of its conversation.
EVENT_KEYS = {
    "phase": "phase",
    "persona": "conversation__persona__name",
    "operator": "operator__username",
    "campaign": "conversation__campaign__name",
    "variant": "conversation__variant__name",
}
EMPTY = {"operator": "(nobody)", "campaign": "(no campaign)", "variant": "(no variant)"}
AI_DRAFTED = ("accepted", "edited", "auto")
HUMAN_TYPED = ("typed",)


def net_minor() -> Sum:
    """Payments add, refunds take away (both are stored as positive amounts)."""
    signed = Case(
        When(kind="refund", then=-F("amount_minor")),
        default=F("amount_minor"),
        output_field=BigIntegerField(),
    )
    return Sum(signed)


def money(revenue: dict[str, int]) -> str:
    """Each currency's amount ("USD 12.50 · EUR 3.00"), or a dash for nothing."""
    shown = [f"{code} {to_major(minor, code)}" for code, minor in sorted(revenue.items()) if minor]
    return " · ".join(shown) or "\u2013"


def per_item(revenue: dict[str, int], n: int) -> dict[str, int]:
    return {code: round(minor / n) for code, minor in revenue.items()} if n else {}


# -- the cohort --------------------------------------------------------------------------------


def cohort_events(workspace, query: FunnelQuery):
    return RevenueEvent.objects.filter(
        workspace=workspace, conversation__in=cohort(workspace, query)
    )


@dataclass
class CohortRevenue:
    conversations: int
    paying: int
    revenue: dict[str, int]  # currency -> net minor units

    @property
    def per_conversation(self) -> dict[str, int]:
        return per_item(self.revenue, self.conversations)

    @property
    def shown(self) -> str:
        return money(self.revenue)

    @property
    def shown_per_conversation(self) -> str:
        return money(self.per_conversation)


def cohort_revenue(workspace, query: FunnelQuery) -> CohortRevenue:
    """The funnel's revenue: every event of the cohort's conversations, net of refunds,
    summed in SQL per currency."""
    events = cohort_events(workspace, query)
    totals = events.values("currency").annotate(net=net_minor()).order_by("currency")
    nets = events.values("conversation", "currency").annotate(net=net_minor())
    return CohortRevenue(
        conversations=cohort(workspace, query).count(),
        paying=len({row["conversation"] for row in nets if row["net"] > 0}),
        revenue={row["currency"]: row["net"] for row in totals},
    )


# -- groups ----------------------------------------------------------------------------------


@dataclass
class GroupRevenue:
    key: str
    conversations: int
    paying: int
    revenue: dict[str, int]
    low: float = 0.0
    high: float = 1.0

    @property
    def rate(self) -> float | None:
        return round(self.paying / self.conversations, 4) if self.conversations else None

    @property
    def shown(self) -> str:
        return money(self.revenue)

    @property
    def shown_per_conversation(self) -> str:
        return money(per_item(self.revenue, self.conversations))


def members(workspace, query: FunnelQuery, by: str) -> dict[str, set[int]]:
    """The cohort's conversations of each group: those that were in the phase; of the
    persona, campaign or variant; the operator owned or replied in."""
    conversations = cohort(workspace, query)
    groups: dict[str, set[int]] = defaultdict(set)
    if by == "phase":
        for pk, states in conversations.values_list("pk", "visited_states"):
            for state in states:
                groups[state].add(pk)
        return groups
    if by == "operator":
        owned = conversations.values_list("assigned_operator__username", "pk")
        replied = (
            Message.objects.filter(
                conversation__in=conversations, author_kind=Message.AuthorKind.OPERATOR
            )
            .values_list("author__username", "conversation")
            .distinct()
        )
        for name, pk in [*owned, *replied]:
            if name:
                groups[name].add(pk)
        return groups
    key = {"persona": "persona__name", "campaign": "campaign__name", "variant": "variant__name"}
    for name, pk in conversations.values_list(key[by], "pk"):
        groups[name or EMPTY[by]].add(pk)
    return groups


def revenue_by(workspace, query: FunnelQuery, by: str) -> list[GroupRevenue]:
    """Revenue, paying conversations and their Wilson interval per group of `by`."""
    key_field = EVENT_KEYS[by]
    groups = members(workspace, query, by)
    credited = (
        cohort_events(workspace, query)
        .values(key_field, "conversation", "currency")
        .annotate(net=net_minor())
    )
    revenue: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    paying: dict[str, set[int]] = defaultdict(set)
    for row in credited:
        key = row[key_field] or EMPTY.get(by, "(none)")
        groups[key].add(row["conversation"])  # credited there, so counted there
        revenue[key][row["currency"]] += row["net"]
        if row["net"] > 0:
            paying[key].add(row["conversation"])
    rows = []
    for key in sorted(groups):
        n, won = len(groups[key]), len(paying[key])
        low, high = wilson(won, n)
        rows.append(GroupRevenue(key, n, won, dict(revenue[key]), low, high))
    return rows


# -- AI-drafted vs human-typed ----------------------------------------------------------------


@dataclass
class ReplyEarnings:
    """Replies of one kind, how many were followed by a payment credited to them (with
    its Wilson interval), and the revenue per reply with its 95 % interval per currency."""

    kind: str
    replies: int
    paid: int
    low: float
    high: float
    revenue: dict[str, int]
    per_reply: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return round(self.paid / self.replies, 4) if self.replies else None

    @property
    def shown(self) -> str:
        return money(self.revenue)

    @property
    def shown_per_reply(self) -> list[str]:
        shown = []
        for code, bounds in sorted(self.per_reply.items()):
            places = exponent(code)
            mean, low, high = (f"{value / 10**places:.{places}f}" for value in bounds)
            shown.append(f"{code} {mean} ({low} to {high})")
        return shown


def reply_kind() -> Case:
    """How a sent reply was made, as revenue attribution names it."""
    return Case(
        When(author_kind=Message.AuthorKind.AUTO, then=Value("auto")),
        When(decision__action="accept", then=Value("accepted")),
        When(decision__action="edit", then=Value("edited")),
        default=Value("typed"),
        output_field=CharField(),
    )


def mean_interval(values: list[int], n: int, z: float = Z95) -> tuple[float, float, float]:
    """Mean of n values (those not listed are 0) and its normal 95 % interval."""
    mean = sum(values) / n
    if n < 2:
        return mean, mean, mean
    variance = (sum(v * v for v in values) - n * mean * mean) / (n - 1)
    half = z * math.sqrt(max(variance, 0.0) / n)
    return mean, mean - half, mean + half


def earnings(kind: str, replies: int, nets: list[dict]) -> ReplyEarnings:
    paid = len({row["reply"] for row in nets if row["net"] > 0})
    low, high = wilson(paid, replies)
    revenue: dict[str, int] = defaultdict(int)
    values: dict[str, list[int]] = defaultdict(list)
    for row in nets:
        revenue[row["currency"]] += row["net"]
        values[row["currency"]].append(row["net"])
    per_reply = {code: mean_interval(v, replies) for code, v in values.items()} if replies else {}
    return ReplyEarnings(kind, replies, paid, low, high, dict(revenue), per_reply)


def ai_vs_human(workspace, start: date, end: date) -> dict:
    """Per reply kind, and for AI-drafted (accepted, edited, auto-sent) against typed by
    hand: replies sent in the range, those a payment was credited to, revenue; and the
    two-proportion test of the two groups' paid rates (the A/B page's statistics)."""
    replies = Message.objects.filter(
        workspace=workspace,
        direction=Message.Direction.OUT,
        author_kind__in=[Message.AuthorKind.OPERATOR, Message.AuthorKind.AUTO],
        created_at__date__gte=start,
        created_at__date__lte=end,
    ).annotate(kind=reply_kind())
    counts = dict(replies.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    nets = list(
        RevenueEvent.objects.filter(workspace=workspace, reply__in=replies.values("pk"))
        .values("reply", "reply_kind", "currency")
        .annotate(net=net_minor())
    )

    def over(kinds: tuple[str, ...], name: str) -> ReplyEarnings:
        chosen = [row for row in nets if row["reply_kind"] in kinds]
        return earnings(name, sum(counts.get(kind, 0) for kind in kinds), chosen)

    kinds = [over((kind,), kind) for kind in ("accepted", "edited", "auto", "typed")]
    ai, human = over(AI_DRAFTED, "AI-drafted"), over(HUMAN_TYPED, "human-typed")
    p = two_proportion_p(ai.paid, ai.replies, human.paid, human.replies)
    return {"kinds": kinds, "ai": ai, "human": human, "p_value": round(p, 5)}


# -- the CTA ------------------------------------------------------------------------------------


def now_followed_by_payment(workspace, start: date, end: date) -> dict:
    """CTA NOW decisions shown in the range, and how many were followed by a purchase, tip
    or subscription in the same conversation within the attribution window."""
    window = timedelta(hours=settings.REVENUE_ATTRIBUTION_HOURS)
    paid_after = RevenueEvent.objects.filter(
        conversation=OuterRef("conversation"),
        kind__in=PAID,
        occurred_at__gte=OuterRef("created_at"),
        occurred_at__lte=OuterRef("created_at") + window,
    )
    shown = CtaDecision.objects.filter(
        workspace=workspace,
        is_shadow=False,
        decision="NOW",
        created_at__date__gte=start,
        created_at__date__lte=end,
    )
    counted = shown.aggregate(total=Count("pk"), followed=Count("pk", filter=Q(Exists(paid_after))))
    total, followed = counted["total"], counted["followed"]
    low, high = wilson(followed, total)
    return {
        "now_shown": total,
        "followed": followed,
        "rate": round(followed / total, 4) if total else None,
        "low": low,
        "high": high,
        "window_hours": settings.REVENUE_ATTRIBUTION_HOURS,
    }
