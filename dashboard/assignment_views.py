"""Claim, release and assign a conversation; an operator's shift switch.

Each answer fits where the button was: the conversation page's owner box, or the
inbox row's owner cell (`view=inbox`). Refusals come back as their status with the reason.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from conversations import assignment
from conversations.models import Conversation
from core import audit
from core.access import member_or_404
from core.models import SENDING_ROLES, Membership
from dashboard.views import HtmxHttpRequest, conversation_context

SEND_DENIAL = "Your role cannot own conversations in this workspace."
ASSIGN_DENIAL = "Only managers and admins assign conversations to others."


def owner_response(request: HtmxHttpRequest, context: dict, error: str = "", status: int = 200):
    conversation: Conversation = context["conversation"]
    if not request.htmx:
        if error:
            return HttpResponse(error, status=status)
        return redirect(
            "conversation", slug=context["workspace"].slug, conversation_id=conversation.pk
        )
    user = request.user
    context.update(
        assignment.ownership(context["membership"], conversation, user), owner_error=error
    )
    if request.POST.get("view") == "inbox":
        context["c"] = conversation
        return render(request, "inbox.html#owner_cell", context, status=status)
    return render(request, "conversation.html#owner", context, status=status)


def changed_by(request: HtmxHttpRequest, slug: str, conversation_id: int, change) -> HttpResponse:
    context = conversation_context(request, slug, conversation_id, SENDING_ROLES, SEND_DENIAL)
    try:
        context["conversation"] = change(context["conversation"], context["membership"])
    except assignment.AssignmentError as exc:
        return owner_response(request, context, str(exc), exc.status)
    return owner_response(request, context)


@require_GET
@login_required
def owner_box(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """The conversation page's owner box again: what the page asks for when the owner
    changed (a live event)."""
    context = conversation_context(request, slug, conversation_id)
    context.update(
        assignment.ownership(context["membership"], context["conversation"], request.user)
    )
    return render(request, "conversation.html#owner", context)


@require_POST
@login_required
def claim(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    return changed_by(
        request,
        slug,
        conversation_id,
        lambda conversation, member: assignment.claim(conversation, member, request),
    )


@require_POST
@login_required
def release(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    return changed_by(
        request,
        slug,
        conversation_id,
        lambda conversation, member: assignment.release(conversation, member, request),
    )


@require_POST
@login_required
def assign(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """`operator`: the user id of the new owner, or empty to unassign."""
    context = conversation_context(
        request, slug, conversation_id, assignment.ASSIGNERS, ASSIGN_DENIAL
    )
    raw = request.POST.get("operator", "").strip()
    if raw and not raw.isdigit():
        return owner_response(request, context, "operator: a member's id, or empty", 400)
    try:
        context["conversation"] = assignment.assign(
            context["conversation"], context["membership"], int(raw) if raw else None, request
        )
    except assignment.AssignmentError as exc:
        return owner_response(request, context, str(exc), exc.status)
    return owner_response(request, context)


@require_POST
@login_required
def set_shift(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The member's own switch: on shift (auto-assignment may pick them) or off."""
    membership = member_or_404(request, slug, SENDING_ROLES, SEND_DENIAL)
    value = request.POST.get("on_shift", "")
    if value not in ("on", "off"):
        return HttpResponse("on_shift: on or off", status=400)
    on_shift = value == "on"
    if membership.on_shift != on_shift:
        Membership.objects.filter(pk=membership.pk).update(on_shift=on_shift)
        audit.record(
            "member.shift",
            workspace=membership.workspace,
            target=membership,
            before={"on_shift": membership.on_shift},
            after={"on_shift": on_shift},
            request=request,
        )
        membership.on_shift = on_shift
    if not request.htmx:
        return redirect("inbox", slug=slug)
    return render(
        request, "inbox.html#shift", {"membership": membership, "workspace": membership.workspace}
    )


C = "w/<slug:slug>/c/<int:conversation_id>/"
urlpatterns: list[URLPattern] = [
    path(C + "owner/", owner_box, name="conversation_owner"),
    path(C + "claim/", claim, name="claim_conversation"),
    path(C + "release/", release, name="release_conversation"),
    path(C + "assign/", assign, name="assign_conversation"),
    path("w/<slug:slug>/shift/", set_shift, name="set_shift"),
]
