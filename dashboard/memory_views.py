"""The contact card's actions: an operator corrects or deletes a remembered fact.

Each change is kept as a FactCorrection (a label for the extractor) and the journey panel,
which holds the card, is rendered again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations import memory
from conversations.models import ContactFact
from dashboard.views import HtmxHttpRequest, journey_panel_context, sending_context_or_403

MAX_FACT_CHARS = 200


@require_POST
@login_required
def edit_fact(
    request: HtmxHttpRequest, slug: str, conversation_id: int, fact_id: int
) -> HttpResponse:
    context, forbidden = sending_context_or_403(request, slug, conversation_id)
    if forbidden:
        return forbidden
    conversation = context["conversation"]
    fact = get_object_or_404(
        ContactFact, workspace=conversation.workspace, contact=conversation.contact, pk=fact_id
    )
    action = request.POST.get("action")
    value = " ".join(request.POST.get("value", "").split())
    error = ""
    if action == "delete":
        memory.delete_fact(fact, request.user)
    elif action == "correct" and not value:
        error = "A corrected fact needs a value (or delete it)."
    elif action == "correct" and len(value) > MAX_FACT_CHARS:
        error = f"A fact is at most {MAX_FACT_CHARS} characters."
    elif action == "correct":
        memory.correct_fact(fact, value, request.user)
    else:
        error = "Unknown action."
    if not request.htmx and not error:
        return redirect("conversation", slug=slug, conversation_id=conversation.pk)
    context.update(journey_panel_context(conversation))
    context["fact_error"] = error
    return render(request, "conversation.html#journey", context, status=422 if error else 200)
