"""Who is looking at a conversation right now, and how soon its work is done.

A conversation page's websocket marks the conversation watched while it is open (a
sorted set of the sockets' channel names, scored by when they connected). The ml queue
reads a watched conversation's new messages first; the llm queue drafts in this order:
conversations an operator has open, then by the triage priority of the message. Within
one priority, first come first served. Nothing waits forever: the sweeper sends a
message that is still undrafted after the grace period again at the top priority
(conversations.sweeper), which bounds how long a low-priority one waits.
"""

from __future__ import annotations

import time

from conversations.models import PRIORITY_RANK
from core.redis import redis_client
from mlops import llm_quota

# Celery's Redis transport keeps one list per priority step (settings: 0 to 9) and takes
# from the lowest first. The top is for pages an operator has open and for the sweeper's
# second tries; the triage priorities (urgent to low) follow at 2, 4, 6 and 8.
TOP_PRIORITY = 0
FIRST_TRIAGE_PRIORITY = 2
PRIORITY_STEP = 2
# A workspace that spent its drafting budget (mlops.llm_quota) is drafted after everyone
# else's triage priorities: its flood of messages never holds up another tenant's drafts.
OVER_BUDGET_PRIORITY = 9
# New messages nobody has open are read after those someone has (perception_priority).
UNWATCHED_PERCEPTION_PRIORITY = 5
# A socket that vanished without closing (a killed web process) stops counting after this.
WATCH_TTL_SECONDS = 30 * 60


def watchers_key(conversation_id: int) -> str:
    return f"watching:{conversation_id}"


def watch(conversation_id: int, channel_name: str) -> None:
    key = watchers_key(conversation_id)
    client = redis_client()
    client.zadd(key, {channel_name: time.time()})
    client.expire(key, WATCH_TTL_SECONDS)


def unwatch(conversation_id: int, channel_name: str) -> None:
    redis_client().zrem(watchers_key(conversation_id), channel_name)


def is_watched(conversation_id: int) -> bool:
    since = time.time() - WATCH_TTL_SECONDS
    return bool(redis_client().zcount(watchers_key(conversation_id), since, "+inf"))


def perception_priority(conversation_id: int) -> int:
    """The Celery priority of reading a new message (the `ml` queue): a conversation an
    operator has open first, so a burst elsewhere never holds up what they are watching;
    the rest in arrival order, behind the sweeper's second tries."""
    return TOP_PRIORITY if is_watched(conversation_id) else UNWATCHED_PERCEPTION_PRIORITY


def draft_priority(
    conversation_id: int, triage_priority: str, workspace_id: int | None = None
) -> int:
    """The Celery priority of a message's drafts (lower runs first)."""
    if is_watched(conversation_id):
        return TOP_PRIORITY
    if workspace_id is not None and llm_quota.drafts_spent(workspace_id):
        return OVER_BUDGET_PRIORITY
    rank = PRIORITY_RANK.get(triage_priority, len(PRIORITY_RANK) - 1)
    return FIRST_TRIAGE_PRIORITY + rank * PRIORITY_STEP


# -- who else is here: viewers and typists, shown on the conversation page ---------------
# One hash per conversation maps each open socket to its user's name; typing is a sorted
# set of usernames scored by their last keystroke frame. Both expire with the watch TTL
# so a process killed mid-connection leaves nothing behind for long.
TYPING_SECONDS = 5


def viewers_key(conversation_id: int) -> str:
    return f"viewers:{conversation_id}"


def typing_key(conversation_id: int) -> str:
    return f"typing:{conversation_id}"


def join(conversation_id: int, channel_name: str, username: str) -> None:
    """The page said it is here: its user is listed as a viewer."""
    key = viewers_key(conversation_id)
    client = redis_client()
    client.hset(key, channel_name, username)
    client.expire(key, WATCH_TTL_SECONDS)


def leave(conversation_id: int, channel_name: str, username: str) -> None:
    """The socket closed: no longer a viewer, and no longer typing unless another of the
    same user's sockets is still open (two tabs)."""
    client = redis_client()
    client.hdel(viewers_key(conversation_id), channel_name)
    if username not in names(client.hvals(viewers_key(conversation_id))):
        client.zrem(typing_key(conversation_id), username)


def typed(conversation_id: int, username: str) -> None:
    key = typing_key(conversation_id)
    client = redis_client()
    client.zadd(key, {username: time.time()})
    client.expire(key, WATCH_TTL_SECONDS)


def snapshot(conversation_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(viewers, typing now): sorted usernames, each once."""
    client = redis_client()
    viewers = sorted(names(client.hvals(viewers_key(conversation_id))))
    since = time.time() - TYPING_SECONDS
    typing = sorted(names(client.zrangebyscore(typing_key(conversation_id), since, "+inf")))
    return tuple(viewers), tuple(name for name in typing if name in viewers)


def names(values) -> set[str]:
    return {value.decode() if isinstance(value, bytes) else value for value in values}
