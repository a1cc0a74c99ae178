"""The web server as `./dev run` starts it: several uvicorn workers, each with a bounded
pool of PostgreSQL connections. A burst of concurrent messages is stored whole, in order,
without the server holding more connections than its pools allow; a revoked API key is
refused on the very next request, whichever worker takes it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from django.db import connection
from django.db.models import Count, Max

from conversations.models import Conversation, Message
from core.models import ApiKey
from stack import free_port, wait_for_port
from stack.processes import web_server_command
from tests.conftest import ROOT, child_env, message_body, stop

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 2
POOL_SIZE = 3
BURST = 60
CONTACTS = 6


@pytest.fixture(scope="module")
def pooled_server(django_db_setup) -> Iterator[str]:
    port = free_port()
    env = child_env()
    env.update(DB_POOL_SIZE=str(POOL_SIZE), API_RATE_PER_MINUTE="100000")
    process = subprocess.Popen(web_server_command(port, WORKERS), cwd=ROOT, env=env)
    try:
        wait_for_port(port, "pooled ASGI server")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def server_connections() -> int:
    """Connections to this test database other than the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


async def post_all(base_url: str, api_key: str, bodies: list[dict]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(
        base_url=base_url, headers={"X-API-Key": api_key}, timeout=30, limits=limits
    ) as http:
        return await asyncio.gather(*(http.post("/api/messages", json=b) for b in bodies))


def test_a_burst_is_stored_whole_within_the_pools(pooled_server, workspace, persona, api_key):
    bodies = [
        message_body(external_id=f"burst-{n}", contact={"external_id": f"c-{n % CONTACTS}"})
        for n in range(BURST)
    ]

    responses = asyncio.run(post_all(pooled_server, api_key, bodies))

    assert [r.status_code for r in responses] == [201] * BURST
    assert len({r.json()["message_id"] for r in responses}) == BURST
    assert Message.objects.filter(workspace=workspace).count() == BURST
    # One conversation per contact, numbered 1..n without gaps whatever the interleaving.
    conversations = (
        Conversation.objects.filter(workspace=workspace)
        .annotate(stored=Count("messages"), top=Max("messages__seq"))
        .values_list("stored", "top", "last_seq")
    )
    assert list(conversations) == [(BURST // CONTACTS,) * 3] * CONTACTS
    # The pools keep their connections for the next requests, and never more than allowed,
    # though BURST requests were in flight at once.
    assert 1 <= server_connections() <= WORKERS * POOL_SIZE


def test_a_revoked_key_is_refused_at_once_by_every_worker(
    pooled_server, workspace, persona, api_key, http
):
    url = f"{pooled_server}/api/messages"
    first = http.post(url, json=message_body(), headers={"X-API-Key": api_key})
    assert first.status_code == 201

    key = ApiKey.objects.get(workspace=workspace)
    key.revoked = True
    key.save(update_fields=["revoked"])

    # New connections each, so the kernel spreads them over both workers.
    after = [
        httpx.post(url, json=message_body(external_id=f"late-{n}"), headers={"X-API-Key": api_key})
        for n in range(8)
    ]
    assert [r.status_code for r in after] == [401] * 8
    assert Message.objects.filter(workspace=workspace).count() == 1


def settings_in_child(**env: str) -> subprocess.CompletedProcess[str]:
    """dashboard.settings read afresh in a child process with `env` on top of this one's."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**child_env(), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_pool_is_sized_by_db_pool_size_and_excludes_persistent_connections():
    pooled = settings_in_child(DB_POOL_SIZE="5", DB_CONN_MAX_AGE="0")
    assert pooled.returncode == 0, pooled.stderr
    assert "'max_size': 5" in pooled.stdout

    both = settings_in_child(DB_POOL_SIZE="5", DB_CONN_MAX_AGE="60")
    assert both.returncode != 0
    assert "DB_POOL_SIZE and DB_CONN_MAX_AGE exclude each other" in both.stderr
