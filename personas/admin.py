from django.contrib import admin

from personas.models import Campaign, CampaignVariant, Persona


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "playbook_slug", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["name"]


class CampaignVariantInline(admin.TabularInline):
    model = CampaignVariant
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """prompt_config is checked against seed 003's CampaignPromptConfig on save."""

    inlines = [CampaignVariantInline]
    list_display = ["name", "slug", "workspace", "playbook_slug", "active"]
    list_filter = ["workspace", "active"]
