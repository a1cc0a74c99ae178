"""Analytics at scale: the funnel page and its computation with the visited-states rollup
against recomputing visited states from turns, on generated data.

Run: ./dev bench analytics [CONVERSATIONS]. Generates that many conversations (20 messages
each) into the workspace `analytics-scale` once, then prints timings and ratios.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

# Run as a script, this folder is sys.path[0], where `analytics` would be this file and
# not the package: import from the repository root instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from analytics import funnels  # noqa: E402
from conversations.models import Conversation, Playbook  # noqa: E402
from core.models import Membership, Role, Workspace  # noqa: E402

SLUG = "analytics-scale"


def timed(call, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(count: int) -> None:
    workspace = Workspace.objects.filter(slug=SLUG).first()
    have = Conversation.objects.filter(workspace=workspace).count() if workspace else 0
    if have < count:
        call_command("generate_analytics_data", workspace=SLUG, conversations=count - have)
        workspace = Workspace.objects.get(slug=SLUG)
    total = Conversation.objects.filter(workspace=workspace).count()
    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    Membership.objects.get_or_create(
        user=user, workspace=workspace, defaults={"role": Role.MANAGER}
    )
    client = Client()
    client.force_login(user)
    playbook = Playbook.objects.get(workspace=None, slug="creator-dm")
    today = timezone.localdate()
    query = funnels.FunnelQuery(
        playbook, today - timedelta(days=89), today, funnels.default_steps(playbook),
        30, "persona",
    )  # fmt: skip
    url = f"/w/{SLUG}/analytics/?start={query.start}&breakdown=persona"
    print(f"{total} conversations in the workspace")
    page = timed(lambda: client.get(url))
    drill = timed(lambda: client.get(f"/w/{SLUG}/analytics/conversations/?start={query.start}"
                                     "&step=deepening&dropped=1"))  # fmt: skip
    windowed = timed(lambda: client.get(f"{url}&within_deepening=24&within_cta=24"))
    ab = timed(lambda: client.get(f"/w/{SLUG}/analytics/ab/"))
    rollup = timed(lambda: funnels.funnel(workspace, query))
    baseline = timed(lambda: funnels.funnel(workspace, query, rollup=False), repeat=1)
    print(f"analytics page (rollup)           {page:9.1f} ms")
    print(f"analytics page, 24 h step windows {windowed:9.1f} ms")
    print(f"drill-down page (dropped at step) {drill:9.1f} ms")
    print(f"A/B page                          {ab:9.1f} ms")
    print(f"funnel + breakdown, rollup (SQL)  {rollup:9.1f} ms")
    print(f"funnel + breakdown, from turns    {baseline:9.1f} ms")
    print(f"ratio from-turns / rollup: {baseline / rollup:.1f}x")


if __name__ == "__main__":
    setup_test_environment()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
