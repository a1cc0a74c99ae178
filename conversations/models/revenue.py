"""Money a conversation earned: purchases, tips, subscriptions and refunds.

Holds RevenueEvent: one payment event as the workspace's shop or platform reported it, with
what it is attributed to, fixed when it was stored (the conversation, its phase, the last
CTA decision, and the reply that preceded it within the attribution window, with how that
reply was made). A refund is a row of its own that points at the payment it takes back, so
netting is a sum and nothing stored is ever rewritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from conversations.models.conversation import Contact, Conversation, Message
from conversations.models.cta import CtaDecision
from core.models import Workspace


class RevenueEvent(models.Model):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", "Purchase"
        TIP = "tip", "Tip"
        SUBSCRIPTION = "subscription", "Subscription"
        REFUND = "refund", "Refund"

    class ReplyKind(models.TextChoices):
        ACCEPTED = "accepted", "Suggestion accepted"
        EDITED = "edited", "Suggestion edited"
        TYPED = "typed", "Typed by hand"
        AUTO = "auto", "Sent automatically"
        NONE = "", "No reply within the window"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The sender's id for the event: a redelivery with it stores nothing new.
    external_id = models.CharField(max_length=200)
    # The Standard Webhooks delivery id it came with ("" through the API): a retried
    # delivery is answered with the stored event, like a retried message.
    webhook_id = models.CharField(max_length=200, blank=True)
    # Whole minor units of the currency (cents): exact sums, no float (conversations.currencies).
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="revenue_events")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="revenue_events"
    )
    refund_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    # -- attribution, as it stood when the event occurred --------------------------------
    phase = models.CharField(max_length=60, blank=True)
    cta_decision = models.ForeignKey(
        CtaDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cta = models.CharField(max_length=5, blank=True)  # NOW / WAIT / NEVER, "" for none
    reply = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_kind = models.CharField(max_length=8, choices=ReplyKind.choices, blank=True)
    # Who earned it: the person who sent the reply, else the conversation's owner.
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the reply's text came from (model, adapter, library, template, fallback) and
    # which model and prompt made it; blank for a reply typed by hand.
    reply_source = models.CharField(max_length=10, blank=True)
    model_version = models.CharField(max_length=120, blank=True)
    prompt_version = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"], name="revenue_event_external_id"
            ),
            models.UniqueConstraint(
                fields=["workspace", "webhook_id"],
                condition=~Q(webhook_id=""),
                name="revenue_event_webhook_id",
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="revenue_event_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind="refund", refund_of__isnull=False)
                | (~Q(kind="refund") & Q(refund_of__isnull=True)),
                name="revenue_event_refund_points_at_a_payment",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "occurred_at"]),
            models.Index(fields=["workspace", "contact", "currency"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_minor} {self.currency} ({self.external_id})"

    @property
    def signed_minor(self) -> int:
        """What the event adds to the revenue: a refund takes its amount away."""
        return -self.amount_minor if self.kind == self.Kind.REFUND else self.amount_minor
