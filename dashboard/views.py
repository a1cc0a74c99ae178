"""Operator pages: inbox and conversation. htmx requests render a named partial of the
same template, so each page has one view and one context."""

from __future__ import annotations

from collections.abc import Collection
from typing import cast
from uuid import uuid4

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from analytics import conversion_rates as analytics
from conversations import assignment, decisions, history, journeys, risk
from conversations.draft_queue import drafts_ahead
from conversations.history import journey_history
from conversations.models import (
    PRIORITY_CHOICES,
    Conversation,
    CtaDecision,
    Message,
    OperatorDecision,
    SuggestionSet,
    get_conversation_or_404,
)
from core import dispatch
from core.access import member_or_404, require_role
from core.models import SENDING_ROLES, Membership, Role
from mlops import llm_quota
from mlops.cta import LABELS as CTA_LABELS


class HtmxHttpRequest(HttpRequest):
    """A request that went through HtmxMiddleware (as all of ours do)."""

    htmx: HtmxDetails


# How many messages the conversation page shows at first; older ones stay in the database.
PAGE_MESSAGES = 200


@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    membership = Membership.objects.for_user(request.user).order_by("workspace__name").first()
    if membership is None:
        return render(request, "no_workspace.html", status=403)
    return redirect("inbox", slug=membership.workspace.slug)


INBOX_SIZE = 100
PRIORITIES = [p for p, _ in PRIORITY_CHOICES]


OWNER_FILTERS = ("all", "mine", "unassigned")


def inbox_conversations(workspace, params, user=None) -> tuple[list[Conversation], dict]:
    """The inbox list under the page's filters: ?priority=, ?sort=priority, ?show=muted,
    ?owner=mine|unassigned."""
    filters = {
        "priority": params.get("priority") if params.get("priority") in PRIORITIES else "",
        "sort": "priority" if params.get("sort") == "priority" else "activity",
        "show": "muted" if params.get("show") == "muted" else "active",
        "owner": params.get("owner") if params.get("owner") in OWNER_FILTERS else "all",
    }
    conversations = Conversation.objects.for_workspace(workspace).for_inbox()
    conversations = assignment.with_waiting_since(conversations)
    if filters["owner"] == "mine":
        conversations = conversations.filter(assigned_operator=user)
    elif filters["owner"] == "unassigned":
        conversations = conversations.filter(assigned_operator__isnull=True)
    if filters["priority"]:
        conversations = conversations.filter(priority=filters["priority"])
    if filters["show"] == "muted":
        conversations = conversations.exclude(moderation="none")
    else:
        conversations = conversations.filter(moderation="none")
    if filters["sort"] == "priority":
        conversations = conversations.by_priority()
    return list(conversations[:INBOX_SIZE]), filters


@require_GET
@login_required
def inbox(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    conversations, filters = inbox_conversations(membership.workspace, request.GET, request.user)
    rates = analytics.state_conversion_rates(membership.workspace)
    target = membership.workspace.reply_target_seconds
    for conversation in conversations:  # shown beside each row, not stored
        probability = analytics.conversion_probability(conversation, rates)
        setattr(conversation, "conversion_probability", probability)  # noqa: B010
        overdue = assignment.is_overdue(conversation.waiting_since, target)  # type: ignore[attr-defined]
        setattr(conversation, "overdue", overdue)  # noqa: B010
    context = {
        "membership": membership,
        "workspace": membership.workspace,
        "memberships": Membership.objects.for_user(request.user),
        "conversations": conversations,
        "filters": filters,
        "priorities": PRIORITIES,
        "owner_filters": OWNER_FILTERS,
    }
    template = "inbox.html#conversation_list" if request.htmx else "inbox.html"
    return render(request, template, context)


def latest_open_suggestions(conversation: Conversation) -> SuggestionSet | None:
    """The newest suggestions, unless an operator has replied since their message."""
    suggestion_set = (
        SuggestionSet.objects.filter(conversation=conversation)
        .select_related("message")
        .prefetch_related("suggestions")
        .first()
    )
    if suggestion_set is None:
        return None
    replied = Message.objects.filter(
        conversation=conversation,
        direction=Message.Direction.OUT,
        seq__gt=suggestion_set.message.seq,
    ).exists()
    return None if replied else suggestion_set


def mark_shown(suggestion_set: SuggestionSet | None) -> None:
    # Decision latency counts from the first time any operator saw the suggestions.
    if suggestion_set is not None and suggestion_set.shown_at is None:
        suggestion_set.shown_at = timezone.now()
        SuggestionSet.objects.filter(pk=suggestion_set.pk, shown_at__isnull=True).update(
            shown_at=suggestion_set.shown_at
        )


def cta_context(suggestion_set: SuggestionSet | None, user) -> dict:
    """The CTA decision for the message the suggestions answer, and this user's verdict."""
    if suggestion_set is None:
        return {}
    decision = CtaDecision.objects.filter(message=suggestion_set.message, is_shadow=False).first()
    verdict = decision.labels.filter(user=user).first() if decision and user else None
    return {"cta_decision": decision, "cta_verdict": verdict, "cta_labels": CTA_LABELS}


def awaiting_drafts(conversation: Conversation, shown: SuggestionSet | None) -> Message | None:
    """The customer's newest message when its drafts are still on the way: nobody has
    answered it and the suggestions on screen (if any) are for an earlier message."""
    if conversation.moderation != "none":
        return None  # muted or blocked: nothing is drafted for it
    newest = conversation.messages.order_by("-seq").first()
    if newest is None or newest.direction != Message.Direction.IN:
        return None
    if shown is not None and shown.message_id == newest.pk:
        return None
    return newest


def queued_ahead(awaiting: Message | None, shown: SuggestionSet | None) -> int | None:
    """How many drafts the model makes before the pending ones (for the customer's newest
    message, or to follow the library's options on screen); None when none are queued."""
    if awaiting is not None:
        return drafts_ahead(awaiting.pk)
    if shown is not None and shown.generation.get("drafting"):
        return drafts_ahead(shown.message_id)
    return None


def suggestions_context(conversation: Conversation, user=None) -> dict:
    suggestion_set = latest_open_suggestions(conversation)
    mark_shown(suggestion_set)
    rejected = set()
    if suggestion_set is not None:
        rejected = set(
            OperatorDecision.objects.filter(
                suggestion_set=suggestion_set, action=OperatorDecision.Action.REJECT
            ).values_list("suggestion_id", flat=True)
        )
    awaiting = awaiting_drafts(conversation, suggestion_set)
    return {
        "suggestion_set": suggestion_set,
        "awaiting": awaiting,
        "drafts_ahead": queued_ahead(awaiting, suggestion_set),
        "rejected_ids": rejected,
        **cta_context(suggestion_set, user),
    }


# The sentiment trend shows this many of the conversation's latest inbound messages.
TREND_POINTS = 30
TREND_WIDTH, TREND_HEIGHT = 260, 60


def sentiment_trend(conversation: Conversation) -> dict:
    """Effective sentiment per inbound message as an SVG polyline (-1 bottom, +1 top)."""
    scores, guidance = history.sentiment_over_time(conversation, TREND_POINTS)
    step = TREND_WIDTH / max(1, len(scores) - 1)
    points = " ".join(
        f"{round(i * step, 1)},{round((1 - score) / 2 * TREND_HEIGHT, 1)}"
        for i, score in enumerate(scores)
    )
    return {
        "trend_points": points,
        "trend_count": len(scores),
        "trend_width": TREND_WIDTH,
        "trend_height": TREND_HEIGHT,
        "latest_guidance": guidance,
    }


# The contact card shows this many of the newest conversation summaries.
CARD_MEMORIES = 3


def journey_panel_context(conversation: Conversation) -> dict:
    contact = conversation.contact
    return {
        "contact_facts": contact.facts.order_by("kind", "created_at"),
        "contact_memories": contact.memories.order_by("-stored_at")[:CARD_MEMORIES],
        "journey_spec": conversation.playbook.spec,
        "journey_history": journey_history(conversation),
        "outcomes": journeys.OUTCOMES,
        "moderation_log": conversation.moderation_actions.select_related("actor")[:5],
        **sentiment_trend(conversation),
    }


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(str(exception or "") or "Forbidden", status=403)


def conversation_context(
    request: HtmxHttpRequest,
    slug: str,
    conversation_id: int,
    roles: Collection[str] | None = None,
    denial: str = "",
) -> dict:
    # The conversation is looked up before the role is checked: one that is not in the
    # member's workspace is a 404 for every role, never a 403 that confirms it exists.
    membership = member_or_404(request, slug)
    conversation = get_conversation_or_404(membership.workspace, conversation_id)
    if roles is not None:
        require_role(membership, roles, denial)
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "conversation": conversation,
    }


@require_GET
@login_required
def conversation_page(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    context = conversation_context(request, slug, conversation_id)
    conversation = context["conversation"]
    newest = conversation.messages.order_by("-seq")[:PAGE_MESSAGES]
    context["messages_list"] = sorted(newest, key=lambda m: m.seq)
    context.update(suggestions_context(conversation, request.user))
    context.update(journey_panel_context(conversation))
    context["decision_log"] = history.decision_log(conversation)
    context.update(assignment.ownership(context["membership"], conversation, request.user))
    return render(request, "conversation.html", context)


@require_GET
@login_required
def conversation_messages(
    request: HtmxHttpRequest, slug: str, conversation_id: int
) -> HttpResponse:
    """Messages after ?after=SEQ, in order: the live page's catch-up after any event."""
    context = conversation_context(request, slug, conversation_id)
    try:
        after = max(0, int(request.GET.get("after", "0")))
        limit = min(PAGE_MESSAGES, max(1, int(request.GET.get("limit", PAGE_MESSAGES))))
    except ValueError:
        return HttpResponse("after and limit must be whole numbers", status=400)
    messages = context["conversation"].messages.filter(seq__gt=after).order_by("seq")
    context["messages_list"] = messages[:limit]
    return render(request, "conversation.html#message_list", context)


@require_GET
@login_required
def conversation_suggestions(
    request: HtmxHttpRequest, slug: str, conversation_id: int
) -> HttpResponse:
    context = conversation_context(request, slug, conversation_id)
    context.update(suggestions_context(context["conversation"], request.user))
    return render(request, "conversation.html#suggestions", context)


def sending_context(request: HtmxHttpRequest, slug: str, conversation_id: int) -> dict:
    denial = "Your role cannot send replies in this workspace."
    return conversation_context(request, slug, conversation_id, SENDING_ROLES, denial)


def optional_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def composer_response(
    request: HtmxHttpRequest, context: dict, error: str = "", text: str = "", status: int = 422
):
    """After a send: a fresh composer, and an HX-Trigger telling the page to catch up."""
    if not request.htmx:
        return redirect(
            "conversation",
            slug=context["workspace"].slug,
            conversation_id=context["conversation"].pk,
        )
    context.update({"composer_error": error, "composer_text": text})
    context.setdefault("sent_warning", "")
    response = render(
        request, "conversation.html#composer", context, status=status if error else 200
    )
    if not error:
        response["HX-Trigger"] = "reply-sent"
    return response


@require_POST
@login_required
def send_reply(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    context = sending_context(request, slug, conversation_id)
    text = request.POST.get("text", "")
    key = request.POST.get("idempotency_key") or request.headers.get("Idempotency-Key", "")
    try:
        decision = decisions.send_reply(
            context["conversation"],
            cast(User, request.user),  # login_required: never anonymous here
            text,
            suggestion_id=optional_int(request.POST.get("suggestion_id")),
            idempotency_key=key.strip(),
        )
    except decisions.DecisionConflict as exc:
        return composer_response(request, context, error=str(exc), text=text, status=409)
    except decisions.DecisionError as exc:
        return composer_response(request, context, error=str(exc), text=text)
    # Allowed, but a reply in a conversation someone else owns is warned about and logged.
    context["sent_warning"] = assignment.record_send(
        context["conversation"], request.user, decision.sent_message_id, request
    )
    return composer_response(request, context)


@require_POST
@login_required
def reject_suggestion(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    context = sending_context(request, slug, conversation_id)
    conversation = context["conversation"]
    error = ""
    try:
        decisions.reject_suggestion(
            conversation,
            cast(User, request.user),
            optional_int(request.POST.get("suggestion_id")) or 0,
            request.POST.get("reason", ""),
        )
    except decisions.DecisionError as exc:
        error = str(exc)
    if not request.htmx:
        return redirect("conversation", slug=slug, conversation_id=conversation.pk)
    context.update(suggestions_context(conversation, request.user))
    context["suggestions_error"] = error
    return render(request, "conversation.html#suggestions", context, status=422 if error else 200)


MODERATORS = {Role.MANAGER, Role.ADMIN}


@require_POST
@login_required
def moderate_conversation(
    request: HtmxHttpRequest, slug: str, conversation_id: int
) -> HttpResponse:
    """Managers mute, block or restore a conversation (logged with their name)."""
    context = conversation_context(
        request,
        slug,
        conversation_id,
        MODERATORS,
        "Only managers and admins can mute, block or restore.",
    )
    action = request.POST.get("action", "")
    if action not in risk.ACTION_STATE:
        return HttpResponse("action must be mute, block or restore", status=400)
    reason = request.POST.get("reason", "").strip() or f"{action} by {request.user}"
    risk.moderate(context["conversation"], action, cast(User, request.user), reason, request)
    if not request.htmx:
        return redirect("conversation", slug=slug, conversation_id=conversation_id)
    context["conversation"].refresh_from_db()
    context.update(journey_panel_context(context["conversation"]))
    return render(request, "conversation.html#journey", context)


@require_POST
@login_required
def regenerate_suggestions(
    request: HtmxHttpRequest, slug: str, conversation_id: int
) -> HttpResponse:
    context = sending_context(request, slug, conversation_id)
    conversation = context["conversation"]
    latest_in = (
        conversation.messages.filter(direction=Message.Direction.IN).order_by("-seq").first()
    )
    refused = ""
    if latest_in is not None:
        try:  # fresh samples are a model call like any other: the workspace's quota
            llm_quota.spend_call(conversation.workspace_id)
            dispatch.regenerate(latest_in.pk, f"regenerate:{latest_in.pk}:{uuid4().hex}")
        except llm_quota.QuotaSpent as exc:
            refused = str(exc)
    if refused and not request.htmx:
        return HttpResponse(refused, status=429)
    if not request.htmx:
        return redirect("conversation", slug=slug, conversation_id=conversation.pk)
    context.update(suggestions_context(conversation, request.user))
    context["regenerating"] = latest_in is not None and not refused
    context["suggestions_error"] = refused
    return render(request, "conversation.html#suggestions", context, status=429 if refused else 200)


@require_POST
@login_required
def take_over(request: HtmxHttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """The operator takes the conversation from the bot: no auto-send from now on."""
    context = sending_context(request, slug, conversation_id)
    decisions.take_over(context["conversation"])
    if not request.htmx:
        return redirect("conversation", slug=slug, conversation_id=conversation_id)
    context["conversation"].refresh_from_db()
    context.update(journey_panel_context(context["conversation"]))
    return render(request, "conversation.html#journey", context)
