"""Issue 18's acceptance in real Chromium against the real ASGI server: a workspace admin
(not platform staff) sets the outbound webhook, rotates its secret, adds a red-flag
override and a campaign variant on the settings pages, refusals included, and a test
delivery to a real HTTP server on 127.0.0.1 verifies with the `standardwebhooks` package
using the secret the page showed once.

The platform allows 127.0.0.1 for this server only (OUTBOUND_URL_ALLOWLIST in its
environment), as an operator of the platform would for a receiver on the same host."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect
from standardwebhooks.webhooks import Webhook

from conversations.models import RedFlagPattern
from core.models import Role
from personas.models import CampaignVariant
from stack import free_port, wait_for_port, web_server_command
from tests.conftest import PASSWORD, ROOT, child_env, make_user, stop

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture(scope="module")
def allowing_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The ASGI app under uvicorn, on a platform that allow-lists 127.0.0.1."""
    port = free_port()
    env = {**child_env(), "OUTBOUND_URL_ALLOWLIST": "127.0.0.1"}
    process = subprocess.Popen(web_server_command(port), cwd=ROOT, env=env)
    try:
        wait_for_port(port, "ASGI server with an allow-list")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture
def admin_page(browser: Browser, allowing_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=allowing_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the hx-confirm questions
    yield page
    context.close()


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A real HTTP server on 127.0.0.1 that keeps what it is sent and answers 200."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    server.shutdown()
    server.server_close()


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def settings_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Workspace settings").get_by_role("link", name=name).click()


def test_a_workspace_admin_configures_the_workspace_in_the_product(
    admin_page, workspace, persona, receiver
):
    page = admin_page
    receiver_url, received = receiver
    admin = make_user("ada", workspace, Role.ADMIN)
    assert not admin.is_staff
    log_in(page, "ada")
    page.get_by_role("link", name="Settings").click()

    # the outbound connector: 10.x is refused with the reason, the allow-listed receiver saved
    settings_section(page, "Outbound connector")
    connector = page.locator("#connector")
    connector.get_by_label("Outbound webhook URL").fill("http://10.0.0.5/hooks")
    connector.get_by_role("button", name="Save URL").click()
    expect(connector.locator("[data-errors]")).to_contain_text("webhooks may only call public")
    connector.get_by_label("Outbound webhook URL").fill(receiver_url)
    connector.get_by_role("button", name="Save URL").click()
    expect(connector.get_by_role("status")).to_have_text("Saved.")

    # the outbound secret, shown once
    settings_section(page, "Webhooks")
    webhooks = page.locator("#webhooks")
    expect(webhooks.locator("[data-inbound-url]")).to_contain_text("/api/webhooks/acme/messages")
    rotate = webhooks.locator("[data-rotate-outbound]")
    rotate.get_by_label("The old secret keeps signing for").select_option("0")
    rotate.get_by_role("button", name="Rotate outbound secret").click()
    secret = webhooks.locator("[data-secret]").inner_text()
    assert secret.startswith("whsec_")

    # a red-flag override: a catastrophic pattern is refused, the fixed one stored
    settings_section(page, "Red flags")
    flags = page.locator("#red-flags")
    form = flags.locator("[data-red-flag-form]")
    form.get_by_label("Name").fill("crypto_wallet")
    form.get_by_label("Weight (0 to 1)").fill("0.8")
    form.get_by_label("Pattern (regular expression)").fill("(send +)+ btc")
    form.get_by_role("button", name="Add pattern").click()
    expect(flags.locator("[data-errors]")).to_contain_text("pattern")
    assert not RedFlagPattern.objects.filter(workspace=workspace).exists()
    form = flags.locator("[data-red-flag-form]")
    form.get_by_label("Pattern (regular expression)").fill("send (btc|eth) to")
    form.get_by_role("button", name="Add pattern").click()
    expect(flags.locator('tr[data-pattern="crypto_wallet"]')).to_be_visible()

    # a campaign and its A/B variant
    settings_section(page, "Campaigns")
    create = page.locator("[data-campaign-form]")
    create.get_by_label("Slug").fill("summer")
    create.get_by_label("Name").fill("Summer promo")
    create.get_by_role("button", name="Create campaign").click()
    page.get_by_role("link", name="Summer promo").first.click()
    variant_form = page.locator("[data-variant-form]")
    variant_form.get_by_label("Name").fill("teasing")
    variant_form.get_by_label("Prompt config").fill('{"temperature": 9}')
    variant_form.get_by_role("button", name="Add variant").click()
    expect(page.locator("#campaign [data-errors]")).to_contain_text("temperature")
    variant_form = page.locator("[data-variant-form]")
    variant_form.get_by_label("Prompt config").fill('{"response_style": "teasing"}')
    variant_form.get_by_role("button", name="Add variant").click()
    expect(page.locator('form[data-variant="teasing"]')).to_be_visible()
    assert CampaignVariant.objects.get(name="teasing").prompt_config == {
        "response_style": "teasing"
    }

    # the test delivery, verified by the receiver with the secret shown once
    settings_section(page, "Outbound connector")
    page.get_by_role("button", name="Send test delivery").click()
    expect(page.locator('[data-delivery="ok"]')).to_contain_text("HTTP 200")
    [(headers, body)] = received
    assert Webhook(secret).verify(body, headers)["type"] == "test"
