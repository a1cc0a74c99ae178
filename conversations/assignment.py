"""Who owns a conversation: claims, assignments, releases and auto-assignment.

Every change of owner goes through `set_owner`: the row is locked, the change is written
to the workspace's audit log with the owner before and after, and (after commit) the
conversation page and the inbox hear of it. Operators claim unassigned conversations and
release their own; managers and admins assign anyone's to any active sending member.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from conversations import events
from conversations.models import Conversation, Message
from core import audit
from core.models import SENDING_ROLES, Membership, Role
from core.redis import redis_client

ASSIGNERS = {Role.MANAGER, Role.ADMIN}


class AssignmentError(ValueError):
    """The change is not allowed as asked; the message says why."""

    status = 422


class AssignmentConflict(AssignmentError):
    """Someone else owns it already (409): a manager can reassign it."""

    status = 409


class NotYours(AssignmentError):
    """An operator tried to release or reassign someone else's conversation (403)."""

    status = 403


def owner_name(conversation: Conversation) -> str:
    owner = conversation.assigned_operator
    return owner.get_username() if owner is not None else ""


def set_owner(
    conversation: Conversation,
    owner: User | None,
    *,
    action: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> bool:
    """Make `owner` the owner (None: unassigned), audited; False when nothing changed.

    The caller holds the row lock (select_for_update) so the before is the truth."""
    before = owner_name(conversation)
    if conversation.assigned_operator_id == (owner.pk if owner else None):
        return False
    conversation.assigned_operator = owner
    conversation.save(update_fields=["assigned_operator"])
    audit.record(
        action,
        workspace=conversation.workspace,
        actor=actor,
        target=conversation,
        before={"assigned_operator": before or None},
        after={"assigned_operator": owner_name(conversation) or None},
        request=request,
    )
    event = events.ConversationAssigned(
        conversation.pk, owner.pk if owner else None, owner_name(conversation)
    )
    workspace_id = conversation.workspace_id
    transaction.on_commit(lambda: events.publish(workspace_id, event))
    return True


def locked(conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("assigned_operator", "workspace")
        .get(pk=conversation.pk)
    )


@transaction.atomic
def claim(
    conversation: Conversation, membership: Membership, request: HttpRequest | None = None
) -> Conversation:
    """The member takes an unassigned conversation. Someone else's is refused (409) for an
    operator; a manager or admin claiming it reassigns it to themselves."""
    row = locked(conversation)
    user = membership.user
    owner = row.assigned_operator
    if owner is not None and owner.pk != user.pk and membership.role not in ASSIGNERS:
        raise AssignmentConflict(
            f"{owner.get_username()} already owns this conversation; a manager can reassign it."
        )
    set_owner(row, user, action="conversation.claimed", actor=user, request=request)
    return row


@transaction.atomic
def release(
    conversation: Conversation, membership: Membership, request: HttpRequest | None = None
) -> Conversation:
    """The owner gives the conversation back to the unassigned pile (managers: anyone's)."""
    row = locked(conversation)
    owner = row.assigned_operator
    if owner is not None and owner.pk != membership.user_id and membership.role not in ASSIGNERS:
        raise NotYours("Only its owner or a manager can release this conversation.")
    set_owner(row, None, action="conversation.released", actor=membership.user, request=request)
    return row


def assignable_members(workspace_id: int):
    """Active members who may send: the people a conversation can be assigned to."""
    return (
        Membership.objects.filter(workspace_id=workspace_id, is_active=True)
        .filter(role__in=SENDING_ROLES)
        .select_related("user")
        .order_by("user__username")
    )


@transaction.atomic
def assign(
    conversation: Conversation,
    membership: Membership,
    operator_id: int | None,
    request: HttpRequest | None = None,
) -> Conversation:
    """A manager or admin gives the conversation to an active sending member, or (None)
    unassigns it. The caller checked the role."""
    row = locked(conversation)
    owner = None
    if operator_id is not None:
        target = assignable_members(row.workspace_id).filter(user_id=operator_id).first()
        if target is None:
            raise AssignmentError("operator: not an active member of this workspace who sends")
        owner = target.user
    set_owner(row, owner, action="conversation.assigned", actor=membership.user, request=request)
    return row


# -- auto-assignment ----------------------------------------------------------------------


def cursor_key(workspace_id: int) -> str:
    return f"assign-cursor:{workspace_id}"


def auto_assign(conversation: Conversation) -> User | None:
    """Give a new conversation to the next operator on shift under the cap, round robin
    (managers and admins get conversations only by claiming or assigning).

    Runs inside the ingestion transaction. A transaction-level advisory lock per workspace
    serialises auto-assignment (only) so two conversations arriving together never both
    see an operator one below the cap; the turn comes from an atomic Redis counter."""
    workspace = conversation.workspace
    if not workspace.auto_assign:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7321, workspace.pk])
    candidates = list(
        assignable_members(workspace.pk)
        .filter(on_shift=True, role=Role.OPERATOR)
        .annotate(
            open_count=Count(
                "user__conversation",
                filter=Q(
                    user__conversation__workspace_id=workspace.pk,
                    user__conversation__status=Conversation.Status.OPEN,
                ),
            )
        )
        .order_by("user_id")
    )
    if not candidates:
        return None
    turn = redis_client().incr(cursor_key(workspace.pk)) - 1
    for offset in range(len(candidates)):
        member = candidates[(turn + offset) % len(candidates)]
        if member.open_count < workspace.max_open_per_operator:  # type: ignore[attr-defined]
            set_owner(conversation, member.user, action="conversation.auto_assigned", actor=None)
            return member.user
    return None  # everyone is at the cap: it waits in Unassigned


# -- replies and the reply timer -----------------------------------------------------------


def owner_warning(conversation: Conversation, user) -> str:
    """What a member is told before sending in a conversation someone else owns."""
    owner = conversation.assigned_operator
    if owner is None or owner.pk == user.pk:
        return ""
    return f"{owner.get_username()} owns this conversation: a reply from you is sent, and recorded."


def record_send(
    conversation: Conversation, user, message_id: int | None, request: HttpRequest | None = None
) -> str:
    """A reply was sent: when its sender is not the owner, the audit log says so. Returns
    the warning for the sender ("" when they own it or nobody does)."""
    warning = owner_warning(conversation, user)
    if warning:
        audit.record(
            "reply.sent_by_non_owner",
            workspace=conversation.workspace,
            actor=user,
            target=conversation,
            after={"owner": owner_name(conversation), "message_id": message_id},
            request=request,
        )
    return warning


def with_waiting_since(conversations):
    """Annotate `waiting_since`: when the customer's oldest unanswered message arrived
    (None once an operator or the bot replied after their last message)."""
    last_out = Message.objects.filter(
        conversation=OuterRef("pk"), direction=Message.Direction.OUT
    ).order_by("-seq")
    unanswered = Message.objects.filter(
        conversation=OuterRef("pk"),
        direction=Message.Direction.IN,
        seq__gt=OuterRef("answered_seq"),
    ).order_by("seq")
    return conversations.annotate(
        answered_seq=Coalesce(Subquery(last_out.values("seq")[:1]), Value(0))
    ).annotate(waiting_since=Subquery(unanswered.values("created_at")[:1]))


def waiting_since(conversation: Conversation):
    return with_waiting_since(Conversation.objects.filter(pk=conversation.pk)).values_list(
        "waiting_since", flat=True
    )[0]


def ownership(membership: Membership, conversation: Conversation, user) -> dict:
    """The conversation page's owner box, the warning shown before a non-owner sends, and
    the reply timer."""
    can_assign = membership.role in ASSIGNERS
    waiting = waiting_since(conversation)
    return {
        "can_assign": can_assign,
        "assignable": assignable_members(membership.workspace_id) if can_assign else [],
        "owner_warning": owner_warning(conversation, user),
        "waiting_since": waiting,
        "overdue": is_overdue(waiting, conversation.workspace.reply_target_seconds),
    }


def is_overdue(waiting, target_seconds: int) -> bool:
    """The customer has waited longer than the workspace's reply target."""
    return waiting is not None and (timezone.now() - waiting).total_seconds() > target_seconds
