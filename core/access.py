"""The one access check of every workspace page.

Outsiders get 404, never 403: a workspace they do not belong to does not exist for them.
A member whose role may not do what the page does gets 403 with the reason, which
`dashboard.urls.handler403` shows as the response's text.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from core.models import Membership


def member_or_404(
    request: HttpRequest, slug: str, roles: Collection[str] | None = None, denial: str = ""
) -> Membership:
    """The request user's membership of workspace `slug`; 404 for outsiders, and 403 with
    `denial` when `roles` is given and the member's role is not among them."""
    membership = Membership.objects.for_user(request.user).filter(workspace__slug=slug).first()
    if membership is None:
        raise Http404("No such workspace")
    if roles is not None:
        require_role(membership, roles, denial)
    return membership


def require_role(membership: Membership, roles: Collection[str], denial: str = "") -> None:
    """403 with `denial` unless the member's role is among `roles`."""
    if membership.role not in roles:
        raise PermissionDenied(denial or "Your role cannot do this in this workspace.")
