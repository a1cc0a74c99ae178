"""One address in front of several CPU model servers: each request goes to the least busy.

llama-cpp-python's server generates one reply at a time, and on two cores two servers
draft 1.7-2.4x as many replies per second as one (benchmarks/parallel_generation.py).
The stack therefore runs several servers and puts this balancer at LLM_BASE_URL, so
every caller (the drafting backend, streaming, the model health probe, the style
rewriter) keeps one URL and the spreading is exact across all the worker's processes,
which a per-process picker could not see.

A plain ASGI app under uvicorn: the request is forwarded as it came, the answer streamed
back chunk by chunk (server-sent events included); a caller that hangs up closes the
upstream request too. An upstream that refuses the connection is skipped for the next
one; the request fails only when none takes it.

Run: python -m stack.llm_balancer --port PORT --upstream URL[,URL...]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# Headers that describe one hop, not the message: httpx and uvicorn set their own.
HOP_HEADERS = {b"host", b"connection", b"keep-alive", b"transfer-encoding", b"content-length"}


class Upstreams:
    """The servers and how many requests each is answering now."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = [url.rstrip("/") for url in urls]
        self.in_flight = dict.fromkeys(self.urls, 0)
        # Ties go round, so an idle pool still spreads one-at-a-time requests.
        self.turns = itertools.cycle(range(len(self.urls)))

    def by_preference(self) -> list[str]:
        start = next(self.turns)
        rotated = self.urls[start:] + self.urls[:start]
        return sorted(rotated, key=lambda url: self.in_flight[url])


class Balancer:
    def __init__(self, upstreams: Upstreams) -> None:
        self.upstreams = upstreams
        # No timeout of its own: the caller's timeout is the one that counts.
        self.client = httpx.AsyncClient(timeout=None, trust_env=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_HEADERS]
        target = scope["raw_path"] or scope["path"].encode()
        if scope.get("query_string"):
            target += b"?" + scope["query_string"]
        for url in self.upstreams.by_preference():
            self.upstreams.in_flight[url] += 1
            try:
                request = self.client.build_request(
                    scope["method"], url + target.decode(), headers=headers, content=body
                )
                response = await self.client.send(request, stream=True)
            except httpx.ConnectError:
                self.upstreams.in_flight[url] -= 1
                continue
            try:
                await relay_until_gone(response, send, receive)
            finally:
                await response.aclose()
                self.upstreams.in_flight[url] -= 1
            return
        await answer(send, 502, b'{"error": "no model server is reachable"}')

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def relay(response: httpx.Response, send: Send) -> None:
    headers = [(k.lower(), v) for k, v in response.headers.raw if k.lower() not in HOP_HEADERS]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    async for chunk in response.aiter_raw():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def relay_until_gone(response: httpx.Response, send: Send, receive: Receive) -> None:
    """Relay the answer, unless the caller hangs up first (a draft stopped because the
    customer wrote again): then the upstream connection is closed too, so the model server
    stops generating for nobody, as it does when its own client goes."""
    relaying = asyncio.ensure_future(relay(response, send))
    gone = asyncio.ensure_future(disconnected(receive))
    await asyncio.wait({relaying, gone}, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    if not relaying.done():
        relaying.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    results = await asyncio.gather(relaying, return_exceptions=True)
    if isinstance(results[0], Exception):
        raise results[0]


async def disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="comma-separated server URLs")
    args = parser.parse_args()
    app = Balancer(Upstreams([url for url in args.upstream.split(",") if url]))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
