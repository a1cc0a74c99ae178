"""Shared fixtures. `./dev test` points DATABASE_URL and REDIS_URL at real embedded
PostgreSQL (pytest-django makes a test database inside it) and a real Redis."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from conversations import ingestion, pipeline
from conversations.models import Message
from core.broker import queue_keys
from core.models import ApiKey, Membership, Role, Workspace
from dashboard.health import QUEUES
from personas.models import Persona
from stack import free_port, wait_for_port, web_server_command

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def clean_redis() -> None:
    """Each test starts with empty queues, no leftover simulator outbox, and fresh rate
    limits.

    Not FLUSHDB: that would also drop the queue bindings a running worker declared.
    """
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(*(key for queue in QUEUES for key in queue_keys(queue)))
    client = redis.Redis.from_url(settings.REDIS_URL)
    leftovers = [
        *client.scan_iter("simulator:outbox:*"),
        *client.scan_iter("rate:*"),
        *client.scan_iter("sweep:*"),
        *client.scan_iter("webhook-id:*"),
    ]
    if leftovers:
        client.delete(*leftovers)


@pytest.fixture
async def close_async_db_connections():
    """Async tests reach the ORM through asgiref's worker thread; close its connection
    afterwards so the test database can be dropped at the end of the run."""
    yield
    await sync_to_async(connections.close_all)()


def make_user(username: str, workspace: Workspace, role: str):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, workspace=workspace, role=role)
    return user


@pytest.fixture
def workspace(db) -> Workspace:
    return Workspace.objects.create(name="Acme Agency", slug="acme")


@pytest.fixture
def other_workspace(db) -> Workspace:
    return Workspace.objects.create(name="Other Agency", slug="other")


@pytest.fixture
def operator(workspace):
    return make_user("olivia", workspace, Role.OPERATOR)


@pytest.fixture
def labeler(workspace):
    return make_user("lena", workspace, Role.LABELER)


@pytest.fixture
def outsider(other_workspace):
    """A user of another workspace: everything of `workspace` must be 404 to them."""
    return make_user("oscar", other_workspace, Role.ADMIN)


@pytest.fixture
def persona(workspace) -> Persona:
    return Persona.objects.create(
        workspace=workspace, name="Mia", common_phrases="omg stop it\nyou're sweet"
    )


@pytest.fixture
def api_key(workspace) -> str:
    return ApiKey.issue(workspace, "test")


@pytest.fixture
def api(api_key) -> Client:
    return Client(headers={"X-API-Key": api_key})


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def message_body(**overrides) -> dict:
    body = {
        "channel": "api",
        "external_id": "msg-1",
        "contact": {"external_id": "contact-1", "name": "Sam"},
        "persona": "Mia",
        "text": "hey, love your pics!",
    }
    body.update(overrides)
    return body


@pytest.fixture
def post_message(api):
    def post(**overrides):
        return api.post("/api/messages", message_body(**overrides), content_type="application/json")

    return post


def child_env() -> dict[str, str]:
    """Environment for server and worker processes: the same test database as this test."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    env["REDIS_URL"] = settings.REDIS_URL
    env["DJANGO_SETTINGS_MODULE"] = "dashboard.settings"
    return env


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The real ASGI app (HTTP + websockets) under uvicorn on a loopback port."""
    port = free_port()
    process = subprocess.Popen(web_server_command(port), cwd=ROOT, env=child_env())
    try:
        wait_for_port(port, "test ASGI server")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@contextlib.contextmanager
def running_worker() -> Iterator[None]:
    """A real Celery worker process consuming every queue, on the test database, until
    the block ends (it finishes its current task first)."""
    process = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "--quiet",
            "-A",
            "dashboard",
            "worker",
            "-Q",
            "default,ml,llm,train,training",
            "--pool",
            "solo",
            "-n",
            f"test-{os.getpid()}@%h",
            "--loglevel",
            "warning",
        ],
        cwd=ROOT,
        env=child_env(),
    )
    try:
        wait_for_worker()
        yield
    finally:
        stop(process)


@pytest.fixture
def celery_worker(django_db_setup) -> Iterator[None]:
    """A real Celery worker for the whole test.

    One per test: it is stopped (after finishing its current task) before the test's
    tables are flushed, so no task of this test writes while the next one sets up, and
    tasks queued by tests without a worker are never picked up later.
    """
    with running_worker():
        yield


def wait_for_worker(timeout: float = 120) -> None:
    # It answers once its models are loaded (dashboard.celery warms them), seconds on an
    # idle machine, longer on a loaded CI one.
    from dashboard.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return
    raise RuntimeError("the Celery worker did not answer a ping")


def wait_until(predicate, timeout: float = 15, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value, or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def receive(workspace, text: str, external_id: str, contact: str = "c-1") -> Message:
    """An inbound message to Mia, stored and perceived (analysis, memory, steering, CTA)."""
    result = ingestion.ingest(
        workspace, ingestion.InboundMessage("api", external_id, contact, "Sam", "Mia", text)
    )
    message = Message.objects.select_related("conversation__contact").get(pk=result.message_id)
    pipeline.perceive(message)
    message.refresh_from_db()
    return message


# Real Chromium (Debian's package) through Playwright, for the browser tests.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, asgi_server) -> Iterator[Page]:
    context = browser.new_context(base_url=asgi_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
