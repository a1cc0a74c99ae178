"""The load benchmark's sender: HTTP/1.1 keep-alive connections, a request at a time on
each, taken from a queue of idle ones.

The sender stands in for the connectors of other machines. httpx spent about 3.5 ms of
CPU on each POST here (its pool scans every connection for an idle one on each request,
O(connections)), a third of a core at 100 messages/s on the server's own two cores. This
does only what the benchmark needs: JSON bodies, responses with Content-Length (uvicorn
always sends it for our API's answers), keep-alive, and one retry of a request whose
connection the server had closed while idle (it never read it, so it cannot be doubled;
the benchmark counts doubles anyway).
"""

from __future__ import annotations

import asyncio
import json
from typing import cast


def parse_head(head: bytes) -> tuple[str, dict[str, str]]:
    """A response's status line and its headers (names in lower case), from the bytes
    before the blank line; shared with the websocket handshake (light_socket.py)."""
    lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:])
    }
    return lines[0], headers


class ConnectionDropped(Exception):
    """The server closed the connection before answering."""


class HttpConnection(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.answer: asyncio.Future[tuple[int, bytes]] | None = None
        self.open = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(ConnectionDropped(str(exc or "closed by the server")))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.answer is not None and not self.answer.done():
            self.read_response()

    def read_response(self) -> None:
        assert self.answer is not None
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        status_line, headers = parse_head(bytes(self.buffer[:end]))
        if "content-length" not in headers:
            self.answer.set_exception(ValueError(f"no Content-Length in {status_line!r}"))
            return
        body_end = end + 4 + int(headers["content-length"])
        if len(self.buffer) < body_end:
            return
        body = bytes(self.buffer[end + 4 : body_end])
        del self.buffer[:body_end]
        if headers.get("connection", "").lower() == "close":
            self.open = False
        self.answer.set_result((int(status_line.split(" ")[1]), body))

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        try:
            return await self.answer
        finally:
            self.answer = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class LightHttpPool:
    """At most `size` connections to one server; a request waits for an idle one."""

    def __init__(self, host: str, port: int, size: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed_headers = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.idle: asyncio.Queue[HttpConnection | None] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(None)  # a slot not connected yet
        self.connections: list[HttpConnection] = []

    async def connect(self) -> HttpConnection:
        loop = asyncio.get_running_loop()
        transport, connection = await loop.create_connection(HttpConnection, self.host, self.port)
        connection.transport = cast(asyncio.Transport, transport)
        self.connections.append(connection)
        return connection

    async def take(self) -> HttpConnection | None:
        """An idle slot; waiting here is the sender having no free connection."""
        return await self.idle.get()

    def give_back(self, connection: HttpConnection | None) -> None:
        self.idle.put_nowait(connection if connection is not None and connection.open else None)

    async def post_json(
        self, connection: HttpConnection | None, path: str, body: dict
    ) -> tuple[HttpConnection, int, bytes]:
        """POST on the taken slot (connecting it if needed); the slot's connection, the
        status and the body come back. A kept-alive connection the server closed while
        idle is replaced once."""
        payload = json.dumps(body).encode()
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.fixed_headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode() + payload
        reused = connection is not None and connection.open
        if connection is None or not connection.open:
            connection = await self.connect()
        try:
            status, answer = await connection.exchange(request)
        except ConnectionDropped:
            if not reused:
                raise
            connection = await self.connect()
            status, answer = await connection.exchange(request)
        return connection, status, answer

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
