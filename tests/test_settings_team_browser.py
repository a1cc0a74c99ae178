"""A workspace admin in real Chromium on the members page: the htmx forms swap in their
answers, refusals included (a 409 or 422 carries the message the admin must read)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from core.models import Membership, Role
from tests.conftest import PASSWORD, make_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_admin_runs_the_members_page_and_reads_every_refusal(page, workspace, operator):
    make_user("ada", workspace, Role.ADMIN)
    page.on("dialog", lambda dialog: dialog.accept())  # the hx-confirm questions
    log_in(page, "ada")
    page.get_by_role("link", name="Settings").click()
    members = page.locator("#members")
    expect(members.locator('tr[data-member="olivia"]')).to_be_visible()

    create = page.locator("[data-create]")
    create.get_by_label("Username").fill("nina")
    create.get_by_label("E-mail").fill("nina@example.com")
    create.get_by_role("button", name="Create").click()
    expect(members.locator("[data-password]")).to_be_visible()
    expect(members.locator('tr[data-member="nina"]')).to_be_visible()

    create = page.locator("[data-create]")
    create.get_by_label("Username").fill("nina")
    create.get_by_label("E-mail").fill("other@example.com")
    create.get_by_role("button", name="Create").click()
    expect(members.locator("[data-error]")).to_have_text("The username nina is taken.")  # 422
    expect(page.locator("[data-create]").get_by_label("E-mail")).to_have_value("other@example.com")

    own_row = members.locator('tr[data-member="ada"]')
    own_row.get_by_role("button", name="Remove").click()
    expect(members.locator("[data-error]")).to_contain_text("last active admin")  # 409
    assert Membership.objects.filter(user__username="ada").exists()

    members.locator('tr[data-member="olivia"]').get_by_role("button", name="Deactivate").click()
    expect(members.locator("[data-notice]")).to_contain_text("olivia is deactivated")
    expect(members.locator('tr[data-member="olivia"]')).to_have_attribute("data-inactive", "")
    assert not Membership.objects.get(user=operator).is_active
