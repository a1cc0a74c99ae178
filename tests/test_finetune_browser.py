"""A manager fine-tunes a persona's reply model in real Chromium: operator edits become a
dataset, a LoRA job trains for real on the `train` worker while the page shows its progress
live, the evaluation and gate appear, the adapter is deployed to Mia and rolled back.

Setup as in tests/test_browser.py: Debian's chromium through Playwright, the real ASGI
server and a real Celery worker on the test database.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from core.models import Role
from mlops.models import TrainingJob
from personas.models import Persona
from tests.conftest import make_user
from tests.test_browser import log_in
from tests.test_lora import edited_conversations

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAGE = "/w/acme/fine-tuning/"
# Loading the base model, four optimizer steps and the evaluation on a busy 2-core CPU.
TRAINING_TIMEOUT_MS = 420_000


def outside_the_event_loop(work: Callable[[], None]) -> None:
    """Run work in a thread of its own: Playwright's event loop runs in this one, and the
    pipeline's channel-layer broadcasts (async_to_sync) refuse to run inside it."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


@pytest.mark.worker
@pytest.mark.timeout(600)
def test_manager_builds_a_dataset_trains_deploys_and_rolls_back_an_adapter(
    browser, page, asgi_server, celery_worker, workspace, persona, operator
):
    outside_the_event_loop(lambda: edited_conversations(workspace, operator))
    make_user("maya", workspace, Role.MANAGER)

    # An operator is refused the page.
    operator_page = browser.new_context(base_url=asgi_server).new_page()
    log_in(operator_page, "olivia")
    expect(operator_page.locator(".who")).to_contain_text("olivia")
    refused = operator_page.goto(PAGE)
    assert refused is not None and refused.status == 403
    expect(operator_page.locator("body")).to_have_text("Only managers and admins fine-tune models.")
    operator_page.context.close()

    log_in(page, "maya")
    page.get_by_role("link", name="Fine-tuning").click()
    expect(page).to_have_url(PAGE)
    expect(page.locator("[data-decisions]")).to_contain_text("Mia")

    # Build a dataset of every persona's replies.
    page.locator("[data-build]").get_by_role("button", name="Build dataset").click()
    row = page.locator('[data-dataset="v1"]')
    expect(row).to_contain_text("all personas")
    train, held_out = (int(n) for n in row.locator("[data-sft]").inner_text().split(" / "))
    assert train + held_out == 6 and held_out >= 1, (train, held_out)

    # Start training for Mia with a faster learning rate.
    form = row.locator("[data-train]")
    form.get_by_label("persona").select_option(label="Mia")
    form.locator("summary", has_text="Settings").click()
    form.get_by_label("Learning rate").fill("0.003")
    form.get_by_role("button", name="Start training").click()

    card = page.locator("[data-job]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Mia")
    job = TrainingJob.objects.get()
    assert job.persona_id == persona.pk and job.config == {"learning_rate": 0.003}

    # The card follows the job live: no reload from here until it has finished. Every
    # progress value htmx swaps in is recorded; the flag would vanish with a reload.
    page.evaluate(
        """() => {
            window.stillTheSamePage = true;
            window.seenProgress = [];
            const record = () => {
                const bar = document.querySelector('[data-job] progress');
                if (bar !== null) window.seenProgress.push(bar.value);
            };
            record();
            new MutationObserver(record).observe(
                document.getElementById('jobs'), {childList: true, subtree: true}
            );
        }"""
    )
    page.wait_for_function(
        """() => {
            const bar = document.querySelector('[data-job] progress');
            return bar !== null && bar.value > 0 && bar.value < 100;
        }""",
        timeout=120_000,
    )
    expect(page.locator("[data-job] [data-stage]")).not_to_have_text("")
    expect(page.locator("[data-job]")).to_have_attribute(
        "data-status", "completed", timeout=TRAINING_TIMEOUT_MS
    )
    expect(card.locator("progress")).to_have_js_property("value", 100)
    expect(card.locator("[data-stage]")).to_have_text("ready to deploy: the gate passed")
    assert page.evaluate("window.stillTheSamePage") is True
    seen = page.evaluate("window.seenProgress")
    assert any(0 < value < 100 for value in seen), seen
    assert seen == sorted(seen) and seen[-1] == 100, seen

    job.refresh_from_db()
    assert job.result is not None
    metrics = job.result.metrics
    evaluation = card.locator("[data-evaluation]")
    expect(evaluation).to_contain_text(f"new adapter v{job.result.version}")
    expect(evaluation.locator("[data-new-loss]")).to_have_text(str(metrics["new"]["eval_loss"]))
    expect(card.locator("[data-examples] tbody tr")).to_have_count(len(metrics["examples"]))
    gate = card.locator("[data-gate]")
    expect(gate).to_have_attribute("data-gate", "passed")
    expect(gate).to_contain_text("Gate passed against the base model.")

    # Deploy to Mia: the adapters table names the adapter.
    adapter = page.locator('[data-persona="Mia"] [data-adapter]')
    expect(adapter).to_have_text("base model")
    card.get_by_role("button", name="Deploy to Mia").click()
    name = metrics["adapter"]
    expect(adapter).to_contain_text(name)
    expect(page.locator("[data-job] [data-deployed]")).to_be_visible()
    deployed = Persona.objects.get(pk=persona.pk)
    assert deployed.adapter_id == job.result.pk and deployed.llm_model == name

    # Roll back: Mia writes with the base model again.
    page.locator('[data-persona="Mia"]').get_by_role("button", name="Roll back").click()
    expect(adapter).to_have_text("base model")
    expect(page.locator('[data-persona="Mia"] [data-rollback]')).to_have_count(0)
    rolled_back = Persona.objects.get(pk=persona.pk)
    assert rolled_back.adapter_id is None and rolled_back.llm_model == ""
