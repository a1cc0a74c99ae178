"""`/admin/` is the platform's, not a tenant's.

The Django admin is not scoped by workspace: whoever gets in reads every tenant's
secrets, messages and knowledge. So it admits platform staff only: active `is_staff`
users with no workspace membership at all. A member of any workspace is refused (403)
even if `is_staff` was set on their account by mistake; the check is here, in code, not in
whatever the data says. Tenants run their own workspace at `/w/<slug>/settings/`.

The admin's login form counts against the same per-address limit as `/login/`.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from core import login_limit
from core.models import Membership

MEMBERS_REFUSED = (
    "The Django admin is for platform staff. Workspace members manage their workspace "
    "under Settings in the product."
)
TOO_MANY_ATTEMPTS = "Too many attempts from your address. Wait a minute, then try again."


def is_platform_staff(user: Any) -> bool:
    """Staff not tied to any tenant (an inactive membership still ties them)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not Membership.objects.filter(user_id=user.pk).exists()
    )


def refuse_workspace_members(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated and Membership.objects.filter(user_id=user.pk).exists():
        raise PermissionDenied(MEMBERS_REFUSED)


class PlatformAuthenticationForm(AdminAuthenticationForm):
    """The right password of a workspace member does not open a session here."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_platform_staff(user):
            raise ValidationError(MEMBERS_REFUSED, code="not_platform_staff")


class PlatformAdminSite(admin.AdminSite):
    site_header = "Operator dashboard: platform administration"
    site_title = "Platform administration"
    login_form = PlatformAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_platform_staff(request.user)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def platform_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refuse_workspace_members(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(platform_only, view)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        refuse_workspace_members(request)
        if request.method == "POST" and not login_limit.attempt_allowed(request):
            return HttpResponse(
                TOO_MANY_ATTEMPTS,
                status=429,
                content_type="text/plain",
                headers={"Retry-After": "60"},
            )
        return super().login(request, extra_context)
