"""Open sockets follow access: logging out, being deactivated, or a membership that
changes (new role) or goes away closes every socket of that user. Rights were checked
when the socket opened; from then on it only forwards events, so it must not outlive
the rights it was opened with."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from conversations.events import user_group
from core.models import Membership


def close_sockets_of(user_id: int) -> None:
    """After commit: a socket that reconnects at once must see the new rights."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(user_group(user_id), {"type": "access.changed"})

    transaction.on_commit(send)


def on_logout(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        close_sockets_of(user.pk)


def on_user_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created and not instance.is_active:
        close_sockets_of(instance.pk)


def on_membership_changed(sender: Any, instance: Membership, created: bool = False, **kwargs: Any):
    if not created:
        close_sockets_of(instance.user_id)


def connect_signals() -> None:
    user_logged_out.connect(on_logout, dispatch_uid="close-sockets-on-logout")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="close-sockets-user")
    post_save.connect(on_membership_changed, sender=Membership, dispatch_uid="close-sockets-role")
    post_delete.connect(
        on_membership_changed, sender=Membership, dispatch_uid="close-sockets-membership"
    )
