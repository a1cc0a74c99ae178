"""The members page: who is in the workspace, in which role; admins invite, create,
change roles, deactivate, reactivate and remove (rules in `team`). Managers read it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from core.access import member_or_404, require_role
from core.models import Membership, Role
from dashboard.settings_pages import team
from dashboard.settings_pages.nav import settings_context
from dashboard.views import HtmxHttpRequest

ADMINS = {Role.ADMIN}
READERS = {Role.MANAGER, Role.ADMIN}
ADMINS_ONLY = "Only the workspace's admins manage its members."


def render_members(
    request: HtmxHttpRequest,
    membership: Membership,
    *,
    error: str = "",
    notice: str = "",
    status: int = 200,
    created: dict | None = None,
    refused_form: str = "",
) -> HttpResponse:
    """The page, or only its members card for htmx; `created` carries a new account's
    password, shown this once (so the answer is never cached). `refused_form` ("invite"
    or "create") gets back what was typed, with the error above it."""
    context = {
        **settings_context(membership),
        "members": team.members_of(membership.workspace),
        "roles": Role.choices,
        "can_manage": membership.role in ADMINS,
        "error": error,
        "notice": notice,
        "created": created,
        "invite_form": request.POST if refused_form == "invite" else {},
        "create_form": request.POST if refused_form == "create" else {},
    }
    template = "settings/members.html#members" if request.htmx else "settings/members.html"
    response = render(request, template, context, status=status)
    if created:
        add_never_cache_headers(response)
    return response


@require_GET
@login_required
def settings_home(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """`/settings/` opens on the members page (answered here, not redirected)."""
    return members_page(request, slug)


@require_GET
@login_required
def members_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, READERS, "Only managers and admins see members.")
    return render_members(request, membership)


@require_POST
@login_required
def invite_member(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, ADMINS, ADMINS_ONLY)
    try:
        added = team.invite(
            request,
            membership.workspace,
            request.POST.get("email", ""),
            request.POST.get("role", ""),
        )
    except team.TeamError as exc:
        return render_members(
            request, membership, error=str(exc), status=exc.status, refused_form="invite"
        )
    name = added.user.get_username()
    return render_members(request, membership, notice=f"{name} joined as {added.role}.")


@require_POST
@login_required
def create_member(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, ADMINS, ADMINS_ONLY)
    try:
        added, password = team.create_member(
            request,
            membership.workspace,
            request.POST.get("username", ""),
            request.POST.get("email", ""),
            request.POST.get("role", ""),
        )
    except team.TeamError as exc:
        return render_members(
            request, membership, error=str(exc), status=exc.status, refused_form="create"
        )
    created = {"username": added.user.get_username(), "password": password}
    return render_members(request, membership, created=created)


def member_change(
    change: Callable[[HtmxHttpRequest, Membership], str],
) -> Callable[[HtmxHttpRequest, str, int], HttpResponse]:
    """A POST on one member: the member is looked up in this workspace first (another
    workspace's member is a 404 for every role), then only admins may go on."""

    @require_POST
    @login_required
    def view(request: HtmxHttpRequest, slug: str, member_id: int) -> HttpResponse:
        membership = member_or_404(request, slug)
        target = get_object_or_404(Membership, workspace=membership.workspace, pk=member_id)
        require_role(membership, ADMINS, ADMINS_ONLY)
        try:
            notice = change(request, target)
        except team.TeamError as exc:
            return render_members(request, membership, error=str(exc), status=exc.status)
        # The actor may have changed their own access (demoted or removed themselves).
        current = Membership.objects.for_user(request.user).filter(pk=membership.pk).first()
        if current is None or current.role not in READERS:
            return HttpResponse(escape(f"{notice} You no longer see this workspace's members."))
        return render_members(request, current, notice=notice)

    view.__name__ = change.__name__
    view.__doc__ = change.__doc__
    return view


def _change_role(request: HtmxHttpRequest, target: Membership) -> str:
    member = team.change_role(request, target, request.POST.get("role", ""))
    return f"{member.user.get_username()} is now {member.get_role_display()}."


def _deactivate(request: HtmxHttpRequest, target: Membership) -> str:
    member = team.set_active(request, target, False)
    return f"{member.user.get_username()} is deactivated: they reach nothing here."


def _reactivate(request: HtmxHttpRequest, target: Membership) -> str:
    member = team.set_active(request, target, True)
    return f"{member.user.get_username()} is active again."


def _remove(request: HtmxHttpRequest, target: Membership) -> str:
    name = target.user.get_username()
    team.remove(request, target)
    return f"{name} is no longer a member."


change_member_role = member_change(_change_role)
deactivate_member = member_change(_deactivate)
reactivate_member = member_change(_reactivate)
remove_member = member_change(_remove)
