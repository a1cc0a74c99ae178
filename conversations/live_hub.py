"""Live events to the pages: published once per group as JSON text, and handed by each
server process to its own sockets from one Redis subscription.

Why not the channel layer: through Channels every event cost each socket a queue, a new
task, an `asyncio.wait`, a msgpack decode, a JSON encode and the session middleware's
check, and a publish from a request's thread one more hop into the event loop. With 50
pages on one inbox at 100 messages/s that was 5,000 of each a second on two cores, and
the pages' events fell seconds behind (benchmarks/load.py). Here the publisher encodes
once and publishes with a plain Redis call (a pipeline of one PUBLISH per group), from
any process, sync; a server process subscribes once per group however many of its
sockets are in it, and writes the same text to each.

What stays on the channel layer: a user's "access changed" (closes their sockets) and
connection bookkeeping. Delivery is at most once, as before: events carry ids and the
pages resync from the database.

Sending to a socket rarely waits: uvicorn's websockets-sansio protocol (pinned in
stack.processes.web_server_command) writes the frame to the transport and returns. It
waits only once the socket's write buffer is past its high-water mark (64 KiB), which a
reading page never reaches: the client has stopped reading (a frozen tab, a dead link
that TCP has not noticed yet). The hub gives such a send STALL_SECONDS, then drops the
socket from all its groups and tells it to reconnect (its close frame goes out when the
client reads again, or the connection dies at uvicorn's ping timeout), so one stalled
page holds up its process's other pages for at most that long, once.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from functools import lru_cache

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# A socket's writer: takes the event's JSON text.
Sender = Callable[[str], Awaitable[None]]
# What a socket does once the hub dropped it for not reading: close, so the page reconnects.
StallHandler = Callable[[], Awaitable[None]]
# Pub/sub channels are server-wide (not per database): the prefix keeps them ours.
CHANNEL_PREFIX = "dashboard:live:"
# How long one read waits for an event before checking the subscriptions again.
READ_WAIT_SECONDS = 1.0
# How long one event's fan-out may wait on a socket that is not reading before the hub
# drops that socket. One timer per event, not per socket: a reading page's send never
# suspends, so when the timer fires the fan-out is waiting on the stalled socket, and the
# writes before it took microseconds of the second.
STALL_SECONDS = 1.0


def channel_for(group: str) -> str:
    return CHANNEL_PREFIX + group


@lru_cache(maxsize=1)
def publishing_client() -> redis.Redis:
    return redis.Redis.from_url(settings.CHANNEL_LAYER_URL)


def redis_publish(groups: list[str], text: str) -> None:
    """The publisher: one round trip for every group of the event."""
    with publishing_client().pipeline(transaction=False) as pipe:
        for group in groups:
            pipe.publish(channel_for(group), text)
        pipe.execute()


@lru_cache(maxsize=1)
def publisher() -> Callable[[list[str], str], None]:
    """The configured publisher (LIVE_EVENTS_PUBLISHER): fault-injection tests swap in
    one that loses events on purpose (tests/faults.py)."""
    return import_string(settings.LIVE_EVENTS_PUBLISHER)


def publish(groups: list[str], text: str) -> None:
    publisher()(groups, text)


class Hub:
    """One event loop's sockets by group, and the one subscription that feeds them."""

    def __init__(self) -> None:
        self.sockets: dict[str, set[Sender]] = {}
        self.groups_of: dict[Sender, set[str]] = {}
        self.stall_handlers: dict[Sender, StallHandler] = {}
        self.client = aioredis.Redis.from_url(
            settings.CHANNEL_LAYER_URL,
            socket_timeout=settings.CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS,
        )
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.lock = asyncio.Lock()  # subscribe and unsubscribe one at a time
        self.reader: asyncio.Task[None] | None = None
        self.background: set[asyncio.Task[None]] = set()

    async def join(self, group: str, sender: Sender, on_stall: StallHandler | None = None) -> None:
        async with self.lock:
            members = self.sockets.setdefault(group, set())
            members.add(sender)
            self.groups_of.setdefault(sender, set()).add(group)
            if on_stall is not None:
                self.stall_handlers[sender] = on_stall
            if len(members) == 1:
                await self.pubsub.subscribe(channel_for(group))
            if self.reader is None or self.reader.done():
                self.reader = asyncio.create_task(self.read())

    async def leave(self, group: str, sender: Sender) -> None:
        async with self.lock:
            self.forget(group, sender)
            await self.unsubscribe_if_empty(group)

    def forget(self, group: str, sender: Sender) -> None:
        """Stop delivering `group`'s events to `sender` (the subscription stays for now)."""
        self.sockets.get(group, set()).discard(sender)
        groups = self.groups_of.get(sender)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self.groups_of[sender]
                self.stall_handlers.pop(sender, None)

    async def unsubscribe_if_empty(self, group: str) -> None:
        """Under the lock: a group whose last socket left stops being read."""
        if group in self.sockets and not self.sockets[group]:
            del self.sockets[group]
            await self.pubsub.unsubscribe(channel_for(group))

    async def read(self) -> None:
        while True:
            try:
                if not self.pubsub.subscribed:
                    await asyncio.sleep(READ_WAIT_SECONDS)
                    continue
                message = await self.pubsub.get_message(timeout=READ_WAIT_SECONDS)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                # redis-py reconnects and subscribes again on the next read.
                logger.warning("live events: Redis read failed (%s); retrying", exc)
                await asyncio.sleep(READ_WAIT_SECONDS)
                continue
            if message is not None and message["type"] == "message":
                await self.deliver(message["channel"], message["data"])

    async def deliver(self, channel: bytes, data: bytes) -> None:
        group = channel.decode()[len(CHANNEL_PREFIX) :]
        text = data.decode()
        waiting = list(self.sockets.get(group, ()))
        while waiting:
            sender = None
            try:
                async with asyncio.timeout(STALL_SECONDS):
                    while waiting:
                        sender = waiting.pop()
                        try:
                            await sender(text)
                        except Exception:  # a socket closing under us must not stop the others
                            logger.debug("live events: a socket refused an event", exc_info=True)
            except TimeoutError:
                if sender is not None:
                    self.drop_stalled(sender)

    def drop_stalled(self, sender: Sender) -> None:
        """A socket that stopped reading: no more events for it, and it is told to go."""
        logger.info("live events: dropped a socket that stopped reading")
        groups = set(self.groups_of.get(sender, ()))
        on_stall = self.stall_handlers.get(sender)
        for group in groups:
            self.forget(group, sender)
        task = asyncio.create_task(self.after_drop(groups, on_stall))
        self.background.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self.background.discard)

    async def after_drop(self, groups: set[str], on_stall: StallHandler | None) -> None:
        async with self.lock:
            for group in groups:
                await self.unsubscribe_if_empty(group)
        if on_stall is not None:
            try:
                await on_stall()
            except Exception:  # the connection went on its own meanwhile: nothing to close
                logger.debug("live events: a dropped socket could not be closed", exc_info=True)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The running loop's hub (a server process has one loop; tests may start several)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]
