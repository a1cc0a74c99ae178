"""The HTTP half of benchmarks/ingest.py: single-request latency of `POST /api/messages`
and of the signed webhook, on real uvicorn servers, today's code against a baseline commit.

Every server runs at once on its own port and the requests go round-robin, one at a time
(a sender that waits for each answer), so load from elsewhere on the machine falls on all
of them alike. Each server queues its perception tasks into a scratch broker database no
worker reads (emptied afterwards), and the benchmark's workspace is removed at the end.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.loadkit.measure import cpu_seconds, percentile, stop
from benchmarks.loadkit.ours import empty_scratch_broker, scratch_broker_url
from stack import free_port, wait_for_port
from stack.processes import web_server_command, web_server_env, web_workers

ROOT = Path(__file__).resolve().parent.parent
# The code as issue 19 found it (the commit before its first change): one uvicorn process,
# a new PostgreSQL connection per request. 96fad86, just before the web tier was pooled
# and the request trimmed (13 statements per message), measures about the same.
BASELINE_REF = "d6d4ade0c29d592d4a1517d9a6a6cc833671d1dc"
SLUG = "bench-ingest-http"
WARM_UP = 20


@dataclass
class Server:
    name: str
    cwd: Path
    command: list[str]
    env: dict[str, str]
    port: int
    api_ms: list[float] = field(default_factory=list)
    webhook_ms: list[float] = field(default_factory=list)
    pid: int = 0
    cpu_seconds: float = 0.0  # the server's processes, over the measured requests
    # Code from before Standard Webhooks (issue 18) only knows the legacy
    # X-Webhook-Timestamp/X-Webhook-Signature pair: its webhook is signed that way.
    legacy_signing: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def baseline_tree(ref: str) -> Iterator[Path]:
    """The repository's files at `ref`, in a temporary folder (uvicorn imports the app
    from its working directory first, so that code, not the checkout's, is served)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def speaks_standard_webhooks(tree: Path) -> bool:
    signing = tree / "conversations" / "signing.py"
    return signing.exists() and "def standard_headers" in signing.read_text(encoding="utf-8")


def servers(baseline: Path, ref: str) -> list[Server]:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": scratch_broker_url(),
        "API_RATE_PER_MINUTE": "1000000",
    }
    env.pop("DB_POOL_SIZE", None)
    workers = web_workers()
    ports = [free_port() for _ in range(3)]
    return [
        Server(
            f"before ({ref[:7]}): 1 process, unpooled",
            baseline,
            web_server_command(ports[0]),
            env,
            ports[0],
            legacy_signing=not speaks_standard_webhooks(baseline),
        ),
        Server("now: 1 process, unpooled", ROOT, web_server_command(ports[1]), env, ports[1]),
        Server(
            f"now as ./dev run serves it: {workers} processes, pooled",
            ROOT,
            web_server_command(ports[2], workers),
            {**env, **web_server_env(workers)},
            ports[2],
        ),
    ]


def api_post(http: httpx.Client, key: str, label: str, i: int) -> float:
    body = {
        "channel": "bench",
        "external_id": f"{label}-api-{i}",
        "contact": {"external_id": f"contact-{i % 20}", "name": "Bench"},
        "persona": "Bench",
        "text": f"message {i}",
    }
    started = time.perf_counter()
    response = http.post("/api/messages", json=body, headers={"X-API-Key": key})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 201:
        raise SystemExit(f"POST /api/messages answered {response.status_code}: {response.text}")
    return elapsed


def signed_headers(secret: str, webhook_id: str, body: bytes, legacy: bool) -> dict[str, str]:
    from conversations.signing import sign, standard_headers

    if not legacy:
        return standard_headers([secret], webhook_id, body)
    timestamp = str(int(time.time()))
    return {"X-Webhook-Timestamp": timestamp, "X-Webhook-Signature": sign(secret, timestamp, body)}


def webhook_post(http: httpx.Client, secret: str, label: str, i: int, legacy: bool) -> float:
    body = json.dumps(
        {
            "channel": "bench-hook",
            "external_id": f"{label}-hook-{i}",
            "contact": {"external_id": f"contact-{i % 20}", "name": "Bench"},
            "persona": "Bench",
            "text": f"message {i}",
        }
    ).encode()
    headers = {
        **signed_headers(secret, f"msg_{label}_{i}", body, legacy),
        "Content-Type": "application/json",
    }
    started = time.perf_counter()
    response = http.post(f"/api/webhooks/{SLUG}/messages", content=body, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 201:
        raise SystemExit(f"the webhook answered {response.status_code}: {response.text}")
    return elapsed


def round_robin(
    clients: list[tuple[Server, httpx.Client]], requests: int, key: str, secret: str
) -> None:
    for i in range(WARM_UP + requests):
        if i == WARM_UP:
            for server, _ in clients:
                server.cpu_seconds = -cpu_seconds(server.pid)
        for number, (server, http) in enumerate(clients):
            label = f"s{number}"
            api = api_post(http, key, label, i)
            hook = webhook_post(http, secret, label, i, server.legacy_signing)
            if i >= WARM_UP:
                server.api_ms.append(api)
                server.webhook_ms.append(hook)
    for server, _ in clients:
        server.cpu_seconds += cpu_seconds(server.pid)


def report(all_servers: list[Server], requests: int) -> None:
    print()
    print(f"one request at a time, {requests} each after {WARM_UP} warm-up, servers in turn")
    for server in all_servers:
        cpu_ms = server.cpu_seconds * 1000 / (2 * requests)
        print(f"{server.name}; server CPU {cpu_ms:.1f} ms a request")
        for what, values in (("POST /api/messages", server.api_ms), ("webhook", server.webhook_ms)):
            print(
                f"  {what:<18}  p50 {percentile(values, 0.5):6.1f} ms   "
                f"p95 {percentile(values, 0.95):6.1f} ms"
            )
    before, unpooled, served = all_servers

    def ratio(pick: Callable[[Server], list[float]]) -> str:
        base = percentile(pick(before), 0.5)
        return (
            f"{base / percentile(pick(served), 0.5):.1f}x as served, "
            f"{base / percentile(pick(unpooled), 0.5):.1f}x from the code alone"
        )

    print(f"p50 before / now: POST /api/messages {ratio(lambda s: s.api_ms)}")
    print(f"                  webhook            {ratio(lambda s: s.webhook_ms)}")


def compare_servers(requests: int, baseline_ref: str) -> None:
    from core.models import ApiKey, Workspace
    from personas.models import Persona

    Workspace.objects.filter(slug=SLUG).delete()
    workspace = Workspace.objects.create(name="Ingest benchmark", slug=SLUG)
    Persona.objects.create(workspace=workspace, name="Bench")
    key = ApiKey.issue(workspace, "ingest benchmark")
    try:
        with baseline_tree(baseline_ref) as baseline, ExitStack() as stack:
            all_servers = servers(baseline, baseline_ref)
            clients = []
            for server in all_servers:
                process = subprocess.Popen(server.command, cwd=server.cwd, env=server.env)
                server.pid = process.pid
                stack.callback(stop, process)
                wait_for_port(server.port, server.name)
                http = stack.enter_context(httpx.Client(base_url=server.url, trust_env=False))
                clients.append((server, http))
            round_robin(clients, requests, key, workspace.webhook_secret)
        report(all_servers, requests)
    finally:
        workspace.delete()
        empty_scratch_broker()
