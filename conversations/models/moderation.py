"""Bad-actor detection and moderation.

Holds RedFlagPatternQuerySet and RedFlagPattern (built-in and per-workspace patterns)
and ModerationAction (the audit log of muting, blocking and restoring).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from conversations.models.conversation import Conversation
from core.models import Workspace
from mlops.bad_actor import RedFlagRule, rule_problems


class RedFlagPatternQuerySet(models.QuerySet["RedFlagPattern"]):
    def rules_for(self, workspace: Workspace) -> list[RedFlagPattern]:
        """Active patterns: the workspace's own, and built-ins it has not replaced."""
        rows = self.filter(Q(workspace=workspace) | Q(workspace__isnull=True))
        chosen: dict[str, RedFlagPattern] = {}
        for row in rows.order_by(F("workspace").asc(nulls_first=True)):
            chosen[row.pattern_name] = row  # the workspace's copy comes last and wins
        return [row for row in chosen.values() if row.active]


class RedFlagPattern(models.Model):
    """A bad-actor pattern (seed 002). Built-ins have no workspace; a workspace edits its
    own copy of the same name to change or switch one off."""

    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="red_flags"
    )
    pattern_name = models.SlugField(max_length=60)
    category = models.CharField(max_length=30)
    severity = models.CharField(max_length=10)
    weight = models.FloatField()
    pattern = models.CharField(max_length=500, help_text="Regular expression, case-insensitive")
    examples = models.JSONField(
        default=list,
        blank=True,
        help_text="Other phrasings of the same red flag (a list of strings); a message close "
        "in meaning to one of them matches too",
    )
    active = models.BooleanField(default=True)

    objects = RedFlagPatternQuerySet.as_manager()

    class Meta:
        ordering = ["category", "pattern_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "pattern_name"], name="red_flag_name_per_workspace"
            ),
            models.UniqueConstraint(
                fields=["pattern_name"],
                condition=Q(workspace__isnull=True),
                name="builtin_red_flag_name",
            ),
        ]

    def __str__(self) -> str:
        return self.pattern_name

    def as_rule(self) -> RedFlagRule:
        return RedFlagRule(
            self.pattern_name,
            self.category,
            self.severity,
            self.weight,
            self.pattern,
            tuple(e for e in self.examples if isinstance(e, str))
            if isinstance(self.examples, list)
            else (),
        )

    def clean(self) -> None:
        problems = rule_problems(self.as_rule())
        if not isinstance(self.examples, list) or not all(
            isinstance(e, str) for e in self.examples
        ):
            problems.append("examples must be a list of phrasings (strings)")
        if problems:
            raise ValidationError(problems)


class ModerationAction(models.Model):
    """The audit log of muting and blocking: automatic by policy, or by a manager."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    action = models.CharField(
        max_length=8,
        choices=[("mute", "Mute"), ("block", "Block"), ("restore", "Restore")],
    )
    # NULL: taken automatically by the workspace's risk policy.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    combined_risk = models.FloatField()
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.conversation_id} by {self.actor or 'policy'}"
