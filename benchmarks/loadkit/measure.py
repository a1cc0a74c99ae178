"""Measurement shared by both servers: the clients' sockets, what a run measured, the
open-loop sender, the drain and the percentiles."""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.loadkit.config import DRAIN_LIMIT
from benchmarks.loadkit.light_socket import LightSocket, open_light_socket

# -- measurement, shared by both servers ---------------------------------------------


@dataclass
class Receiver:
    """One operator's socket: when each message.created event reached it."""

    arrivals: dict[int, float] = field(default_factory=dict)
    # "committed_at" as the events carry it (the baseline's stamp), by message id.
    stamps: dict[int, float] = field(default_factory=dict)
    duplicates: int = 0
    socket: LightSocket | None = None

    def record(self, raw: bytes) -> None:
        """Called by the socket for each text message, as it completes."""
        now = time.time()
        if b"message.created" not in raw:
            return
        event = json.loads(raw)
        if event.get("type") != "message.created":
            return
        message_id = event["message_id"]
        if message_id in self.arrivals:
            self.duplicates += 1
        self.arrivals[message_id] = now
        if "committed_at" in event:
            self.stamps[message_id] = event["committed_at"]

    async def listen(self, stamps: dict[int, float]) -> None:
        """Share the run's stamps, then wait until the connection closes."""
        stamps.update(self.stamps)
        self.stamps = stamps
        if self.socket is not None:
            await self.socket.closed


@dataclass
class Fanout:
    """What one run measured: per message its start time, per client its arrivals."""

    receivers: list[Receiver]
    stamps: dict[int, float] = field(default_factory=dict)  # message id -> "commit" time
    attempted: int = 0
    # Stored (ours) or published (baseline): what every client must get.
    expected_ids: set[int] = field(default_factory=set)
    send_seconds: float = 0.0  # from the first message sent to the last
    ignored: set[int] = field(default_factory=set)  # the warm-up message
    closed_early: int = 0  # sockets the server closed before the benchmark closed them
    # CPU seconds used from the first message to the end of the drain, and the wall time.
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    window: float = 0.0
    started_at: float = 0.0  # epoch seconds of the first message

    async def measure(self, server: int, work: Coroutine[None, None, None]) -> None:
        server_before, client_before = cpu_seconds(server), time.process_time()
        started, self.started_at = time.monotonic(), time.time()
        await work
        self.window = time.monotonic() - started
        self.server_cpu = cpu_seconds(server) - server_before
        self.client_cpu = time.process_time() - client_before

    def latencies(self, starts: dict[int, float] | None = None) -> list[float]:
        starts = self.stamps if starts is None else starts
        return [
            (arrived - starts[message_id]) * 1000
            for receiver in self.receivers
            for message_id, arrived in receiver.arrivals.items()
            if message_id in starts and message_id in self.expected_ids
        ]

    def expected(self) -> int:
        return len(self.expected_ids) * len(self.receivers)

    def received(self) -> int:
        return sum(len(r.arrivals.keys() & self.expected_ids) for r in self.receivers)

    def missed(self) -> tuple[int, int]:
        """Messages that no client got, and messages that some clients got and some not."""
        got = [sum(m in r.arrivals for r in self.receivers) for m in self.expected_ids]
        return got.count(0), sum(0 < n < len(self.receivers) for n in got)

    def all_arrived(self, messages: int) -> bool:
        return all(len(r.arrivals) >= messages for r in self.receivers)


def cpu_seconds(pid: int) -> float:
    """User + system CPU so far of a process and its children (uvicorn's workers), all
    their threads (Linux /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that just exited
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return math.nan, math.nan, math.nan
    return percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99)


async def open_sockets(url: str, origin: str, cookies: list[str]) -> list[Receiver]:
    """Every client at once, as operators opening the inbox; any refusal ends the run."""
    receivers = [Receiver() for _ in cookies]
    sockets = await asyncio.gather(
        *(
            open_light_socket(url, origin, cookie or None, receiver.record, timeout=30)
            for receiver, cookie in zip(receivers, cookies, strict=True)
        )
    )
    for receiver, socket in zip(receivers, sockets, strict=True):
        receiver.socket = socket
    return receivers


async def paced(
    count: int, rate: float, send: Callable[[int], Coroutine[None, None, None]]
) -> float:
    """Open loop: message i leaves at start + i/rate whether or not earlier ones are done
    (a server that falls behind shows as latency, not as a slower sender)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending: list[asyncio.Task[None]] = []
    for i in range(count):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(send(i)))
    last_sent = loop.time() - start
    await asyncio.gather(*pending)
    return last_sent


async def drain(fanout: Fanout, messages: int, quiet: float) -> None:
    """Wait until every client has `messages` events, or none arrived for `quiet` seconds
    (a server still working through a backlog keeps delivering), at most DRAIN_LIMIT."""
    deadline = time.monotonic() + DRAIN_LIMIT
    seen, progress_at = -1, time.monotonic()
    while not fanout.all_arrived(messages):
        now = time.monotonic()
        arrived = sum(len(r.arrivals) for r in fanout.receivers)
        if arrived != seen:
            seen, progress_at = arrived, now
        if now - progress_at >= quiet or now >= deadline:
            return
        await asyncio.sleep(0.05)


async def close_all(fanout: Fanout, listeners: list[asyncio.Task[None]]) -> None:
    fanout.closed_early = sum(listener.done() for listener in listeners)
    for receiver in fanout.receivers:
        if receiver.socket is not None:
            receiver.socket.close()
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
