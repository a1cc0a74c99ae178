"""Messages coming in: store once, number them, then (after commit) broadcast and analyse.

Every entry point (API, signed webhook, simulator through the API) calls `ingest`.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conversations import assignment, inbound_sql, messages, presence, steering
from conversations.builtin_playbooks import DEFAULT_SLUG
from conversations.models import Contact, Conversation, Message, Playbook, Turn
from core import dispatch
from core.models import Workspace
from personas.ab import assign_variant
from personas.models import Campaign, Persona


class IngestionError(ValueError):
    """The message names something this workspace does not have, in `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UnknownPersona(IngestionError):
    def __init__(self, name: str) -> None:
        super().__init__("persona", f"unknown persona {name!r}")


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    external_id: str
    contact_external_id: str
    contact_name: str
    persona: str
    text: str
    campaign: str = ""


@dataclass(frozen=True)
class IngestResult:
    message_id: int
    conversation_id: int
    seq: int
    duplicate: bool


def ingest(workspace: Workspace, inbound: InboundMessage) -> IngestResult:
    try:
        return store(workspace, inbound)
    except IntegrityError:
        # Two deliveries of the same external id raced; the other one stored it first.
        duplicate = find_duplicate(workspace, inbound)
        if duplicate is None:
            raise
        return duplicate


def store(workspace: Workspace, inbound: InboundMessage) -> IngestResult:
    # The common case first, in one statement; a campaign is checked before any write.
    if not inbound.campaign:
        stored = store_in_open_conversation(workspace, inbound)
        if stored is not None:
            return stored
    found = inbound_sql.lookup(workspace, inbound.persona, inbound.channel, inbound.external_id)
    if found.persona_id is None:
        raise UnknownPersona(inbound.persona)
    campaign = find_campaign(workspace, inbound.campaign)
    if found.stored is not None:
        return IngestResult(*found.stored, duplicate=True)
    if campaign is not None:
        stored = store_in_open_conversation(workspace, inbound)
        if stored is not None:
            return stored
    persona = Persona.objects.get(pk=found.persona_id)
    return store_inbound(workspace, persona, campaign, inbound)


def store_in_open_conversation(
    workspace: Workspace, inbound: InboundMessage
) -> IngestResult | None:
    """The common case in one statement (conversations.inbound_sql); None, with nothing
    written, for an unknown persona, a stored external id, or a contact without an open
    conversation with the persona: `store` then looks at which, as it always did."""
    # Alone, the statement is its own transaction; inside a caller's, a savepoint keeps a
    # duplicate's IntegrityError from breaking it.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        appended = inbound_sql.append_to_open_conversation(
            inbound_sql.Inbound(
                workspace_id=workspace.pk,
                persona=inbound.persona,
                channel=inbound.channel,
                contact_external_id=inbound.contact_external_id,
                external_id=inbound.external_id,
                text=inbound.text,
                now=timezone.now(),
            )
        )
        if appended is None:
            return None
        message = Message(
            pk=appended.message_id,
            workspace_id=appended.workspace_id,
            conversation_id=appended.conversation_id,
            seq=appended.seq,
            direction=Message.Direction.IN,
        )
        after_customer_message(message)
    return IngestResult(message.pk, message.conversation_id, message.seq, duplicate=False)


def find_duplicate(workspace: Workspace, inbound: InboundMessage) -> IngestResult | None:
    message = Message.objects.filter(
        workspace=workspace, channel=inbound.channel, external_id=inbound.external_id
    ).first()
    if message is None:
        return None
    return IngestResult(message.pk, message.conversation_id, message.seq, duplicate=True)


def find_campaign(workspace: Workspace, slug: str) -> Campaign | None:
    if not slug:
        return None
    campaign = Campaign.objects.filter(workspace=workspace, slug=slug, active=True).first()
    if campaign is None:
        raise IngestionError("campaign", f"unknown or inactive campaign {slug!r}")
    return campaign


def resolve_playbook(
    workspace: Workspace, persona: Persona, campaign: Campaign | None, slug: str = ""
) -> Playbook:
    """The journey a new conversation follows: asked for, else campaign's, else persona's."""
    wanted = slug or (campaign.playbook_slug if campaign else "") or persona.playbook_slug
    playbook = Playbook.objects.resolve(workspace, wanted or DEFAULT_SLUG)
    if playbook is None and slug:
        raise IngestionError("playbook", f"unknown playbook {slug!r}")
    return playbook or Playbook.objects.get(workspace=None, slug=DEFAULT_SLUG)


def open_conversation(
    contact: Contact, persona: Persona, campaign: Campaign | None, playbook: Playbook | None = None
) -> Conversation:
    """A new conversation, at its playbook's entry state."""
    playbook = playbook or resolve_playbook(contact.workspace, persona, campaign)
    conversation = Conversation.objects.create(
        workspace=contact.workspace,
        contact=contact,
        persona=persona,
        campaign=campaign,
        variant=assign_variant(campaign, f"{contact.channel}:{contact.external_id}"),
        channel=contact.channel,
        playbook=playbook,
        journey_state=playbook.spec.entry,
        visited_states=[playbook.spec.entry],
        visited_at={playbook.spec.entry: timezone.now().isoformat()},
    )
    assignment.auto_assign(conversation)  # a no-op unless the workspace turned it on
    return conversation


def current_conversation(
    contact: Contact, persona: Persona, campaign: Campaign | None
) -> Conversation:
    """The contact's open conversation with this persona, or a new one once it has ended."""
    # Locking the contact serialises two first messages from the same new contact.
    Contact.objects.select_for_update().filter(pk=contact.pk).first()
    return open_conversation_of(contact, persona) or open_conversation(contact, persona, campaign)


def open_conversation_of(contact: Contact, persona: Persona) -> Conversation | None:
    return (
        Conversation.objects.filter(contact=contact, persona=persona)
        .exclude(status=Conversation.Status.CLOSED)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def store_inbound(
    workspace: Workspace, persona: Persona, campaign: Campaign | None, inbound: InboundMessage
) -> IngestResult:
    # Read and locked in one statement (current_conversation's lock, without its second
    # round trip): two first messages from the same new contact still take turns.
    contact, _ = Contact.objects.select_for_update().get_or_create(
        workspace=workspace,
        channel=inbound.channel,
        external_id=inbound.contact_external_id,
        defaults={"display_name": inbound.contact_name},
    )
    conversation = open_conversation_of(contact, persona) or open_conversation(
        contact, persona, campaign
    )
    message = add_customer_message(conversation, inbound.text, inbound.external_id)
    return IngestResult(message.pk, conversation.pk, message.seq, duplicate=False)


# -- seed 001's conversation API: one conversation per call, steered synchronously --------

API_CHANNEL = "api"
API_DEFAULT_PLAYBOOK = "sales-7"


def default_persona(workspace: Workspace, name: str) -> Persona:
    personas = Persona.objects.for_workspace(workspace)
    persona = personas.filter(name=name).first() if name else personas.order_by("name").first()
    if persona is None:
        raise UnknownPersona(name) if name else IngestionError("persona", "no persona exists")
    return persona


@transaction.atomic
def start_conversation(
    workspace: Workspace,
    user_id: str,
    user_name: str,
    text: str,
    playbook_slug: str,
    persona_name: str = "",
) -> Conversation:
    """A new conversation (even for a known user), opened by `text` in the entry state."""
    persona = default_persona(workspace, persona_name)
    playbook = resolve_playbook(workspace, persona, None, playbook_slug)
    contact, _ = Contact.objects.get_or_create(
        workspace=workspace,
        channel=API_CHANNEL,
        external_id=user_id,
        defaults={"display_name": user_name},
    )
    conversation = open_conversation(contact, persona, None, playbook)
    message = add_customer_message(conversation, text)
    steering.steer(message)
    conversation.refresh_from_db()
    return conversation


@transaction.atomic
def continue_conversation(conversation: Conversation, text: str, user_name: str = "") -> Turn:
    """The customer's next message, steered now so the caller gets the new state."""
    if user_name and conversation.contact.display_name != user_name:
        Contact.objects.filter(pk=conversation.contact_id).update(display_name=user_name)
    message = add_customer_message(conversation, text)
    return steering.steer(message)


def add_customer_message(
    conversation: Conversation, text: str, external_id: str | None = None
) -> Message:
    """Store an inbound message; after commit it is broadcast and analysed."""
    message = messages.append_message(
        conversation,
        text=text,
        direction=Message.Direction.IN,
        author_kind=Message.AuthorKind.CONTACT,
        external_id=external_id,
        delivery=Message.Delivery.RECEIVED,
    )
    after_customer_message(message)
    return message


def after_customer_message(message: Message) -> None:
    """Once committed: open pages are told, and perception is queued (watched first)."""
    messages.announce_after_commit(message)
    conversation_id = message.conversation_id
    dispatch.perceive(message.pk, lambda: presence.perception_priority(conversation_id))
