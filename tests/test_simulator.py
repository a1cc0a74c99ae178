"""The traffic simulator writes only through the API and answers operators' replies."""

from __future__ import annotations

import random
import threading

import pytest
import redis
from django.conf import settings

from conversations import decisions
from conversations.models import Conversation, Message
from conversations.simulated_contacts import SCRIPTS, BuyerType, script_for, small_talk_pool
from conversations.simulator import Simulator
from tests.conftest import wait_until

RED_FLAGS = {
    "my bank doesn't allow venmo",
    "can you send me your bank details so I can pay",
    "I can only pay by e-check",
}


@pytest.mark.parametrize("buyer_type", list(BuyerType))
def test_every_script_opens_and_ends_with_a_goodbye(buyer_type):
    lines = script_for(buyer_type, random.Random(7))
    assert len(lines) >= 3
    assert lines[-1] in SCRIPTS[buyer_type].goodbyes


def test_same_seed_gives_the_same_script():
    assert script_for(BuyerType.HESITANT, random.Random(3)) == script_for(
        BuyerType.HESITANT, random.Random(3)
    )


def test_scammers_use_red_flag_phrases():
    lines = set(script_for(BuyerType.SCAMMER, random.Random(1)))
    seen = set().union(*(set(script_for(BuyerType.SCAMMER, random.Random(s))) for s in range(20)))
    assert lines & set(SCRIPTS[BuyerType.SCAMMER].follow_ups)
    assert seen >= RED_FLAGS


def test_small_talk_comes_from_real_human_chats():
    pool = small_talk_pool()
    assert len(pool.fillers) > 500
    assert all(0 < len(line) < 200 for line in pool.fillers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_simulated_contact_writes_through_the_api_and_answers_a_reply(
    asgi_server, celery_worker, workspace, persona, api_key, operator
):
    simulator = Simulator(
        api_url=asgi_server,
        api_key=api_key,
        redis_client=redis.Redis.from_url(settings.REDIS_URL),
        rate_per_minute=600,
        max_contacts=1,
        reply_delay=0.2,
        duration=30,
        rng=random.Random(5),
        out=lambda line: None,
    )
    runner = threading.Thread(target=simulator.run)
    runner.start()
    try:
        first = wait_until(lambda: Message.objects.filter(channel="simulator").first())
        conversation = Conversation.objects.get(pk=first.conversation_id)
        assert conversation.contact.external_id.startswith("sim-")
        assert conversation.persona == persona

        decisions.send_reply(conversation, operator, "Hi! Thanks for writing, how are you?")
        answer = wait_until(
            lambda: Message.objects.filter(
                conversation=conversation, direction=Message.Direction.IN, seq__gt=2
            ).first()
        )
        assert answer.text
        assert answer.external_id  # came in through the API with its own id
    finally:
        simulator.stop()
        runner.join(timeout=10)
    assert simulator.stats.replies_received >= 1


def test_scammer_openers_are_flagged_before_anyone_replies():
    from mlops.bad_actor import detect_bad_actor

    for opener in SCRIPTS[BuyerType.SCAMMER].openers:
        report = detect_bad_actor([opener])
        assert report.red_flags, opener
        assert report.combined_risk >= 0.7, opener
