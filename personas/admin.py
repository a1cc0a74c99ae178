from django import forms
from django.contrib import admin
from django.http import HttpRequest

from personas.knowledge import store_document
from personas.models import Campaign, CampaignVariant, KnowledgeDocument, Persona


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


class KnowledgeDocumentForm(forms.ModelForm):
    class Meta:
        model = KnowledgeDocument
        fields = ["persona", "name", "content"]


@admin.register(KnowledgeDocument)
class KnowledgeDocumentAdmin(admin.ModelAdmin):
    """Saving here chunks and embeds the text, like an upload on the persona page."""

    form = KnowledgeDocumentForm
    list_display = ["name", "persona", "source", "chunk_count", "synced_at"]
    list_filter = ["source", "persona__workspace"]
    search_fields = ["name", "persona__name"]

    def save_model(
        self, request: HttpRequest, obj: KnowledgeDocument, form: forms.ModelForm, change: bool
    ) -> None:
        if change and "name" in form.changed_data:
            # A rename is a new document under the new name; the old one goes.
            KnowledgeDocument.objects.filter(pk=obj.pk).delete()
        result = store_document(obj.persona, obj.name, obj.content, KnowledgeDocument.Source.ADMIN)
        obj.pk = result.document.pk
