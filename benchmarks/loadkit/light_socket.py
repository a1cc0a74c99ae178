"""A websocket client as light as the measurement allows, for the load benchmark's 50
listening operators.

The operators stand in for browsers on other machines; here they share the server's two
cores. With the `websockets` package's client they spent about 165 microseconds of CPU
on every delivery (12.4 s in a 19 s run), so the run measured the clients' appetite as
much as the server. This client parses frames straight from the socket in
`data_received` and hands each text frame to a callback: no queue, no task per frame.

It speaks what the pages' sockets need: the opening handshake (checked, including the
server's Sec-WebSocket-Accept), text frames (fragmented or not), ping (answered), close
(answered). It offers permessage-deflate as browsers do, and refuses to run against a
server that accepts it: it cannot inflate, and a benchmark that silently measured a
different server configuration than the one browsers get would be wrong.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

from benchmarks.loadkit.light_http import parse_head

# RFC 6455: the server proves it read our key by hashing it with this GUID.
HANDSHAKE_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x0, 0x8, 0x9, 0xA
HANDSHAKE_LIMIT = 16384  # bytes of response headers before we give up on the server


class HandshakeFailed(Exception):
    pass


def accept_for(key: bytes) -> bytes:
    return base64.b64encode(hashlib.sha1(key + HANDSHAKE_GUID).digest())


def client_frame(opcode: int, payload: bytes = b"") -> bytes:
    """A client frame must be masked (RFC 6455 5.3); control payloads are short."""
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


def handshake_request(url: str, key: bytes, origin: str, cookie: str | None) -> bytes:
    parts = urlsplit(url)
    lines = [
        f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key.decode()}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        f"Origin: {origin}",
        *([f"Cookie: {cookie}"] if cookie else []),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class LightSocket(asyncio.Protocol):
    """One client connection; `on_text` gets each text message's bytes as it completes."""

    def __init__(self, key: bytes, on_text: Callable[[bytes], None]) -> None:
        loop = asyncio.get_running_loop()
        self.key = key
        self.on_text = on_text
        self.buffer = bytearray()
        self.fragments: list[bytes] = []
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.opened.done() and not self.read_handshake():
            return
        self.read_frames()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeFailed("connection closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def read_handshake(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > HANDSHAKE_LIMIT:
                self.fail_handshake("response headers too long")
            return False
        status_line, headers = parse_head(bytes(self.buffer[:end]))
        del self.buffer[: end + 4]
        if status_line.split(" ")[1:2] != ["101"]:
            self.fail_handshake(f"server answered {status_line!r}")
        elif headers.get("sec-websocket-accept", "").encode() != accept_for(self.key):
            self.fail_handshake("wrong Sec-WebSocket-Accept")
        elif "permessage-deflate" in headers.get("sec-websocket-extensions", ""):
            self.fail_handshake("server compresses frames; this client cannot inflate them")
        else:
            self.opened.set_result(None)
            return True
        return False

    def fail_handshake(self, why: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeFailed(why))
        if self.transport is not None:
            self.transport.close()

    def read_frames(self) -> None:
        buffer, position, size = self.buffer, 0, len(self.buffer)
        while size - position >= 2:
            first, second = buffer[position], buffer[position + 1]
            length, header = second & 0x7F, 2
            if length == 126:
                header = 4
            elif length == 127:
                header = 10
            if size - position < header:
                break
            if header > 2:
                length = int.from_bytes(buffer[position + 2 : position + header], "big")
            if size - position < header + length:
                break
            start = position + header
            self.frame(first & 0x0F, bool(first & 0x80), bytes(buffer[start : start + length]))
            position = start + length
        del buffer[:position]

    def frame(self, opcode: int, final: bool, payload: bytes) -> None:
        if opcode in (TEXT, CONTINUATION):
            if final and not self.fragments:
                self.on_text(payload)
                return
            self.fragments.append(payload)
            if final:
                self.on_text(b"".join(self.fragments))
                self.fragments.clear()
        elif opcode == PING and self.transport is not None:
            self.transport.write(client_frame(PONG, payload))
        elif opcode == CLOSE:
            self.close(payload[:2])

    def close(self, code: bytes = (1000).to_bytes(2, "big")) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(CLOSE, code))
            self.transport.close()


async def open_light_socket(
    url: str, origin: str, cookie: str | None, on_text: Callable[[bytes], None], timeout: float
) -> LightSocket:
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16))
    loop = asyncio.get_running_loop()
    transport, socket = await loop.create_connection(
        lambda: LightSocket(key, on_text), parts.hostname or "127.0.0.1", parts.port or 80
    )
    socket.transport = transport  # uvloop may call connection_made after this returns
    transport.write(handshake_request(url, key, origin, cookie))
    async with asyncio.timeout(timeout):
        await socket.opened
    return socket
