"""Open sockets follow the user's access: logout, deactivation, a role change or a
removed membership close every socket of that user (4403); the page then reconnects and
is checked again. Other users' sockets stay open."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.signals import user_logged_out

from conversations.consumers import MAX_CLIENT_FRAME, MESSAGE_TOO_BIG
from core.models import Membership, Role
from tests.test_tenancy import connect, ingest

pytestmark = pytest.mark.django_db(transaction=True)

ACCESS_CHANGED = 4403


@pytest.fixture
def conversation(workspace, persona):
    return ingest(workspace)


async def closed_with(communicator) -> int | None:
    output = await communicator.receive_output(timeout=3)
    return output.get("code") if output["type"] == "websocket.close" else None


async def open_sockets(user, conversation) -> list:
    sockets = []
    for path in ("/ws/w/acme/inbox/", f"/ws/w/acme/c/{conversation.pk}/"):
        communicator, connected, _ = await connect(user, path)
        assert connected
        sockets.append(communicator)
    return sockets


async def test_logging_out_closes_every_socket_of_the_user(operator, labeler, conversation):
    mine = await open_sockets(operator, conversation)
    (theirs,) = (await open_sockets(labeler, conversation))[:1]

    await sync_to_async(user_logged_out.send)(sender=type(operator), request=None, user=operator)

    assert [await closed_with(socket) for socket in mine] == [ACCESS_CHANGED] * 2
    assert await theirs.receive_nothing(timeout=0.5)
    await theirs.disconnect()


async def test_deactivating_a_user_closes_their_sockets(operator, conversation):
    (socket,) = (await open_sockets(operator, conversation))[:1]

    operator.is_active = False
    await sync_to_async(operator.save)()

    assert await closed_with(socket) == ACCESS_CHANGED


async def test_a_new_role_closes_the_sockets_and_the_reconnect_gets_the_new_rights(
    operator, workspace, conversation
):
    (socket,) = (await open_sockets(operator, conversation))[:1]
    membership = await sync_to_async(Membership.objects.get)(user=operator, workspace=workspace)

    membership.role = Role.LABELER
    await sync_to_async(membership.save)()

    assert await closed_with(socket) == ACCESS_CHANGED
    again, connected, _ = await connect(operator, f"/ws/w/acme/c/{conversation.pk}/")
    assert connected  # labelers may watch; the check ran again
    await again.disconnect()


async def test_removing_the_membership_closes_the_sockets_and_refuses_the_reconnect(
    operator, workspace, conversation
):
    (socket,) = (await open_sockets(operator, conversation))[:1]

    await sync_to_async(Membership.objects.filter(user=operator, workspace=workspace).delete)()
    # A queryset delete sends post_delete per row, like deleting the one membership.

    assert await closed_with(socket) == ACCESS_CHANGED
    again, connected, code = await connect(operator, "/ws/w/acme/inbox/")
    assert (connected, code) == (False, 4404)
    await again.disconnect()


async def test_joining_another_workspace_leaves_open_sockets_alone(
    operator, other_workspace, conversation
):
    (socket,) = (await open_sockets(operator, conversation))[:1]

    await sync_to_async(Membership.objects.create)(
        user=operator, workspace=other_workspace, role=Role.OPERATOR
    )

    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_client_frame_over_the_limit_closes_the_socket_unread(operator, conversation):
    (socket,) = (await open_sockets(operator, conversation))[:1]
    await socket.send_to(text_data="x" * (MAX_CLIENT_FRAME + 1))
    assert await closed_with(socket) == MESSAGE_TOO_BIG


async def test_small_client_frames_are_ignored_and_the_socket_stays_open(operator, conversation):
    (socket,) = (await open_sockets(operator, conversation))[:1]
    await socket.send_to(text_data="not json at all {")
    assert await socket.receive_nothing(timeout=0.5)  # no error, no close
    await socket.disconnect()
