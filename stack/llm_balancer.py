"""One address in front of several CPU model servers: each request goes to the least busy.

llama-cpp-python's server generates one reply at a time, and on two cores two servers
draft 1.7-2.4x as many replies per second as one (benchmarks/parallel_generation.py).
The stack therefore runs several servers and puts this balancer at LLM_BASE_URL, so
every caller (the drafting backend, streaming, the model health probe, the style
rewriter) keeps one URL and the spreading is exact across all the worker's processes,
which a per-process picker could not see.

It is also where drafts wait their turn. A server takes one generation at a time
(llama.cpp would queue a second behind its lock, in an order nobody chose), and the rest
wait here: first the streamed drafts an operator has open on screen (the caller says so
with the X-Draft-Watched header), then other streamed drafts (first options), then the
rest, which only fill in the set below a first option. So a customer's newest message is
not kept waiting behind the second and third options of older ones, and in a burst the
conversation an operator is looking at is not kept behind the drafts of the others.
Requests that generate nothing (the health probe's model list) never wait.

`./dev run` also keeps one server for watched drafts alone (--kept-for-watched), so such
a draft never waits for another to finish, and gives the balancer the servers' process
ids (--pause-pids) so that the others pause while it reads its prompt (stack.llm_pause).

A plain ASGI app under uvicorn: the request is forwarded as it came, the answer streamed
back chunk by chunk (server-sent events included); a caller that hangs up, while waiting
or mid-stream, closes the upstream request too. An upstream that refuses the connection is
skipped for the next one; the request fails only when none takes it.

Run: python -m stack.llm_balancer --port PORT --upstream URL[,URL...]
     [--kept-for-watched N] [--pause-pids PID[,PID...]]
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from stack.llm_pause import Pauser

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# Headers that describe one hop, not the message: httpx and uvicorn set their own.
HOP_HEADERS = {b"host", b"connection", b"keep-alive", b"transfer-encoding", b"content-length"}


# What a request waits with (lower first): streamed drafts an operator is watching, other
# streamed drafts, then the rest.
WATCHED, STREAMED, FILLING_IN = 0, 1, 2
WATCHED_HEADER = b"x-draft-watched"
# The caller says how long it waits (mlops.llm.TIMEOUT_HEADER). A request that has not got
# a server while a generation's time is still left is answered 503 with BUSY_HEADER: the
# caller falls back at once and does not count it as a server failure (which in a burst
# would open the circuit and send everyone to fallbacks), and no server starts work that
# would be given up on half-way.
TIMEOUT_HEADER = b"x-request-timeout-ms"
BUSY_HEADER = b"x-model-busy"
GENERATION_ALLOWANCE_S = 3.0  # a ~100-token reply on the CPU model, on a busy machine


class Upstreams:
    """The servers, which are free, and the generations waiting for one (best first).

    The last `kept_for_watched` servers take only watched drafts: in a burst every other
    server is busy with a whole generation (~2 s on the CPU model), and a watched draft
    that waited for one to finish would leave the operator looking at nothing that long.
    """

    def __init__(self, urls: list[str], per_server: int = 1, kept_for_watched: int = 0) -> None:
        self.urls = [url.rstrip("/") for url in urls]
        if not 0 <= kept_for_watched < len(self.urls):
            raise ValueError("at least one server must take drafts nobody is watching")
        self.kept = set(self.urls[len(self.urls) - kept_for_watched :] if kept_for_watched else [])
        self.free = dict.fromkeys(self.urls, per_server)
        self.waiting: list[tuple[int, int, asyncio.Future[str], frozenset[str]]] = []
        self.arrivals = itertools.count()
        # Ties go round, so an idle pool still spreads one-at-a-time requests.
        self.turns = itertools.cycle(range(len(self.urls)))

    def by_preference(self) -> list[str]:
        """Every server, the freest first: for requests that generate nothing."""
        start = next(self.turns)
        rotated = self.urls[start:] + self.urls[:start]
        return sorted(rotated, key=lambda url: -self.free[url])

    async def acquire(self, rank: int, avoid: frozenset[str] = frozenset()) -> str | None:
        """A free server not in `avoid`, once this request's turn comes; None when every
        server is to be avoided. A cancelled wait (the caller hung up) leaves the line."""
        if avoid >= set(self.urls):
            return None
        turn: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (rank, next(self.arrivals), turn, avoid))
        self.hand_out()
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release(turn.result())  # handed out as the caller left: give it back
            raise

    def open_to(self, rank: int) -> list[str]:
        """The servers a request of this rank may take, best first: a watched draft takes a
        server kept for it first, so the others stay with the rest of the queue."""
        if rank != WATCHED:
            return [url for url in self.by_preference() if url not in self.kept]
        return sorted(self.by_preference(), key=lambda url: url not in self.kept)

    def release(self, url: str) -> None:
        self.free[url] += 1
        self.hand_out()

    def hand_out(self) -> None:
        """Give free servers to the waiting requests in order of rank, then arrival."""
        kept = []
        while self.waiting:
            entry = heapq.heappop(self.waiting)
            rank, turn, avoid = entry[0], entry[2], entry[3]
            if turn.done():
                continue  # its caller has gone
            url = next((u for u in self.open_to(rank) if self.free[u] and u not in avoid), None)
            if url is None:
                kept.append(entry)
                continue
            self.free[url] -= 1
            turn.set_result(url)
        for entry in kept:
            heapq.heappush(self.waiting, entry)


def rank_of(body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """Watched drafts (streamed, or the batch that replaces a rejected streamed one), then
    other streamed requests, then the rest (the module's docstring)."""
    if any(k.lower() == WATCHED_HEADER and v.strip() == b"1" for k, v in headers):
        return WATCHED
    try:
        streamed = bool(json.loads(body).get("stream"))
    except (ValueError, AttributeError):
        streamed = False
    return STREAMED if streamed else FILLING_IN


class Balancer:
    def __init__(self, upstreams: Upstreams, pauser: Pauser | None = None) -> None:
        self.upstreams = upstreams
        self.pauser = pauser or Pauser({})
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
        if scope["method"] != "POST":
            await self.forward_now(scope, target, headers, body, send, receive)
            return
        rank, tried = rank_of(body, headers), frozenset[str]()
        limit = longest_wait(headers)
        while True:
            try:
                url = await wait_for_turn(self.upstreams, rank, tried, receive, limit)
            except CallerGone:
                return
            except WaitedTooLong:
                await answer(
                    send, 503, b'{"error": "every model server is busy"}', [(BUSY_HEADER, b"1")]
                )
                return
            if url is None:
                break
            # The others go on at this draft's first token (relay_until_gone) at the latest.
            go_on = self.pauser.pause_others(url) if rank == WATCHED else None
            try:
                response = await self.client.send(
                    self.client.build_request(
                        scope["method"], url + target.decode(), headers=headers, content=body
                    ),
                    stream=True,
                )
            except httpx.ConnectError:
                if go_on:
                    go_on()
                self.upstreams.release(url)
                tried |= {url}
                continue
            try:
                await relay_until_gone(response, send, receive, on_first_event=go_on)
            finally:
                if go_on:
                    go_on()
                await response.aclose()
                self.upstreams.release(url)
            return
        await answer(send, 502, b'{"error": "no model server is reachable"}')

    async def forward_now(
        self, scope: Scope, target: bytes, headers: list, body: bytes, send: Send, receive: Receive
    ) -> None:
        """A request that generates nothing: to the freest server at once, never queued."""
        for url in self.upstreams.by_preference():
            request = self.client.build_request(
                scope["method"], url + target.decode(), headers=headers, content=body
            )
            try:
                response = await self.client.send(request, stream=True)
            except httpx.ConnectError:
                continue
            try:
                await relay_until_gone(response, send, receive)
            finally:
                await response.aclose()
            return
        await answer(send, 502, b'{"error": "no model server is reachable"}')

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.pauser.resume_all()
                await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def longest_wait(headers: list[tuple[bytes, bytes]]) -> float | None:
    """How long a request may wait for a server: its caller's timeout less a generation's
    time (a little, at least, for a server that is about to be free); None: no limit."""
    for key, value in headers:
        if key.lower() == TIMEOUT_HEADER:
            try:
                return max(int(value) / 1000 - GENERATION_ALLOWANCE_S, 0.05)
            except ValueError:
                return None
    return None


async def wait_for_turn(
    upstreams: Upstreams,
    rank: int,
    tried: frozenset[str],
    receive: Receive,
    limit: float | None = None,
) -> str | None:
    """A server for this request, or None when none is left to try. A caller that hangs up
    while waiting gives its place up (CallerGone), and so does one that has waited `limit`
    seconds (WaitedTooLong)."""
    turn = asyncio.ensure_future(upstreams.acquire(rank, tried))
    gone = asyncio.ensure_future(disconnected(receive))
    await asyncio.wait({turn, gone}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    if turn.done():
        return turn.result()
    turn.cancel()
    await asyncio.gather(turn, return_exceptions=True)
    if gone.done() and not gone.cancelled():
        raise CallerGone
    raise WaitedTooLong


class CallerGone(Exception):
    """The caller hung up while its request waited for a model server."""


class WaitedTooLong(Exception):
    """No model server came free while the caller still had time for a generation."""


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def relay(
    response: httpx.Response, send: Send, on_first_event: Callable[[], None] | None = None
) -> None:
    """Chunk by chunk; `on_first_event` is called once the first event has come (for a
    streamed draft, its first token: the prompt has been read)."""
    headers = [(k.lower(), v) for k, v in response.headers.raw if k.lower() not in HOP_HEADERS]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    async for chunk in response.aiter_raw():
        if on_first_event and b"data:" in chunk:
            on_first_event()
            on_first_event = None
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def relay_until_gone(
    response: httpx.Response,
    send: Send,
    receive: Receive,
    on_first_event: Callable[[], None] | None = None,
) -> None:
    """Relay the answer, unless the caller hangs up first (a draft stopped because the
    customer wrote again): then the upstream connection is closed too, so the model server
    stops generating for nobody, as it does when its own client goes."""
    relaying = asyncio.ensure_future(relay(response, send, on_first_event))
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


async def answer(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="comma-separated server URLs")
    parser.add_argument(
        "--kept-for-watched",
        type=int,
        default=0,
        help="how many of the last upstreams take only drafts an operator is watching",
    )
    parser.add_argument(
        "--pause-pids",
        default="",
        help="comma-separated process ids of the upstreams, in the same order: they are "
        "paused while a watched draft reads its prompt (stack.llm_pause)",
    )
    args = parser.parse_args()
    urls = [url.rstrip("/") for url in args.upstream.split(",") if url]
    pids = [int(pid) for pid in args.pause_pids.split(",") if pid]
    if pids and len(pids) != len(urls):
        parser.error("--pause-pids needs one process id per upstream")
    upstreams = Upstreams(urls, kept_for_watched=args.kept_for_watched)
    app = Balancer(upstreams, Pauser(dict(zip(urls, pids, strict=True)) if pids else {}))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
