"""Ingestion cost, in process and over HTTP.

In process: `ingest()` (dedupe check, contact and conversation lookup, row lock, seq
numbering) against a baseline of bare Message inserts, on the same database.

Over HTTP (benchmarks/ingest_http.py): one request at a time, `POST /api/messages` and the
signed webhook, on real uvicorn servers started side by side and asked in turn, so a busy
machine slows all of them alike: the code before this round of work (`--baseline-ref`, a
commit extracted with `git archive`, one process, a new connection per request, as it was
served) against today's code served as `./dev run` serves it (a process per core, pooled
connections), and today's code unpooled in one process, to tell the code from the pool.

Run: ./dev bench ingest [N] [--requests R]. Prints messages/second, p50/p95 per request and
the ratios.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import django

# Run as a script, this folder is sys.path[0]: import benchmarks.* from the repository root.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from conversations import ingestion  # noqa: E402
from conversations.models import Conversation, Message  # noqa: E402
from core.models import Workspace  # noqa: E402
from personas.models import Persona  # noqa: E402


def baseline(conversation: Conversation, n: int) -> float:
    """Bare inserts with precomputed seqs: the floor any ingestion path pays."""
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            Message.objects.create(
                workspace_id=conversation.workspace_id,
                conversation=conversation,
                seq=100_000 + i,
                direction="in",
                author_kind="contact",
                channel="bench",
                text=f"baseline {i}",
                delivery="received",
            )
    return time.perf_counter() - start


def ingest_path(workspace: Workspace, n: int, contacts: int = 20) -> float:
    start = time.perf_counter()
    for i in range(n):
        ingestion.ingest(
            workspace,
            ingestion.InboundMessage(
                channel="bench",
                external_id=f"bench-{i}",
                contact_external_id=f"contact-{i % contacts}",
                contact_name="Bench",
                persona="Bench",
                text=f"message {i}",
            ),
        )
    return time.perf_counter() - start


def duplicates(workspace: Workspace, n: int) -> float:
    """Redelivered messages: answered from the dedupe lookup, nothing written."""
    start = time.perf_counter()
    for i in range(n):
        ingestion.ingest(
            workspace,
            ingestion.InboundMessage("bench", f"bench-{i}", f"contact-{i % 20}", "", "Bench", "x"),
        )
    return time.perf_counter() - start


def main(n: int) -> None:
    # on_commit hooks would enqueue pipeline tasks; the benchmark measures ingestion only.
    transaction.on_commit = lambda func, using=None, robust=False: None  # type: ignore[assignment]
    workspace = Workspace.objects.create(name="Bench", slug=f"bench-{time.time_ns()}")
    persona = Persona.objects.create(workspace=workspace, name="Bench")
    first = ingestion.ingest(
        workspace, ingestion.InboundMessage("bench", "seed", "seed", "", "Bench", "hi")
    )
    conversation = Conversation.objects.get(pk=first.conversation_id)
    try:
        base = baseline(conversation, n)
        full = ingest_path(workspace, n)
        dup = duplicates(workspace, n)
    finally:
        workspace.delete()
        del persona
    print(f"messages: {n}")
    print(f"baseline bare insert : {n / base:8.0f} msg/s")
    print(f"ingest() new message : {n / full:8.0f} msg/s  ({full / base:.2f}x baseline time)")
    print(f"ingest() duplicate   : {n / dup:8.0f} msg/s  ({dup / base:.2f}x baseline time)")


def parse_args() -> argparse.Namespace:
    from benchmarks.ingest_http import BASELINE_REF

    parser = argparse.ArgumentParser(description="ingestion cost, in process and over HTTP")
    parser.add_argument("n", type=int, nargs="?", default=500, help="in-process messages")
    parser.add_argument("--requests", type=int, default=300, help="HTTP requests per server")
    parser.add_argument(
        "--baseline-ref", default=BASELINE_REF, help="the commit whose code is the baseline"
    )
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    setup_test_environment()
    main(arguments.n)
    # After main(): its on_commit stub stays in this process only; the servers publish.
    from benchmarks.ingest_http import compare_servers

    compare_servers(arguments.requests, arguments.baseline_ref)
