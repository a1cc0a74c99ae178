"""What pausing the other model servers buys the draft an operator has open.

Run: ./dev bench watched_pause [--drafts 8] [--max-tokens 40]

Three CPU model servers as `./dev run` starts them (SmolLM2-135M GGUF, two threads each).
Two are kept busy the whole run by senders that ask for one reply after another, as in a
burst. In front of the same three servers run two balancers (stack.llm_balancer), both
keeping the third server for watched drafts: one without the servers' process ids (the
others keep running while a watched draft reads its prompt), one with them (the others
pause until its first token, stack.llm_pause). Watched streamed drafts go to the two in
turns, so load from anything else falls on both alike; each is timed from send to its
first streamed event. Prints p50/p95 per balancer and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

# Run as a script, this folder is sys.path[0]; the apps are imported from the repository.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402

from benchmarks.demo_prompt import prompt  # noqa: E402
from benchmarks.parallel_generation import stop_servers  # noqa: E402
from stack import LLM_ALIAS, free_port, llm_server_command, llm_server_env  # noqa: E402
from stack.processes import llm_balancer_command  # noqa: E402
from stack.services import wait_for_port  # noqa: E402

TIMEOUT = 60.0


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        llm_server_command(port, threads=2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **llm_server_env(port)},
    )
    return server, f"http://127.0.0.1:{port}"


def start_balancer(urls: list[str], pids: list[int]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = llm_balancer_command(port, urls, kept_for_watched=1, pause_pids=pids)
    balancer = subprocess.Popen(command)
    wait_for_port(port, "LLM balancer")
    return balancer, f"http://127.0.0.1:{port}"


def keep_busy(url: str, stop: threading.Event, max_tokens: int) -> None:
    """One reply after another, as the drafts of a burst keep a server busy."""
    with httpx.Client(timeout=TIMEOUT) as client:
        number = 0
        while not stop.is_set():
            number += 1
            body = {
                "model": LLM_ALIAS,
                "messages": prompt(f"so what did you do today? tell me everything ({number})"),
                "max_tokens": max_tokens,
            }
            client.post(f"{url}/v1/chat/completions", json=body)


def first_event_s(balancer: str, text: str, max_tokens: int) -> float:
    """Seconds from sending a watched streamed draft to its first event (its first token)."""
    body = {"model": LLM_ALIAS, "messages": prompt(text), "max_tokens": max_tokens, "stream": True}
    headers = {"X-Draft-Watched": "1"}
    started = time.perf_counter()
    with (
        httpx.Client(timeout=TIMEOUT) as client,
        client.stream("POST", f"{balancer}/v1/chat/completions", json=body, headers=headers) as r,
    ):
        for line in r.iter_lines():
            if line.startswith("data:"):
                return time.perf_counter() - started
    raise RuntimeError("the stream ended without an event")


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main(args: argparse.Namespace) -> int:
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
        f"{args.drafts} watched drafts per balancer beside two busy servers",
        flush=True,
    )
    servers = [start_server() for _ in range(3)]
    processes: list[subprocess.Popen[bytes]] = [server for server, _url in servers]
    stop = threading.Event()
    try:
        for _server, url in servers:
            wait_for_port(int(url.rsplit(":", 1)[1]), "LLM server", timeout=90)
        urls = [url for _server, url in servers]
        running, running_url = start_balancer(urls, [])
        pausing, pausing_url = start_balancer(urls, [server.pid for server, _url in servers])
        processes += [running, pausing]
        first_event_s(running_url, "hi there", args.max_tokens)  # weights into the page cache
        busy = [
            threading.Thread(target=keep_busy, args=(url, stop, args.max_tokens), daemon=True)
            for url in urls[:2]
        ]
        for thread in busy:
            thread.start()
        time.sleep(3)  # both busy servers mid-generation
        waits: dict[str, list[float]] = {"running": [], "pausing": []}
        for index in range(args.drafts):
            for name, url in (("running", running_url), ("pausing", pausing_url)):
                text = f"ok cool, what are you up to tonight? ({name} {index})"
                waits[name].append(first_event_s(url, text, args.max_tokens))
                time.sleep(1)  # the busy servers back at full speed before the next
        report(waits)
    finally:
        stop.set()
        stop_servers(processes)
    return 0


def report(waits: dict[str, list[float]]) -> None:
    for name, label in (("running", "others keep running"), ("pausing", "others paused")):
        p50, p95 = percentiles(waits[name])
        print(f"  {label:<20} first token p50 {p50:.3f} s  p95 {p95:.3f} s  (n={len(waits[name])})")
    running, pausing = percentiles(waits["running"]), percentiles(waits["pausing"])
    print(
        f"  paused / running: p50 {pausing[0] / running[0]:.2f}x, p95 "
        f"{pausing[1] / running[1]:.2f}x (lower is better)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=40)
    sys.exit(main(parser.parse_args()))
