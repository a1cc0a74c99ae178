"""Journey pages: playbook diagrams with live counts, import/export, phase overrides."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from conversations import journeys, playbook_io, steering
from conversations.diagram import build_diagram
from conversations.models import Conversation, Playbook
from core import audit
from core.access import member_or_404
from core.models import Membership, Role
from dashboard.views import (
    HtmxHttpRequest,
    conversation_context,
    journey_panel_context,
    sending_context,
)

# Who may change the playbooks a workspace runs.
PLAYBOOK_EDITORS = {Role.MANAGER, Role.ADMIN}
# Imports are documents a person wrote; anything larger is a mistake or abuse.
MAX_IMPORT_BYTES = 256 * 1024


def state_counts(playbook: Playbook, workspace_id: int) -> dict[str, int]:
    """Conversations per state: open ones, and every ended one in its terminal state."""
    rows = (
        Conversation.objects.filter(workspace_id=workspace_id, playbook=playbook)
        .filter(Q(status=Conversation.Status.OPEN) | ~Q(outcome=""))
        .values("journey_state")
        .annotate(n=Count("pk"))
    )
    return {row["journey_state"]: row["n"] for row in rows}


def journeys_context(membership: Membership) -> dict:
    playbooks = Playbook.objects.visible_to(membership.workspace).order_by("slug", "workspace")
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "can_edit": membership.role in PLAYBOOK_EDITORS,
        "playbooks": [
            {
                "playbook": playbook,
                "spec": playbook.spec,
                "diagram": build_diagram(
                    playbook.spec, state_counts(playbook, membership.workspace_id)
                ),
            }
            for playbook in playbooks
        ],
    }


@require_GET
@login_required
def journeys_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    context = journeys_context(member_or_404(request, slug))
    template = "journeys.html#diagrams" if request.htmx else "journeys.html"
    return render(request, template, context)


def import_text(request: HtmxHttpRequest) -> str:
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size and upload.size > MAX_IMPORT_BYTES:
            raise journeys.PlaybookError([f"the file is larger than {MAX_IMPORT_BYTES} bytes"])
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise journeys.PlaybookError(["the file is not UTF-8 text"]) from None
    text = request.POST.get("document", "")
    if not text.strip():
        raise journeys.PlaybookError(["paste a playbook or choose a file"])
    if len(text.encode()) > MAX_IMPORT_BYTES:
        raise journeys.PlaybookError([f"the document is larger than {MAX_IMPORT_BYTES} bytes"])
    return text


@require_POST
@login_required
def import_playbook(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    denial = "Only managers and admins can import playbooks."
    membership = member_or_404(request, slug, PLAYBOOK_EDITORS, denial)
    fmt = request.POST.get("format", "auto")
    try:
        if fmt not in ("auto", *playbook_io.FORMATS):
            raise journeys.PlaybookError([f"unknown format {fmt!r}"])
        playbook = playbook_io.import_playbook(membership.workspace, import_text(request), fmt)
    except journeys.PlaybookError as exc:
        context = journeys_context(membership)
        context.update({"import_problems": exc.problems, "document": request.POST.get("document")})
        return render(request, "journeys.html", context, status=422)
    audit.record(
        "playbook.import",
        workspace=membership.workspace,
        target=playbook,
        after={"slug": playbook.slug, "name": playbook.name, "format": fmt},
        request=request,
    )
    return redirect(f"/w/{slug}/journeys/#playbook-{playbook.slug}")


@require_GET
@login_required
def export_playbook(request: HtmxHttpRequest, slug: str, playbook_slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    playbook = Playbook.objects.resolve(membership.workspace, playbook_slug)
    if playbook is None:
        raise Http404("No such playbook")
    fmt = request.GET.get("format", "yaml")
    if fmt not in playbook_io.FORMATS:
        return HttpResponse("format must be yaml or json", status=400)
    response = HttpResponse(
        playbook_io.export_playbook(playbook, fmt),
        content_type="application/json" if fmt == "json" else "application/yaml",
    )
    response["Content-Disposition"] = f'attachment; filename="{playbook.slug}.{fmt}"'
    return response


@require_GET
@login_required
def conversation_journey(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    context = conversation_context(request, slug, conversation_id)
    context.update(journey_panel_context(context["conversation"]))
    return render(request, "conversation.html#journey", context)


@require_POST
@login_required
def override_phase(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    context = sending_context(request, slug, conversation_id)
    error = ""
    try:
        steering.override_phase(
            context["conversation"].pk,
            cast(User, request.user),
            request.POST.get("to_state", ""),
            request.POST.get("outcome", ""),
            request.POST.get("reason", ""),
        )
    except steering.OverrideError as exc:
        error = str(exc)
    if not request.htmx:
        return redirect("conversation", slug=slug, conversation_id=conversation_id)
    context["conversation"].refresh_from_db()
    context.update(journey_panel_context(context["conversation"]))
    context["journey_error"] = error
    return render(request, "conversation.html#journey", context, status=422 if error else 200)
