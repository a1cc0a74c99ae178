"""Fill a workspace with many conversations for analytics at scale (default 100k
conversations, 20 messages each: 2M messages), written in bulk, not through the pipeline."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from conversations.models import Contact, Conversation, Message, Playbook, Turn
from core.models import Workspace
from personas.models import Persona

BATCH = 5_000
# How far conversations of creator-dm get, and how often they end in a sale.
PATHS = [
    (["rapport_building"], 0.35, ""),
    (["rapport_building", "deepening"], 0.25, "declined"),
    (["rapport_building", "deepening", "cta"], 0.15, "not_interested"),
    (["rapport_building", "deepening", "cta", "objection_handling"], 0.1, ""),
    (["rapport_building", "deepening", "cta", "converted"], 0.15, "success"),
]


class Command(BaseCommand):
    help = "Generate conversations, messages and turns in bulk for analytics benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", default="analytics-scale")
        parser.add_argument("--conversations", type=int, default=100_000)
        parser.add_argument("--messages", type=int, default=20, help="per conversation")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])
        workspace, _ = Workspace.objects.get_or_create(
            slug=options["workspace"], defaults={"name": "Analytics at scale"}
        )
        personas = [
            Persona.objects.get_or_create(workspace=workspace, name=name)[0]
            for name in ("Ava", "Bea", "Cleo")
        ]
        playbook = Playbook.objects.get(workspace=None, slug="creator-dm")
        total = options["conversations"]
        # Continue after contacts made by an earlier run, so ids never collide.
        first = Contact.objects.filter(workspace=workspace, channel="bulk").count()
        for start in range(0, total, BATCH):
            size = min(BATCH, total - start)
            self.write_batch(workspace, personas, playbook, rng, first + start, size,
                             options["messages"])  # fmt: skip
            self.stdout.write(f"{start + min(BATCH, total - start)} / {total} conversations")

    @transaction.atomic
    def write_batch(self, workspace, personas, playbook, rng, offset, count, per) -> None:
        now = timezone.now()
        contacts = Contact.objects.bulk_create(
            Contact(workspace=workspace, channel="bulk", external_id=f"bulk-{offset + i}")
            for i in range(count)
        )
        conversations = []
        for contact in contacts:
            states, _, outcome = rng.choices(PATHS, weights=[p[1] for p in PATHS])[0]
            created = now - timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            conversations.append(
                Conversation(
                    workspace=workspace,
                    contact=contact,
                    persona=rng.choice(personas),
                    channel="bulk",
                    playbook=playbook,
                    journey_state=states[-1],
                    visited_states=states,
                    visited_at=entry_times(states, created, rng),
                    outcome=outcome,
                    last_seq=per,
                    status="closed" if outcome else "open",
                    ended_at=created + timedelta(hours=rng.randint(1, 96)) if outcome else None,
                )
            )
        conversations = Conversation.objects.bulk_create(conversations)
        Conversation.objects.filter(pk__in=[c.pk for c in conversations]).update(
            created_at=now - timedelta(days=rng.randint(0, 89))
        )
        Turn.objects.bulk_create(
            Turn(workspace=workspace, conversation=c, state_before=before, state_after=after)
            for c in conversations
            for before, after in zip(c.visited_states, c.visited_states[1:], strict=False)
        )
        Message.objects.bulk_create(
            (
                Message(
                    workspace=workspace,
                    conversation=c,
                    seq=n + 1,
                    direction="in" if n % 2 == 0 else "out",
                    author_kind="contact" if n % 2 == 0 else "operator",
                    text="hello there",
                    channel="bulk",
                    delivery="received",
                )
                for c in conversations
                for n in range(per)
            ),
            batch_size=BATCH,
        )


def entry_times(states: list[str], created: datetime, rng: random.Random) -> dict[str, str]:
    """When each state was first entered: the entry at creation, each next one a few
    minutes to two days after the one before (so per-step windows have work to do)."""
    times, when = {}, created
    for index, state in enumerate(states):
        if index:
            when += timedelta(minutes=rng.randint(5, 48 * 60))
        times[state] = when.isoformat()
    return times
