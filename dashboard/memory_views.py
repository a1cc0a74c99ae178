"""The contact card's actions and the primer panel of the conversation page.

An operator corrects or deletes a remembered fact: each change is kept as a
FactCorrection (a label for the extractor) and the journey panel, which holds the card,
is rendered again.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from conversations import memory
from conversations.models import ContactFact, Message
from dashboard.views import (
    HtmxHttpRequest,
    conversation_context,
    journey_panel_context,
    sending_context,
)
from mlops import primer
from mlops.bad_actor import BadActorReport, RedFlag
from mlops.intents import detect_intent

MAX_FACT_CHARS = 200


@require_POST
@login_required
def edit_fact(
    request: HtmxHttpRequest, slug: str, conversation_id: int, fact_id: int
) -> HttpResponse:
    context = sending_context(request, slug, conversation_id)
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


# How many of the newest messages the primer reads.
PRIMER_MESSAGES = 60


@require_GET
@login_required
def conversation_primer(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """Seed 002's primer for this conversation, asked for with a click (it embeds text)."""
    context = conversation_context(request, slug, conversation_id)
    conversation = context["conversation"]
    newest = list(conversation.messages.order_by("-seq")[:PRIMER_MESSAGES])
    turns = [
        primer.Turn(
            message.direction == Message.Direction.IN,
            message.text,
            float((message.analysis.get("context") or {}).get("effective_score", 0.0)),
            detect_intent(message.text).intent if message.direction == Message.Direction.IN else "",
        )
        for message in reversed(newest)
    ]
    report = BadActorReport(**report_fields(conversation.risk))
    context["primer"] = primer.primer(turns, report) if turns else None
    context["primer_loaded"] = True
    return render(request, "conversation.html#primer", context)


def report_fields(risk: dict) -> dict:
    """The conversation's stored bad-actor report, as the primer reads it."""
    return {
        "freeloader_score": float(risk.get("freeloader_score", 0.0)),
        "scam_risk": float(risk.get("scam_risk", 0.0)),
        "time_waste_score": float(risk.get("time_waste_score", 0.0)),
        "combined_risk": float(risk.get("combined_risk", 0.0)),
        "red_flags": [
            RedFlag(
                str(flag.get("pattern_name", "")),
                str(flag.get("matched_text", "")),
                str(flag.get("severity", "")),
                float(flag.get("weight", 0.0)),
                str(flag.get("category", "")),
            )
            for flag in risk.get("red_flags", [])
        ],
        "recommendation": str(risk.get("recommendation", "")),
    }
