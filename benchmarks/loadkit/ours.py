"""Our server under load: the benchmark's workspace, operators and sessions, the uvicorn
server it starts (as `./dev run` does: a process per core, pooled connections), and the
sender that posts the traffic to its API."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from benchmarks.loadkit.config import (
    CONNECTIONS,
    HTTP_TIMEOUT,
    PERSONA,
    ROOT,
    SCRATCH_BROKER_OFFSET,
    SLUG,
    USER_PREFIX,
    WEB_LOG,
)
from benchmarks.loadkit.light_http import ConnectionDropped, LightHttpPool
from benchmarks.loadkit.measure import Fanout, close_all, drain, open_sockets, paced, stop
from stack import free_port, wait_for_port, web_server_command
from stack.processes import web_server_env

if TYPE_CHECKING:
    from core.models import Workspace

# -- ours: uvicorn + Django + Channels over Redis ------------------------------------------


@dataclass
class Bench:
    workspace: Workspace
    api_key: str
    cookies: list[str]
    session_keys: list[str]


def remove_leftovers() -> None:
    from django.contrib.auth import get_user_model

    from core.models import Workspace

    Workspace.objects.filter(slug=SLUG).delete()
    get_user_model().objects.filter(username__startswith=USER_PREFIX).delete()


def session_for(user) -> str:
    """A session as django.contrib.auth.login() writes it, in the configured store."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def prepare(clients: int) -> Bench:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from core.models import ApiKey, Membership, Role, Workspace
    from personas.models import Persona

    remove_leftovers()
    workspace = Workspace.objects.create(name="Load benchmark", slug=SLUG)
    Persona.objects.create(workspace=workspace, name=PERSONA)
    api_key = ApiKey.issue(workspace, "load benchmark")
    session_keys = []
    for n in range(clients):
        # No password: nobody can log in as these users, only hold their sessions.
        user = get_user_model().objects.create_user(f"{USER_PREFIX}{n:03d}")
        Membership.objects.create(user=user, workspace=workspace, role=Role.OPERATOR)
        session_keys.append(session_for(user))
    cookies = [f"{settings.SESSION_COOKIE_NAME}={key}" for key in session_keys]
    return Bench(workspace, api_key, cookies, session_keys)


def clean_up(bench: Bench) -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for key in bench.session_keys:
        store.delete(key)
    remove_leftovers()


def scratch_broker_url() -> str:
    from django.conf import settings

    from dashboard.env import redis_database

    return redis_database(settings.REDIS_URL, SCRATCH_BROKER_OFFSET)


def empty_scratch_broker() -> None:
    import redis

    redis.Redis.from_url(scratch_broker_url()).flushdb()


def web_env(rate_limit: int, workers: int) -> dict[str, str]:
    return {
        **os.environ,
        # Pooled connections, as `./dev run` starts the web processes (one pool each).
        **web_server_env(workers),
        "CELERY_BROKER_URL": scratch_broker_url(),
        "API_RATE_PER_MINUTE": str(rate_limit),
        # channels_redis reports events it drops for a full channel at INFO only.
        "LOG_LEVEL": "INFO",
    }


def committed_at(bench: Bench) -> dict[int, float]:
    from conversations.models import Message

    rows = Message.objects.filter(workspace=bench.workspace, direction=Message.Direction.IN)
    return {pk: created.timestamp() for pk, created in rows.values_list("pk", "created_at")}


@dataclass
class ApiCalls:
    answered_at: dict[int, float] = field(default_factory=dict)  # message id -> response
    seconds: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def fail(self, why: str) -> None:
        self.failures[why] = self.failures.get(why, 0) + 1


async def post_message(
    http: LightHttpPool, calls: ApiCalls, external_id: str, contact: str, text: str
) -> int | None:
    """One message through the API on an idle connection of the pool: a connector's POST.
    Waiting longer than HTTP_TIMEOUT for a connection counts as not sent, and as long
    again for the answer as a timeout."""
    body = {
        "channel": "api",
        "external_id": external_id,
        "contact": {"external_id": contact, "name": contact},
        "persona": PERSONA,
        "text": text,
    }
    try:
        async with asyncio.timeout(HTTP_TIMEOUT):
            slot = await http.take()
    except TimeoutError:
        calls.fail(f"not sent, no free connection within {HTTP_TIMEOUT} s")
        return None
    started = time.perf_counter()
    try:
        async with asyncio.timeout(HTTP_TIMEOUT):
            slot, status, answer = await http.post_json(slot, "/api/messages", body)
    except (OSError, TimeoutError, ConnectionDropped, ValueError) as exc:
        calls.fail(type(exc).__name__)
        slot = None
        return None
    finally:
        http.give_back(slot)
    answered = time.time()
    calls.seconds.append((time.perf_counter() - started) * 1000)
    if status != 201:
        calls.fail(f"HTTP {status}")
        return None
    message_id = int(json.loads(answer)["message_id"])
    calls.answered_at[message_id] = answered
    return message_id


async def open_conversations(
    http: LightHttpPool, calls: ApiCalls, traffic: list[tuple[str, str]]
) -> list[int]:
    """Before the measured window, one message from each contact of the traffic, one at a
    time: the inbox the operators watch already has these conversations open. A contact's
    first message takes the slower path that creates the contact and the conversation;
    with all of them new at once, the first seconds measured that burst of new
    conversations instead of the flow of messages (`--new-contacts` measures it)."""
    contacts = sorted({contact for contact, _ in traffic})
    sent = [
        await post_message(http, calls, f"open-{n}", contact, "hi")
        for n, contact in enumerate(contacts)
    ]
    if None in sent:
        raise SystemExit(f"opening the conversations failed: {calls.failures}; see {WEB_LOG}")
    return [message_id for message_id in sent if message_id is not None]


async def run_ours(
    bench: Bench,
    traffic: list[tuple[str, str]],
    rate: float,
    drain_seconds: float,
    workers: int,
    new_contacts: bool = False,
) -> tuple[Fanout, ApiCalls]:
    port = free_port()
    WEB_LOG.parent.mkdir(parents=True, exist_ok=True)
    with WEB_LOG.open("wb") as log:
        server = subprocess.Popen(
            web_server_command(port, workers),
            cwd=ROOT,
            env=web_env(max(1200, 2 * len(traffic) + 100), workers),
            stdout=log,
            stderr=log,
        )
    try:
        await asyncio.to_thread(wait_for_port, port, "uvicorn")
        origin = f"http://127.0.0.1:{port}"
        url = f"ws://127.0.0.1:{port}/ws/w/{SLUG}/inbox/"
        fanout = Fanout(await open_sockets(url, origin, bench.cookies))
        listeners = [asyncio.create_task(r.listen(fanout.stamps)) for r in fanout.receivers]
        calls = ApiCalls()
        http = LightHttpPool("127.0.0.1", port, CONNECTIONS, {"X-API-Key": bench.api_key})
        try:
            # Warm-up (imports, first connections), its event awaited, then left out.
            warm_up = await post_message(http, calls, "warm-up", "warm-up", "hello")
            if warm_up is None:
                raise SystemExit(f"the warm-up POST failed: {calls.failures}; see {WEB_LOG}")
            fanout.ignored.add(warm_up)
            opened = [] if new_contacts else await open_conversations(http, calls, traffic)
            fanout.ignored.update(opened)
            await drain(fanout, 1 + len(opened), drain_seconds)
            calls = ApiCalls()

            async def send(i: int) -> None:
                contact, text = traffic[i]
                await post_message(http, calls, f"load-{i}", contact, text)

            async def load() -> None:
                fanout.attempted = len(traffic)
                fanout.send_seconds = await paced(len(traffic), rate, send)
                # With the warm-up and the opening messages: every event a client counts.
                stored = len(calls.answered_at) + 1 + len(opened)
                await drain(fanout, stored, drain_seconds)

            await fanout.measure(server.pid, load())
        finally:
            http.close()
        await close_all(fanout, listeners)
        return fanout, calls
    finally:
        stop(server)
