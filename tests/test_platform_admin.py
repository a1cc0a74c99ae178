"""`/admin/` is the platform's: staff with no workspace membership get in; a member of any
workspace is refused even with `is_staff` (or `is_superuser`) set on their account; its
login shares the per-address limit of `/login/`. The demo seeds a platform login apart."""

from __future__ import annotations

import json
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from core.models import Membership, Role, Workspace
from stack.processes import print_banner
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
ADMIN_PAGES = ["/admin/", "/admin/core/workspace/", "/admin/core/apikey/", "/admin/auth/user/"]


@pytest.fixture
def platform_staff(db):
    return User.objects.create_superuser("root", email="root@example.com", password=PASSWORD)


@pytest.fixture
def staff_admin(workspace):
    """A workspace admin who was made staff and superuser, as `seed_demo` used to do."""
    user = make_user("ada", workspace, Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def admin_login(client: Client, username: str, password: str = PASSWORD, remote="10.0.0.1"):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=remote,
    )


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/admin/login/"])
def test_a_workspace_admin_with_is_staff_is_refused_on_every_admin_page(staff_admin, path):
    client = Client()
    client.force_login(staff_admin)

    response = client.get(path)

    assert response.status_code == 403
    assert "platform staff" in response.content.decode()
    assert "webhook" not in response.content.decode().lower()


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_platform_staff_get_in(platform_staff, workspace, path):
    client = Client()
    client.force_login(platform_staff)

    response = client.get(path)

    assert response.status_code == 200


def test_the_right_password_of_a_workspace_member_opens_no_admin_session(staff_admin):
    client = Client()

    response = admin_login(client, "ada")

    assert response.status_code == 200  # the form again, with the reason
    assert "platform staff" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # to the login form


def test_platform_staff_log_in_through_the_admin_form(platform_staff):
    client = Client()

    response = admin_login(client, "root")

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/core/workspace/").status_code == 200


def test_a_deactivated_membership_still_keeps_staff_out(staff_admin):
    Membership.objects.filter(user=staff_admin).update(is_active=False)
    client = Client()
    client.force_login(staff_admin)

    assert client.get("/admin/").status_code == 403


def test_staff_who_join_a_workspace_lose_the_admin_at_their_next_request(platform_staff, workspace):
    client = Client()
    client.force_login(platform_staff)
    assert client.get("/admin/").status_code == 200

    Membership.objects.create(user=platform_staff, workspace=workspace, role=Role.ADMIN)

    assert client.get("/admin/core/workspace/").status_code == 403


def test_the_admin_login_is_rate_limited_together_with_the_product_login(platform_staff, settings):
    settings.LOGIN_RATE_PER_MINUTE = 3
    client = Client()
    client.post("/login/", {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    statuses = [admin_login(client, "root", "wrong").status_code for _ in range(2)]

    blocked = admin_login(client, "root")  # the right password, over the limit

    assert statuses == [200, 200]
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    assert admin_login(Client(), "root", remote="10.0.0.2").status_code == 302


def test_the_demo_seeds_a_platform_login_apart_from_the_workspace_logins(tmp_path, capsys):
    out = tmp_path / "demo-credentials.json"
    call_command("seed_demo", out=str(out), persona_folder=str(tmp_path / "personas"))

    credentials = json.loads(out.read_text())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    platform = User.objects.get(username=credentials["platform"]["username"])
    assert platform.is_staff and not Membership.objects.filter(user=platform).exists()
    demo_admin = User.objects.get(username="admin")
    assert not (demo_admin.is_staff or demo_admin.is_superuser)
    assert Membership.objects.get(user=demo_admin).role == Role.ADMIN

    as_platform, as_admin = Client(), Client()
    signed_in = admin_login(as_platform, platform.username, credentials["platform"]["password"])
    assert signed_in.status_code == 302
    assert as_platform.get("/admin/core/workspace/").status_code == 200
    as_admin.force_login(demo_admin)
    assert as_admin.get("/admin/").status_code == 403
    assert as_admin.get("/w/demo/settings/").status_code == 200

    # A second start keeps the same platform password.
    call_command("seed_demo", out=str(out), persona_folder=str(tmp_path / "personas"))
    assert json.loads(out.read_text())["platform"] == credentials["platform"]
    assert Workspace.objects.filter(slug="demo").count() == 1

    print_banner("http://127.0.0.1:8000", credentials, out, str(tmp_path / "personas"))
    banner = capsys.readouterr().out
    workspace_logins, platform_part = banner.split("Platform staff")
    assert credentials["platform"]["password"] not in workspace_logins
    assert f"{platform.username} / {credentials['platform']['password']}" in platform_part
