"""A page that stops reading its events cannot hold up the other pages of its server process.

The real ASGI server (uvicorn, websockets-sansio) and two real websocket clients on one
inbox: one reads everything, the other stops reading after the handshake, as a frozen tab
or a link that died without closing does. Events large enough to fill the stalled
client's buffers are published through the real live-event publisher.
"""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
import websockets
from asgiref.sync import sync_to_async
from websockets.exceptions import ConnectionClosed

from conversations import live_hub
from conversations.consumers import TRY_AGAIN_LATER
from conversations.events import inbox_group
from tests.test_live_pipeline import session_cookie, ws_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_async_db_connections"),
]

# 100 events of 100 kB: more than twice what the stalled client's 16 kB receive buffer, the
# server's socket buffer (up to 4 MiB on Linux) and uvicorn's 64 KiB write buffer together
# can hold.
EVENTS = 100
PADDING = "x" * 100_000
# One stalled send costs the other pages at most live_hub.STALL_SECONDS; the reading page
# gets each event well within this.
READ_TIMEOUT = 10


def small_window_socket(server: str) -> socket.socket:
    """A client socket whose receive buffer stays small, so the server's fills soon."""
    host, port = server.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
    sock.connect((host, int(port)))
    return sock


async def test_a_page_that_stops_reading_is_dropped_and_the_others_keep_receiving(
    asgi_server, workspace, operator
):
    cookie = await sync_to_async(session_cookie)(operator)
    headers = {"Cookie": cookie, "Origin": asgi_server}
    url = ws_url(asgi_server, "/ws/w/acme/inbox/")
    group = inbox_group(workspace.id)
    async with (
        # max_queue=1: the client stops reading from its socket once one frame waits unread.
        websockets.connect(
            url, additional_headers=headers, sock=small_window_socket(asgi_server), max_queue=1
        ) as stalled,
        websockets.connect(url, additional_headers=headers) as reading,
    ):
        for n in range(EVENTS):
            event = json.dumps({"type": "test.filler", "n": n, "padding": PADDING})
            await sync_to_async(live_hub.publish)([group], event)

        received: list[dict] = []
        for _ in range(EVENTS):
            received.append(json.loads(await asyncio.wait_for(reading.recv(), READ_TIMEOUT)))
        assert [event["n"] for event in received] == list(range(EVENTS))

        # Reading again, the stalled page gets what was already on its way, then the close
        # that tells it to reconnect; none of the later events.
        seen: list[int] = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                try:
                    event = json.loads(await asyncio.wait_for(stalled.recv(), READ_TIMEOUT))
                except TimeoutError:
                    pytest.fail(f"no close after {len(seen)} events")
                seen.append(event["n"])
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == TRY_AGAIN_LATER
        assert seen == list(range(len(seen)))
        assert len(seen) < EVENTS
