"""Messages coming in: store once, number them, then (after commit) broadcast and analyse.

Every entry point (API, signed webhook, simulator through the API) calls `ingest`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from conversations import events
from conversations.models import Contact, Conversation, Message
from dashboard.models import Workspace
from personas.models import Persona


class UnknownPersona(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown persona {name!r}")


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    external_id: str
    contact_external_id: str
    contact_name: str
    persona: str
    text: str


@dataclass(frozen=True)
class IngestResult:
    message_id: int
    conversation_id: int
    seq: int
    duplicate: bool


def ingest(workspace: Workspace, inbound: InboundMessage) -> IngestResult:
    persona = Persona.objects.for_workspace(workspace).filter(name=inbound.persona).first()
    if persona is None:
        raise UnknownPersona(inbound.persona)
    existing = find_duplicate(workspace, inbound)
    if existing:
        return existing
    try:
        return store_inbound(workspace, persona, inbound)
    except IntegrityError:
        # Two deliveries of the same external id raced; the other one stored it first.
        duplicate = find_duplicate(workspace, inbound)
        if duplicate is None:
            raise
        return duplicate


def find_duplicate(workspace: Workspace, inbound: InboundMessage) -> IngestResult | None:
    message = Message.objects.filter(
        workspace=workspace, channel=inbound.channel, external_id=inbound.external_id
    ).first()
    if message is None:
        return None
    return IngestResult(message.pk, message.conversation_id, message.seq, duplicate=True)


@transaction.atomic
def store_inbound(workspace: Workspace, persona: Persona, inbound: InboundMessage) -> IngestResult:
    contact, _ = Contact.objects.get_or_create(
        workspace=workspace,
        channel=inbound.channel,
        external_id=inbound.contact_external_id,
        defaults={"display_name": inbound.contact_name},
    )
    conversation, _ = Conversation.objects.get_or_create(
        workspace=workspace, contact=contact, persona=persona, defaults={"channel": inbound.channel}
    )
    message = append_message(
        conversation,
        text=inbound.text,
        direction=Message.Direction.IN,
        author_kind=Message.AuthorKind.CONTACT,
        external_id=inbound.external_id,
        delivery=Message.Delivery.RECEIVED,
    )
    transaction.on_commit(lambda: after_inbound_commit(message))
    return IngestResult(message.pk, conversation.pk, message.seq, duplicate=False)


def append_message(conversation: Conversation, **fields) -> Message:
    """Give the message the conversation's next sequence number. Call inside a transaction.

    The row lock on the conversation serialises writers, so sequence numbers have no gaps
    and no two messages share one, whichever process writes.
    """
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    now = timezone.now()
    message = Message.objects.create(
        workspace_id=locked.workspace_id,
        conversation=locked,
        seq=locked.last_seq + 1,
        channel=locked.channel,
        **fields,
    )
    locked.last_seq = message.seq
    locked.last_message_at = now
    if locked.status == Conversation.Status.CLOSED and message.direction == Message.Direction.IN:
        locked.status = Conversation.Status.OPEN
    locked.save(update_fields=["last_seq", "last_message_at", "status"])
    return message


def after_inbound_commit(message: Message) -> None:
    from conversations.tasks import perceive_message

    announce(message)
    perceive_message.delay(message.pk)


def announce(message: Message) -> None:
    events.publish(
        message.workspace_id,
        events.MessageCreated(
            conversation_id=message.conversation_id,
            message_id=message.pk,
            seq=message.seq,
            direction=message.direction,
        ),
    )
