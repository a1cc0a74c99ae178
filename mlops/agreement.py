"""Agreement between labelers: Cohen's kappa for two raters, Fleiss' kappa for many."""

from __future__ import annotations

from collections import Counter


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Agreement beyond chance of two raters on the same items; None without items."""
    if not first or len(first) != len(second):
        return None
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[c] * counts_b[c] for c in counts_a.keys() | counts_b.keys()) / n**2
    if expected == 1:
        return 1.0  # both raters used one and the same label throughout
    return round((observed - expected) / (1 - expected), 4)


def fleiss_kappa(items: list[list[str]]) -> float | None:
    """Items rated by the same number (>= 2) of raters each."""
    items = [ratings for ratings in items if len(ratings) >= 2]
    if not items or len({len(r) for r in items}) != 1:
        return None
    raters, n = len(items[0]), len(items)
    totals: Counter[str] = Counter()
    agreement = 0.0
    for ratings in items:
        counts = Counter(ratings)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    observed = agreement / n
    expected = sum((count / (n * raters)) ** 2 for count in totals.values())
    if expected == 1:
        return 1.0
    return round((observed - expected) / (1 - expected), 4)
