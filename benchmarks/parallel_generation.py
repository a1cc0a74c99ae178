"""Parallel generation on the CPU model server: what serving several drafts at once buys.

Run: ./dev bench parallel_generation [--requests 12] [--rounds 2] [--max-tokens 60]

llama-cpp-python's server answers one request at a time (an asyncio lock around its one
model), so the only ways to generate two replies at once on CPU are more server processes
or more threads per request. Each design below starts its own servers on loopback ports
(the command and environment `./dev run` uses, SmolLM2-135M GGUF), warms each server with
one request, then sends the same batch of reply prompts (built by the real prompt builder,
JSON-schema structured output, one sample each, fixed seeds) with `concurrency` requests
in flight:

- A: today, 1 server x 2 threads, the llm worker drafting one message at a time;
- B: 2 servers x 1 thread behind stack.llm_balancer (least busy first), 2 requests in
  flight;
- C: 1 server x 2 threads, 2 requests in flight (they queue in the server);
- D: 2 servers x 2 threads behind the balancer, 2 requests in flight (the cores
  oversubscribed when both work): what `./dev run` runs.

Designs run in turns, `--rounds` times (A B C D A B C D ...), so load from anything else
on the machine falls on all of them alike. Per design: completions/s and generated
tokens/s over the batch's wall time, p50/p95 latency of one request (sent to answered,
waiting in the server's queue included), then each as a ratio against A. Bounded: every
request has a 60 s timeout, so a run takes about rounds x designs x (startup + batch).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, this folder is sys.path[0]; the apps are imported from the repository.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.demo_prompt import prompt  # noqa: E402
from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend  # noqa: E402
from mlops.prompts import REPLY_SCHEMA  # noqa: E402
from stack import LLM_ALIAS, free_port, llm_server_command, llm_server_env  # noqa: E402
from stack.processes import llm_balancer_command  # noqa: E402
from stack.services import wait_for_port  # noqa: E402

REQUEST_TIMEOUT = 60.0
CUSTOMER_LINES = [
    "hey! how was your weekend?",
    "do you have any pets?",
    "I'm a nurse, just got off a long shift",
    "what do you do for fun?",
    "haha you're funny, where are you from?",
    "is the subscription worth it? how much is it",
    "not sure I trust this tbh",
    "can you send me something special later?",
]


@dataclass(frozen=True)
class Design:
    name: str
    servers: int
    threads: int
    concurrency: int

    def describe(self) -> str:
        return (
            f"{self.name}: {self.servers} server(s) x {self.threads} thread(s), "
            f"{self.concurrency} in flight"
        )


DESIGNS = {
    "A": Design("A", servers=1, threads=2, concurrency=1),
    "B": Design("B", servers=2, threads=1, concurrency=2),
    "C": Design("C", servers=1, threads=2, concurrency=2),
    "D": Design("D", servers=2, threads=2, concurrency=2),
}


@dataclass
class Figures:
    latencies_ms: list[float] = field(default_factory=list)
    tokens: int = 0
    completions: int = 0
    failures: int = 0
    wall_s: float = 0.0

    def add(self, other: Figures) -> None:
        self.latencies_ms += other.latencies_ms
        self.tokens += other.tokens
        self.completions += other.completions
        self.failures += other.failures
        self.wall_s += other.wall_s

    def per_second(self) -> tuple[float, float]:
        return self.completions / self.wall_s, self.tokens / self.wall_s

    def percentiles(self) -> tuple[float, float]:
        ordered = sorted(self.latencies_ms) or [float("nan")]
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return statistics.median(ordered), p95


def start_servers(design: Design) -> tuple[list[subprocess.Popen[bytes]], str]:
    """The design's servers; several go behind stack.llm_balancer, as `./dev run` runs them."""
    servers, ports = [], [free_port() for _ in range(design.servers)]
    for port in ports:
        servers.append(
            subprocess.Popen(
                llm_server_command(port, threads=design.threads),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, **llm_server_env(port)},
            )
        )
    for port in ports:
        wait_for_port(port, "LLM server", timeout=60)
    if design.servers == 1:
        return servers, f"http://127.0.0.1:{ports[0]}"
    port = free_port()
    upstreams = [f"http://127.0.0.1:{p}" for p in ports]
    servers.append(subprocess.Popen(llm_balancer_command(port, upstreams)))
    wait_for_port(port, "LLM balancer")
    return servers, f"http://127.0.0.1:{port}"


def stop_servers(servers: list[subprocess.Popen[bytes]]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def one_request(backend: OpenAICompatibleBackend, index: int, params: GenerationParams) -> Figures:
    """One sample, as the pipeline asks for it, timed from send to answer."""
    single = GenerationParams(
        max_tokens=params.max_tokens,
        temperature=params.temperature,
        json_schema=params.json_schema,
        seed=1000 + index,
    )
    started = time.perf_counter()
    try:
        line = CUSTOMER_LINES[index % len(CUSTOMER_LINES)]
        body = backend.body(prompt(line), single)
        data = backend.post("/v1/chat/completions", body, REQUEST_TIMEOUT)
    except LLMError as exc:  # counted, not fatal
        print(f"  request {index} failed: {exc}", flush=True)
        return Figures(failures=1)
    elapsed = (time.perf_counter() - started) * 1000
    tokens = int((data.get("usage") or {}).get("completion_tokens") or 0)
    return Figures(latencies_ms=[elapsed], tokens=tokens, completions=1)


def run_batch(design: Design, requests: int, params: GenerationParams) -> Figures:
    servers, url = start_servers(design)
    try:
        backend = OpenAICompatibleBackend(url, LLM_ALIAS, structured="json_object")
        # The weights into the page cache and the first-call costs paid, on every server.
        with ThreadPoolExecutor(max_workers=design.servers) as pool:
            list(pool.map(lambda i: one_request(backend, -1 - i, params), range(design.servers)))
        # `concurrency` senders, each sending its share one request after another.
        senders = design.concurrency

        def sender(slot: int) -> Figures:
            figures = Figures()
            for index in range(slot, requests, senders):
                figures.add(one_request(backend, index, params))
            return figures

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=senders) as pool:
            results = list(pool.map(sender, range(senders)))
        total = Figures(wall_s=time.perf_counter() - started)
        for figures in results:
            total.add(figures)
        return total
    finally:
        stop_servers(servers)


def report(designs: list[Design], figures: dict[str, Figures]) -> None:
    base = figures[designs[0].name]
    base_cps, base_tps = base.per_second()
    base_p50, base_p95 = base.percentiles()
    for design in designs:
        mine = figures[design.name]
        cps, tps = mine.per_second()
        p50, p95 = mine.percentiles()
        print(
            f"{design.describe():<46} {cps:5.2f} completions/s {tps:6.1f} tokens/s   "
            f"p50 {p50:7.0f} ms  p95 {p95:7.0f} ms   failures {mine.failures}"
        )
    print()
    print(f"ratios against {designs[0].name} (throughput: higher is better; latency: lower)")
    for design in designs[1:]:
        mine = figures[design.name]
        cps, tps = mine.per_second()
        p50, p95 = mine.percentiles()
        print(
            f"  {design.name}/{designs[0].name}: completions/s {cps / base_cps:.2f}x  "
            f"tokens/s {tps / base_tps:.2f}x  p50 {p50 / base_p50:.2f}x  p95 {p95 / base_p95:.2f}x"
        )


def main(args: argparse.Namespace) -> int:
    designs = [DESIGNS[name] for name in args.designs.split(",")]
    params = GenerationParams(max_tokens=args.max_tokens, temperature=0.8, json_schema=REPLY_SCHEMA)
    print(
        f"SmolLM2-135M GGUF on llama-cpp-python's server, {os.cpu_count()} CPUs (load average "
        f"{os.getloadavg()[0]:.1f} at start); {args.requests} reply prompts per batch, "
        f"max_tokens {args.max_tokens}, JSON-schema output, {args.rounds} round(s) per design",
        flush=True,
    )
    figures = {design.name: Figures() for design in designs}
    for round_ in range(args.rounds):
        for design in designs:
            batch = run_batch(design, args.requests, params)
            figures[design.name].add(batch)
            print(
                f"  round {round_ + 1} {design.name}: {batch.wall_s:5.1f} s, {batch.tokens} tokens",
                flush=True,
            )
    print()
    report(designs, figures)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (all processes on this machine)")
    return 1 if any(f.failures for f in figures.values()) else 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=12, help="reply prompts per batch")
    parser.add_argument("--rounds", type=int, default=2, help="turns of every design")
    parser.add_argument("--max-tokens", type=int, default=60)
    parser.add_argument(
        "--designs", default="A,B,C,D", help="comma-separated, the first is the baseline"
    )
    args = parser.parse_args(argv)
    if min(args.requests, args.rounds, args.max_tokens) <= 0:
        parser.error("--requests, --rounds and --max-tokens must be positive")
    if not set(args.designs.split(",")) <= DESIGNS.keys():
        parser.error(f"--designs: choose among {','.join(DESIGNS)}")
    return args


if __name__ == "__main__":
    sys.exit(main(parse_args(sys.argv[1:])))
