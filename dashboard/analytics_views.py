"""Analytics pages for managers: funnel, outcomes, copilot metrics, drill-down, CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from analytics import abtest, copilot, drilldown, funnels
from analytics import revenue as money
from analytics.outcomes import outcome_chart, outcomes_by_day, outcomes_by_group
from conversations.models import Playbook
from core.access import member_or_404
from core.models import Membership, Role
from dashboard.views import HtmxHttpRequest
from personas.models import Campaign

ANALYSTS = {Role.MANAGER, Role.ADMIN}
BAR_WIDTH = 520


class BadQuery(ValueError):
    pass


def parse_date(value: str | None, default: date, name: str) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"{name} must be a date like 2026-11-01") from None


def parse_query(membership: Membership, params: QueryDict) -> funnels.FunnelQuery:
    today = timezone.localdate()
    slug = params.get("playbook") or "creator-dm"
    playbook = Playbook.objects.resolve(membership.workspace, slug)
    if playbook is None:
        raise BadQuery(f"unknown playbook {slug!r}")
    start = parse_date(params.get("start"), today - timedelta(days=29), "start")
    end = parse_date(params.get("end"), today, "end")
    if end < start:
        raise BadQuery("end must not be before start")
    steps = [s for s in params.getlist("steps") if s] or funnels.default_steps(playbook)
    unknown = [s for s in steps if s not in playbook.spec.states]
    if unknown:
        raise BadQuery(f"steps: {', '.join(unknown)} not in {playbook.slug}")
    try:
        window = int(params.get("window", "30"))
    except ValueError:
        raise BadQuery("window must be a whole number of days") from None
    if not 1 <= window <= 365:
        raise BadQuery("window must be between 1 and 365 days")
    breakdown = params.get("breakdown", "")
    if breakdown and breakdown not in funnels.BREAKDOWNS:
        raise BadQuery(f"breakdown must be one of {', '.join(funnels.BREAKDOWNS)}")
    return funnels.FunnelQuery(
        playbook, start, end, steps, window, breakdown, step_windows(steps, params)
    )


def step_windows(steps: list[str], params: QueryDict) -> dict[str, float]:
    """`within_<step>=H`: the step counts only when entered within H hours of the step
    before it (the first step has no window)."""
    windows = {}
    for step in steps[1:]:
        raw = params.get(f"within_{step}", "").strip()
        if not raw:
            continue
        try:
            hours = float(raw)
        except ValueError:
            raise BadQuery(f"within_{step} must be a number of hours") from None
        if not 0 < hours <= 24 * 365:
            raise BadQuery(f"within_{step} must be between 0 and 8760 hours")
        windows[step] = hours
    return windows


def analyst_view(view: Callable[[HtmxHttpRequest, Membership], HttpResponse]):
    """GET pages for managers and admins of the workspace; a bad filter is a 400 naming it."""

    @wraps(view)
    @require_GET
    @login_required
    def page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
        membership = member_or_404(
            request, slug, ANALYSTS, "Analytics are for managers and admins."
        )
        try:
            return view(request, membership)
        except BadQuery as exc:
            return HttpResponse(str(exc), status=400)

    return page


def bars(funnel: funnels.Funnel) -> list[dict]:
    top = max((step.reached for step in funnel.steps), default=0) or 1
    return [
        {"step": step, "width": round(BAR_WIDTH * step.reached / top), "y": 10 + i * 34}
        for i, step in enumerate(funnel.steps)
    ]


@analyst_view
def analytics_page(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    query = parse_query(membership, request.GET)
    by = request.GET.get("copilot_by", "operator")
    if by not in copilot.COPILOT_GROUPS:
        raise BadQuery("copilot_by must be one of " + ", ".join(copilot.COPILOT_GROUPS))
    revenue_by = request.GET.get("revenue_by", "operator")
    if revenue_by not in money.REVENUE_GROUPS:
        raise BadQuery("revenue_by must be one of " + ", ".join(money.REVENUE_GROUPS))
    funnel = funnels.funnel(membership.workspace, query)
    params = request.GET.copy()
    context = {
        "membership": membership,
        "workspace": membership.workspace,
        "query": query,
        "funnel": funnel,
        "bars": bars(funnel),
        "bar_width": BAR_WIDTH,
        "chart_height": 20 + 34 * len(funnel.steps),
        "playbooks": Playbook.objects.visible_to(membership.workspace),
        "all_states": list(query.playbook.spec.states),
        "outcomes": (outcomes := outcomes_by_day(membership.workspace, query)),
        "outcome_chart": outcome_chart(outcomes),
        "outcomes_by_group": outcomes_by_group(membership.workspace, query),
        "copilot": copilot.copilot_metrics(membership.workspace, query.start, query.end, by),
        "copilot_by": by,
        "cta": copilot.cta_metrics(membership.workspace, query.start, query.end),
        "base_query": params.urlencode(),
        "windows": [
            {"step": step, "hours": query.step_windows.get(step)} for step in query.steps[1:]
        ],
        "breakdowns": funnels.BREAKDOWNS,
        **revenue_context(membership, query, revenue_by),
    }
    return render(request, "analytics.html", context)


def revenue_context(membership: Membership, query: funnels.FunnelQuery, by: str) -> dict:
    """The cohort's revenue, per group of `by`, and AI-drafted against human-typed replies."""
    workspace = membership.workspace
    return {
        "revenue": money.cohort_revenue(workspace, query),
        "revenue_rows": money.revenue_by(workspace, query, by),
        "revenue_by": by,
        "revenue_groups": money.REVENUE_GROUPS,
        "earnings": money.ai_vs_human(workspace, query.start, query.end),
        "now_paid": money.now_followed_by_payment(workspace, query.start, query.end),
    }


def selection(request: HtmxHttpRequest, membership: Membership):
    query = parse_query(membership, request.GET)
    step = request.GET.get("step", "")
    if step and step not in query.steps:
        raise BadQuery(f"step {step!r} is not one of the funnel's steps")
    converted = {"1": True, "0": False}.get(request.GET.get("converted", ""))
    return query, drilldown.drill_down(
        membership.workspace,
        query,
        step=step,
        dropped=request.GET.get("dropped") == "1",
        converted=converted,
        group=request.GET.get("group", ""),
    )


@analyst_view
def analytics_conversations(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    query, conversations = selection(request, membership)
    context = {
        "membership": membership,
        "workspace": membership.workspace,
        "query": query,
        "conversations": list(conversations[: drilldown.DRILL_DOWN_LIMIT]),
        "total": conversations.count(),
        "filters": request.GET,
    }
    return render(request, "analytics_conversations.html", context)


# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets: a
# contact who calls themselves "=HYPERLINK(...)" must reach the manager's sheet as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run is prefixed with a quote (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@analyst_view
def analytics_csv(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    """One row per conversation of the selection (all of the cohort by default)."""
    query, conversations = selection(request, membership)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{query.playbook.slug}-funnel.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["conversation_id", "contact", "persona", "campaign", "channel", "operator",
         "started_at", "state", "outcome", "ended_at", "turns", "ctas"]
    )  # fmt: skip
    for c in conversations.iterator(chunk_size=2000):
        row = [c.pk, str(c.contact), c.persona.name, getattr(c.campaign, "name", ""), c.channel,
               getattr(c.assigned_operator, "username", ""), c.created_at.isoformat(),
               c.journey_state, c.outcome, c.ended_at.isoformat() if c.ended_at else "",
               c.turn_count, c.cta_count]  # fmt: skip
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@analyst_view
def ab_results(request: HtmxHttpRequest, membership: Membership) -> HttpResponse:
    campaigns = Campaign.objects.filter(workspace=membership.workspace, variants__isnull=False)
    campaigns = campaigns.distinct()
    chosen = request.GET.get("campaign") or (campaigns[0].slug if campaigns else "")
    campaign = campaigns.filter(slug=chosen).first()
    if chosen and campaign is None:
        raise BadQuery(f"no campaign {chosen!r} with variants")
    arms = abtest.arms_for(campaign) if campaign else []
    best, tests = abtest.winner(arms)
    context = {
        "membership": membership,
        "workspace": membership.workspace,
        "campaigns": campaigns,
        "campaign": campaign,
        "arms": arms,
        "winner": best,
        "tests": tests,
        "alpha": abtest.ALPHA,
    }
    return render(request, "ab.html", context)
