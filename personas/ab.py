"""A/B tests of tactics: a campaign's variants, assigned deterministically per contact."""

from __future__ import annotations

import hashlib

from personas.models import Campaign, CampaignVariant


def assign_variant(campaign: Campaign | None, contact_key: str) -> CampaignVariant | None:
    """The same contact always gets the same variant; traffic splits by the weights."""
    if campaign is None:
        return None
    variants = list(campaign.variants.order_by("pk"))
    total = sum(v.weight for v in variants)
    if not total:
        return None
    digest = hashlib.sha256(f"{campaign.pk}:{contact_key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % total
    for variant in variants:
        if point < variant.weight:
            return variant
        point -= variant.weight
    return variants[-1]
