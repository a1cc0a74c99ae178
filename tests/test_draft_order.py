"""DRAFT_ORDER "fifo": the measuring stick for latest-wins (benchmarks/burst.py). Every
customer message is drafted, in the order its work was queued, superseded or not."""

from __future__ import annotations

from conversations import pipeline, tasks
from conversations.models import SuggestionSet
from core import dispatch
from tests.test_latest_wins import burst


def test_it_drafts_every_message_of_a_burst_in_fifo_order(workspace, persona, settings):
    settings.DRAFT_ORDER = "fifo"
    messages = burst(workspace)
    for message in messages:
        pipeline.perceive(message)
    for message in messages:
        tasks.suggest_replies(message.pk, dispatch.auto_request_key(message.pk))

    drafted = SuggestionSet.objects.filter(conversation=messages[0].conversation).exclude(
        model_version="library"
    )
    assert sorted(s.message_id for s in drafted) == [m.pk for m in messages]
    assert all(s.suggestions.exists() and not s.generation.get("superseded") for s in drafted)
