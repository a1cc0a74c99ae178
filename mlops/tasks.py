"""Worker tasks of mlops: thin, they take ids and call plain modules."""

from __future__ import annotations

from celery import shared_task

from mlops import intent_training, lora_training, training
from mlops.models import TrainingJob


@shared_task(acks_late=True)
def train_cta(job_pk: int) -> None:
    job = TrainingJob.objects.filter(pk=job_pk, status=TrainingJob.Status.QUEUED).first()
    if job is not None:  # gone, cancelled or already run by a redelivery: nothing to do
        training.run(job)


@shared_task(acks_late=True)
def train_intent(job_pk: int) -> None:
    job = TrainingJob.objects.filter(
        pk=job_pk, kind="intent", status=TrainingJob.Status.QUEUED
    ).first()
    if job is not None:
        intent_training.run(job)


# A CPU run takes minutes; a GPU run on a large dataset, hours. Below the broker's
# visibility timeout (settings), or an unfinished run would be handed to a second worker.
@shared_task(acks_late=True, time_limit=6 * 3600, soft_time_limit=6 * 3600 - 60)
def train_lora(job_pk: int) -> None:
    """On the `train` queue: a GPU node in production, a CPU worker of its own here, so a
    training run never holds up suggestions on the `llm` queue."""
    job = TrainingJob.objects.filter(
        pk=job_pk, kind="lora", status=TrainingJob.Status.QUEUED
    ).first()
    if job is not None:
        lora_training.run(job)
