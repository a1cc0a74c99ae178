"""The baseline: a bare broadcast server written with the `websockets` package, run in its
own process, and the same fan-out against it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from benchmarks.loadkit.config import LOAD_SCRIPT, ROOT
from benchmarks.loadkit.measure import Fanout, close_all, drain, open_sockets, paced, stop
from stack import free_port, wait_for_port

# -- baseline: a bare websockets broadcast server ------------------------------------------


async def serve_baseline(port: int) -> None:
    """Subscribers connect anywhere; the publisher connects to /publish and each message
    it sends is stamped and sent to every subscriber, awaiting each send (lossless)."""
    subscribers: set[ServerConnection] = set()

    async def handler(connection: ServerConnection) -> None:
        if connection.request is None or connection.request.path != "/publish":
            subscribers.add(connection)
            try:
                await connection.wait_closed()
            finally:
                subscribers.discard(connection)
            return
        async for raw in connection:
            committed = time.time()
            message = json.loads(raw)
            event = json.dumps(
                {
                    "conversation_id": message["conversation_id"],
                    "message_id": message["id"],
                    "seq": message["seq"],
                    "direction": "in",
                    "type": "message.created",
                    "committed_at": committed,
                }
            )
            for subscriber in list(subscribers):
                with contextlib.suppress(ConnectionClosed):
                    await subscriber.send(event)

    # Frames go uncompressed, as from our server (stack.processes.web_server_command).
    async with serve(handler, "127.0.0.1", port, compression=None) as server:
        await server.serve_forever()


async def run_baseline(
    cookies: list[str], traffic: list[tuple[str, str]], rate: float, drain_seconds: float
) -> Fanout:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(LOAD_SCRIPT), "--baseline-server", str(port)], cwd=ROOT
    )
    try:
        await asyncio.to_thread(wait_for_port, port, "baseline server")
        origin = f"http://127.0.0.1:{port}"
        fanout = Fanout(await open_sockets(f"ws://127.0.0.1:{port}/inbox", origin, cookies))
        listeners = [asyncio.create_task(r.listen(fanout.stamps)) for r in fanout.receivers]
        async with connect(f"ws://127.0.0.1:{port}/publish", proxy=None) as publisher:
            seqs: dict[str, int] = {}

            async def send(i: int) -> None:
                contact, text = traffic[i]
                seqs[contact] = seqs.get(contact, 0) + 1
                message = {"id": i, "conversation_id": contact, "seq": seqs[contact]}
                await publisher.send(json.dumps({**message, "text": text}))

            warm_up = len(traffic)
            fanout.ignored.add(warm_up)
            await publisher.send(json.dumps({"id": warm_up, "conversation_id": "", "seq": 0}))
            await drain(fanout, 1, drain_seconds)

            async def load() -> None:
                fanout.attempted = len(traffic)
                fanout.expected_ids = set(range(len(traffic)))
                fanout.send_seconds = await paced(len(traffic), rate, send)
                await drain(fanout, len(traffic) + 1, drain_seconds)

            await fanout.measure(server.pid, load())
        await close_all(fanout, listeners)
        return fanout
    finally:
        stop(server)
