"""Platform staff's view of tenants (`core.admin_site` keeps workspace members out)."""

from django.contrib import admin
from django.http import HttpRequest

from core.models import ApiKey, AuditEvent, Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "is_active"]
    list_filter = ["role", "is_active", "workspace"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "prefix", "revoked", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the log is append-only, for platform staff as for everyone."""

    list_display = ["created_at", "workspace", "actor_name", "action", "object_repr", "address"]
    list_filter = ["action", "workspace"]
    search_fields = ["actor_name", "object_repr", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
