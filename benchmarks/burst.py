"""A burst of customer messages: how soon the operator sees drafts for the latest one.

Run: ./dev bench burst [--conversations 40] [--burst-seconds 10] [--tail-seconds 60]
(a smoke run: --conversations 8 --tail-seconds 15 --drain 90 takes about 4 minutes).

The whole stack is started here, as `./dev run` starts it (the CPU model servers behind
their balancer, uvicorn, a Celery worker per queue and beat), once per drafting order:

- latest (DRAFT_ORDER=latest, the default): work for a message the customer has already
  written past is dropped, and drafts are ordered by priority (conversations.presence);
- fifo (DRAFT_ORDER=fifo): every message is drafted, in arrival order.

Traffic, the same in both runs (a fixed random seed, lines replayed from the
chitchat-dataset wheel, through POST /api/messages): `--conversations` conversations each
send `--burst-messages` messages at random moments within `--burst-seconds`, then one
message a second (`--tail-rate`) goes to a random conversation for `--tail-seconds`.

One operator (a real user with a Django session cookie) has every conversation open: a
conversation websocket each, as the conversation page opens it. Note that an open page
marks its conversation watched, so every draft has the top priority in the latest run:
what differs between the runs is latest-wins. The sockets record, for each
conversation's latest customer message (its last one when the traffic stops), the time
from its POST to the first `suggestions.streaming` frame (the first streamed words; a
message whose drafts did not stream counts the `suggestions.ready` that brought its
drafts instead, and the run says how many did) and to its last `suggestions.ready` (the
complete set). A ready event's set is looked up to tell drafts from the reply library's
instant options, which may come first. A message whose drafts were the state's fallback
lines (the model timed out or its circuit was open) was never drafted, however soon its set
came: the run also prints the first-token figures over the messages the model drafted, and
how many got only fallback lines, so a mode that falls back a lot does not look fast.

Generations spent on superseded messages: messages whose drafts arrived after the
customer had written again (their ready event against the newer message's POST), plus
sets whose drafting was dropped part-way as superseded (`generation.superseded`, read
from the database). A conversation the journey ended is opened again by the next
message; the operator opens that one too, and the run counts them.

Bounded: after the last message, the run waits until every latest message has its set
and no event came for `--quiet` seconds, at most `--drain` seconds. Each run's tasks go
to a scratch broker database (emptied before and after) so no other worker takes them,
and everything the run created (workspace `bench-burst`, its operator) is removed.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

# Run as a script, this folder is sys.path[0]: import from the repository root instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.burst_operator import Operator, Seen, watching  # noqa: E402
from benchmarks.burst_setup import (  # noqa: E402
    Bench,
    clean_up,
    count_generations,
    fallback_messages,
    prepare,
)
from benchmarks.loadkit.measure import percentile  # noqa: E402
from stack.processes import start_llm_server, start_web_and_workers  # noqa: E402
from stack.services import ROOT, Stack, free_port  # noqa: E402

VAR_DIR = ROOT / "var" / "bench-burst"
SCRATCH_BROKER_OFFSET = 8  # REDIS_URL's database + this; the app uses + 0, 1 and 2
WARM_UP_LIMIT = 240  # seconds the first message (models loading) may take


@dataclass(frozen=True)
class Planned:
    at: float  # seconds after the start
    conversation: int  # index into Bench.conversations
    text: str


@dataclass
class Sent:
    conversation_id: int
    message_id: int
    seq: int
    sent_at: float


@dataclass
class Outcome:
    mode: str
    first_token_ms: list[float]
    complete_ms: list[float]
    from_ready: int  # latest messages whose first token is their first ready event
    not_ready: int  # latest messages without a set when the run stopped waiting
    # The same first-token times for the latest messages the model drafted; those whose
    # set is the fallback (`fell_back`) were never drafted, however soon their set came.
    drafted_first_token_ms: list[float]
    fell_back: int
    sent: int
    generations: dict[str, int]
    wall_s: float


def plan(args: argparse.Namespace) -> list[Planned]:
    from benchmarks.loadkit.traffic import replay

    rng = random.Random(19)
    moments = [
        (rng.uniform(0, args.burst_seconds), conversation)
        for conversation in range(args.conversations)
        for _ in range(args.burst_messages)
    ]
    tail = int(args.tail_seconds * args.tail_rate)
    moments += [
        (args.burst_seconds + i / args.tail_rate, rng.randrange(args.conversations))
        for i in range(tail)
    ]
    lines = [text for _contact, text in replay(len(moments), args.conversations)]
    return [Planned(at, c, text) for (at, c), text in zip(sorted(moments), lines, strict=True)]


def stack_env(mode: str, window_seconds: float) -> dict[str, str]:
    from django.conf import settings

    from dashboard.env import redis_database

    return {
        **os.environ,
        "DRAFT_ORDER": mode,
        "CELERY_BROKER_URL": redis_database(settings.REDIS_URL, SCRATCH_BROKER_OFFSET),
        # One operator opens a socket per conversation; the sender is one API key.
        "WEBSOCKET_RATE_PER_MINUTE": "10000",
        "API_RATE_PER_MINUTE": "10000",
        "LLM_DRAFTS_PER_MINUTE": "10000",
        # The sweeper looks only at this run's messages, not at a dev database's history.
        "PENDING_WORK_LOOKBACK_SECONDS": str(max(60, int(window_seconds))),
    }


def empty_scratch_broker(env: dict[str, str]) -> None:
    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()


def run_mode(mode: str, args: argparse.Namespace, traffic: list[Planned]) -> Outcome:
    bench = prepare(args.conversations + 1)  # the last one is the warm-up's
    window = args.burst_seconds + args.tail_seconds + args.drain + WARM_UP_LIMIT + 120
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    stack = Stack(var_dir=VAR_DIR, env=stack_env(mode, window))
    empty_scratch_broker(stack.env)
    try:
        start_llm_server(stack)
        port = free_port()
        start_web_and_workers(stack, port)
        sent, seen, wall, reopened = asyncio.run(drive(bench, port, args, traffic))
    finally:
        stack.stop_all()
        empty_scratch_broker(stack.env)
    try:
        generations = count_generations(bench, exclude=bench.conversations[-1])
        fallbacks = fallback_messages(bench, exclude=bench.conversations[-1])
    finally:
        clean_up(bench)
    return outcome(mode, sent, seen, {**generations, "reopened": reopened}, wall, fallbacks)


async def drive(
    bench: Bench, port: int, args: argparse.Namespace, traffic: list[Planned]
) -> tuple[list[Sent], Seen, float, int]:
    async with watching(bench, port) as (http, operator):
        seen = operator.seen
        await warm_up(http, bench, seen)
        started = time.monotonic()
        sent = await send_all(http, bench, traffic, operator)
        await settle(sent, seen, args)
        return sent, seen, time.monotonic() - started, operator.reopened


async def post(http: httpx.AsyncClient, bench: Bench, contact: str, text: str) -> Sent:
    body = {
        "channel": "api",
        "external_id": f"burst-{time.time_ns()}-{random.random()}",
        "contact": {"external_id": contact, "name": contact},
        "persona": bench.persona,
        "text": text,
    }
    sent_at = time.time()
    response = await http.post("/api/messages", json=body)
    if response.status_code != 201:
        raise SystemExit(f"POST /api/messages answered {response.status_code}: {response.text}")
    data = response.json()
    return Sent(data["conversation_id"], data["message_id"], data["seq"], sent_at)


async def warm_up(http: httpx.AsyncClient, bench: Bench, seen: Seen) -> None:
    """One message in a conversation of its own, its set awaited: models load in the
    workers and servers before the clock starts."""
    first = await post(http, bench, bench.contacts[-1], "hi there! how are you today?")
    deadline = time.monotonic() + WARM_UP_LIMIT
    while (first.conversation_id, first.seq) not in seen.ready:
        if time.monotonic() > deadline:
            raise SystemExit(f"the warm-up message got no suggestions in {WARM_UP_LIMIT} s")
        await asyncio.sleep(0.2)
    await asyncio.sleep(5)  # its remaining options, so they do not open the measure


async def send_all(
    http: httpx.AsyncClient, bench: Bench, traffic: list[Planned], operator: Operator
) -> list[Sent]:
    """Open loop: each message leaves at its planned moment, whatever came before. A
    message that opened a new conversation (the journey ended the old one) gets a socket
    too."""
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def send(item: Planned) -> Sent:
        await asyncio.sleep(max(0.0, start + item.at - loop.time()))
        sent = await post(http, bench, bench.contacts[item.conversation], item.text)
        await operator.follow(sent.conversation_id)
        return sent

    return list(await asyncio.gather(*(send(item) for item in traffic)))


def latest_messages(sent: list[Sent]) -> list[Sent]:
    latest: dict[int, Sent] = {}
    for message in sent:
        if (
            message.conversation_id not in latest
            or message.seq > latest[message.conversation_id].seq
        ):
            latest[message.conversation_id] = message
    return list(latest.values())


async def settle(sent: list[Sent], seen: Seen, args: argparse.Namespace) -> None:
    """Until every latest message has its drafts and nothing came for `quiet` s (the
    options after the first), or the limit."""
    keys = [(m.conversation_id, m.seq) for m in latest_messages(sent)]
    deadline = time.monotonic() + args.drain
    while time.monotonic() < deadline:
        drafted = all(key in seen.drafted for key in keys)
        if drafted and time.time() - seen.last_event_at >= args.quiet:
            return
        await asyncio.sleep(0.2)


def drafted_after_superseded(sent: list[Sent], seen: Seen) -> int:
    """Messages whose drafts arrived after the customer had written again."""
    count = 0
    for (conversation_id, seq), drafted_at in seen.drafted.items():
        count += any(
            m.conversation_id == conversation_id and m.seq > seq and m.sent_at < drafted_at
            for m in sent
        )
    return count


def outcome(
    mode: str,
    sent: list[Sent],
    seen: Seen,
    generations: dict[str, int],
    wall: float,
    fallbacks: set[tuple[int, int]],
) -> Outcome:
    first, complete, from_ready, not_ready = [], [], 0, 0
    drafted_first, fell_back = [], 0
    for message in latest_messages(sent):
        key = (message.conversation_id, message.seq)
        if key not in seen.drafted:
            not_ready += 1
            continue
        token_at = seen.streamed.get(key)
        if token_at is None:
            token_at, from_ready = seen.drafted[key], from_ready + 1
        first.append((token_at - message.sent_at) * 1000)
        complete.append((seen.ready[key][-1] - message.sent_at) * 1000)
        if key in fallbacks:
            fell_back += 1
        else:
            drafted_first.append(first[-1])
    stored = drafted_after_superseded(sent, seen)
    generations = {
        **generations,
        "stored_for_superseded": stored,
        "superseded": stored + generations["dropped"],
    }
    return Outcome(
        mode,
        first,
        complete,
        from_ready,
        not_ready,
        drafted_first,
        fell_back,
        len(sent),
        generations,
        wall,
    )


def p(values: list[float], fraction: float) -> float:
    return percentile(values, fraction) if values else math.nan


def show(result: Outcome) -> None:
    g = result.generations
    print(f"{result.mode}: {result.sent} messages, {len(result.complete_ms)} latest measured")
    print(
        f"  latest message -> first token   p50 {p(result.first_token_ms, 0.5):8.0f} ms   "
        f"p95 {p(result.first_token_ms, 0.95):8.0f} ms"
        + (
            f"   ({result.from_ready} from suggestions.ready: not streamed)"
            if result.from_ready
            else ""
        )
    )
    print(
        f"  latest message -> complete set  p50 {p(result.complete_ms, 0.5):8.0f} ms   "
        f"p95 {p(result.complete_ms, 0.95):8.0f} ms"
    )
    print(
        f"  drafted by the model: {len(result.drafted_first_token_ms)} latest messages, first "
        f"token p50 {p(result.drafted_first_token_ms, 0.5):8.0f} ms   p95 "
        f"{p(result.drafted_first_token_ms, 0.95):8.0f} ms; {result.fell_back} got only "
        "fallback lines (never drafted)"
    )
    print(
        f"  generations on superseded messages: {g['superseded']} "
        f"({g['stored_for_superseded']} sets stored for them, {g['dropped']} dropped "
        f"part-way); sets with drafts {g['sets']}, fallback sets {g['fallbacks']}"
    )
    print(
        f"  not ready when the run stopped waiting: {result.not_ready}; conversations the "
        f"journey ended and a message opened again: {g['reopened']}; first message to the "
        f"end: {result.wall_s:.0f} s"
    )


def ratio(mine: float, theirs: float) -> str:
    if theirs == 0 or math.isnan(mine) or math.isnan(theirs):
        return "n/a"
    return f"{mine / theirs:.2f}x"


def show_ratios(fifo: Outcome, latest: Outcome) -> None:
    pairs = [
        ("first token p50", p(fifo.first_token_ms, 0.5), p(latest.first_token_ms, 0.5)),
        ("p95", p(fifo.first_token_ms, 0.95), p(latest.first_token_ms, 0.95)),
        ("complete set p50", p(fifo.complete_ms, 0.5), p(latest.complete_ms, 0.5)),
        ("p95", p(fifo.complete_ms, 0.95), p(latest.complete_ms, 0.95)),
    ]
    drafted = [
        ("p50", p(fifo.drafted_first_token_ms, 0.5), p(latest.drafted_first_token_ms, 0.5)),
        ("p95", p(fifo.drafted_first_token_ms, 0.95), p(latest.drafted_first_token_ms, 0.95)),
    ]
    print("ratio fifo / latest: " + "   ".join(f"{n} {ratio(a, b)}" for n, a, b in pairs))
    print(
        "  first token of messages the model drafted: "
        + "   ".join(f"{n} {ratio(a, b)}" for n, a, b in drafted)
        + f" (fallback-only latest messages: fifo {fifo.fell_back}, latest {latest.fell_back})"
    )
    print(
        "superseded generations, fifo / latest: "
        f"{fifo.generations['superseded']} / {latest.generations['superseded']}"
    )


def main(args: argparse.Namespace) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    django.setup()
    traffic = plan(args)
    print(
        f"burst: {args.conversations} conversations x {args.burst_messages} messages within "
        f"{args.burst_seconds:g} s, then {args.tail_rate:g} msg/s to a random one for "
        f"{args.tail_seconds:g} s ({len(traffic)} messages); {os.cpu_count()} CPUs, load "
        f"average {os.getloadavg()[0]:.1f} at start",
        flush=True,
    )
    results = {}
    for mode in args.modes.split(","):
        results[mode] = run_mode(mode, args, traffic)
        show(results[mode])
        sys.stdout.flush()
    if {"fifo", "latest"} <= results.keys():
        show_ratios(results["fifo"], results["latest"])
    if any(r.from_ready for r in results.values()):
        print(
            "first token: drafts that did not stream (no suggestions.streaming frame) count "
            "the suggestions.ready that brought them instead"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (all processes on this machine)")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--burst-messages", type=int, default=3, help="per conversation")
    parser.add_argument("--burst-seconds", type=float, default=10)
    parser.add_argument("--tail-seconds", type=float, default=60)
    parser.add_argument("--tail-rate", type=float, default=1, help="messages per second")
    parser.add_argument("--drain", type=float, default=300, help="max wait after the traffic")
    parser.add_argument("--quiet", type=float, default=8, help="seconds without events = done")
    parser.add_argument("--modes", default="latest,fifo", help="comma-separated, in order")
    args = parser.parse_args(argv)
    if min(args.conversations, args.burst_messages, args.burst_seconds, args.tail_rate) <= 0:
        parser.error("--conversations, --burst-messages, --burst-seconds, --tail-rate: > 0")
    if not set(args.modes.split(",")) <= {"latest", "fifo"}:
        parser.error("--modes: latest and/or fifo")
    return args


if __name__ == "__main__":
    sys.exit(main(parse_args(sys.argv[1:])))
