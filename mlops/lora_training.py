"""A LoRA training job: dataset -> adapter -> evaluation against what serves today -> gate.

The reference is the persona's deployed adapter when it has one, else the base model. On
the same held-out rows the new adapter must have a lower eval loss, and its greedy replies
must be at least as close to what the operators actually sent (within a small tolerance:
a handful of generations is a noisy measure). Passing makes it deployable; deploying is a
person's decision (POST /api/model/deploy/{job_id}).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from core import dispatch
from mlops import lora, registry
from mlops.models import ModelVersion, TrainingJob
from mlops.training import Cancelled, progress
from mlops.training_jobs import open_job, public_error

KIND = "lora"
SIMILARITY_TOLERANCE = 0.02
EXAMPLES_SHOWN = 5


class NotTrainable(Exception):
    """The dataset cannot train or evaluate an adapter; the message says why."""


def check_dataset(job: TrainingJob) -> tuple[list[dict], list[dict]]:
    if job.dataset is None:
        raise NotTrainable("the job has no dataset")
    train_rows = registry.load_part(job.dataset, "sft-train")
    eval_rows = registry.load_part(job.dataset, "sft-eval")
    if not train_rows:
        raise NotTrainable("the dataset has no training rows")
    if not eval_rows:
        raise NotTrainable(
            "the dataset has no held-out rows: it needs replies from at least two conversations"
        )
    return train_rows, eval_rows


def cancelled_check(job: TrainingJob) -> None:
    if TrainingJob.objects.filter(pk=job.pk, status=TrainingJob.Status.CANCELLED).exists():
        raise Cancelled


def run(job: TrainingJob) -> TrainingJob:
    job.status = TrainingJob.Status.PROCESSING
    job.save(update_fields=["status"])
    try:
        progress(job, 2, "reading the dataset")
        train_rows, eval_rows = check_dataset(job)
        config = lora.hyperparameters(job.config)
        progress(job, 5, f"loading the base model; {len(train_rows)} training rows")

        def on_step(step: int, total: int, loss: float) -> None:
            progress(job, 5 + 70 * step / total, f"step {step}/{total}, loss {loss:.3f}")

        trained = lora.train(train_rows, config, on_step, on_batch=lambda: cancelled_check(job))
        version = registry.next_version(KIND, job.workspace_id)
        name = adapter_name(job, version)
        progress(job, 78, "saving the adapter")
        artifact = lora.save(trained, name)
        progress(job, 80, f"evaluating the new adapter on {len(eval_rows)} held-out rows")
        evaluation = evaluate(job, trained, eval_rows, config)
        verdict = gate(evaluation["new"], evaluation["reference"], evaluation["reference_name"])
        progress(job, 98, "registering")
        finish(job, version, name, artifact, config, trained, evaluation, verdict)
    except Cancelled:
        job.refresh_from_db()
    except NotTrainable as exc:
        fail(job, str(exc))
    except Exception as exc:
        fail(job, repr(exc)[:2000])
        raise
    return job


def fail(job: TrainingJob, error: str) -> None:
    # The worker's log keeps the whole exception; the job (read by its workspace) no paths.
    job.status, job.error = TrainingJob.Status.FAILED, public_error(error)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def adapter_name(job: TrainingJob, version: int) -> str:
    """The adapter's model name (vLLM serves it under this name) and its folder."""
    return f"ws{job.workspace_id}-persona{job.persona_id}-lora-v{version}"


def deployed(persona_id: int | None) -> ModelVersion | None:
    if persona_id is None:
        return None
    return ModelVersion.objects.filter(
        kind=KIND, persona_id=persona_id, status=ModelVersion.Status.ACTIVE
    ).first()


def evaluate(
    job: TrainingJob, trained: lora.Trained, eval_rows: list[dict], config: dict
) -> dict[str, Any]:
    """The new adapter, the base model and the deployed adapter, on the same rows."""
    model, tokenizer = trained.model, trained.tokenizer
    new = lora.measure(model, tokenizer, eval_rows, config)
    progress(job, 88, "evaluating the base model")
    with model.disable_adapter():
        base = lora.measure(model, tokenizer, eval_rows, config)
    reference, reference_name = base, "base model"
    current = deployed(job.persona_id)
    if current is not None and Path(current.artifact).exists():
        progress(job, 94, f"evaluating the deployed adapter v{current.version}")
        model.load_adapter(current.artifact, adapter_name="deployed")
        model.set_adapter("deployed")
        reference = lora.measure(model, tokenizer, eval_rows, config)
        reference_name = f"deployed adapter v{current.version}"
        model.set_adapter("default")
    examples = [
        {
            "message": row["messages"][-2]["content"]
            .rsplit("Their new message: ", 1)[-1]
            .removesuffix("\nWrite your reply."),
            "operator": row["messages"][-1]["content"],
            "base": base["replies"][index],
            "adapter": new["replies"][index],
        }
        for index, row in enumerate(eval_rows[: min(EXAMPLES_SHOWN, len(new["replies"]))])
    ]
    return {
        "new": summary(new),
        "base": summary(base),
        "reference": summary(reference),
        "reference_name": reference_name,
        "examples": examples,
    }


def summary(measured: dict[str, Any]) -> dict[str, float]:
    return {"eval_loss": measured["eval_loss"], "similarity": measured["similarity"]}


def gate(new: dict, reference: dict, reference_name: str) -> dict[str, Any]:
    # No loss (it diverged to NaN) never passes; a reference without one is beaten by any.
    lower_loss = new["eval_loss"] is not None and (
        reference["eval_loss"] is None or new["eval_loss"] < reference["eval_loss"]
    )
    close_enough = new["similarity"] >= reference["similarity"] - SIMILARITY_TOLERANCE
    reasons = []
    if not lower_loss:
        reasons.append(
            f"eval loss {new['eval_loss']} is not below the {reference_name}'s "
            f"{reference['eval_loss']}"
        )
    if not close_enough:
        reasons.append(
            f"replies are further from the operators' ({new['similarity']}) than the "
            f"{reference_name}'s ({reference['similarity']})"
        )
    return {
        "passed": lower_loss and close_enough,
        "compared_with": reference_name,
        "new_eval_loss": new["eval_loss"],
        "reference_eval_loss": reference["eval_loss"],
        "new_similarity": new["similarity"],
        "reference_similarity": reference["similarity"],
        "similarity_tolerance": SIMILARITY_TOLERANCE,
        "reasons": reasons,
    }


@transaction.atomic
def finish(
    job: TrainingJob,
    version: int,
    name: str,
    artifact: str,
    config: dict,
    trained: lora.Trained,
    evaluation: dict,
    verdict: dict,
) -> None:
    assert job.dataset is not None
    registered = ModelVersion.objects.create(
        kind=KIND,
        version=version,
        workspace_id=job.workspace_id,
        persona_id=job.persona_id,
        dataset=job.dataset,
        hyperparameters={**config, **trained.loaded, "steps": trained.steps},
        metrics={**evaluation, "train_losses": lora.finite(trained.losses), "adapter": name},
        artifact=artifact,
        created_by=job.created_by,
    )
    job.result, job.gate, job.promoted = registered, verdict, False
    job.status, job.progress, job.finished_at = TrainingJob.Status.COMPLETED, 100, timezone.now()
    # The reasons themselves are in job.gate (the page shows them).
    job.stage = (
        "ready to deploy: the gate passed"
        if verdict["passed"]
        else "not deployable: the gate did not pass"
    )
    job.save()


def queue(
    workspace_id: int,
    persona_id: int,
    dataset: Any,
    overrides: dict[str, Any],
    created_by: Any = None,
) -> TrainingJob:
    """A queued LoRA job; the `train` worker picks it up once this transaction commits.
    TrainingLimitReached when the workspace has its most jobs queued or running."""
    config = {k: v for k, v in overrides.items() if k in lora.LORA_DEFAULTS and v is not None}
    job = open_job(
        workspace_id,
        KIND,
        persona_id=persona_id,
        dataset=dataset,
        config=config,
        created_by=created_by,
    )
    dispatch.train_lora(job.pk)
    return job
