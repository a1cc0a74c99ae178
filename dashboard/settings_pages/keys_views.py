"""The workspace's API keys: list (name, prefix, created, last used, revoked), create
(the raw key is shown once: only its hash is stored) and revoke. Admins only: a key
reaches everything of the workspace through the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.access import member_or_404, require_role
from core.models import ApiKey, Membership, Role, hash_api_key
from dashboard.settings_pages.nav import settings_context
from dashboard.views import HtmxHttpRequest

ADMINS = {Role.ADMIN}
ADMINS_ONLY = "Only the workspace's admins manage its API keys."
NAME_LENGTH = ApiKey._meta.get_field("name").max_length or 80


def render_keys(
    request: HtmxHttpRequest,
    membership: Membership,
    *,
    error: str = "",
    notice: str = "",
    raw_key: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        **settings_context(membership),
        "keys": ApiKey.objects.filter(workspace=membership.workspace).order_by(
            "revoked", "-created_at"
        ),
        "error": error,
        "notice": notice,
        "raw_key": raw_key,
        "typed_name": request.POST.get("name", "") if error else "",
        "name_length": NAME_LENGTH,
    }
    template = "settings/api_keys.html#keys" if request.htmx else "settings/api_keys.html"
    response = render(request, template, context, status=status)
    if raw_key:
        add_never_cache_headers(response)  # the one answer that carries the key
    return response


@require_GET
@login_required
def api_keys_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, ADMINS, ADMINS_ONLY)
    return render_keys(request, membership)


@require_POST
@login_required
def create_api_key(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, ADMINS, ADMINS_ONLY)
    name = request.POST.get("name", "").strip()
    if not name:
        return render_keys(request, membership, error="Give the key a name.", status=422)
    if len(name) > NAME_LENGTH:
        error = f"A key's name has at most {NAME_LENGTH} characters."
        return render_keys(request, membership, error=error, status=422)
    with transaction.atomic():
        raw_key = ApiKey.issue(membership.workspace, name)
        key = ApiKey.objects.get(key_hash=hash_api_key(raw_key))
        audit.record(
            "api_key.created",
            workspace=membership.workspace,
            target=key,
            after={"name": key.name, "prefix": key.prefix},
            request=request,
        )
    return render_keys(request, membership, raw_key=raw_key)


@require_POST
@login_required
def revoke_api_key(request: HtmxHttpRequest, slug: str, key_id: int) -> HttpResponse:
    membership = member_or_404(request, slug)
    # Another workspace's key is a 404 for every role, before the role is looked at.
    key = get_object_or_404(ApiKey, workspace=membership.workspace, pk=key_id)
    require_role(membership, ADMINS, ADMINS_ONLY)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked:
            error = f"{key.name} is already revoked."
            return render_keys(request, membership, error=error, status=422)
        key.revoked = True
        key.save(update_fields=["revoked"])
        audit.record(
            "api_key.revoked",
            workspace=membership.workspace,
            target=key,
            before={"revoked": False},
            after={"revoked": True},
            request=request,
        )
    notice = f"{key.name} is revoked: requests with it now get 401."
    return render_keys(request, membership, notice=notice)
