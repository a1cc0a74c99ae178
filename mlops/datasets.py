"""Training rows and what every dataset shares: CTA label rows, PII scrubbing, the
held-out split by conversation, and seed 002's samples as a stored dataset.

Reply datasets, which are built from stored conversations and operator decisions, live
with the conversations they read (conversations.reply_datasets). The CTA label rows are
read through the app registry, the one way mlops reaches a model of an app above it
(docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef

from mlops import registry

PARTS = ("sft-train", "sft-eval", "dpo-train", "dpo-eval")


# A person's verdict outweighs a generated row: each label is repeated this many times
# in the training data, so a handful of corrections can move the model.
LABEL_WEIGHT = 25


def cta_label_rows(workspace_id: int | None) -> list[dict[str, Any]]:
    """One row per labelled decision: the features the model saw, the people's verdict.

    With several labels on one decision, the most common verdict wins (labelers over
    operators on a tie, since reviewing is their job).
    """
    CtaLabel = apps.get_model("conversations", "CtaLabel")
    labels = CtaLabel.objects.select_related("decision").order_by("decision_id", "created_at")
    if workspace_id is not None:
        labels = labels.filter(workspace_id=workspace_id)
    by_decision: dict[int, list] = {}
    for row in labels:
        by_decision.setdefault(row.decision_id, []).append(row)
    rows = []
    for verdicts in by_decision.values():
        counts: dict[str, float] = {}
        for v in verdicts:
            counts[v.label] = counts.get(v.label, 0) + (1.001 if v.source == "labeler" else 1)
        winner = max(counts, key=counts.__getitem__)
        reasons = "; ".join(v.reason for v in verdicts if v.label == winner and v.reason)
        rows.append(
            {
                "features": verdicts[0].decision.features,
                "label": winner,
                "reason": reasons or f"{len(verdicts)} people chose {winner}",
                "source": "labels",
            }
        )
    return rows


# A NOW followed by a payment is a label the customer gave with their wallet: it counts,
# but less than a person's considered verdict, since a payment may have come anyway.
PURCHASE_WEIGHT = 10


def cta_purchase_rows(workspace_id: int | None, window_hours: int) -> list[dict[str, Any]]:
    """One NOW row per CTA NOW decision that was followed by a purchase, tip or
    subscription in its conversation within `window_hours`, and that no person labelled
    (their verdict stands for it)."""
    CtaDecision = apps.get_model("conversations", "CtaDecision")
    RevenueEvent = apps.get_model("conversations", "RevenueEvent")
    paid_after = RevenueEvent.objects.filter(
        conversation=OuterRef("conversation"),
        kind__in=("purchase", "tip", "subscription"),
        occurred_at__gte=OuterRef("created_at"),
        occurred_at__lte=OuterRef("created_at") + timedelta(hours=window_hours),
    )
    decisions = CtaDecision.objects.filter(
        Exists(paid_after), is_shadow=False, decision="NOW", labels__isnull=True
    )
    if workspace_id is not None:
        decisions = decisions.filter(workspace_id=workspace_id)
    return [
        {
            "features": features,
            "label": "NOW",
            "reason": f"followed by a payment within {window_hours} h",
            "source": "purchases",
        }
        for features in decisions.values_list("features", flat=True)
    ]


# Scrubbing replaces what identifies a person with a placeholder the model can learn to
# use; the order matters (a URL can hold an email, a card number looks like a phone).
# Links end before trailing punctuation; bare domains need a common top-level domain.
TRAILING = r"(?<![.,!?;:)\]'\"])"


PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[URL]", re.compile(rf"\b(?:https?://|www\.)\S+{TRAILING}", re.IGNORECASE)),
    ("[EMAIL]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "[URL]",
        re.compile(
            r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|me|co|tv|ly|app|link|gg|fans|xyz)"
            rf"\b(?:/\S*{TRAILING})?",
            re.IGNORECASE,
        ),
    ),
    ("[CARD]", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("[HANDLE]", re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}\b")),
)


# Phone numbers: 9 digits or more, with the usual separators. Fewer digits are dates,
# years, prices and order numbers far more often than phones.
PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d ().-]{6,}\d\b")


PHONE_MIN_DIGITS = 9


DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


# fmt: off
WORD_NAMES = frozenset({
    "will", "may", "june", "april", "august", "mark", "bill", "rose", "grace", "hope", "joy",
    "faith", "sky", "summer", "dawn", "art", "pat", "ray", "rob", "sue", "max", "jack",
    "amber", "ruby", "honey", "lily", "iris", "daisy", "angel", "chase", "drew", "gene", "page",
})
# fmt: on


def phone_or_not(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    return "[PHONE]" if digits >= PHONE_MIN_DIGITS and not DATE.match(found.strip()) else found


@dataclass
class ReplyDataset:
    sft: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    counts: dict[str, int]


def scrub(text: str, names: Sequence[str] = ()) -> str:
    for placeholder, pattern in PII_PATTERNS:
        text = pattern.sub(placeholder, text)
    text = PHONE.sub(phone_or_not, text)
    for name in names:
        if len(name) >= 2:
            # Names that are also words match only as written: a contact called Will
            # must not turn "I will call" into "I [NAME] call".
            flags = 0 if name.lower() in WORD_NAMES else re.IGNORECASE
            text = re.sub(rf"\b{re.escape(name)}\b", "[NAME]", text, flags=flags)
    return text


def eval_conversations(conversation_ids: set[int], fraction: float) -> set[int]:
    """A stable, hash-ordered choice of conversations for the eval split: at least one when
    there are two or more, so a small dataset still gets an evaluation."""
    if len(conversation_ids) < 2 or fraction <= 0:
        return set()
    ordered = sorted(conversation_ids, key=lambda c: hashlib.sha256(str(c).encode()).hexdigest())
    take = min(max(1, math.ceil(len(ordered) * fraction)), len(ordered) - 1)
    return set(ordered[:take])


def split_parts(dataset: ReplyDataset, fraction: float) -> dict[str, list[dict]]:
    conversations = {row["meta"]["conversation_id"] for row in dataset.sft + dataset.pairs}
    held_out = eval_conversations(conversations, fraction)

    def held(row: dict) -> bool:
        return row["meta"].get("conversation_id") in held_out

    return {
        "sft-train": [r for r in dataset.sft if not held(r)],
        "sft-eval": [r for r in dataset.sft if held(r)],
        "dpo-train": [r for r in dataset.pairs if not held(r)],
        "dpo-eval": [r for r in dataset.pairs if held(r)],
    }


def sample_rows(samples: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seed 002's training samples ({input, output, quality}) as SFT rows; each sample is its
    own 'conversation' for the split."""
    return [
        {
            "messages": [
                {"role": "user", "content": sample["input"]},
                {"role": "assistant", "content": sample["output"]},
            ],
            "weight": float(sample.get("quality", 1.0)),
            "meta": {"conversation_id": -(index + 1), "action": "sample"},
        }
        for index, sample in enumerate(samples)
    ]


class EmptyDataset(ValueError):
    """Nothing to learn from yet."""


def create_sample_dataset(
    workspace_id: int, persona_id: int | None, samples: Sequence[dict[str, Any]], created_by: Any
) -> Any:
    """Seed 002's `samples` as a stored dataset, so a job always trains on a dataset."""
    rows = sample_rows(samples)
    parts = split_parts(ReplyDataset(rows, [], {}), 0.2)
    return registry.store_reply_dataset(
        workspace_id,
        persona_id,
        parts,
        {"samples": len(rows)},
        {"source": "api samples"},
        created_by,
    )
