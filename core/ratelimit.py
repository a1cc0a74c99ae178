"""Rate limits, counted in Redis over a sliding window, shared by every process.

Buckets: an API key, a login's client address, a user's websocket connections, a
workspace's LLM use. Over the limit the caller gets 429 (or the socket is closed with
4429), and nothing else happens.

The client address is REMOTE_ADDR, unless the request came through one of
TRUSTED_PROXIES: only then is X-Forwarded-For read, from the right, skipping the trusted
hops. A client cannot dodge its limit by sending the header itself.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.http import HttpRequest

from core.redis import redis_client


def allow(bucket: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one use of the bucket; False when it is over `limit` in the last window."""
    now = time.time()
    key = f"rate:{bucket}"
    with redis_client().pipeline() as pipe:
        pipe.zremrangebyscore(key, 0, now - window_seconds)
        pipe.zadd(key, {f"{now}:{uuid.uuid4().hex[:8]}": now})
        pipe.zcard(key)
        pipe.expire(key, window_seconds + 1)
        used = pipe.execute()[2]
    return int(used) <= limit


def used(bucket: str, window_seconds: int = 60) -> int:
    """How many uses the bucket counted in the last window, counting none itself."""
    now = time.time()
    return int(redis_client().zcount(f"rate:{bucket}", now - window_seconds, "+inf"))


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", ""))
    return forwarded_client(remote, request.META.get("HTTP_X_FORWARDED_FOR", ""))


def forwarded_client(remote: str, forwarded_for: str) -> str:
    if remote not in settings.TRUSTED_PROXIES or not forwarded_for:
        return remote
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in settings.TRUSTED_PROXIES:
            return hop
    return remote
