"""What the configuration pages of workspace settings share: who may read and write them,
how a model's validation errors become messages, and how a page or its htmx part renders.

Managers read these pages (they run the floor and need to know the policy); only the
workspace's admins change them. Operators and labelers get 403, outsiders 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.http import HttpResponse
from django.shortcuts import render

from core import audit
from core.access import member_or_404, require_role
from core.models import Membership, Role, Workspace
from dashboard.settings_pages.nav import settings_context
from dashboard.views import HtmxHttpRequest

SETTINGS_READERS = {Role.MANAGER, Role.ADMIN}
SETTINGS_WRITERS = {Role.ADMIN}
READ_DENIAL = "Only managers and admins see the workspace settings."
WRITE_DENIAL = "Only the workspace's admins change its settings."


def settings_reader(request: HtmxHttpRequest, slug: str) -> Membership:
    return member_or_404(request, slug, SETTINGS_READERS, READ_DENIAL)


def settings_writer(request: HtmxHttpRequest, slug: str) -> Membership:
    return member_or_404(request, slug, SETTINGS_WRITERS, WRITE_DENIAL)


def require_reader(membership: Membership) -> None:
    require_role(membership, SETTINGS_READERS, READ_DENIAL)


def require_writer(membership: Membership) -> None:
    """For actions on one object: the object is looked up first, so an object of another
    workspace is a 404 for every role, never a 403 that confirms it exists."""
    require_role(membership, SETTINGS_WRITERS, WRITE_DENIAL)


def base_context(membership: Membership, section: str) -> dict:
    return {
        **settings_context(membership),
        "settings_section": section,
        "can_edit": membership.role in SETTINGS_WRITERS,
    }


def error_messages(exc: ValidationError) -> list[str]:
    """A model's validation errors as sentences, each naming its field."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    messages: list[str] = []
    for field, errors in exc.message_dict.items():
        prefix = "" if field == NON_FIELD_ERRORS else f"{field.replace('_', ' ')}: "
        messages.extend(prefix + message for message in errors)
    return messages


def validate_fields(instance: models.Model, fields: Iterable[str]) -> None:
    """Run the model's validation on the fields a form changed, its clean() and its
    constraints; the fields the form does not show are not this form's business."""
    names = set(fields)
    others = [f.name for f in instance._meta.fields if f.name not in names]
    instance.full_clean(exclude=others, validate_unique=True)


def changed(values: dict, others: dict) -> dict:
    """Only the fields that differ, so the audit log says what the change was."""
    return {key: value for key, value in values.items() if others.get(key) != value}


def save_workspace_fields(
    request: HtmxHttpRequest,
    membership: Membership,
    form: dict,
    action: str,
    problems: Iterable[str] = (),
    check: Callable[[Workspace], list[str]] | None = None,
) -> list[str]:
    """Apply a settings form to the workspace: under a row lock (two admins saving at once
    cannot interleave), validated by the model and then by `check`, saved and audited with
    only what changed. Returns the refusals as messages; when there is any, including the
    `problems` the caller found first, nothing is stored."""
    errors = list(problems)
    fields = list(form)
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        before = {field: getattr(workspace, field) for field in fields}
        for field, value in form.items():
            setattr(workspace, field, value)
        try:
            validate_fields(workspace, fields)
        except ValidationError as exc:
            errors.extend(error_messages(exc))
        else:
            errors.extend(check(workspace) if check else [])
        if errors:
            return errors
        workspace.save(update_fields=fields)
        # Read back the stored types ("12" from the form is 12 now), for the audit and page.
        workspace.refresh_from_db(fields=fields)
        after = {field: getattr(workspace, field) for field in fields}
        if after != before:
            audit.record(
                action,
                workspace=workspace,
                target=workspace,
                before=changed(before, after),
                after=changed(after, before),
                request=request,
            )
    membership.workspace = workspace
    return []


def respond(
    request: HtmxHttpRequest, template: str, part: str, context: dict, errors: list[str]
) -> HttpResponse:
    """The page, or only its `part` for htmx; 422 when the change was refused."""
    context["errors"] = errors
    name = f"{template}#{part}" if request.htmx else template
    return render(request, name, context, status=422 if errors else 200)
