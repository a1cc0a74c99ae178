from django.contrib import admin

from conversations.models import (
    Contact,
    Conversation,
    Message,
    OperatorDecision,
    Suggestion,
    SuggestionSet,
)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["display_name", "channel", "external_id", "workspace"]
    search_fields = ["display_name", "external_id"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["contact", "persona", "channel", "status", "journey_state", "last_message_at"]
    list_filter = ["status", "journey_state", "workspace"]


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
