"""Who owns a conversation: claims, assignments, releases, auto-assignment, the inbox's
Mine and Unassigned views, the reply timer, non-owner sends, and presence on the socket."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations.consumers import HERE_FRAME, MAX_CLIENT_FRAME, MESSAGE_TOO_BIG, TYPING_FRAME
from conversations.models import Conversation, Message
from core.models import AuditEvent, Membership, Role
from tests.conftest import make_user
from tests.test_tenancy import connect, ingest


def client_for(user) -> Client:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(user)
    return client


def url(name: str, conversation: Conversation) -> str:
    return reverse(name, kwargs={"slug": "acme", "conversation_id": conversation.pk})


def owner_of(conversation: Conversation) -> str | None:
    conversation.refresh_from_db()
    owner = conversation.assigned_operator
    return owner.username if owner else None


@pytest.fixture
def conversation(workspace, persona) -> Conversation:
    return ingest(workspace)


@pytest.fixture
def theo(workspace):
    return make_user("theo", workspace, Role.OPERATOR)


@pytest.fixture
def manager(workspace):
    return make_user("max", workspace, Role.MANAGER)


# -- claim, release, assign ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_operator_claims_an_unassigned_conversation_and_it_is_audited(operator, conversation):
    response = client_for(operator).post(url("claim_conversation", conversation))

    assert response.status_code == 200
    assert owner_of(conversation) == "olivia"
    assert b"Owner: <strong>you</strong>" in response.content
    event = AuditEvent.objects.get(action="conversation.claimed")
    assert (event.actor, event.workspace_id, event.object_id) == (
        operator,
        conversation.workspace_id,
        str(conversation.pk),
    )
    assert (event.before, event.after) == (
        {"assigned_operator": None},
        {"assigned_operator": "olivia"},
    )


@pytest.mark.django_db
def test_an_operator_cannot_claim_or_release_someone_elses_conversation(
    operator, theo, conversation
):
    client_for(operator).post(url("claim_conversation", conversation))

    claim = client_for(theo).post(url("claim_conversation", conversation))
    release = client_for(theo).post(url("release_conversation", conversation))

    assert claim.status_code == 409
    assert b"olivia already owns this conversation" in claim.content
    assert release.status_code == 403
    assert owner_of(conversation) == "olivia"
    assert AuditEvent.objects.filter(action__startswith="conversation.").count() == 1


@pytest.mark.django_db
def test_the_owner_releases_their_conversation(operator, conversation):
    client = client_for(operator)
    client.post(url("claim_conversation", conversation))

    response = client.post(url("release_conversation", conversation))

    assert response.status_code == 200
    assert owner_of(conversation) is None
    event = AuditEvent.objects.get(action="conversation.released")
    assert (event.before, event.after) == (
        {"assigned_operator": "olivia"},
        {"assigned_operator": None},
    )


@pytest.mark.django_db
def test_operators_and_labelers_may_not_assign_to_others(operator, labeler, theo, conversation):
    for user in (operator, labeler):
        response = client_for(user).post(
            url("assign_conversation", conversation), {"operator": theo.pk}
        )
        assert response.status_code == 403
    assert owner_of(conversation) is None
    assert client_for(labeler).post(url("claim_conversation", conversation)).status_code == 403


@pytest.mark.django_db
def test_a_manager_reassigns_and_unassigns_with_before_and_after_logged(
    operator, theo, manager, conversation
):
    client_for(operator).post(url("claim_conversation", conversation))
    client = client_for(manager)

    reassigned = client.post(url("assign_conversation", conversation), {"operator": theo.pk})
    unassigned = client.post(url("assign_conversation", conversation), {"operator": ""})

    assert (reassigned.status_code, unassigned.status_code) == (200, 200)
    assert owner_of(conversation) is None
    changes = [
        (e.actor_name, e.before["assigned_operator"], e.after["assigned_operator"])
        for e in AuditEvent.objects.filter(action="conversation.assigned").order_by("pk")
    ]
    assert changes == [("max", "olivia", "theo"), ("max", "theo", None)]


@pytest.mark.django_db
def test_assigning_to_someone_who_cannot_own_it_is_refused_naming_the_field(
    manager, labeler, other_workspace, conversation
):
    outsider = make_user("otto", other_workspace, Role.OPERATOR)
    inactive = make_user("ivy", conversation.workspace, Role.OPERATOR)
    Membership.objects.filter(user=inactive).update(is_active=False)
    client = client_for(manager)

    for value, status in (("abc", 400), (labeler.pk, 422), (outsider.pk, 422), (inactive.pk, 422)):
        response = client.post(url("assign_conversation", conversation), {"operator": value})
        assert response.status_code == status, value
        assert b"operator:" in response.content
    assert owner_of(conversation) is None
    assert not AuditEvent.objects.filter(action="conversation.assigned").exists()


@pytest.mark.django_db
def test_another_workspaces_conversation_is_404_for_every_ownership_action(
    other_workspace, operator, manager
):
    from personas.models import Persona

    Persona.objects.create(workspace=other_workspace, name="Mia")
    theirs = ingest(other_workspace, contact="contact-b")
    for name, user in (
        ("claim_conversation", operator),
        ("release_conversation", operator),
        ("assign_conversation", manager),
    ):
        path = reverse(name, kwargs={"slug": "acme", "conversation_id": theirs.pk})
        assert client_for(user).post(path, {"operator": operator.pk}).status_code == 404
    assert owner_of(theirs) is None


# -- the inbox: Mine, Unassigned, owners, the shift switch ------------------------------------


@pytest.mark.django_db
def test_mine_and_unassigned_views_show_the_right_rows_with_their_owners(
    workspace, persona, operator, theo
):
    mine = ingest(workspace, contact="c-mine", external_id="m1")
    theirs = ingest(workspace, contact="c-theirs", external_id="m2")
    free = ingest(workspace, contact="c-free", external_id="m3")
    client_for(operator).post(url("claim_conversation", mine))
    client_for(theo).post(url("claim_conversation", theirs))
    client = Client()
    client.force_login(operator)

    def rows(owner: str) -> set[int]:
        page = client.get(f"/w/acme/?owner={owner}").content.decode()
        return {c.pk for c in (mine, theirs, free) if f'data-conversation-id="{c.pk}"' in page}

    assert rows("mine") == {mine.pk}
    assert rows("unassigned") == {free.pk}
    assert rows("all") == {mine.pk, theirs.pk, free.pk}
    everything = client.get("/w/acme/").content.decode()
    assert 'data-owner="theo"' in everything and 'data-owner="olivia"' in everything
    assert "data-claim" in everything  # the free one can be claimed from the inbox


@pytest.mark.django_db
def test_claiming_from_the_inbox_answers_with_the_rows_owner_cell(operator, conversation):
    response = client_for(operator).post(url("claim_conversation", conversation), {"view": "inbox"})

    assert response.status_code == 200
    assert b'data-owner="olivia"' in response.content
    assert b"<td" not in response.content  # only the cell's content: it swaps into the cell


# -- auto-assignment ------------------------------------------------------------------------


@pytest.mark.django_db
def test_auto_assignment_goes_round_robin_over_operators_on_shift_up_to_the_cap(
    workspace, persona, operator, theo, manager
):
    off_duty = make_user("fay", workspace, Role.OPERATOR)
    client_for(off_duty).post(reverse("set_shift", kwargs={"slug": "acme"}), {"on_shift": "off"})
    workspace.auto_assign = True
    workspace.max_open_per_operator = 2
    workspace.save()

    owners = [owner_of(ingest(workspace, contact=f"c-{n}", external_id=f"m-{n}")) for n in range(5)]

    assert sorted(str(owner) for owner in owners[:4]) == ["olivia", "olivia", "theo", "theo"]
    assert owners[0] != owners[1] and owners[2] != owners[3]  # taking turns
    assert owners[4] is None  # everyone is at the cap: it waits under Unassigned
    assert AuditEvent.objects.filter(action="conversation.auto_assigned").count() == 4
    assert AuditEvent.objects.filter(action="member.shift", actor=off_duty).exists()


@pytest.mark.django_db
def test_a_closed_conversation_frees_a_place_under_the_cap(workspace, persona, operator):
    workspace.auto_assign = True
    workspace.max_open_per_operator = 1
    workspace.save()
    first = ingest(workspace, contact="c-1", external_id="m-1")
    assert owner_of(ingest(workspace, contact="c-2", external_id="m-2")) is None

    Conversation.objects.filter(pk=first.pk).update(status=Conversation.Status.CLOSED)

    assert owner_of(ingest(workspace, contact="c-3", external_id="m-3")) == "olivia"


@pytest.mark.django_db
def test_without_auto_assignment_new_conversations_stay_unassigned(workspace, persona, operator):
    assert owner_of(ingest(workspace)) is None


# -- non-owner sends and the reply timer ------------------------------------------------------


@pytest.mark.django_db
def test_a_non_owner_is_warned_before_sending_and_the_send_is_recorded(
    operator, theo, conversation
):
    client_for(operator).post(url("claim_conversation", conversation))
    page = Client()
    page.force_login(theo)

    before = page.get(url("conversation", conversation)).content.decode()
    sent = client_for(theo).post(url("send_reply", conversation), {"text": "hi there"})

    assert "olivia</span> owns this conversation" in before
    assert "data-owner-warning hidden" not in before
    assert sent.status_code == 200
    assert b"data-sent-by-non-owner" in sent.content
    event = AuditEvent.objects.get(action="reply.sent_by_non_owner")
    assert event.actor == theo and event.after["owner"] == "olivia"
    message = Message.objects.get(conversation=conversation, direction="out")
    assert event.after["message_id"] == message.pk


@pytest.mark.django_db
def test_the_owner_sends_without_a_warning(operator, conversation):
    client = client_for(operator)
    client.post(url("claim_conversation", conversation))

    sent = client.post(url("send_reply", conversation), {"text": "hi there"})

    assert sent.status_code == 200
    assert b"data-sent-by-non-owner" not in sent.content
    assert not AuditEvent.objects.filter(action="reply.sent_by_non_owner").exists()


@pytest.mark.django_db
def test_the_reply_timer_is_red_past_the_target_and_stops_once_answered(
    workspace, operator, conversation
):
    workspace.reply_target_seconds = 60
    workspace.save()
    Message.objects.filter(conversation=conversation).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    client = Client()
    client.force_login(operator)

    assert 'reply-timer overdue" data-reply-timer' in client.get("/w/acme/").content.decode()
    page = client.get(url("conversation", conversation)).content.decode()
    assert 'class="reply-timer overdue" data-reply-timer data-target="60" data-since=' in page

    client_for(operator).post(url("send_reply", conversation), {"text": "sorry, here now"})

    assert "reply-timer" not in client.get("/w/acme/").content.decode().split("<tbody>")[1]
    answered = client.get(url("conversation", conversation)).content.decode()
    assert 'data-reply-timer data-target="60" hidden' in answered


@pytest.mark.django_db
def test_a_fresh_message_is_within_the_target(workspace, operator, conversation):
    client = Client()
    client.force_login(operator)

    page = client.get(url("conversation", conversation)).content.decode()

    assert 'class="reply-timer" data-reply-timer' in page


# -- settings -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_turns_on_auto_assignment_and_the_change_is_audited(workspace, admin_user_acme):
    response = client_for(admin_user_acme).post(
        "/w/acme/settings/assignment/save/",
        {"auto_assign": "on", "max_open_per_operator": "7", "reply_target_seconds": "120"},
    )

    assert response.status_code == 200
    workspace.refresh_from_db()
    assert (workspace.auto_assign, workspace.max_open_per_operator) == (True, 7)
    assert workspace.reply_target_seconds == 120
    event = AuditEvent.objects.get(action="settings.assignment")
    assert event.after == {
        "auto_assign": True,
        "max_open_per_operator": 7,
        "reply_target_seconds": 120,
    }


@pytest.mark.django_db
def test_bad_assignment_settings_are_refused_naming_the_field_and_store_nothing(
    workspace, admin_user_acme
):
    client = client_for(admin_user_acme)
    for field, value in (("max_open_per_operator", "0"), ("reply_target_seconds", "soon")):
        form = {"max_open_per_operator": "5", "reply_target_seconds": "60", field: value}
        response = client.post("/w/acme/settings/assignment/save/", form)
        assert response.status_code == 422
        assert field.replace("_", " ").encode() in response.content
    workspace.refresh_from_db()
    assert (workspace.max_open_per_operator, workspace.reply_target_seconds) == (20, 300)
    assert not AuditEvent.objects.filter(action="settings.assignment").exists()


@pytest.fixture
def admin_user_acme(workspace):
    return make_user("ada", workspace, Role.ADMIN)


# -- presence over the socket ---------------------------------------------------------------


async def next_presence(socket) -> dict:
    while True:
        event = await socket.receive_json_from(timeout=3)
        if event["type"] == "conversation.presence":
            return event


async def arrive(user, conversation):
    """A conversation page's socket that says it is here, as the page does once open."""
    socket, connected, _ = await connect(user, f"/ws/w/acme/c/{conversation.pk}/")
    assert connected
    await socket.send_to(text_data=HERE_FRAME)
    return socket


@pytest.mark.django_db(transaction=True)
async def test_viewers_and_typists_are_announced_and_cleared_on_disconnect(
    operator, theo, conversation
):
    olivia_socket = await arrive(operator, conversation)
    assert (await next_presence(olivia_socket))["viewers"] == ["olivia"]
    theo_socket = await arrive(theo, conversation)
    assert (await next_presence(olivia_socket))["viewers"] == ["olivia", "theo"]

    await theo_socket.send_to(text_data=TYPING_FRAME)
    typing = await next_presence(olivia_socket)
    assert typing["typing"] == ["theo"]

    await theo_socket.disconnect()
    gone = await next_presence(olivia_socket)
    assert (gone["viewers"], gone["typing"]) == (["olivia"], [])
    await olivia_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_that_never_says_here_is_not_listed_and_cannot_type(
    operator, theo, conversation
):
    olivia_socket = await arrive(operator, conversation)
    await next_presence(olivia_socket)
    silent, _, _ = await connect(theo, f"/ws/w/acme/c/{conversation.pk}/")

    await silent.send_to(text_data=TYPING_FRAME)

    assert await olivia_socket.receive_nothing(timeout=0.5)
    await silent.disconnect()
    assert await olivia_socket.receive_nothing(timeout=0.5)
    await olivia_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_only_the_tiny_presence_frames_are_read_and_big_frames_still_close(
    operator, conversation
):
    socket = await arrive(operator, conversation)
    await next_presence(socket)

    await socket.send_to(text_data='{"type":"typing","text":"spy"}')
    assert await socket.receive_nothing(timeout=0.5)  # anything else is dropped unread
    await socket.send_to(text_data='{"type":"typing"' + " " * MAX_CLIENT_FRAME + "}")
    output = await socket.receive_output(timeout=3)

    assert output == {"type": "websocket.close", "code": MESSAGE_TOO_BIG}


@pytest.mark.django_db(transaction=True)
async def test_a_claim_reaches_the_inbox_and_the_conversation_page_live(operator, conversation):
    inbox, _, _ = await connect(operator, "/ws/w/acme/inbox/")
    page = await arrive(operator, conversation)
    await next_presence(page)

    def claim():
        return client_for(operator).post(url("claim_conversation", conversation))

    await sync_to_async(claim)()

    expected = {
        "type": "conversation.assigned",
        "conversation_id": conversation.pk,
        "operator_id": operator.pk,
        "operator": "olivia",
    }
    assert await inbox.receive_json_from(timeout=3) == expected
    assert await page.receive_json_from(timeout=3) == expected
    await inbox.disconnect()
    await page.disconnect()
