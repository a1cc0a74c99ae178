"""Training rows from labels: the one module of mlops that reads the other apps."""

from __future__ import annotations

from typing import Any

# A person's verdict outweighs a generated row: each label is repeated this many times
# in the training data, so a handful of corrections can move the model.
LABEL_WEIGHT = 25


def cta_label_rows(workspace_id: int | None) -> list[dict[str, Any]]:
    """One row per labelled decision: the features the model saw, the people's verdict.

    With several labels on one decision, the most common verdict wins (labelers over
    operators on a tie, since reviewing is their job).
    """
    from conversations.models import CtaLabel

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
