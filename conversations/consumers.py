"""Websocket consumers: authenticate, join the groups the user may see, forward events.

No inference and no heavy ORM here: one membership lookup on connect, then forwarding.
"""

from __future__ import annotations

import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from conversations import events, live_hub, presence
from conversations.models import Conversation
from core import ratelimit
from core.models import Membership

# Close codes: 4401 not logged in, 4404 nothing here for this user (as the pages' 404),
# 4403 their access changed (logout, deactivation, a new role): the page reconnects, and
# the new connection is checked like any other.
NOT_AUTHENTICATED = 4401
NOT_FOUND = 4404
ACCESS_CHANGED = 4403
TOO_MANY_CONNECTIONS = 4429
MESSAGE_TOO_BIG = 1009
# The page stopped reading its events and the live hub dropped it: reconnect and resync.
TRY_AGAIN_LATER = 1013
# The pages send nothing but keep-alives; anything larger is refused unread. The default
# of settings.WEBSOCKET_MAX_CLIENT_FRAME, in bytes.
MAX_CLIENT_FRAME = 4096
# The only frames a client may send that are read, both from the conversation page: "I am
# here" (opts the socket into presence: it is listed and hears who else is) and "I am typing".
HERE_FRAME = '{"type":"here"}'
TYPING_FRAME = '{"type":"typing"}'
# A typist's frames are passed on at most this often per socket.
TYPING_EVERY_SECONDS = 1.0


@database_sync_to_async
def workspace_id_for(user, workspace_slug: str) -> int | None:
    membership = Membership.objects.for_user(user).filter(workspace__slug=workspace_slug).first()
    return membership.workspace_id if membership else None


@database_sync_to_async
def conversation_visible(workspace_id: int, conversation_id: int) -> bool:
    return Conversation.objects.filter(pk=conversation_id, workspace_id=workspace_id).exists()


@sync_to_async
def connection_allowed(user_id: int) -> bool:
    """A page reconnects after every drop; a client opening sockets in a loop is cut off."""
    return ratelimit.allow(f"ws:{user_id}", settings.WEBSOCKET_RATE_PER_MINUTE)


def frame_bytes(text_data: str | None, bytes_data: bytes | None) -> int:
    """A frame's size in bytes as it came over the wire: text counts in UTF-8, where one
    character may be four bytes (counting characters would let 16 KiB through a 4 KiB
    limit). Text already longer in characters than any limit is not encoded to find out."""
    text = text_data or ""
    size = len(bytes_data or b"")
    if len(text) > settings.WEBSOCKET_MAX_CLIENT_FRAME:
        return size + len(text)
    return size + len(text.encode("utf-8", "surrogatepass"))


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Base: subclasses decide which groups the connection joins."""

    groups_joined: list[str]
    user_group: str = ""
    held: list[str] | None = None  # events that came before the accept

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_AUTHENTICATED)
            return
        if not await connection_allowed(user.pk):
            await self.close(code=TOO_MANY_CONNECTIONS)
            return
        workspace_id = await workspace_id_for(user, self.scope["url_route"]["kwargs"]["slug"])
        groups = await self.groups_for(workspace_id) if workspace_id else None
        if not groups:
            await self.close(code=NOT_FOUND)
            return
        # Events come through the process's live hub, subscribed before the accept so an
        # event published once the page is connected is never missed; those that come
        # first are held until the accept. The user's own group (access changes) stays
        # on the channel layer.
        self.held = []
        for group in groups:
            await live_hub.hub().join(group, self.forward_text, self.stalled)
        self.groups_joined = groups
        self.user_group = events.user_group(user.pk)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()
        await self.send_held()

    async def groups_for(self, workspace_id: int) -> list[str] | None:
        raise NotImplementedError

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The pages only listen: a frame from the client is dropped unparsed, and one over
        WEBSOCKET_MAX_CLIENT_FRAME bytes closes the socket (1009, message too big) before
        anything reads it."""
        if frame_bytes(text_data, bytes_data) > settings.WEBSOCKET_MAX_CLIENT_FRAME:
            await self.close(code=MESSAGE_TOO_BIG)

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await live_hub.hub().leave(group, self.forward_text)
        if self.user_group:
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def forward_text(self, text: str) -> None:
        """An event from the live hub, already JSON: written to the socket as it is."""
        if self.held is not None:
            self.held.append(text)
            return
        await self.send(text_data=text)

    async def stalled(self) -> None:
        """Dropped by the live hub for not reading: the close frame waits behind the unread
        events, and the page that reads it reconnects and catches up from the database."""
        await self.close(code=TRY_AGAIN_LATER)

    async def send_held(self) -> None:
        """In order, including any that arrive while the first are written."""
        while self.held:
            await self.send(text_data=self.held.pop(0))
        self.held = None

    async def access_changed(self, message: dict) -> None:
        await self.close(code=ACCESS_CHANGED)


class InboxConsumer(LiveConsumer):
    async def groups_for(self, workspace_id: int) -> list[str] | None:
        return [events.inbox_group(workspace_id)]


class ConversationConsumer(LiveConsumer):
    """An open conversation page: its events, its drafts made first, and who else is here
    (viewers and typists, broadcast to the page's other sockets)."""

    watching: int | None = None
    present: bool = False
    last_typed: float = 0.0

    async def groups_for(self, workspace_id: int) -> list[str] | None:
        conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        if not await conversation_visible(workspace_id, conversation_id):
            return None
        await sync_to_async(presence.watch, thread_sensitive=False)(
            conversation_id, self.channel_name
        )
        self.watching = conversation_id
        return [events.conversation_group(conversation_id)]

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Exactly two tiny frames are read, "here" and "typing"; anything else is dropped
        (or closes the socket when too big) as on every live page."""
        if self.watching is None or text_data not in (HERE_FRAME, TYPING_FRAME):
            await super().receive(text_data, bytes_data)
            return
        if text_data == HERE_FRAME:
            await self.arrive()
        elif self.present:
            await self.typing_now()

    async def arrive(self) -> None:
        if self.present or self.watching is None:
            return
        self.present = True
        await sync_to_async(presence.join, thread_sensitive=False)(
            self.watching, self.channel_name, self.scope["user"].get_username()
        )
        await self.announce_presence()

    async def typing_now(self) -> None:
        now = time.monotonic()
        if self.watching is None or now - self.last_typed < TYPING_EVERY_SECONDS:
            return
        self.last_typed = now
        await sync_to_async(presence.typed, thread_sensitive=False)(
            self.watching, self.scope["user"].get_username()
        )
        await self.announce_presence()

    async def announce_presence(self) -> None:
        if self.watching is None:
            return
        viewers, typing = await sync_to_async(presence.snapshot, thread_sensitive=False)(
            self.watching
        )
        event = events.PresenceChanged(self.watching, viewers, typing)
        await sync_to_async(events.send_to_groups, thread_sensitive=False)(
            [events.conversation_group(self.watching)], event
        )

    async def disconnect(self, code: int) -> None:
        if self.watching is not None:
            await sync_to_async(presence.unwatch, thread_sensitive=False)(
                self.watching, self.channel_name
            )
        if self.present and self.watching is not None:
            await sync_to_async(presence.leave, thread_sensitive=False)(
                self.watching, self.channel_name, self.scope["user"].get_username()
            )
            await self.announce_presence()
        await super().disconnect(code)
