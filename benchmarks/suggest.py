"""Suggestions on the packaged CPU model: first option, all N, batching, and the cache.

Run: ./dev bench suggest [ROUNDS]. Starts llama-cpp-python's server on the SmolLM2-135M
GGUF (the one `./dev run` uses) on a loopback port, then times, per round, on prompts
built by the real prompt builder:

- time to the first option (one sample) and to all N options;
- N options asked as one request with n=N (the backend fills what the server does not
  batch with parallel requests) against N requests one after another;
- a cache miss against a cache hit (Redis, same key as the pipeline uses).

Prints medians and the ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import django

# Run as a script, this folder is sys.path[0]; the apps are imported from the repository.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402

from benchmarks.demo_prompt import prompt  # noqa: E402
from mlops.llm import GenerationParams, OpenAICompatibleBackend  # noqa: E402
from mlops.llm_replies import CompletionFn  # noqa: E402
from mlops.prompts import REPLY_SCHEMA  # noqa: E402
from stack import (  # noqa: E402
    LLM_ALIAS,
    free_port,
    llm_server_command,
    llm_server_env,
    wait_for_port,
)

N = 3
MESSAGES = [
    "hey! how was your weekend?",
    "do you have any pets?",
    "I'm a nurse, just got off a long shift",
    "what do you do for fun?",
    "haha you're funny, where are you from?",
]


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main(rounds: int) -> None:
    port = free_port()
    server = subprocess.Popen(
        llm_server_command(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **llm_server_env(port)},
    )
    try:
        wait_for_port(port, "LLM server", timeout=60)
        run(f"http://127.0.0.1:{port}", rounds)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(base_url: str, rounds: int) -> None:
    backend = OpenAICompatibleBackend(base_url, LLM_ALIAS, structured="json_object")
    params = GenerationParams(max_tokens=60, temperature=0.8, json_schema=REPLY_SCHEMA)
    client = redis.Redis.from_url(settings.REDIS_URL)
    backend.complete(prompt("warm up"), params, 60)  # load the model's weights into cache
    times: dict[str, list[float]] = {k: [] for k in ("first", "all", "seq", "miss", "hit")}
    for round_ in range(rounds):
        text = MESSAGES[round_ % len(MESSAGES)] + f" ({round_})"
        for name, value in measure_round(backend, client, params, prompt(text), round_).items():
            times[name].append(value)
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"SmolLM2-135M Q4_1 on llama.cpp (CPU), {rounds} rounds, N={N}, max_tokens 60")
    print(f"  first option            p50 {med['first']:8.1f} ms")
    print(f"  all {N} options (n={N})     p50 {med['all']:8.1f} ms")
    print(f"  {N} sequential requests   p50 {med['seq']:8.1f} ms")
    print(f"  cache miss              p50 {med['miss']:8.1f} ms")
    print(f"  cache hit               p50 {med['hit']:8.2f} ms")
    print(f"first option shown {med['all'] / med['first']:.1f}x sooner than waiting for all {N}")
    print(f"n={N} in one call vs {N} sequential calls: {med['seq'] / med['all']:.1f}x")
    print(f"cache hit vs miss: {med['miss'] / med['hit']:.0f}x")


def measure_round(
    backend: OpenAICompatibleBackend,
    client: redis.Redis,
    params: GenerationParams,
    messages: list[dict[str, str]],
    round_: int,
) -> dict[str, float]:
    one, many = replace(params, n=1), replace(params, n=N)
    cache = CompletionFn(backend, client, timeout=60, namespace=f"bench:{round_}:{time.time()}")
    return {
        "first": timed(lambda: backend.complete(messages, one, 60)),
        "all": timed(lambda: backend.complete(messages, many, 60)),
        "seq": timed(lambda: [backend.complete(messages, one, 60) for _ in range(N)]),
        "miss": timed(lambda: cache(messages, many)),
        "hit": timed(lambda: cache(messages, many)),
    }


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
