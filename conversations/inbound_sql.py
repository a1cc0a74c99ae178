"""The common case of an inbound message in one hand-written statement.

Almost every message comes from a known contact whose conversation with the persona is
open, with an external id not stored yet. For it, `ingestion.ingest` needs one statement:
find that conversation (persona by name, no stored duplicate), take its next sequence
number (UPDATE ... RETURNING) and insert the row. The ORM spelled this as ten statements
(eight inside a transaction), and compiling them cost more CPU than PostgreSQL spent
running them. When the statement writes nothing, `lookup` says why (unknown persona,
duplicate) in one more, and the ORM path handles new contacts and conversations.

Why the one statement keeps every guarantee of the ORM path:
- sequence numbers: the UPDATE takes the conversation's row lock and reads `last_seq`
  from the newest committed row version (READ COMMITTED re-checks a row it waited for),
  so concurrent writers, outbound replies included, still number without gaps or twins;
- idempotency: a stored external id makes the statement write nothing; a delivery racing
  the first one breaks the unique constraint, and the whole statement, seq bump included,
  is undone (`ingest` then answers with the stored message);
- a conversation closed meanwhile fails the UPDATE's own status check: nothing is
  written and the caller takes the ORM path, which locks the contact and opens a new
  conversation exactly as before. Only that path creates contacts and conversations, so
  the contact lock that serialises two first messages is still taken wherever it matters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

from conversations.models import Contact, Conversation, Message
from core.models import Workspace
from personas.models import Persona


@dataclass(frozen=True)
class Lookup:
    persona_id: int | None
    # The stored message with this channel and external id: (id, conversation_id, seq).
    stored: tuple[int, int, int] | None


@cache
def lookup_sql() -> str:
    persona, message = Persona._meta.db_table, Message._meta.db_table
    return (
        f"SELECT p.id, m.id, m.conversation_id, m.seq FROM (SELECT 1) AS one "
        f"LEFT JOIN {persona} p ON p.workspace_id = %(workspace)s AND p.name = %(persona)s "
        f"LEFT JOIN {message} m ON m.workspace_id = %(workspace)s "
        f"AND m.channel = %(channel)s AND m.external_id = %(external_id)s"
    )


def lookup(workspace: Workspace, persona: str, channel: str, external_id: str) -> Lookup:
    """The persona by name and the message if already stored, in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(
            lookup_sql(),
            {
                "workspace": workspace.pk,
                "persona": persona,
                "channel": channel,
                "external_id": external_id,
            },
        )
        persona_id, message_id, conversation_id, seq = cursor.fetchone()
    stored = (message_id, conversation_id, seq) if message_id is not None else None
    return Lookup(persona_id, stored)


# Columns the statement fills from the conversation row or from the message itself.
GIVEN = {
    "workspace_id",
    "conversation_id",
    "seq",
    "channel",
    "direction",
    "author_kind",
    "text",
    "external_id",
    "delivery",
    "created_at",
}


@cache
def defaulted_columns() -> tuple[tuple[str, ...], tuple[object, ...]]:
    """Every other column of a message, at its model default (NULL, {}...), so a field
    added to Message later is written as Message.objects.create would write it."""
    columns, values = [], []
    for field in Message._meta.concrete_fields:
        if field.primary_key or field.column in GIVEN:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return tuple(columns), tuple(values)


@cache
def append_sql() -> str:
    conversation, contact = Conversation._meta.db_table, Contact._meta.db_table
    message, persona = Message._meta.db_table, Persona._meta.db_table
    others, _ = defaulted_columns()
    other_columns = "".join(f", {column}" for column in others)
    other_values = "".join(f", %(default_{i})s" for i in range(len(others)))
    return (
        f"WITH target AS ("
        f" SELECT c.id FROM {conversation} c JOIN {contact} ct ON ct.id = c.contact_id"
        f" JOIN {persona} p ON p.id = c.persona_id"
        f" WHERE ct.workspace_id = %(workspace)s AND ct.channel = %(channel)s"
        f" AND ct.external_id = %(contact)s AND p.workspace_id = %(workspace)s"
        f" AND p.name = %(persona)s AND c.status <> %(closed)s AND NOT EXISTS ("
        f"SELECT 1 FROM {message} m WHERE m.workspace_id = %(workspace)s"
        f" AND m.channel = %(channel)s AND m.external_id = %(external_id)s)"
        f" ORDER BY c.id DESC LIMIT 1"
        f"), bumped AS ("
        f" UPDATE {conversation} c SET last_seq = c.last_seq + 1, last_message_at = %(now)s"
        f" FROM target WHERE c.id = target.id AND c.status <> %(closed)s"
        f" RETURNING c.id, c.workspace_id, c.channel, c.last_seq"
        f") INSERT INTO {message} (workspace_id, conversation_id, seq, channel, direction,"
        f" author_kind, text, external_id, delivery, created_at{other_columns})"
        f" SELECT b.workspace_id, b.id, b.last_seq, b.channel, %(direction)s,"
        f" %(author_kind)s, %(text)s, %(external_id)s, %(delivery)s, %(now)s{other_values}"
        f" FROM bumped b RETURNING id, workspace_id, conversation_id, seq"
    )


@dataclass(frozen=True)
class Appended:
    message_id: int
    workspace_id: int
    conversation_id: int
    seq: int


@dataclass(frozen=True)
class Inbound:
    workspace_id: int
    persona: str  # by name
    channel: str
    contact_external_id: str
    external_id: str
    text: str
    now: datetime.datetime


def append_to_open_conversation(inbound: Inbound) -> Appended | None:
    """Store the message in the contact's open conversation with the persona; None, with
    nothing written, when the persona, the contact or such a conversation does not exist
    (yet), or a message with this external id is already stored."""
    _, defaults = defaulted_columns()
    params: dict[str, Any] = {
        "workspace": inbound.workspace_id,
        "channel": inbound.channel,
        "contact": inbound.contact_external_id,
        "persona": inbound.persona,
        "closed": Conversation.Status.CLOSED.value,
        "now": inbound.now,
        "direction": Message.Direction.IN.value,
        "author_kind": Message.AuthorKind.CONTACT.value,
        "text": inbound.text,
        "external_id": inbound.external_id,
        "delivery": Message.Delivery.RECEIVED.value,
        **{f"default_{i}": value for i, value in enumerate(defaults)},
    }
    with connection.cursor() as cursor:
        cursor.execute(append_sql(), params)
        row = cursor.fetchone()
    return Appended(*row) if row is not None else None
