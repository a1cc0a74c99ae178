"""The report printed for each run."""

from __future__ import annotations

import math

from benchmarks.loadkit.config import ROOT, WEB_LOG
from benchmarks.loadkit.measure import Fanout, percentiles
from benchmarks.loadkit.ours import ApiCalls

SLICE_SECONDS = 10

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
    print(f"  p99 by {SLICE_SECONDS} s of sending: {p99_by_slice(fanout)}")
    print(
        f"  CPU from first message to last delivery ({fanout.window:.1f} s): server "
        f"{fanout.server_cpu:.1f} s, benchmark clients {fanout.client_cpu:.1f} s"
    )
    return p50, p95, p99


def p99_by_slice(fanout: Fanout) -> str:
    """Whether the slowest deliveries are spread over the run or come at one time (the
    start, a stall): commit-to-client p99 of the messages committed in each slice."""
    slices: dict[int, list[float]] = {}
    for receiver in fanout.receivers:
        for message_id, arrived in receiver.arrivals.items():
            if message_id in fanout.stamps and message_id in fanout.expected_ids:
                committed = fanout.stamps[message_id]
                slot = int((committed - fanout.started_at) // SLICE_SECONDS)
                slices.setdefault(slot, []).append((arrived - committed) * 1000)
    return "  ".join(f"{percentiles(slices[slot])[2]:.0f}" for slot in sorted(slices)) + " ms"


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
