"""The burst benchmark's operator: one socket per open conversation, and what they saw."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from benchmarks.burst_setup import Bench, has_drafts


@dataclass
class Seen:
    """What the operator's sockets received, by (conversation id, seq): the first
    streamed frame, every `suggestions.ready`, and the first ready that brought the
    model's drafts (before them, a set may hold only the reply library's instant options)."""

    streamed: dict[tuple[int, int], float] = field(default_factory=dict)
    ready: dict[tuple[int, int], list[float]] = field(default_factory=dict)
    drafted: dict[tuple[int, int], float] = field(default_factory=dict)
    last_event_at: float = 0.0
    lookups: set[asyncio.Task[None]] = field(default_factory=set)

    async def record(self, event: dict) -> None:
        now = time.time()
        key = (int(event.get("conversation_id", 0)), int(event.get("seq", 0)))
        if event.get("type") == "suggestions.streaming":
            self.streamed.setdefault(key, now)
        elif event.get("type") == "suggestions.ready":
            self.ready.setdefault(key, []).append(now)
            if key not in self.drafted and await asyncio.to_thread(
                has_drafts, int(event["suggestion_set_id"])
            ):
                self.drafted.setdefault(key, now)
        else:
            return
        self.last_event_at = now


class Operator:
    """One operator with every conversation of the run open: a socket per conversation,
    including one the journey ended and a later message opened again."""

    def __init__(self, origin: str, bench: Bench, seen: Seen) -> None:
        self.origin, self.bench, self.seen = origin, bench, seen
        self.following: set[int] = set()
        self.sockets: list[ClientConnection] = []
        self.listeners: list[asyncio.Task[None]] = []
        self.reopened = 0

    async def open(self, conversation_ids: list[int]) -> None:
        ws = self.origin.replace("http://", "ws://")
        wanted = [c for c in conversation_ids if c not in self.following]
        self.following.update(wanted)
        opened = await asyncio.gather(
            *(
                connect(
                    f"{ws}/ws/w/{self.bench.slug}/c/{conversation_id}/",
                    origin=Origin(self.origin),
                    additional_headers={"Cookie": self.bench.cookie},
                    proxy=None,
                    ping_interval=None,
                    open_timeout=30,
                )
                for conversation_id in wanted
            )
        )
        self.sockets += opened
        self.listeners += [asyncio.create_task(listen(socket, self.seen)) for socket in opened]

    async def follow(self, conversation_id: int) -> None:
        if conversation_id not in self.following:
            self.reopened += 1
            await self.open([conversation_id])

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)
        for listener in self.listeners:
            listener.cancel()
        await asyncio.gather(*self.listeners, return_exceptions=True)


async def listen(socket: ClientConnection, seen: Seen) -> None:
    try:
        async for raw in socket:
            # Its own task: a lookup for one event never holds up the next one's stamp.
            task = asyncio.create_task(seen.record(json.loads(raw)))
            seen.lookups.add(task)
            task.add_done_callback(seen.lookups.discard)
    except ConnectionClosed:
        pass


@asynccontextmanager
async def watching(bench: Bench, port: int) -> AsyncIterator[tuple[httpx.AsyncClient, Operator]]:
    """The operator with every conversation of the run open, and an API client of the
    run's workspace to send the customers' messages with; both closed at the end."""
    origin = f"http://127.0.0.1:{port}"
    operator = Operator(origin, bench, Seen())
    await operator.open(bench.conversations)
    try:
        async with httpx.AsyncClient(
            base_url=origin, headers={"X-API-Key": bench.api_key}, timeout=30, trust_env=False
        ) as http:
            yield http, operator
    finally:
        await operator.close()
