"""The people side of workspace settings, as a tenant's admin uses it: members (invite,
create, role, deactivate, remove), API keys (shown once, revoked, last use) and the audit
log (this workspace's only, filtered, exported as CSV a spreadsheet cannot run)."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import ApiKey, AuditEvent, Membership, Role
from tests.conftest import PASSWORD, make_user
from tests.team_pages import TEAM_PAGES, key_of, member_of
from tests.test_tenancy import connect, ingest

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin(workspace):
    return make_user("ada", workspace, Role.ADMIN)


def client_of(user, htmx: bool = True) -> Client:
    client = Client(headers={"HX-Request": "true"} if htmx else {})
    client.force_login(user)
    return client


def url(name: str, slug: str = "acme", **ids) -> str:
    return reverse(name, kwargs={"slug": slug, **ids})


def core_rows() -> dict:
    """Everything the settings pages may change: accounts, memberships, keys, the log."""
    return {
        "users": sorted(User.objects.values_list("username", "email", "is_active", "password")),
        "members": sorted(Membership.objects.values_list("pk", "user_id", "role", "is_active")),
        "keys": sorted(ApiKey.objects.values_list("pk", "name", "revoked")),
        "audit": AuditEvent.objects.count(),
    }


# Members


def test_an_admin_invites_an_existing_account_by_email(admin, workspace):
    sam = User.objects.create_user("sam", email="Sam@Example.com", password=PASSWORD)

    response = client_of(admin).post(
        url("settings_member_invite"), {"email": "sam@example.com", "role": "labeler"}
    )

    assert response.status_code == 200
    assert "sam joined as labeler" in response.content.decode()
    assert Membership.objects.get(user=sam, workspace=workspace).role == Role.LABELER
    event = AuditEvent.objects.get(action="member.invited")
    assert (event.workspace, event.actor, event.after["role"]) == (workspace, admin, "labeler")
    assert client_of(sam, htmx=False).get(url("label_queue")).status_code == 200


def test_a_created_account_gets_a_password_shown_once_that_logs_in(admin, workspace):
    client = client_of(admin)

    response = client.post(
        url("settings_member_create"),
        {"username": "nina", "email": "nina@example.com", "role": "operator"},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.content.decode().split("data-password>")[1].split("<")[0]
    assert len(password) >= 16
    assert Client().login(username="nina", password=password)
    assert password not in client.get(url("settings_members")).content.decode()
    event = AuditEvent.objects.get(action="member.created")
    assert event.actor == admin and event.after["user"] == "nina"
    assert password not in str(event.before) + str(event.after)


@pytest.mark.parametrize(
    ("route", "data", "message"),
    [
        (
            "settings_member_invite",
            {"email": "nobody@example.com", "role": "operator"},
            "No account",
        ),
        ("settings_member_invite", {"email": "not-an-address", "role": "operator"}, "is not an"),
        (
            "settings_member_invite",
            {"email": "olivia@example.com", "role": "owner"},
            "Choose a role",
        ),
        ("settings_member_invite", {"email": "olivia@example.com", "role": "admin"}, "already"),
        (
            "settings_member_invite",
            {"email": "root@example.com", "role": "admin"},
            "platform staff",
        ),
        ("settings_member_create", {"username": "olivia", "email": "new@example.com"}, "taken"),
        ("settings_member_create", {"username": "x y", "email": "n@example.com"}, "username"),
        ("settings_member_create", {"username": "neo", "email": "olivia@example.com"}, "exists"),
        ("settings_member_create", {"username": "", "email": "n@example.com"}, "Give a username"),
    ],
)
def test_bad_member_input_is_refused_with_its_reason_and_changes_nothing(
    admin, operator, route, data, message
):
    operator.email = "olivia@example.com"
    operator.save()
    User.objects.create_superuser("root", email="root@example.com", password=PASSWORD)
    before = core_rows()

    response = client_of(admin).post(url(route), {"role": "operator", **data})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert core_rows() == before


def test_a_role_change_is_recorded_with_before_and_after(admin, operator, workspace):
    member = Membership.objects.get(user=operator)

    response = client_of(admin).post(
        url("settings_member_role", member_id=member.pk), {"role": "manager"}
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.role == Role.MANAGER
    event = AuditEvent.objects.get(action="member.role_changed")
    assert (event.actor, event.before, event.after) == (
        admin,
        {"role": "operator"},
        {"role": "manager"},
    )
    assert event.object_id == str(member.pk)


def test_a_deactivated_member_reaches_nothing_until_reactivated(admin, operator, workspace):
    member = Membership.objects.get(user=operator)
    theirs = client_of(operator, htmx=False)
    mine = client_of(admin)

    assert mine.post(url("settings_member_deactivate", member_id=member.pk)).status_code == 200
    assert theirs.get(url("inbox")).status_code == 404
    members_page = mine.get(url("settings_members")).content.decode()
    assert 'data-member="olivia" data-role="operator" class="inactive"' in members_page

    assert mine.post(url("settings_member_reactivate", member_id=member.pk)).status_code == 200
    assert theirs.get(url("inbox")).status_code == 200
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["member.deactivated", "member.reactivated"]


def test_removing_a_member_keeps_their_account_and_their_other_workspaces(
    admin, operator, other_workspace
):
    Membership.objects.create(user=operator, workspace=other_workspace, role=Role.OPERATOR)
    member = Membership.objects.get(user=operator, workspace__slug="acme")

    response = client_of(admin).post(url("settings_member_remove", member_id=member.pk))

    assert response.status_code == 200
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=operator.pk, is_active=True).exists()
    theirs = client_of(operator, htmx=False)
    assert theirs.get(url("inbox")).status_code == 404
    assert theirs.get(url("inbox", slug="other")).status_code == 200
    event = AuditEvent.objects.get(action="member.removed")
    assert event.before == {"user": "olivia", "role": "operator", "is_active": True}


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("settings_member_role", {"role": "manager"}),
        ("settings_member_deactivate", {}),
        ("settings_member_remove", {}),
    ],
)
def test_the_last_active_admin_cannot_be_demoted_deactivated_or_removed(
    admin, workspace, route, data
):
    own = Membership.objects.get(user=admin)
    # A deactivated admin does not count: they could not manage anything.
    make_user("dormant", workspace, Role.ADMIN)
    Membership.objects.filter(user__username="dormant").update(is_active=False)
    before = core_rows()

    response = client_of(admin).post(url(route, member_id=own.pk), data)

    assert response.status_code == 409
    assert "last active admin" in response.content.decode()
    assert core_rows() == before

    make_user("bea", workspace, Role.ADMIN)
    assert client_of(admin).post(url(route, member_id=own.pk), data).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(workspace):
    admins = [make_user(name, workspace, Role.ADMIN) for name in ("ada", "bea")]
    memberships = [Membership.objects.get(user=user) for user in admins]
    clients = [client_of(user) for user in admins]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def demote(client: Client, other: Membership) -> None:
        barrier.wait()
        response = client.post(url("settings_member_role", member_id=other.pk), {"role": "labeler"})
        statuses.append(response.status_code)
        connection.close()  # this thread's own connection, before the database is dropped

    threads = [
        threading.Thread(target=demote, args=(clients[0], memberships[1])),
        threading.Thread(target=demote, args=(clients[1], memberships[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The second waits for the first, then finds its actor demoted: refused, not applied.
    assert sorted(statuses) == [200, 403]
    assert Membership.objects.filter(workspace=workspace, role=Role.ADMIN).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("route", "data", "reconnects"),
    [
        ("settings_member_role", {"role": "labeler"}, True),
        ("settings_member_deactivate", {}, False),
        ("settings_member_remove", {}, False),
    ],
)
async def test_a_members_open_sockets_close_when_the_admin_changes_their_access(
    workspace, persona, operator, labeler, route, data, reconnects, close_async_db_connections
):
    admin = await sync_to_async(make_user)("ada", workspace, Role.ADMIN)
    conversation = await sync_to_async(ingest)(workspace)
    theirs, connected, _ = await connect(operator, f"/ws/w/acme/c/{conversation.pk}/")
    bystander, bystander_connected, _ = await connect(labeler, "/ws/w/acme/inbox/")
    assert connected and bystander_connected
    member = await sync_to_async(Membership.objects.get)(user=operator)

    client = await sync_to_async(client_of)(admin)
    response = await sync_to_async(client.post)(url(route, member_id=member.pk), data)

    assert response.status_code == 200
    closed = await theirs.receive_output(timeout=3)
    assert (closed["type"], closed.get("code")) == ("websocket.close", 4403)
    assert await bystander.receive_nothing(timeout=0.5)
    again, connected, _ = await connect(operator, "/ws/w/acme/inbox/")
    assert connected == reconnects
    await again.disconnect()
    await bystander.disconnect()


def test_a_manager_reads_the_members_but_changes_nothing(workspace, operator):
    manager = make_user("max", workspace, Role.MANAGER)
    client = client_of(manager, htmx=False)

    page = client.get(url("settings_members")).content.decode()

    assert 'data-member="olivia"' in page and "data-invite" not in page
    assert "API keys" not in page  # the menu leaves out what a manager cannot open
    assert client.get(url("settings_api_keys")).status_code == 403


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.LABELER, Role.MANAGER])
@pytest.mark.parametrize("route", sorted(r for r, m in TEAM_PAGES.items() if m == "post"))
def test_a_refused_role_changes_no_account_membership_key_or_log(workspace, role, route):
    ids: dict[str, Any] = {}
    if "member_" in route and route not in ("settings_member_invite", "settings_member_create"):
        ids["member_id"] = member_of(workspace.pk).pk
    if route == "settings_api_key_revoke":
        ids["key_id"] = key_of(workspace.pk).pk
    client = client_of(make_user(f"user-{role}", workspace, role))
    before = core_rows()

    response = client.post(
        url(route, **ids),
        {"email": "x@example.com", "username": "x", "role": "admin", "name": "k"},
    )

    assert response.status_code == 403
    assert core_rows() == before


def test_an_admin_gets_404_for_another_workspaces_member_or_key_through_their_slug(
    admin, other_workspace
):
    theirs = member_of(other_workspace.pk)
    their_key = key_of(other_workspace.pk)
    client = client_of(admin)
    before = core_rows()

    for route in ("settings_member_role", "settings_member_deactivate", "settings_member_remove"):
        response = client.post(url(route, member_id=theirs.pk), {"role": "admin"})
        assert response.status_code == 404, route
    response = client.post(url("settings_api_key_revoke", key_id=their_key.pk))

    assert response.status_code == 404
    assert core_rows() == before


# API keys


def test_a_new_key_is_shown_once_works_against_the_api_and_stops_after_revoke(admin, workspace):
    client = client_of(admin)

    response = client.post(url("settings_api_key_create"), {"name": "CRM sync"})

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    raw = response.content.decode().split("data-raw-key>")[1].split("<")[0]
    api = Client(headers={"X-API-Key": raw})
    assert api.get("/api/workspace").json()["slug"] == "acme"
    assert raw not in client.get(url("settings_api_keys")).content.decode()
    key = ApiKey.objects.get(name="CRM sync")
    assert AuditEvent.objects.get(action="api_key.created").after == {
        "name": "CRM sync",
        "prefix": key.prefix,
    }

    revoked = client.post(url("settings_api_key_revoke", key_id=key.pk))

    assert revoked.status_code == 200
    assert api.get("/api/workspace").status_code == 401
    assert AuditEvent.objects.get(action="api_key.revoked").actor == admin
    again = client.post(url("settings_api_key_revoke", key_id=key.pk))
    assert again.status_code == 422 and "already revoked" in again.content.decode()


def test_a_key_needs_a_name(admin):
    before = core_rows()
    response = client_of(admin).post(url("settings_api_key_create"), {"name": "  "})
    assert response.status_code == 422 and "Give the key a name" in response.content.decode()
    assert core_rows() == before


def test_last_used_moves_when_the_key_is_used_at_most_once_a_minute(admin, workspace, api_key):
    key = ApiKey.objects.get(workspace=workspace)
    api = Client(headers={"X-API-Key": api_key})
    assert key.last_used_at is None

    api.get("/api/workspace")
    key.refresh_from_db()
    first = key.last_used_at
    api.get("/api/workspace")
    key.refresh_from_db()

    assert first is not None and key.last_used_at == first  # no write per request
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=an_hour_ago)
    api.get("/api/workspace")
    key.refresh_from_db()
    assert key.last_used_at > first
    page = client_of(admin).get(url("settings_api_keys")).content.decode()
    assert f'datetime="{timezone.localtime(key.last_used_at).isoformat()}' in page


# Audit log


def events_on_page(client: Client, slug: str = "acme", **params) -> list[str]:
    page = client.get(url("settings_audit", slug=slug), params).content.decode()
    return [part.split('"')[0] for part in page.split('data-event="')[1:]]


def test_the_audit_log_names_the_actor_and_stays_in_its_workspace(
    admin, operator, outsider, workspace
):
    client = client_of(admin)
    member = Membership.objects.get(user=operator)
    client.post(url("settings_member_role", member_id=member.pk), {"role": "labeler"})
    client.post(url("settings_api_key_create"), {"name": "acme's key"})

    assert events_on_page(client) == ["api_key.created", "member.role_changed"]
    assert "ada" in client.get(url("settings_audit")).content.decode()
    outsiders = client_of(outsider)
    assert events_on_page(outsiders, slug="other") == []
    assert outsiders.get(url("settings_audit")).status_code == 404
    assert outsiders.get(url("settings_audit_csv")).status_code == 404
    their_csv = outsiders.get(url("settings_audit_csv", slug="other")).content.decode()
    assert their_csv.strip().splitlines()[1:] == []


def test_the_audit_log_filters_by_action_actor_and_dates_and_pages(admin, workspace):
    bea = make_user("bea", workspace, Role.ADMIN)
    for number in range(55):
        client_of(admin if number % 2 else bea).post(
            url("settings_api_key_create"), {"name": f"key {number}"}
        )
    client_of(admin).post(url("settings_api_key_revoke", key_id=ApiKey.objects.latest("pk").pk))
    AuditEvent.objects.filter(object_repr__startswith="key 0 ").update(
        created_at=timezone.now() - timedelta(days=10)
    )
    client = client_of(admin)
    today = timezone.localdate().isoformat()

    assert len(events_on_page(client)) == 50
    assert len(events_on_page(client, page=2)) == 6
    assert events_on_page(client, action="api_key.revoked") == ["api_key.revoked"]
    assert len(events_on_page(client, actor="bea")) == 28
    assert len(events_on_page(client, since=today)) == 50
    assert len(events_on_page(client, since=today, page=2)) == 5
    old = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert events_on_page(client, since=old, until=old) == ["api_key.created"]
    refused = client.get(url("settings_audit"), {"since": "yesterday"})
    assert refused.status_code == 400 and "must be a date" in refused.content.decode()


def test_the_audit_csv_reaches_a_spreadsheet_as_text(admin, workspace):
    client = client_of(admin)
    names = ['=HYPERLINK("http://evil")', "+1+2", "-3", "@SUM(A1)", "plain"]
    for name in names:
        assert client.post(url("settings_api_key_create"), {"name": name}).status_code == 200

    response = client.get(url("settings_audit_csv"), {"action": "api_key.created"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    objects = sorted(row["object"] for row in rows)
    assert all(cell[0] not in "=+-@\t\r" for row in rows for cell in row.values() if cell)
    assert '\'=HYPERLINK("http://evil") (od_' in " ".join(objects)
    assert {row["actor"] for row in rows} == {"ada"}
    assert any(cell.startswith("plain") for cell in objects)
