from django.contrib import admin

from personas.models import Campaign, Persona


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "playbook_slug", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["name"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """prompt_config is checked against seed 003's CampaignPromptConfig on save."""

    list_display = ["name", "slug", "workspace", "playbook_slug", "active"]
    list_filter = ["workspace", "active"]
