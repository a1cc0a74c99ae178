"""Every operation of the JSON API, fuzzed in-process with schemathesis: generated valid and
invalid inputs (boundary values, wrong types, missing fields, NUL characters, odd unicode,
unexpected methods) may be refused with a 4xx, never answered with a server error; a
documented response matches its schema; a secured operation refuses a missing or wrong key;
and without a model server the generation endpoints answer at once.

The schema is the one the API serves at /api/openapi.json, read through Django's own WSGI
handler when this file is collected; each of its operations becomes one test
(`test_no_operation_answers_a_server_error[POST /api/messages]`), so an endpoint added
tomorrow is fuzzed without touching this file. Requests go through the same handler to the
real test database and Redis, each committed as behind the real server; work they queue
for Celery stays queued (no check needs a worker).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
)

from mlops import embeddings

# Autocommit, as behind the real server: a failed statement in one request must not poison
# the transaction of the next one, nor the inputs hypothesis replays to shrink a failure.
pytestmark = pytest.mark.django_db(transaction=True)

PERSONA = "Mia"  # the `persona` fixture's
MODEL_FREE_SECONDS = 5.0

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20240613,
        "generation": {
            "mode": "all",  # inputs the schema allows, and inputs it says are invalid
            "max-examples": 12,  # per operation, fuzzing phase; the coverage phase adds its own
            "deterministic": True,
            "database": "none",
            # The key is the fixture's; generated keys would make every call a 401.
            "with-security-parameters": False,
            # Random text almost never holds these; two strings in five are drawn from them.
            "dictionaries": {"string": {"dictionary": "awkward", "probability": 0.4}},
        },
        "dictionaries": {
            "awkward": {
                "values": [
                    "\x00",
                    "hey\x00there",
                    PERSONA,
                    "acme",  # the `workspace` fixture's slug
                    "sales-7",
                    " \u200b\u202e\U0001f469\u200d\u2695\ufe0f",
                ]
            },
            "personas": {"values": [PERSONA, f"{PERSONA}\x00"]},
        },
        # Past the persona lookup, so text, contacts and memories reach the database.
        "parameters": {
            name: {"dictionary": "personas", "probability": 0.6}
            for name in ("body.persona", "body.persona_name")
        },
        # The coverage phase sends each kind of invalid field; fuzzing digs into valid ones.
        "phases": {"fuzzing": {"generation": {"mode": "positive"}}},
    }
)
APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP, config=CONFIG)


def no_server_error(ctx, response, case) -> bool | None:
    """No 5xx. A 503 the operation documents (no LLM backend configured, no CTA model
    trained yet) is an answer its clients were promised, not a crash."""
    if response.status_code == 503 and "503" in case.operation.responses.status_codes:
        return None
    return not_a_server_error(ctx, response, case)


def answers_without_waiting_for_a_model(ctx, response, case) -> bool | None:
    """LLM_BASE_URL is empty here: generation falls back to templates (or a 503) at once,
    never waits on a model server."""
    if "generation" in (case.operation.tags or []) and response.elapsed > MODEL_FREE_SECONDS:
        raise AssertionError(
            f"{case.operation.label} took {response.elapsed:.1f}s without a model server"
        )
    return None


CHECKS: list[CheckFunction] = [
    no_server_error,
    response_schema_conformance,
    content_type_conformance,
    ignored_auth,
    answers_without_waiting_for_a_model,
]
CALLS: Counter[str] = Counter()


@pytest.fixture(scope="session", autouse=True)
def report_calls(request) -> Iterator[None]:
    yield
    if not CALLS:
        return
    operations = sum(1 for _ in schema.get_all_operations())
    # Past pytest's capture, as `capsys.disabled()` does: this is the run's one summary line.
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nAPI fuzz: {len(CALLS)} of {operations} operations called, "
            f"{sum(CALLS.values())} calls (fewest for one operation: {min(CALLS.values())})"
        )


@pytest.fixture
def fuzzed_api(persona, settings, monkeypatch) -> None:
    # A fuzzer is one very busy client: rate limits would turn most calls into 429s.
    settings.API_RATE_PER_MINUTE = 1_000_000
    settings.LLM_RATE_PER_MINUTE = 1_000_000
    settings.LLM_BASE_URL = ""
    # One database connection kept across requests, as DB_CONN_MAX_AGE allows in production:
    # connecting anew for each of thousands of requests was a third of this file's time.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    # The embedding model loads once per process, in seconds; not inside a timed request.
    embeddings.embedder()


@schema.parametrize()
# One key, one persona and one database for all inputs of an operation, as for a client.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_no_operation_answers_a_server_error(case, api_key, fuzzed_api):
    CALLS[case.operation.label] += 1
    case.call_and_validate(headers={"X-API-Key": api_key}, checks=CHECKS)
