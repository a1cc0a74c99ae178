"""The first streamed words when nothing else is going on: issue 19's "idle first token".

Run: ./dev bench idle_first_token [--messages 12] [--pause 8]

The whole stack is started as `./dev run` starts it (the CPU model servers behind their
balancer, uvicorn, a Celery worker per queue and beat; tasks on a scratch broker
database), with one operator who has every conversation open (a websocket each, as the
conversation page opens it). After one warm-up message, and once the machine is half
idle (the workers' pool processes load their models at start), `--messages` customer lines
(replayed from the chitchat-dataset wheel) are sent one at a time, each to a conversation
of its own, the next only after the last one's drafts arrived and `--pause` seconds passed
without an event (the options after the first are written after it, without frames, so
the pause must outlast them): every message meets idle workers and servers.

Per message: POST to the first `suggestions.streaming` frame (the first words on the
operator's screen), and to the complete set. Where the time went, from what the pipeline
stores: perception (`perceive_ms`, `memory_ms`, `cta_ms` on the message) and drafting
(`waited_ms`, `first_frame_ms`, `suggest_ms`, `llm_ms` on the set). Then the model server
alone: the time to the first words of the reply to a short reply prompt
(benchmarks/demo_prompt.py, the reply schema as structured output) sent straight to it,
the floor any message's first words sit on.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

# Run as a script, this folder is sys.path[0]: import from the repository root instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.burst import (  # noqa: E402
    VAR_DIR,
    Sent,
    empty_scratch_broker,
    post,
    stack_env,
    warm_up,
)
from benchmarks.burst_operator import Seen, watching  # noqa: E402
from benchmarks.burst_setup import Bench, clean_up, prepare  # noqa: E402
from benchmarks.demo_prompt import prompt  # noqa: E402
from benchmarks.loadkit.measure import percentile  # noqa: E402
from mlops.llm_stream import ChatStream, reply_preview  # noqa: E402
from mlops.prompts import REPLY_SCHEMA  # noqa: E402
from stack.processes import start_llm_server, start_web_and_workers  # noqa: E402
from stack.services import Stack, free_port  # noqa: E402

SET_LIMIT = 120  # seconds one message may take to its complete set
SETTLE_LIMIT = 120  # seconds the stack may take to finish starting after the warm-up
STAGES = {
    "perceive_ms": "perception: sentiment, emotion, sarcasm, triage",
    "memory_ms": "perception: embedding and memory",
    "risk_steer_ms": "perception: risk and the journey's step",
    "cta_ms": "perception: CTA decision",
    "retrieval_ms": "drafting: knowledge and facts for the prompt",
    "library_ms": "drafting: the reply library's instant options",
    "waited_ms": "commit to drafting start (perception and the llm queue)",
    "first_frame_ms": "drafting start to the first streamed frame",
    "suggest_ms": "drafting start to the stored drafts",
    "llm_ms": "the model's time for the drafts",
}


async def one_at_a_time(
    http: httpx.AsyncClient, bench: Bench, seen: Seen, lines: list[str], pause: float
) -> list[Sent]:
    sent = []
    for index, text in enumerate(lines):
        message = await post(http, bench, bench.contacts[index], text)
        key = (message.conversation_id, message.seq)
        deadline = time.monotonic() + SET_LIMIT
        while key not in seen.drafted or time.time() - seen.last_event_at < pause:
            if time.monotonic() > deadline:
                print(f"  message {index + 1}: no drafts within {SET_LIMIT} s", flush=True)
                break
            await asyncio.sleep(0.1)
        sent.append(message)
    return sent


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)


async def settled(limit: float = SETTLE_LIMIT) -> float:
    """Wait until the machine is at least half idle over a second: the workers' other pool
    processes load their models while the first ones already answer, and the first
    measured message must not meet that. The seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        idle, total = cpu_times()
        await asyncio.sleep(1)
        idle_after, total_after = cpu_times()
        if (idle_after - idle) >= 0.5 * max(1, total_after - total):
            break
    return time.monotonic() - started


async def drive(bench: Bench, port: int, lines: list[str], pause: float) -> tuple[list, Seen]:
    async with watching(bench, port) as (http, operator):
        await warm_up(http, bench, operator.seen)
        print(f"  after the warm-up message, {await settled():.0f} s until half idle", flush=True)
        return await one_at_a_time(http, bench, operator.seen, lines, pause), operator.seen


def model_first_token(base_url: str, model: str, rounds: int = 5) -> list[float]:
    """Milliseconds to the first words of a short reply prompt's reply, straight to the
    model server (the balancer the workers use), one request at a time, asked as the
    product asks (the reply schema as structured output): the JSON around the words is
    not counted as words, as the page never shows it."""
    times = []
    with httpx.Client(base_url=base_url, timeout=60, trust_env=False) as client:
        for n in range(rounds + 1):
            body = {
                "model": model,
                "messages": prompt(f"hey! long day, what are you up to? ({n})"),
                "stream": True,
                "max_tokens": 60,
                "temperature": 0.7,
                "response_format": {"type": "json_object", "schema": REPLY_SCHEMA},
            }
            started, first, sample = time.perf_counter(), math.nan, ChatStream()
            with client.stream("POST", "/v1/chat/completions", json=body) as response:
                for chunk in response.iter_text():
                    sample.feed(chunk)
                    if math.isnan(first) and reply_preview(sample.text):
                        first = (time.perf_counter() - started) * 1000
            if n:  # the first request only warms the server
                times.append(first)
    return times


def stored_stages(sent: list[Sent]) -> dict[str, dict[int, float]]:
    """Each stage's stored milliseconds, by message id."""
    from conversations.models import Message, SuggestionSet

    ids = [s.message_id for s in sent]
    stages: dict[str, dict[int, float]] = {stage: {} for stage in STAGES}
    for message in Message.objects.filter(pk__in=ids):
        for key, value in message.analysis.get("timings", {}).items():
            if key in stages:
                stages[key][message.pk] = float(value)
    for drafted in SuggestionSet.objects.filter(message_id__in=ids).exclude(
        model_version="library"
    ):
        for key, value in drafted.timings.items():
            if key in ("retrieval_ms", "library_ms", "waited_ms", "first_frame_ms",
                       "suggest_ms", "llm_ms"):  # fmt: skip
                stages[key][drafted.message_id] = float(value)
    return stages


def p50(values: list[float]) -> str:
    values = [v for v in values if not math.isnan(v)]
    return f"{statistics.median(values):7.0f} ms" if values else "      n/a"


def report(
    sent: list[Sent], seen: Seen, stages: dict[str, dict[int, float]], model: list[float]
) -> None:
    first, complete, not_streamed, measured = [], [], 0, []
    for message in sent:
        key = (message.conversation_id, message.seq)
        if key not in seen.drafted:
            continue
        token_at = seen.streamed.get(key)
        if token_at is None:
            token_at, not_streamed = seen.drafted[key], not_streamed + 1
        first.append((token_at - message.sent_at) * 1000)
        complete.append((seen.ready[key][-1] - message.sent_at) * 1000)
        measured.append(message)
    print(f"{len(sent)} messages, one at a time, {len(first)} with drafts")
    if first:
        print(
            f"  message -> first streamed token  p50 {p50(first)}   "
            f"p95 {percentile(first, 0.95):7.0f} ms   min {min(first):7.0f} ms"
            + (f"   ({not_streamed} not streamed: their ready event)" if not_streamed else "")
        )
        print(f"  message -> complete set          p50 {p50(complete)}")
        waited = stages["waited_ms"]
        print(
            "  each, in order (first token / of it, waiting to be drafted): "
            + " ".join(
                f"{ms / 1000:.1f}/{waited.get(m.message_id, math.nan) / 1000:.1f}s"
                for ms, m in zip(first, measured, strict=True)
            )
        )
    for stage, meaning in STAGES.items():
        print(f"  stored {stage:<15} p50 {p50(list(stages[stage].values()))}   {meaning}")
    print(f"  model server alone, first words of a short prompt's reply: p50 {p50(model)}")


def main(args: argparse.Namespace) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    django.setup()
    from benchmarks.loadkit.traffic import replay

    lines = [text for _contact, text in replay(args.messages, args.messages)]
    print(f"idle first token: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at start")
    bench = prepare(args.messages + 1)  # the last conversation is the warm-up's
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    stack = Stack(var_dir=VAR_DIR, env=stack_env("latest", 3600))
    empty_scratch_broker(stack.env)
    try:
        start_llm_server(stack)
        port = free_port()
        start_web_and_workers(stack, port)
        sent, seen = asyncio.run(drive(bench, port, lines, args.pause))
        model = model_first_token(stack.env["LLM_BASE_URL"], stack.env["LLM_MODEL"])
        report(sent, seen, stored_stages(sent), model)
    finally:
        stack.stop_all()
        empty_scratch_broker(stack.env)
        clean_up(bench)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (all processes on this machine)")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=12)
    parser.add_argument("--pause", type=float, default=8, help="quiet seconds between them")
    args = parser.parse_args(argv)
    if args.messages <= 0 or args.pause < 0:
        parser.error("--messages: > 0; --pause: >= 0")
    return args


if __name__ == "__main__":
    sys.exit(main(parse_args(sys.argv[1:])))
