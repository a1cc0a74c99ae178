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

The clients are light on purpose (benchmarks/loadkit/light_socket.py, light_http.py): they
stand in for browsers and connectors on other machines but share these two cores, and the
`websockets` client and httpx took half a core between them at 100 messages/s. Both
servers send frames uncompressed, as `./dev run` and docs/deploy.md run ours.

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

The contacts' conversations are open before the measured window starts (one message from
each, sent one at a time and not measured), as in an inbox in use: a contact's first
message takes the slower path that creates the contact and the conversation, and with
all 100 new at once the first seconds measured that burst instead of the flow of
messages. `--new-contacts` measures it that way.

Run: ./dev bench load [--clients 50] [--rate 100] [--seconds 60] [--workers N] [--new-contacts]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

# Run as a script, this folder is sys.path[0]: import the benchmark's modules as the
# package benchmarks.loadkit from the repository root instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.loadkit.baseline import run_baseline, serve_baseline  # noqa: E402
from benchmarks.loadkit.ours import (  # noqa: E402
    clean_up,
    committed_at,
    empty_scratch_broker,
    prepare,
    run_ours,
)
from benchmarks.loadkit.report import report_api, report_fanout, report_web_log  # noqa: E402
from benchmarks.loadkit.traffic import replay  # noqa: E402
from stack.processes import web_workers  # noqa: E402


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
        "every contact new: its first message creates the contact and the conversation "
        "inside the measured window"
        if args.new_contacts
        else "each contact's conversation opened (one message each, not measured) before "
        "the measured window, as in an inbox in use; --new-contacts measures them new"
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
            ours, calls = runner.run(
                run_ours(bench, traffic, args.rate, args.drain, args.workers, args.new_contacts)
            )
            ours.stamps = committed_at(bench)
            ours.expected_ids = ours.stamps.keys() - ours.ignored
        finally:
            clean_up(bench)
            empty_scratch_broker()
        ours_p = report_fanout(
            f"ours: uvicorn ({args.workers} processes, pooled) + Django + live hub (Redis pub/sub)",
            ours,
        )
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
        "--new-contacts",
        action="store_true",
        help="every contact's first message inside the measured window (by default each "
        "contact's conversation is opened, unmeasured, before it)",
    )
    parser.add_argument(
        "--workers", type=int, default=web_workers(), help="web processes (default: ./dev run's)"
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=15,
        help="stop waiting for deliveries once none arrived for this many seconds",
    )
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.clients, args.rate, args.seconds, args.contacts, args.workers) <= 0:
        parser.error("--clients, --rate, --seconds, --contacts and --workers must be positive")
    return args


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    if arguments.baseline_server:
        with asyncio.Runner(loop_factory=event_loop_factory()) as baseline_runner:
            baseline_runner.run(serve_baseline(arguments.baseline_server))
    else:
        sys.exit(main(arguments))
