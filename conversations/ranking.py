"""Ranking reply options: library entries and model drafts, scored by one ranker.

The workspace's trained ranker when the gate promoted one (registry kind "ranker"), else
the hand-set prior (mlops.reply_ranker.PRIOR). Its probability is each option's
confidence; the operator's accept, edit or reject of a ranked option is a label for the
next ranker, trained here through the registry and the gate like the CTA model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from conversations.models import OperatorDecision, Suggestion
from core import dispatch
from mlops import registry, reply_ranker
from mlops.embeddings import embed
from mlops.generation import ReplyOption
from mlops.models import ModelVersion, TrainingJob
from mlops.reply_ranker import Candidate, Ranked, Ranker
from mlops.training_jobs import open_job, public_error

KIND = "ranker"
LIBRARY_SOURCES = ("sent", "bootstrap", "phrase")
SENT = (OperatorDecision.Action.ACCEPT, OperatorDecision.Action.EDIT)


def active_ranker(workspace_id: int) -> Ranker:
    version = ModelVersion.objects.active(KIND, workspace_id)
    if version is None:
        return reply_ranker.PRIOR
    return load(version.pk, version.artifact, f"ranker-v{version.version}")


def load(pk: int, artifact: str, name: str) -> Ranker:
    return Ranker.from_dict(json.loads(Path(artifact).read_text()), name)


def draft_candidates(
    options: Sequence[ReplyOption], said: Sequence[float], source: str
) -> list[Candidate]:
    """Model drafts as candidates: written for this phase, no history of their own."""
    if not options:
        return []
    vectors = embed([option.text for option in options])
    message = np.asarray(said, dtype=np.float32)
    return [
        Candidate(
            text=option.text,
            source=source,
            theme=option.theme,
            descriptor=option.descriptor,
            reply_fit=float(np.asarray(vector, dtype=np.float32) @ message),
            phase_match=1.0,
            intent_match=0.5,
            vector=list(vector),
            extra={"quality_score": option.quality_score},
        )
        for option, vector in zip(options, vectors, strict=True)
    ]


def as_option(ranked: Ranked, ranker: Ranker) -> ReplyOption:
    """The option the operator sees: the ranker's probability is its confidence."""
    candidate = ranked.candidate
    return ReplyOption(
        candidate.text,
        candidate.theme,
        candidate.descriptor[:60] or candidate.source,
        confidence=round(ranked.probability, 2),
        quality_score=float(candidate.extra.get("quality_score", 1.0)),
        source=candidate.source,
        features={**ranked.features, "ranker": ranker.version},
        entry_id=candidate.entry_id,
    )


def rank_drafts(
    options: Sequence[ReplyOption], said: Sequence[float], source: str, workspace_id: int
) -> list[ReplyOption]:
    """The model's drafts, best first by the ranker, each with the ranker's confidence."""
    ranker = active_ranker(workspace_id)
    ranked = reply_ranker.rank(draft_candidates(options, said, source), ranker)
    return [as_option(r, ranker) for r in ranked]


def relabel(options: Sequence[ReplyOption], source: str) -> list[ReplyOption]:
    return [replace(option, source=source) for option in options]


# -- training from operators' decisions -------------------------------------------------------


def label_rows(workspace_id: int) -> list[dict[str, Any]]:
    """One row per ranked option an operator decided on: sent (accepted or edited) is 1;
    rejected, or passed over for a sibling that was sent, is 0."""
    shown = (
        Suggestion.objects.filter(suggestion_set__workspace_id=workspace_id)
        .exclude(features={})
        .prefetch_related("decisions")
        .select_related("suggestion_set")
    )
    sent_sets = set(
        OperatorDecision.objects.filter(
            workspace_id=workspace_id, action__in=SENT, suggestion_set__isnull=False
        ).values_list("suggestion_set_id", flat=True)
    )
    rows = []
    for suggestion in shown:
        actions = {d.action for d in suggestion.decisions.all()}
        if actions & set(SENT):
            label = 1
        elif OperatorDecision.Action.REJECT in actions or suggestion.suggestion_set_id in sent_sets:
            label = 0
        else:
            continue  # nobody decided on it
        features = {k: v for k, v in suggestion.features.items() if k in reply_ranker.FEATURES}
        rows.append(
            {
                "features": features,
                "label": label,
                "group": suggestion.suggestion_set.conversation_id,
            }
        )
    return rows


def start_training(workspace_id: int, user: User | None) -> TrainingJob:
    """TrainingLimitReached when the workspace has its most training jobs queued or running."""
    with transaction.atomic():
        job = open_job(workspace_id, KIND, created_by=user)
        dispatch.train_ranker(job.pk)
    return job


def run(job: TrainingJob, shuffle_labels: bool = False) -> TrainingJob:
    """Fit on the workspace's labels, judge against the ranker in use on held-out
    conversations, promote only through the gate."""
    assert job.workspace_id is not None, "a ranker is trained for one workspace"
    job.status, job.stage = TrainingJob.Status.PROCESSING, "building the dataset"
    job.save(update_fields=["status", "stage"])
    rows = label_rows(job.workspace_id)
    if shuffle_labels:
        rows = reply_ranker.shuffled(rows)
    try:
        train_rows, test_rows = reply_ranker.split(rows)
        version = registry.next_version(KIND, job.workspace_id)
        ranker = reply_ranker.fit(train_rows, f"ranker-v{version}")
    except (reply_ranker.NotEnoughLabels, ValueError) as exc:
        job.status, job.error = TrainingJob.Status.FAILED, public_error(str(exc))
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job
    new = reply_ranker.evaluate(ranker, test_rows)
    active = reply_ranker.evaluate(active_ranker(job.workspace_id), test_rows)
    verdict = reply_ranker.gate(new, active)
    finish(job, ranker, version, rows, new, active, verdict)
    return job


@transaction.atomic
def finish(job, ranker, version, rows, metrics, active_metrics, verdict) -> None:
    dataset = registry.store_dataset(
        KIND, f"v{version}", job.workspace_id, rows, {"labels": len(rows)}
    )
    artifact = registry.save_json_model(ranker.to_dict(), KIND, job.workspace_id, version)
    registered = ModelVersion.objects.create(
        kind=KIND,
        version=version,
        workspace_id=job.workspace_id,
        dataset=dataset,
        hyperparameters={"family": "logistic", "C": 1.0},
        metrics={**metrics, "active_before": active_metrics},
        artifact=artifact,
        created_by=job.created_by,
    )
    if verdict["passed"]:
        registered.set_status(ModelVersion.Status.ACTIVE)
    job.result, job.promoted, job.gate, job.dataset = (
        registered,
        verdict["passed"],
        verdict,
        dataset,
    )
    job.status, job.progress, job.finished_at = TrainingJob.Status.COMPLETED, 100, timezone.now()
    job.stage = "promoted" if verdict["passed"] else "kept the ranker in use (gate not passed)"
    job.save()
