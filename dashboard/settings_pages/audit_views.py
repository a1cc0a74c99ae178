"""The workspace's audit log: who changed what, when, from where. This workspace's rows
only, filtered by action, actor and a date range, a page at a time, and as CSV.
Managers and admins read it; nobody edits it (the log is append-only)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.access import member_or_404
from core.models import AuditEvent, Role, Workspace
from dashboard.analytics_views import spreadsheet_safe
from dashboard.settings_pages.nav import settings_context
from dashboard.views import HtmxHttpRequest

READERS = {Role.MANAGER, Role.ADMIN}
READERS_ONLY = "Only managers and admins read the audit log."
PER_PAGE = 50
CSV_COLUMNS = [
    *("time", "actor", "action", "object type", "object id", "object", "before", "after"),
    "address",
]


@dataclass
class AuditFilter:
    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None
    error: str = ""

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.action:
            events = events.filter(action=self.action)
        if self.actor:
            events = events.filter(actor_name=self.actor)
        if self.since:
            events = events.filter(created_at__gte=start_of(self.since))
        if self.until:
            # The whole `until` day is in the range.
            events = events.filter(created_at__lt=start_of(self.until + timedelta(days=1)))
        return events

    def query(self) -> str:
        """The filter as a query string, for the pager and the CSV link."""
        params = QueryDict(mutable=True)
        for name, value in [
            ("action", self.action),
            ("actor", self.actor),
            ("since", self.since.isoformat() if self.since else ""),
            ("until", self.until.isoformat() if self.until else ""),
        ]:
            if value:
                params[name] = value
        return params.urlencode()


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parsed_filter(params: QueryDict) -> AuditFilter:
    """The filter the page asked for; a malformed date is named and left out."""
    found = AuditFilter(
        action=params.get("action", "").strip()[:64], actor=params.get("actor", "").strip()[:150]
    )
    problems = []
    for name in ("since", "until"):
        text = params.get(name, "").strip()
        if not text:
            continue
        try:
            setattr(found, name, date.fromisoformat(text))
        except ValueError:
            problems.append(f"{name} must be a date like 2025-01-31, not {text[:20]!r}")
    if found.since and found.until and found.since > found.until:
        problems.append("since is after until")
    found.error = "; ".join(problems).capitalize() + "." if problems else ""
    return found


def workspace_events(workspace: Workspace) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(workspace=workspace)


@require_GET
@login_required
def audit_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, READERS, READERS_ONLY)
    workspace = membership.workspace
    chosen = parsed_filter(request.GET)
    events = chosen.apply(workspace_events(workspace)).select_related("actor")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    known = workspace_events(workspace).order_by()
    context = {
        **settings_context(membership),
        "page": page,
        "chosen": chosen,
        "query": chosen.query(),
        "actions": known.values_list("action", flat=True).distinct().order_by("action"),
        "actors": known.exclude(actor_name="")
        .values_list("actor_name", flat=True)
        .distinct()
        .order_by("actor_name"),
    }
    template = "settings/audit.html#events" if request.htmx else "settings/audit.html"
    return render(request, template, context, status=400 if chosen.error else 200)


@require_GET
@login_required
def audit_csv(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug, READERS, READERS_ONLY)
    chosen = parsed_filter(request.GET)
    if chosen.error:
        return HttpResponse(chosen.error, status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{membership.workspace.slug}-audit-log.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event in chosen.apply(workspace_events(membership.workspace)).iterator(chunk_size=2000):
        # A key named "=HYPERLINK(...)" must reach the reader's spreadsheet as text.
        writer.writerow([spreadsheet_safe(cell) for cell in csv_row(event)])
    return response


def csv_row(event: AuditEvent) -> list[str]:
    return [
        event.created_at.isoformat(),
        event.actor_name,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        json.dumps(event.before, ensure_ascii=False, sort_keys=True) if event.before else "",
        json.dumps(event.after, ensure_ascii=False, sort_keys=True) if event.after else "",
        event.address or "",
    ]
