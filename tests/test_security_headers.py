"""CSRF on every form, GET that never changes state, security headers, and Django's own
deployment checks passing with production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.apps import apps
from django.test import Client

from core.models import Role
from tests.conftest import ROOT, make_user
from tests.test_tenancy import PAGES, ingest, page_url

pytestmark = pytest.mark.django_db

OUR_APPS = ("dashboard", "conversations", "personas", "mlops")
# Opening a conversation records when its suggestions were first shown: the operator's
# time to reply is measured from there (the one thing a GET writes, on purpose).
WRITTEN_ON_VIEW = {("conversations", "suggestionset"): {"shown_at"}}


def snapshot() -> dict:
    """Every row of our apps, minus the fields a view records on purpose."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        key = (model._meta.app_label, model._meta.model_name or "")
        skipped = WRITTEN_ON_VIEW.get(key, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skipped]
        state[model._meta.label] = sorted(map(repr, model._default_manager.values_list(*fields)))
    return state


@pytest.fixture
def conversation(workspace, persona):
    return ingest(workspace)


@pytest.fixture
def admin(workspace):
    """The workspace's admin: allowed everything, so a refusal can only be the CSRF check."""
    return make_user("ada", workspace, Role.ADMIN)


@pytest.mark.parametrize("name", [name for name, method in PAGES if method == "post"])
def test_every_form_refuses_a_post_without_its_csrf_token(name, admin, conversation):
    url = page_url(name, "acme", conversation)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    before = snapshot()

    response = client.post(url, {"text": "hi", "reason": "because", "status": "active"})

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_a_get_never_changes_state(name, admin, conversation):
    url = page_url(name, "acme", conversation)
    client = Client()
    client.force_login(admin)
    before = snapshot()

    response = client.get(url)

    method = dict(PAGES)[name]
    assert response.status_code == (405 if method == "post" else 200), url
    assert snapshot() == before


def test_pages_carry_the_security_headers(admin, conversation):
    client = Client()
    client.force_login(admin)

    response = client.get(page_url("conversation", "acme", conversation))

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline scripts, no eval
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


def test_https_responses_carry_hsts(settings, admin):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    client.force_login(admin)

    response = client.get("/w/acme/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_deployment_checks_pass_with_production_settings():
    """`manage.py check --deploy --fail-level WARNING` in a fresh process with DEBUG off,
    a real-length secret and a host name: no warning at all."""
    environment = {
        name: value
        for name, value in os.environ.items()
        # The browser tests allow async-unsafe ORM calls in this process; production never.
        if name
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="dashboard.example.com",
        DATABASE_URL="postgresql://dashboard@db.example/dashboard",
        REDIS_URL="redis://redis.example:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
