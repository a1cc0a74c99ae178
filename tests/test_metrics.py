"""/metrics: Prometheus text that a scraper parses, counters that move when a message
flows through the real pipeline (recorded in the Celery worker's process and summed by
the web's), live queue depths and circuit states, and no metrics for an unknown client."""

from __future__ import annotations

import glob
import os
from typing import Any

import pytest
from django.test import Client
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from conversations import pipeline
from conversations.models import OperatorDecision, SuggestionSet
from conversations.replies import circuit
from core import dispatch
from stack import free_port
from tests.conftest import receive, wait_until
from tests.test_llm import clear_llm_keys

Samples = dict[tuple[str, frozenset], float]


def scrape(client: Client | None = None, **headers) -> Samples:
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples_of(response.content.decode())


def samples_of(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str) -> float:
    return sum(v for (n, _), v in samples.items() if n == name)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def recorded_by_this_process() -> Samples:
    """Only what the test's own process wrote to the multiprocess folder."""
    files = glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], f"*_{os.getpid()}.db"))
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for metric in MultiProcessCollector.merge(files, accumulate=True)
        for sample in metric.samples
    }


def drafted_set(message_id: int) -> SuggestionSet | None:
    """The pipeline's own set for the message, once its drafts are in."""
    found = SuggestionSet.objects.filter(request_key=dispatch.auto_request_key(message_id))
    suggestion_set = found.first()
    if suggestion_set is None or suggestion_set.generation.get("drafting"):
        return None
    return suggestion_set


def scrape_once_delivered(before: Samples) -> Samples | None:
    """A scrape taken after the worker tried to deliver the reply."""
    samples = scrape()
    delivered = total(samples, "webhook_deliveries_total")
    return samples if delivered > total(before, "webhook_deliveries_total") else None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_message_through_the_worker_and_a_sent_reply_move_the_counters(
    celery_worker, workspace, persona, operator, operator_client, post_message
):
    before, mine_before = scrape(), recorded_by_this_process()
    posted = post_message(external_id="metrics-1").json()
    message_id = posted["message_id"]
    suggestion_set = wait_until(lambda: drafted_set(message_id), timeout=60)
    shown = suggestion_set.suggestions.count()
    top = suggestion_set.suggestions.order_by("position").first()
    sent = operator_client.post(
        f"/w/acme/c/{posted['conversation_id']}/reply/",
        {"text": top.text, "suggestion_id": top.pk},
        headers={"HX-Request": "true"},
    )
    assert sent.status_code == 200
    assert OperatorDecision.objects.get(suggestion=top).action == "accept"
    after = wait_until(lambda: scrape_once_delivered(before), timeout=30)

    for stage in ("perceive", "cta", "suggest"):
        assert grew(before, after, "pipeline_stage_seconds_count", stage=stage) >= 1, stage
    assert grew(before, after, "first_suggestion_seconds_count") == 1
    assert grew(before, after, "suggestions_total", decision="shown") >= shown
    assert grew(before, after, "suggestions_total", decision="accepted") == 1
    # The reply to an API contact goes to the workspace's webhook; none is configured.
    assert (
        grew(before, after, "webhook_deliveries_total", connector="webhook", status="unconfigured")
        == 1
    )
    # Perception and drafting ran in the worker's process, never in this one: the scrape
    # summed another process's files.
    mine = recorded_by_this_process()
    assert grew(mine_before, mine, "pipeline_stage_seconds_count", stage="perceive") == 0
    assert grew(mine_before, mine, "pipeline_stage_seconds_count", stage="suggest") == 0
    assert grew(mine_before, mine, "suggestions_total", decision="accepted") == 1  # the page


@pytest.mark.django_db(transaction=True)
def test_queue_depths_are_read_from_the_broker_at_scrape_time(persona, post_message):
    assert value(scrape(), "celery_queue_depth", queue="ml") == 0
    # No worker runs: the message's perception waits on the ml queue.
    assert post_message(external_id="queued-1").status_code == 201

    samples = scrape()
    assert value(samples, "celery_queue_depth", queue="ml") == 1
    for queue in ("default", "llm", "train", "training"):
        assert ("celery_queue_depth", frozenset({("queue", queue)})) in samples


@pytest.mark.django_db
def test_generation_errors_fallbacks_and_the_open_circuit_are_counted(settings, workspace, persona):
    settings.LLM_BASE_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.LLM_CIRCUIT_FAILURES = 1
    clear_llm_keys()
    before = scrape()
    message = receive(workspace, "hey, are you there?", "m-1")
    try:
        for attempt in ("first", "second"):  # the server refuses; then the circuit is open
            stored = pipeline.suggest(message, f"{attempt}:{message.pk}")
            assert stored is not None and stored.is_fallback
        assert circuit(workspace.pk).is_open()
        after = scrape()
    finally:
        clear_llm_keys()

    assert grew(before, after, "generation_fallbacks_total") == 2
    assert grew(before, after, "generation_errors_total", reason="circuit_open") == 1
    assert total(after, "generation_errors_total") - total(before, "generation_errors_total") == 2
    assert value(after, "llm_circuits_open") == 1
    assert value(after, "llm_circuit_open", workspace="acme") == 1
    assert value(scrape(), "llm_circuits_open") == 0  # cleared with the circuit's keys


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"REMOTE_ADDR": "10.0.0.5"}, id="another host"),
        pytest.param(
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, id="proxied"
        ),
    ],
)
def test_without_a_token_only_this_machine_reads_the_metrics(headers):
    response = Client().get("/metrics", **headers)

    assert response.status_code == 403
    assert b"METRICS_TOKEN" in response.content
    assert b"suggestions_total" not in response.content


@pytest.mark.django_db
def test_with_a_token_set_only_its_bearer_reads_the_metrics(settings):
    settings.METRICS_TOKEN = "scrape-me-9f2c"

    wrong: list[dict[str, Any]] = [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": "scrape-me-9f2c"},
    ]
    for headers in wrong:
        refused = Client().get("/metrics", **headers)  # loopback, but the token is required
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"].startswith("Bearer")
        assert b"bearer token" in refused.content
    samples = scrape(REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer scrape-me-9f2c")
    assert ("celery_queue_depth", frozenset({("queue", "llm")})) in samples
