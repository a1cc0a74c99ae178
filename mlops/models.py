"""Model registry: datasets, trained model versions and the jobs that train them.

mlops sits below the other apps, so a workspace is referenced by its id only (NULL: the
bootstrap models every workspace starts from).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models, transaction


class Dataset(models.Model):
    kind = models.CharField(max_length=20)  # "cta", or "replies" (SFT + preference pairs)
    version = models.CharField(max_length=60)
    workspace_id = models.BigIntegerField(null=True, blank=True)
    # A reply dataset of one persona (NULL: every persona of the workspace).
    persona_id = models.BigIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField()
    # Where the rows are (JSON lines under var/mlops/datasets) and their digest.
    path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    sources = models.JSONField(default=dict, help_text="rows per source: bootstrap, labels, ...")
    # How it was built (scrubbing, split, weights), so a version can be rebuilt or audited.
    config = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version", "workspace_id"], name="dataset_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} dataset {self.version}"


class ModelVersionQuerySet(models.QuerySet["ModelVersion"]):
    def for_workspace(self, kind: str, workspace_id: int | None) -> ModelVersionQuerySet:
        """A workspace's own versions, falling back to the shared bootstrap ones."""
        own = self.filter(kind=kind, workspace_id=workspace_id)
        return own if own.exists() else self.filter(kind=kind, workspace_id__isnull=True)

    def active(self, kind: str, workspace_id: int | None) -> ModelVersion | None:
        return (
            self.for_workspace(kind, workspace_id).filter(status=ModelVersion.Status.ACTIVE).first()
        )

    def shadow(self, kind: str, workspace_id: int | None) -> ModelVersion | None:
        return (
            self.for_workspace(kind, workspace_id).filter(status=ModelVersion.Status.SHADOW).first()
        )


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        ACTIVE = "active", "Active"
        SHADOW = "shadow", "Shadow"
        RETIRED = "retired", "Retired"

    kind = models.CharField(max_length=20)  # "cta" or "lora"
    version = models.PositiveIntegerField()
    workspace_id = models.BigIntegerField(null=True, blank=True)
    # A LoRA adapter belongs to one persona; its active version is that persona's adapter.
    persona_id = models.BigIntegerField(null=True, blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="models")
    hyperparameters = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict)
    artifact = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    # Deployment history of adapters: rolling back goes to the latest deployed version that
    # was not itself rolled back.
    deployed_at = models.DateTimeField(null=True, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "workspace_id", "version"], name="model_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version} ({self.status})"

    def set_status(self, status: str) -> None:
        """Promote to active (retiring the previous one), shadow, or retire."""
        with transaction.atomic():
            if status in (self.Status.ACTIVE, self.Status.SHADOW):
                ModelVersion.objects.filter(
                    kind=self.kind,
                    workspace_id=self.workspace_id,
                    persona_id=self.persona_id,
                    status=status,
                ).exclude(pk=self.pk).update(status=self.Status.RETIRED)
            self.status = status
            self.save(update_fields=["status"])


class TrainingJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    job_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, default="cta")  # "cta" or "lora"
    workspace_id = models.BigIntegerField(null=True, blank=True)
    # LoRA jobs: the persona the adapter is for, the dataset, and the hyperparameters.
    persona_id = models.BigIntegerField(null=True, blank=True)
    dataset = models.ForeignKey(
        Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    config = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)  # 0..100
    stage = models.CharField(max_length=80, blank=True)
    error = models.TextField(blank=True)
    result = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether the gate let the new model replace the active one, and why.
    promoted = models.BooleanField(default=False)
    gate = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} training {self.job_id} ({self.status})"
