"""Training CTA models: dataset, fit, evaluation against the active model, the gate.

A new version replaces the active one only if, on the same held-out rows, its macro-F1
is at least GATE_MIN_GAIN better and it beats the phase + message-count rule baseline.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mlops import cta, cta_bootstrap, registry
from mlops.datasets import LABEL_WEIGHT, PURCHASE_WEIGHT, cta_label_rows, cta_purchase_rows
from mlops.models import ModelVersion, TrainingJob
from mlops.training_jobs import public_error

KIND = "cta"
GATE_MIN_GAIN = 0.005


class Cancelled(Exception):
    pass


def progress(job: TrainingJob, percent: float, stage: str) -> None:
    """Record progress; stop if someone cancelled the job meanwhile."""
    if TrainingJob.objects.filter(pk=job.pk, status=TrainingJob.Status.CANCELLED).exists():
        raise Cancelled
    job.progress, job.stage = percent, stage[: TrainingJob._meta.get_field("stage").max_length]
    job.save(update_fields=["progress", "stage"])


def build_rows(workspace_id: int | None, shuffle_labels: bool = False) -> tuple[list, dict]:
    rows = cta_bootstrap.generate()
    generated = len(rows)
    labelled = cta_label_rows(workspace_id)
    rows += [row for row in labelled for _ in range(LABEL_WEIGHT)]
    paid = cta_purchase_rows(workspace_id, settings.REVENUE_ATTRIBUTION_HOURS)
    rows += [row for row in paid for _ in range(PURCHASE_WEIGHT)]
    if shuffle_labels:  # a deliberately broken model, to show the gate refusing it
        labels = [row["label"] for row in rows]
        random.Random(1).shuffle(labels)
        rows = [{**row, "label": label} for row, label in zip(rows, labels, strict=True)]
    return rows, {"bootstrap": generated, "labels": len(labelled), "purchases": len(paid)}


def gate(new: dict, active: dict | None, baseline: dict) -> dict[str, Any]:
    beats_baseline = new["macro_f1"] > baseline["macro_f1"]
    beats_active = active is None or new["macro_f1"] >= active["macro_f1"] + GATE_MIN_GAIN
    return {
        "passed": beats_baseline and beats_active,
        "new_macro_f1": new["macro_f1"],
        "active_macro_f1": active["macro_f1"] if active else None,
        "baseline_macro_f1": baseline["macro_f1"],
        "min_gain": GATE_MIN_GAIN,
    }


def run(job: TrainingJob, shuffle_labels: bool = False) -> TrainingJob:
    """Train, evaluate and maybe promote; the job row tells the page how far it got."""
    job.status = TrainingJob.Status.PROCESSING
    job.save(update_fields=["status"])
    try:
        progress(job, 5, "building the dataset")
        rows, sources = build_rows(job.workspace_id, shuffle_labels)
        version = registry.next_version(KIND, job.workspace_id)
        dataset = registry.store_dataset(KIND, f"v{version}", job.workspace_id, rows, sources)
        train_rows, test_rows = cta.split(rows)
        progress(job, 25, f"training on {len(train_rows)} rows")
        model = cta.train(train_rows)
        progress(job, 70, f"evaluating on {len(test_rows)} held-out rows")
        new_metrics = cta.evaluate(model, test_rows)
        baseline = cta.evaluate_baseline(test_rows)
        active = ModelVersion.objects.active(KIND, job.workspace_id)
        active_metrics = evaluate_version(active, test_rows) if active else None
        # Beside the verdict, what it was trained on: people's labels and purchase labels.
        verdict = {**gate(new_metrics, active_metrics, baseline), "label_sources": sources}
        # The figure the team asks for first: does the forest beat the simple rules?
        print(
            f"cta training {job.job_id}: macro-F1 {new_metrics['macro_f1']} vs rule baseline "
            f"{baseline['macro_f1']} vs active "
            f"{active_metrics['macro_f1'] if active_metrics else '-'}; "
            f"{'promote' if verdict['passed'] else 'keep the active model'}",
            flush=True,
        )
        progress(job, 90, "saving")
        finish(job, model, version, dataset, new_metrics, active_metrics, baseline, verdict)
    except Cancelled:
        job.refresh_from_db()
    except Exception as exc:
        # The log keeps the whole exception; the job, read by its workspace, no paths.
        job.status, job.error = TrainingJob.Status.FAILED, public_error(repr(exc))[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    return job


def evaluate_version(version: ModelVersion, rows: list[dict]) -> dict[str, Any]:
    forest = registry.load_fast_forest(version.pk, version.artifact)
    predicted = [forest.decide(r["features"], top=0).decision for r in rows]
    return cta.scores([r["label"] for r in rows], predicted)


@transaction.atomic
def finish(job, model, version, dataset, metrics, active_metrics, baseline, verdict) -> None:
    artifact = registry.save_model(model, KIND, job.workspace_id, version)
    registered = ModelVersion.objects.create(
        kind=KIND,
        version=version,
        workspace_id=job.workspace_id,
        dataset=dataset,
        hyperparameters=cta.DEFAULT_HYPERPARAMETERS,
        metrics={**metrics, "baseline": baseline, "active_before": active_metrics},
        artifact=artifact,
        created_by=job.created_by,
    )
    if verdict["passed"]:
        registered.set_status(ModelVersion.Status.ACTIVE)
    job.result, job.promoted, job.gate = registered, verdict["passed"], verdict
    job.status, job.progress, job.finished_at = TrainingJob.Status.COMPLETED, 100, timezone.now()
    job.stage = "promoted" if verdict["passed"] else "kept the active model (gate not passed)"
    job.save()


def ensure_bootstrap_model() -> ModelVersion:
    """The shared model every workspace starts from, trained once on bootstrap rows."""
    return ensure_shared_model(KIND, run)


def ensure_shared_model(kind: str, train) -> ModelVersion:
    """The shared active version of `kind`, trained by `train(job)` if there is none."""
    active = ModelVersion.objects.active(kind, None)
    if active is not None:
        return active
    job = TrainingJob.objects.create(kind=kind, workspace_id=None)
    train(job)
    job.refresh_from_db()
    assert job.result is not None
    return job.result
