"""Bootstrap data for the CTA classifier: generated journeys, each labelled with a reason.

Seed 000 trained its classifier on 10,000+ reviewed rows "with reasoning for each path".
We generate such rows from written rules (docs/cta-bootstrap.md) so a new workspace has a
model on day one; operators' and labelers' labels then correct it.
"""

from __future__ import annotations

import random
from typing import Any

BOOTSTRAP_VERSION = "bootstrap-v1"
# A share of rows gets a different label, as human reviewers disagree at the margins.
LABEL_NOISE = 0.03


def sample_features(rng: random.Random) -> dict[str, float]:
    contact_messages = rng.randint(1, 30)
    ctas = rng.choice([0, 0, 0, 1, 1, 2, 3, 4])
    sentiment = max(-1.0, min(1.0, rng.gauss(0.15, 0.4)))
    stage = rng.random()
    return {
        "contact_messages": contact_messages,
        "operator_messages": max(0, contact_messages + rng.randint(-3, 2)),
        "turns_since_cta": rng.randint(0, contact_messages) if ctas else contact_messages,
        "ctas_so_far": ctas,
        "sentiment": round(sentiment, 3),
        "intensity": round(abs(sentiment) * rng.uniform(0.7, 1.0), 3),
        "sentiment_trend": round(rng.gauss(0, 0.3), 3),
        "joy": round(max(0.0, rng.gauss(0.2 + sentiment / 4, 0.15)), 3),
        "trust": round(max(0.0, rng.gauss(0.15, 0.1)), 3),
        "anger": round(max(0.0, rng.gauss(0.05 - sentiment / 8, 0.08)), 3),
        "fear": round(max(0.0, rng.gauss(0.05, 0.06)), 3),
        "sadness": round(max(0.0, rng.gauss(0.05 - sentiment / 10, 0.06)), 3),
        "sarcastic": float(rng.random() < 0.07),
        "phase_progress": round(stage, 3),
        "phase_is_cta": float(0.5 < stage < 0.8 and rng.random() < 0.7),
        "phase_is_objection": float(stage >= 0.8 and rng.random() < 0.6),
        "objections": rng.choice([0, 0, 0, 1, 1, 2, 3]),
        "persona_has_offer": float(rng.random() < 0.85),
        "engagement": round(rng.uniform(5, 120), 1),
        "reply_latency_s": round(rng.expovariate(1 / 90), 1),
        "facts_known": rng.randint(0, 8),
        "risk": round(rng.choice([0.0] * 8 + [rng.uniform(0, 1)] * 2), 3),
        "purchase_intent": rng.choice([0] * 6 + [1, 1, 2]),
        "age_minutes": round(rng.expovariate(1 / 240), 1),
    }


def label_for(f: dict[str, float]) -> tuple[str, str]:
    """The first rule that applies, with its reason (documented in docs/cta-bootstrap.md)."""
    if f["risk"] >= 0.7:
        return "NEVER", f"bad-actor risk {f['risk']:.2f}: never sell to a likely scammer"
    if f["ctas_so_far"] >= 3 and f["purchase_intent"] == 0:
        return "NEVER", f"{int(f['ctas_so_far'])} offers ignored: stop pitching"
    if not f["persona_has_offer"]:
        return "NEVER", "the persona has nothing to offer"
    if f["sarcastic"] or f["sentiment"] <= -0.4:
        return "WAIT", "upset or sarcastic: repair the mood first"
    if f["purchase_intent"] >= 1 and f["sentiment"] >= -0.1:
        return "NOW", "asked about price or buying"
    if f["ctas_so_far"] and f["turns_since_cta"] < 3:
        return "WAIT", f"last offer only {int(f['turns_since_cta'])} turns ago"
    if f["objections"] >= 2 and f["sentiment"] < 0.3:
        return "WAIT", f"{int(f['objections'])} objections not yet resolved"
    if f["phase_is_cta"] and f["sentiment"] > 0.2:
        return "NOW", "in the CTA phase and in a good mood"
    if f["contact_messages"] >= 6 and f["sentiment_trend"] >= 0 and f["engagement"] >= 25:
        return "NOW", "warmed up: engaged, long replies, mood steady or rising"
    return "WAIT", "not enough rapport yet"


def generate(count: int = 12_000, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        features = sample_features(rng)
        label, reason = label_for(features)
        if rng.random() < LABEL_NOISE:
            label = rng.choice([other for other in ("NOW", "WAIT", "NEVER") if other != label])
            reason = f"reviewer disagreed ({reason})"
        rows.append({"features": features, "label": label, "reason": reason})
    return rows
