"""The one broadcaster: typed events that views and tasks send after commit.

Events are small on purpose (ids and sequence numbers): the page asks the server for
what changed, so the database stays the truth and a client that missed events while
disconnected catches up with the same request (live delivery is at most once).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from conversations import live_hub


def conversation_group(conversation_id: int) -> str:
    return f"conversation-{conversation_id}"


def inbox_group(workspace_id: int) -> str:
    return f"inbox-{workspace_id}"


def user_group(user_id: int) -> str:
    """Every open socket of one user: closed when their access changes."""
    return f"user-{user_id}"


@dataclass(frozen=True)
class MessageCreated:
    conversation_id: int
    message_id: int
    seq: int
    direction: str
    type: str = "message.created"


@dataclass(frozen=True)
class SuggestionsReady:
    conversation_id: int
    suggestion_set_id: int
    seq: int  # the inbound message the suggestions answer
    type: str = "suggestions.ready"


@dataclass(frozen=True)
class DraftStreaming:
    """The first draft of the replies to inbound message `seq`, as the model writes it:
    `text` is the whole visible text so far (a missed frame costs nothing); the last frame
    is `done`, and `rejected` when the finished draft failed its checks and is replaced.
    A preview, never stored: `suggestions.ready` brings the stored set. Conversation only."""

    conversation_id: int
    message_id: int
    seq: int
    text: str
    done: bool = False
    rejected: bool = False
    type: str = "suggestions.streaming"


@dataclass(frozen=True)
class MessageDelivered:
    conversation_id: int
    message_id: int
    seq: int
    delivery: str
    type: str = "message.delivery"


@dataclass(frozen=True)
class JourneyChanged:
    conversation_id: int
    state: str
    outcome: str
    type: str = "conversation.state"


@dataclass(frozen=True)
class MessageAnalysed:
    conversation_id: int
    message_id: int
    seq: int
    priority: str
    type: str = "message.analysed"


@dataclass(frozen=True)
class ConversationAssigned:
    """The conversation's owner changed (claim, assignment, release, auto-assignment)."""

    conversation_id: int
    operator_id: int | None
    operator: str  # the owner's username, "" when unassigned
    type: str = "conversation.assigned"


@dataclass(frozen=True)
class PresenceChanged:
    """Who has the conversation open and who is typing in it (usernames, sorted)."""

    conversation_id: int
    viewers: tuple[str, ...]
    typing: tuple[str, ...]
    type: str = "conversation.presence"


Event = (
    MessageCreated
    | SuggestionsReady
    | DraftStreaming
    | MessageDelivered
    | JourneyChanged
    | MessageAnalysed
    | ConversationAssigned
    | PresenceChanged
)


def event_text(event: Event) -> str:
    """The frame the pages get: the event as JSON, encoded once for every socket."""
    return json.dumps(asdict(event), separators=(",", ":"))


def send_to_groups(groups: list[str], event: Event) -> None:
    """One Redis round trip from any process, sync (conversations/live_hub.py)."""
    live_hub.publish(groups, event_text(event))


def publish(workspace_id: int, event: Event) -> None:
    """Send an event to everyone watching its conversation and the workspace inbox."""
    send_to_groups([conversation_group(event.conversation_id), inbox_group(workspace_id)], event)
