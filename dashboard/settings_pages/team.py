"""Who belongs to a workspace, in which role: the rules behind the members page.

Every change is one transaction that first locks the workspace row, so two admins acting
at once are taken one after the other: the guard that a workspace always keeps one
active admin cannot be raced past (each demoting the other). Every change goes to the
audit log. Changes go through `Membership.save()`/`delete()`, whose signals close the
member's open sockets (`conversations.access`): a socket must not outlive the rights it
was opened with.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from core import audit
from core.models import Membership, Role, Workspace

ROLES = {str(role) for role in Role}


class TeamError(Exception):
    """A change that cannot be made; the message says why, for the admin to read."""

    status = 422


class NoLongerAdminError(TeamError):
    status = 403


class LastAdminError(TeamError):
    """The change would leave the workspace without an active admin."""

    status = 409


def members_of(workspace: Workspace):
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("-is_active", "user__username")
    )


def invite(request: HttpRequest, workspace: Workspace, email: str, role: str) -> Membership:
    """Add an existing account, found by its e-mail, to the workspace."""
    email, role = checked_email(email), checked_role(role)
    user = account_with_email(email)
    if user.is_staff or user.is_superuser:
        raise TeamError("That is a platform staff account; it cannot join a workspace.")
    if not user.is_active:
        raise TeamError("That account is disabled.")
    with transaction.atomic():
        locked(request, workspace)
        already = Membership.objects.filter(workspace=workspace, user=user).first()
        if already is not None:
            hint = "" if already.is_active else " (deactivated: reactivate them in the list)"
            raise TeamError(f"{user.get_username()} is already a member{hint}.")
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
        audit.record(
            "member.invited",
            workspace=workspace,
            target=membership,
            after={"user": user.get_username(), "email": email, "role": role},
            request=request,
        )
    return membership


def create_member(
    request: HttpRequest, workspace: Workspace, username: str, email: str, role: str
) -> tuple[Membership, str]:
    """A new account and its membership; returns the generated password, which is shown
    once and stored nowhere but as Django's hash."""
    username, email, role = checked_username(username), checked_email(email), checked_role(role)
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        raise TeamError("An account with this e-mail exists: invite it instead.")
    password = secrets.token_urlsafe(12)
    try:
        with transaction.atomic():
            locked(request, workspace)
            user = users.create_user(username=username, email=email, password=password)
            membership = Membership.objects.create(workspace=workspace, user=user, role=role)
            audit.record(
                "member.created",
                workspace=workspace,
                target=membership,
                after={"user": username, "email": email, "role": role},
                request=request,
            )
    except IntegrityError:
        raise TeamError(f"The username {username} is taken.") from None
    return membership, password


def change_role(request: HttpRequest, target: Membership, role: str) -> Membership:
    role = checked_role(role)
    with transaction.atomic():
        member = locked_member(request, target)
        if member.role == role:
            raise TeamError(f"{member.user.get_username()} is already {member.get_role_display()}.")
        keep_an_admin(member, still_admin=role == Role.ADMIN)
        before = member.role
        member.role = role
        member.save(update_fields=["role"])
        audit.record(
            "member.role_changed",
            workspace=member.workspace,
            target=member,
            before={"role": before},
            after={"role": role},
            request=request,
        )
    return member


def set_active(request: HttpRequest, target: Membership, active: bool) -> Membership:
    """Deactivate (keeps their history, reaches nothing) or reactivate a member."""
    with transaction.atomic():
        member = locked_member(request, target)
        if member.is_active == active:
            state = "active" if active else "deactivated"
            raise TeamError(f"{member.user.get_username()} is already {state}.")
        if not active:
            keep_an_admin(member, still_admin=False)
        member.is_active = active
        member.save(update_fields=["is_active"])
        audit.record(
            "member.reactivated" if active else "member.deactivated",
            workspace=member.workspace,
            target=member,
            before={"is_active": not active},
            after={"is_active": active},
            request=request,
        )
    return member


def remove(request: HttpRequest, target: Membership) -> None:
    """End the membership; the account stays (it may belong to other workspaces)."""
    with transaction.atomic():
        member = locked_member(request, target)
        keep_an_admin(member, still_admin=False)
        audit.record(
            "member.removed",
            workspace=member.workspace,
            target=member,
            before={
                "user": member.user.get_username(),
                "role": member.role,
                "is_active": member.is_active,
            },
            request=request,
        )
        member.delete()


def keep_an_admin(member: Membership, *, still_admin: bool) -> None:
    """Refuse a change that leaves the workspace with no active admin: nobody could
    manage its members any more, and `/admin/` is not the tenant's way back in."""
    if member.role != Role.ADMIN or not member.is_active or still_admin:
        return
    others = Membership.objects.filter(
        workspace_id=member.workspace_id, role=Role.ADMIN, is_active=True
    ).exclude(pk=member.pk)
    if not others.exists():
        raise LastAdminError(
            f"{member.user.get_username()} is the last active admin of this workspace. "
            "Make another member admin first."
        )


def locked(request: HttpRequest, workspace: Workspace) -> None:
    """Serialise membership changes of one workspace (see the module's docstring), and
    check again, under the lock, that the actor is still an active admin: another admin
    may have demoted them while their request waited."""
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
    still_admin = Membership.objects.filter(
        workspace=workspace, user_id=request.user.pk or 0, role=Role.ADMIN, is_active=True
    )
    if not still_admin.exists():
        raise NoLongerAdminError("You are no longer an admin of this workspace.")


def locked_member(request: HttpRequest, target: Membership) -> Membership:
    locked(request, target.workspace)
    # Read again under the lock: the row may have changed since the page was loaded.
    member = Membership.objects.select_related("user", "workspace").filter(pk=target.pk).first()
    if member is None:
        raise TeamError("That member was removed meanwhile.")
    return member


def checked_role(role: str) -> str:
    if role not in ROLES:
        raise TeamError(f"Choose a role: {', '.join(sorted(ROLES))}.")
    return role


def checked_email(email: str) -> str:
    email = email.strip()
    if not email:
        raise TeamError("Give an e-mail address.")
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(f"{email[:80]} is not an e-mail address.") from None
    return email


def checked_username(username: str) -> str:
    username = username.strip()
    field = get_user_model()._meta.get_field("username")
    if not username:
        raise TeamError("Give a username.")
    if len(username) > (field.max_length or 150):
        raise TeamError(f"A username has at most {field.max_length} characters.")
    try:
        field.run_validators(username)
    except ValidationError as exc:
        raise TeamError(" ".join(exc.messages)) from None
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise TeamError(f"The username {username} is taken.")
    return username


def account_with_email(email: str) -> User:
    matches = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if not matches:
        raise TeamError(f"No account has the e-mail {email}. Create one below instead.")
    if len(matches) > 1:
        raise TeamError("Several accounts share this e-mail; create a new account instead.")
    return matches[0]
