from django.contrib import admin

from conversations.models import (
    Contact,
    Conversation,
    Message,
    ModerationAction,
    OperatorDecision,
    PhaseOverride,
    Playbook,
    RedFlagPattern,
    Suggestion,
    SuggestionSet,
    Turn,
)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["display_name", "channel", "external_id", "workspace"]
    search_fields = ["display_name", "external_id"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "contact",
        "persona",
        "playbook",
        "journey_state",
        "status",
        "outcome",
        "last_message_at",
    ]
    list_filter = ["status", "playbook", "outcome", "workspace"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["conversation", "seq", "direction", "author_kind", "delivery", "created_at"]
    list_filter = ["direction", "author_kind", "delivery"]
    search_fields = ["text", "external_id"]


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    extra = 0


@admin.register(SuggestionSet)
class SuggestionSetAdmin(admin.ModelAdmin):
    list_display = ["conversation", "message", "journey_state", "model_version", "created_at"]
    inlines = [SuggestionInline]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["text", "theme", "descriptor", "confidence"]


@admin.register(OperatorDecision)
class OperatorDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "conversation",
        "action",
        "operator",
        "edit_distance",
        "latency_ms",
        "created_at",
    ]
    list_filter = ["action", "workspace"]


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """Definitions are validated by Playbook.clean(): a broken one is refused with reasons."""

    list_display = ["slug", "name", "workspace", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["slug", "name"]


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = ["conversation", "state_before", "state_after", "trigger", "created_at"]
    list_filter = ["trigger"]


@admin.register(PhaseOverride)
class PhaseOverrideAdmin(admin.ModelAdmin):
    list_display = ["conversation", "from_state", "to_state", "outcome", "operator", "created_at"]


@admin.register(RedFlagPattern)
class RedFlagPatternAdmin(admin.ModelAdmin):
    """Built-ins have no workspace; add a workspace copy of the same name to change one."""

    list_display = ["pattern_name", "category", "severity", "weight", "workspace", "active"]
    list_filter = ["category", "severity", "workspace", "active"]
    search_fields = ["pattern_name", "pattern"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["conversation", "action", "actor", "combined_risk", "created_at"]
    list_filter = ["action", "workspace"]
    readonly_fields = ["conversation", "action", "actor", "combined_risk", "reason"]
