"""A/B results: conversion per variant with Wilson 95% intervals, and a winner named only
when it beats every other variant by a two-proportion z-test (Bonferroni-corrected)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from conversations.models import Conversation

Z95 = 1.959964
ALPHA = 0.05
SUCCESS = "success"


@dataclass(frozen=True)
class Arm:
    name: str
    conversations: int
    conversions: int
    rate: float
    low: float
    high: float


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval: sensible even for small n or rates near 0 and 1."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return round(centre - half, 4), round(centre + half, 4)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    if not n1 or not n2:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def arms_for(campaign, window_days: int = 30) -> list[Arm]:
    window = timedelta(days=window_days)
    arms = []
    for variant in campaign.variants.order_by("pk"):
        rows = Conversation.objects.filter(variant=variant).values_list(
            "outcome", "created_at", "ended_at"
        )
        n = len(rows)
        wins = sum(
            1 for outcome, started, ended in rows
            if outcome == SUCCESS and ended is not None and ended - started <= window
        )  # fmt: skip
        low, high = wilson(wins, n)
        arms.append(Arm(variant.name, n, wins, round(wins / n, 4) if n else 0.0, low, high))
    return arms


def winner(arms: list[Arm]) -> tuple[Arm | None, list[dict]]:
    """The best arm if it beats each other arm at ALPHA / (arms - 1); the tests made."""
    if len(arms) < 2:
        return None, []
    best = max(arms, key=lambda arm: arm.rate)
    threshold = ALPHA / (len(arms) - 1)
    tests = []
    for other in arms:
        if other is best:
            continue
        p = two_proportion_p(best.conversions, best.conversations, other.conversions,
                             other.conversations)  # fmt: skip
        tests.append({"against": other.name, "p_value": round(p, 5), "significant": p < threshold})
    return (best if all(t["significant"] for t in tests) else None), tests
