"""The reply library on the persona page: browse it; managers pin and retire replies.

Everyone in the workspace may read the library (operators see its replies as options);
only managers and admins change it, as for the rest of the persona.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from conversations import library_curation
from conversations.models import ReplyEntry
from core.access import member_or_404
from dashboard.persona_views import editor, library_context, persona_or_404
from dashboard.views import HtmxHttpRequest

ACTIONS = ("pin", "unpin", "retire", "restore")


@require_GET
@login_required
def library_page(request: HtmxHttpRequest, slug: str, persona_id: int) -> HttpResponse:
    membership = member_or_404(request, slug)
    persona = persona_or_404(membership, persona_id)
    template = "persona.html#library" if request.htmx else "persona.html"
    return render(request, template, library_context(request, membership, persona))


@require_POST
@login_required
def change_entry(
    request: HtmxHttpRequest, slug: str, persona_id: int, entry_id: int
) -> HttpResponse:
    membership, persona = editor(request, slug, persona_id)
    entry = get_object_or_404(ReplyEntry, persona=persona, pk=entry_id)
    action = request.POST.get("action", "")
    error = ""
    try:
        if action == "pin":
            library_curation.set_pinned(entry, True)
        elif action == "unpin":
            library_curation.set_pinned(entry, False)
        elif action == "retire":
            library_curation.retire(entry, request.user)  # type: ignore[arg-type]
        elif action == "restore":
            library_curation.restore(entry)
        else:
            error = f"Unknown action {action[:40]!r}: use one of {', '.join(ACTIONS)}."
    except library_curation.LibraryError as exc:
        error = str(exc)
    context = library_context(request, membership, persona)
    context["library_error"] = error
    template = "persona.html#library" if request.htmx else "persona.html"
    return render(request, template, context, status=422 if error else 200)
