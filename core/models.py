"""Workspaces (tenants), who belongs to them in which role, and their API keys."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    # Shared secret for signed inbound webhooks (HMAC-SHA256 over "timestamp.body").
    webhook_secret = models.CharField(max_length=64, default="", blank=True)
    # Where replies to conversations on the generic "webhook" channel are POSTed.
    outbound_webhook_url = models.URLField(blank=True)
    # Bad-actor policy: above the threshold, conversations are muted or blocked
    # automatically (logged, and reversible by a manager).
    risk_policy = models.CharField(
        max_length=8,
        choices=[("off", "Off: flag only"), ("mute", "Mute"), ("block", "Block")],
        default="off",
    )
    # How many labelers must judge each CTA decision in the labeling queue.
    cta_labels_required = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    risk_threshold = models.FloatField(
        default=0.7, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    # Phrases no suggestion may contain (one per line), checked by the LLM guardrails.
    banned_phrases = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The tables keep the names they had when these models lived in `dashboard`.
        db_table = "dashboard_workspace"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.webhook_secret:
            self.webhook_secret = secrets.token_hex(32)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    OPERATOR = "operator", "Operator"
    MANAGER = "manager", "Manager"
    LABELER = "labeler", "Labeler"
    ADMIN = "admin", "Admin"


# Roles that may write to customers. Labelers review decisions but never send.
SENDING_ROLES = {Role.OPERATOR, Role.MANAGER, Role.ADMIN}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user).select_related("workspace")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OPERATOR)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        db_table = "dashboard_membership"
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"

    @property
    def can_send(self) -> bool:
        return self.role in SENDING_ROLES


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def workspace_for(self, raw_key: str) -> Workspace | None:
        key = self.filter(key_hash=hash_api_key(raw_key), revoked=False).first()
        return key.workspace if key else None


class ApiKey(models.Model):
    """A workspace's key for the JSON API; only its hash is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a key")
    key_hash = models.CharField(max_length=64, unique=True)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        db_table = "dashboard_apikey"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @classmethod
    def issue(cls, workspace: Workspace, name: str, raw_key: str | None = None) -> str:
        """Create a key and return the raw value, which is shown once and not stored."""
        raw_key = raw_key or f"od_{secrets.token_urlsafe(32)}"
        cls.objects.create(
            workspace=workspace, name=name, prefix=raw_key[:10], key_hash=hash_api_key(raw_key)
        )
        return raw_key
