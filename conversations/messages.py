"""Where every message of a conversation is written: inbound and outbound, in order.

Ingestion appends what contacts send; decisions and autonomy append the replies. Both go
through `append_message`, which hands out the conversation's sequence numbers, and
`announce`, which tells open pages a message is there.
"""

from __future__ import annotations

from django.utils import timezone

from conversations import events
from conversations.models import Conversation, Message
from core import dispatch


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
    locked.save(update_fields=["last_seq", "last_message_at"])
    return message


def announce(message: Message) -> None:
    """Tell the workspace's open pages; they fetch the message by its sequence number."""
    events.publish(
        message.workspace_id,
        events.MessageCreated(
            conversation_id=message.conversation_id,
            message_id=message.pk,
            seq=message.seq,
            direction=message.direction,
        ),
    )


def announce_after_commit(message: Message) -> None:
    # Open pages catch up by sequence number on their next event or reconnect, so a lost
    # announcement costs nothing more than a late refresh.
    dispatch.after_commit(
        lambda: dispatch.publish_or_leave_to_sweeper(
            lambda: announce(message), f"message {message.pk} to open pages"
        )
    )
