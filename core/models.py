"""Workspaces (tenants), who belongs to them in which role, and their API keys."""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Workspace(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    # Secret of signed inbound webhooks: Standard Webhooks (`whsec_` + base64 key), or the
    # legacy scheme (HMAC-SHA256 over "timestamp.body" in X-Webhook-Signature).
    webhook_secret = models.CharField(max_length=80, default="", blank=True)
    # After a rotation the previous inbound secret stays valid until this time, so senders
    # can switch over without dropping a delivery.
    previous_webhook_secret = models.CharField(max_length=80, default="", blank=True)
    previous_webhook_secret_expires_at = models.DateTimeField(null=True, blank=True)
    webhook_scheme = models.CharField(
        max_length=8,
        choices=[
            ("standard", "Standard Webhooks (webhook-id, webhook-signature)"),
            ("legacy", "Legacy (X-Webhook-Timestamp, X-Webhook-Signature)"),
        ],
        default="standard",
    )
    # Where replies to conversations on the generic "webhook" channel are POSTed, signed
    # with their own secret: a leaked inbound secret must not forge our outbound calls.
    outbound_webhook_url = models.URLField(blank=True)
    outbound_webhook_secret = models.CharField(max_length=80, default="", blank=True)
    # After a rotation deliveries are signed with both secrets until this time, so receivers
    # can switch over without rejecting one.
    previous_outbound_webhook_secret = models.CharField(max_length=80, default="", blank=True)
    previous_outbound_webhook_secret_expires_at = models.DateTimeField(null=True, blank=True)
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
    # Assignment: new conversations go round robin to sending members on shift, each with
    # at most max_open_per_operator open conversations (conversations.assignment).
    auto_assign = models.BooleanField(default=False)
    max_open_per_operator = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    # The reply timer turns red once a customer waited this long for an answer.
    reply_target_seconds = models.PositiveIntegerField(
        default=300, validators=[MinValueValidator(1), MaxValueValidator(86_400)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The tables keep the names they had when these models lived in `dashboard`.
        db_table = "dashboard_workspace"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.webhook_secret:
            self.webhook_secret = new_webhook_secret()
        if not self.outbound_webhook_secret:
            self.outbound_webhook_secret = new_webhook_secret()
        super().save(*args, **kwargs)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


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
        return self.filter(user=user, is_active=True).select_related("workspace")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OPERATOR)
    # A deactivated member keeps their history (decisions, labels) but reaches nothing.
    is_active = models.BooleanField(default=True)
    # Auto-assignment only picks members on shift; they switch it in the inbox.
    on_shift = models.BooleanField(default=True)

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
    def live(self, raw_key: str) -> ApiKey | None:
        """The unrevoked key with this value and its workspace, in one query. Read on
        every request, never cached: a revoked key is refused on its very next use."""
        return (
            self.select_related("workspace")
            .filter(key_hash=hash_api_key(raw_key), revoked=False)
            .first()
        )

    def workspace_for(self, raw_key: str) -> Workspace | None:
        key = self.live(raw_key)
        return key.workspace if key else None


class ApiKey(models.Model):
    """A workspace's key for the JSON API; only its hash is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a key")
    key_hash = models.CharField(max_length=64, unique=True)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

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


class AuditEvent(models.Model):
    """One thing someone changed, kept forever: who, where, what, before and after.

    Append-only: rows are created through `core.audit.record` and never updated or deleted
    by the product (a workspace's deletion cascades, as its data goes with it).
    """

    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept apart from the foreign key so the log still names a deleted user.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="audit_ws_time")]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")
