"""Live fan-out under load: operators watching one inbox while messages pour in.

`--clients` operators (real users, members of one workspace as operators, each with a
real Django session cookie and the page's Origin) hold the inbox websocket open on a
real uvicorn server, while chat lines replayed from the chitchat-dataset wheel arrive
through `POST /api/messages` at `--rate` messages/s for `--seconds`. Each client records
when each `message.created` event reaches it. The same fan-out (same count, rate, clients
and client code) then runs against a bare broadcast server written with the `websockets`
package, in its own process, as the baseline; the ratios of the percentiles end the run.

What "commit" means here. Our events carry ids, not times, so the start of each latency
is derived from the event: the message row's `created_at`, read back from the database
by the event's `message_id`. It is stamped in the web process (same clock as the
clients) inside the ingest transaction, just before the INSERT; the commit comes a few
statements later and the broadcast only after it. So the figure is commit-to-client plus
the tail of that transaction: an upper bound, never flattering. The API response is no
better a start: it leaves after the broadcast, and events often arrive before it (the
run prints that lower bound too). The baseline stamps each message as its server takes
it in, just before it broadcasts: its "commit".

Celery workers do not run. The machine has two cores and the measure is the live
fan-out: perception and suggestions at 100 messages/s would take the cores and turn the
figure into one of a CPU backlog the baseline does not carry. The web process still
queues each message's perception task as in production, into a scratch Redis database
(`CELERY_BROKER_URL`, emptied afterwards) that no worker reads, so nothing of this run
is ever analysed by a `./dev run` worker. Without workers the inbox gets no
`message.analysed`/`suggestions.ready` events, which in production share the same path.

The sender is open-loop (message i leaves at i/rate whatever happened to earlier ones)
with at most 100 requests in flight, like a sender with a connection pool; a message that
finds no free connection within 30 s is counted as not sent, and an answer may take 30 s.
The API key's rate limit (1,200/minute by default) is raised for this server only so
100 messages/s are not refused. The web server logs at INFO, because that is where
channels_redis says it dropped an event for a full channel; the run counts those lines.

Loss is counted against what was committed: every inbound row of the workspace, read back
after the server stopped, times the clients. Everything the run creates (workspace
`bench-load`, its users, their sessions) is removed at the end, and leftovers of an
interrupted run at the start. Only 127.0.0.1 is used. The run is bounded: the sends, then
deliveries until none arrived for `--drain` seconds (at most DRAIN_LIMIT).

Run: ./dev bench load [--clients 50] [--rate 100] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from stack import free_port, wait_for_port, web_server_command

if TYPE_CHECKING:
    from core.models import Workspace

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-load"
USER_PREFIX = "bench-load-operator-"
PERSONA = "Bench"
# REDIS_URL's database + this: a broker no worker reads (the app uses + 0, 1 and 2).
SCRATCH_BROKER_OFFSET = 9
WEB_LOG = ROOT / "var" / "bench-load-web.log"
DRAIN_LIMIT = 180  # seconds after the last send, whatever happens
CONNECTIONS = 100  # HTTP requests in flight at most, as a sender with a connection pool
HTTP_TIMEOUT = 30  # seconds a message may wait for a connection, and then for its answer


# -- measurement, shared by both servers ---------------------------------------------


@dataclass
class Receiver:
    """One operator's socket: when each message.created event reached it."""

    socket: ClientConnection
    arrivals: dict[int, float] = field(default_factory=dict)
    duplicates: int = 0

    async def listen(self, stamps: dict[int, float]) -> None:
        try:
            async for raw in self.socket:
                now = time.time()
                event = json.loads(raw)
                if event.get("type") != "message.created":
                    continue
                message_id = event["message_id"]
                if message_id in self.arrivals:
                    self.duplicates += 1
                self.arrivals[message_id] = now
                if "committed_at" in event:
                    stamps[message_id] = event["committed_at"]
        except ConnectionClosed:
            pass


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
    """User + system CPU of a process so far, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    sockets = await asyncio.gather(
        *(
            connect(
                url,
                origin=Origin(origin),
                additional_headers={"Cookie": cookie} if cookie else None,
                proxy=None,
                # Browsers do not ping; the servers keep their own keepalive.
                ping_interval=None,
                open_timeout=30,
            )
            for cookie in cookies
        )
    )
    return [Receiver(socket) for socket in sockets]


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
    await asyncio.gather(*(r.socket.close() for r in fanout.receivers), return_exceptions=True)
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


# -- the replayed traffic --------------------------------------------------------------


def replay(count: int, contacts: int) -> list[tuple[str, str]]:
    """(contact, line) pairs: `contacts` chitchat conversations at a time, interleaved,
    each contact sending its conversation's turns in order; a finished one is replaced
    by the next conversation of the dataset."""
    import chitchat_dataset
    from django.conf import settings

    chats = [
        lines
        for chat in chitchat_dataset.ConversationDataset()
        if (lines := [line.strip()[: settings.MESSAGE_MAX_CHARS] for line in chat if line.strip()])
    ]
    numbered: Iterator[tuple[int, list[str]]] = enumerate(itertools.cycle(chats))
    slots = [next(numbered) for _ in range(contacts)]
    cursors = [0] * contacts
    traffic: list[tuple[str, str]] = []
    while len(traffic) < count:
        slot = len(traffic) % contacts
        number, lines = slots[slot]
        if cursors[slot] == len(lines):
            slots[slot], cursors[slot] = next(numbered), 0
            number, lines = slots[slot]
        traffic.append((f"chitchat-{number}", lines[cursors[slot]]))
        cursors[slot] += 1
    return traffic


# -- ours: uvicorn + Django + Channels over Redis ------------------------------------------


@dataclass
class Bench:
    workspace: Workspace
    api_key: str
    cookies: list[str]
    session_keys: list[str]


def remove_leftovers() -> None:
    from django.contrib.auth import get_user_model

    from core.models import Workspace

    Workspace.objects.filter(slug=SLUG).delete()
    get_user_model().objects.filter(username__startswith=USER_PREFIX).delete()


def session_for(user) -> str:
    """A session as django.contrib.auth.login() writes it, in the configured store."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def prepare(clients: int) -> Bench:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from core.models import ApiKey, Membership, Role, Workspace
    from personas.models import Persona

    remove_leftovers()
    workspace = Workspace.objects.create(name="Load benchmark", slug=SLUG)
    Persona.objects.create(workspace=workspace, name=PERSONA)
    api_key = ApiKey.issue(workspace, "load benchmark")
    session_keys = []
    for n in range(clients):
        # No password: nobody can log in as these users, only hold their sessions.
        user = get_user_model().objects.create_user(f"{USER_PREFIX}{n:03d}")
        Membership.objects.create(user=user, workspace=workspace, role=Role.OPERATOR)
        session_keys.append(session_for(user))
    cookies = [f"{settings.SESSION_COOKIE_NAME}={key}" for key in session_keys]
    return Bench(workspace, api_key, cookies, session_keys)


def clean_up(bench: Bench) -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for key in bench.session_keys:
        store.delete(key)
    remove_leftovers()


def scratch_broker_url() -> str:
    from django.conf import settings

    from dashboard.env import redis_database

    return redis_database(settings.REDIS_URL, SCRATCH_BROKER_OFFSET)


def empty_scratch_broker() -> None:
    import redis

    redis.Redis.from_url(scratch_broker_url()).flushdb()


def web_env(rate_limit: int) -> dict[str, str]:
    return {
        **os.environ,
        "CELERY_BROKER_URL": scratch_broker_url(),
        "API_RATE_PER_MINUTE": str(rate_limit),
        # channels_redis reports events it drops for a full channel at INFO only.
        "LOG_LEVEL": "INFO",
    }


def committed_at(bench: Bench) -> dict[int, float]:
    from conversations.models import Message

    rows = Message.objects.filter(workspace=bench.workspace, direction=Message.Direction.IN)
    return {pk: created.timestamp() for pk, created in rows.values_list("pk", "created_at")}


@dataclass
class ApiCalls:
    answered_at: dict[int, float] = field(default_factory=dict)  # message id -> response
    seconds: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def fail(self, why: str) -> None:
        self.failures[why] = self.failures.get(why, 0) + 1


async def post_message(
    http: httpx.AsyncClient, calls: ApiCalls, external_id: str, contact: str, text: str
) -> int | None:
    body = {
        "channel": "api",
        "external_id": external_id,
        "contact": {"external_id": contact, "name": contact},
        "persona": PERSONA,
        "text": text,
    }
    started = time.perf_counter()
    try:
        response = await http.post("/api/messages", json=body)
    except httpx.HTTPError as exc:
        calls.fail(type(exc).__name__)
        return None
    answered = time.time()
    calls.seconds.append((time.perf_counter() - started) * 1000)
    if response.status_code != 201:
        calls.fail(f"HTTP {response.status_code}")
        return None
    message_id = int(response.json()["message_id"])
    calls.answered_at[message_id] = answered
    return message_id


async def run_ours(
    bench: Bench, traffic: list[tuple[str, str]], rate: float, drain_seconds: float
) -> tuple[Fanout, ApiCalls]:
    port = free_port()
    WEB_LOG.parent.mkdir(parents=True, exist_ok=True)
    with WEB_LOG.open("wb") as log:
        server = subprocess.Popen(
            web_server_command(port),
            cwd=ROOT,
            env=web_env(rate_limit=max(1200, 2 * len(traffic) + 100)),
            stdout=log,
            stderr=log,
        )
    try:
        await asyncio.to_thread(wait_for_port, port, "uvicorn")
        origin = f"http://127.0.0.1:{port}"
        url = f"ws://127.0.0.1:{port}/ws/w/{SLUG}/inbox/"
        fanout = Fanout(await open_sockets(url, origin, bench.cookies))
        listeners = [asyncio.create_task(r.listen(fanout.stamps)) for r in fanout.receivers]
        calls = ApiCalls()
        # A sender with CONNECTIONS deliveries in flight; a message waits for a free one
        # here (httpx's own pool queue costs O(queued) per event and starved the clients).
        slots = asyncio.Semaphore(CONNECTIONS)
        limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        async with httpx.AsyncClient(
            base_url=origin,
            headers={"X-API-Key": bench.api_key},
            timeout=HTTP_TIMEOUT,
            limits=limits,
            trust_env=False,
        ) as http:
            # Warm-up (imports, first connections), its event awaited, then left out.
            warm_up = await post_message(http, calls, "warm-up", "warm-up", "hello")
            if warm_up is None:
                raise SystemExit(f"the warm-up POST failed: {calls.failures}; see {WEB_LOG}")
            fanout.ignored.add(warm_up)
            await drain(fanout, 1, drain_seconds)
            calls = ApiCalls()

            async def send(i: int) -> None:
                contact, text = traffic[i]
                try:
                    async with asyncio.timeout(HTTP_TIMEOUT):
                        await slots.acquire()
                except TimeoutError:
                    calls.fail(f"not sent, no free connection within {HTTP_TIMEOUT} s")
                    return
                try:
                    await post_message(http, calls, f"load-{i}", contact, text)
                finally:
                    slots.release()

            async def load() -> None:
                fanout.attempted = len(traffic)
                fanout.send_seconds = await paced(len(traffic), rate, send)
                stored = len(calls.answered_at) + 1  # with the warm-up
                await drain(fanout, stored, drain_seconds)

            await fanout.measure(server.pid, load())
        await close_all(fanout, listeners)
        return fanout, calls
    finally:
        stop(server)


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

    async with serve(handler, "127.0.0.1", port) as server:
        await server.serve_forever()


async def run_baseline(
    cookies: list[str], traffic: list[tuple[str, str]], rate: float, drain_seconds: float
) -> Fanout:
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--baseline-server", str(port)], cwd=ROOT)
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


# -- report ------------------------------------------------------------------------------


def report_fanout(name: str, fanout: Fanout) -> tuple[float, float, float]:
    received = fanout.received()
    latencies = fanout.latencies()
    p50, p95, p99 = percentiles(latencies)
    duplicates = sum(r.duplicates for r in fanout.receivers)
    print(name)
    achieved = (fanout.attempted - 1) / fanout.send_seconds if fanout.send_seconds else math.nan
    print(
        f"  {fanout.attempted} messages issued over {fanout.send_seconds:.1f} s "
        f"({achieved:.1f} msg/s); {len(fanout.expected_ids)} stored or published, each to "
        "be delivered to every client"
    )
    print(
        f"  deliveries expected {fanout.expected()}, received {received}, "
        f"lost {fanout.expected() - received}, duplicates {duplicates}"
    )
    if fanout.expected() != received:
        nobody, some = fanout.missed()
        print(
            f"    messages no client got: {nobody}; missed by some clients only: {some}; "
            f"sockets the server closed before the end: {fanout.closed_early}"
        )
    print(
        f"  commit-to-client  p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   p99 {p99:8.2f} ms"
        f"   max {max(latencies, default=math.nan):8.2f} ms"
    )
    print(
        f"  CPU from first message to last delivery ({fanout.window:.1f} s): server "
        f"{fanout.server_cpu:.1f} s, benchmark clients {fanout.client_cpu:.1f} s"
    )
    return p50, p95, p99


def report_api(fanout: Fanout, calls: ApiCalls) -> None:
    p50, p95, p99 = percentiles(calls.seconds)
    failures = ", ".join(f"{why}: {n}" for why, n in calls.failures.items()) or "none"
    stored = len(calls.answered_at)
    last = max(calls.answered_at.values(), default=fanout.started_at)
    ingested = stored / (last - fanout.started_at) if last > fanout.started_at else math.nan
    print(
        f"  POST /api/messages: {stored} stored (201, {ingested:.1f} msg/s from the first "
        f"send to the last answer), failures {failures}; round trip p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {p99:.1f} ms"
    )
    after_response = fanout.latencies(calls.answered_at)
    if after_response:
        early = sum(value < 0 for value in after_response) / len(after_response)
        low50, low95, low99 = percentiles(after_response)
        print(
            f"  from the API response instead (a lower bound): p50 {low50:.2f} ms, "
            f"p95 {low95:.2f} ms, p99 {low99:.2f} ms; {early:.0%} of events arrived "
            f"before the response"
        )


def report_web_log() -> None:
    """What the web server logged: channels_redis says (at INFO) when a group send finds
    a channel full and drops the event; a consumer that raised is an ASGI exception."""
    log = WEB_LOG.read_text(errors="replace")
    full = log.count("over capacity in group")
    crashed = log.count("Exception in ASGI application")
    if full or crashed:
        print(
            f"  web server log ({WEB_LOG.relative_to(ROOT)}): {full} group sends found a "
            f"channel over capacity, {crashed} ASGI exceptions (consumers that crashed)"
        )


def main(args: argparse.Namespace) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    django.setup()

    count = int(args.rate * args.seconds)
    traffic = replay(count, args.contacts)
    print(
        f"live fan-out: {args.clients} operator websockets on one workspace inbox; "
        f"{count} messages ({args.rate:g} msg/s for {args.seconds:g} s) replayed from "
        f"chitchat-dataset through POST /api/messages, {args.contacts} contacts at a time"
    )
    print(
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at start), loopback only. "
        "Celery workers: off (the measure is the live fan-out; tasks go to a scratch broker "
        "database no worker reads)"
    )
    print(
        "commit-to-client = client receipt - Message.created_at (stamped in the web process "
        "inside the ingest transaction, just before the INSERT; an upper bound); baseline: "
        "receipt - the server's stamp on taking the message in"
    )
    print()

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        bench = prepare(args.clients)
        try:
            ours, calls = runner.run(run_ours(bench, traffic, args.rate, args.drain))
            ours.stamps = committed_at(bench)
            ours.expected_ids = ours.stamps.keys() - ours.ignored
        finally:
            clean_up(bench)
            empty_scratch_broker()
        ours_p = report_fanout("ours: uvicorn + Django + Channels (Redis layer)", ours)
        report_api(ours, calls)
        report_web_log()
        print()
        baseline = runner.run(run_baseline(bench.cookies, traffic, args.rate, args.drain))
        base_p = report_fanout("baseline: bare websockets broadcast server", baseline)

    print()
    print(
        "ratio ours / baseline: "
        + "   ".join(
            f"{name} {mine / theirs:.1f}x"
            for name, mine, theirs in zip(("p50", "p95", "p99"), ours_p, base_p, strict=True)
        )
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (all processes on this machine)")
    lost = ours.expected() - ours.received()
    if lost or calls.failures:
        print(f"ours lost {lost} deliveries; API failures: {calls.failures or 'none'}")
        return 1
    return 0


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (uvicorn uses it too), for both runs alike."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=50, help="operator websockets")
    parser.add_argument("--rate", type=float, default=100, help="messages per second")
    parser.add_argument("--seconds", type=float, default=60, help="how long messages arrive")
    parser.add_argument("--contacts", type=int, default=100, help="contacts writing at once")
    parser.add_argument(
        "--drain",
        type=float,
        default=15,
        help="stop waiting for deliveries once none arrived for this many seconds",
    )
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.clients, args.rate, args.seconds, args.contacts) <= 0:
        parser.error("--clients, --rate, --seconds and --contacts must be positive")
    return args


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    if arguments.baseline_server:
        with asyncio.Runner(loop_factory=event_loop_factory()) as baseline_runner:
            baseline_runner.run(serve_baseline(arguments.baseline_server))
    else:
        sys.exit(main(arguments))
