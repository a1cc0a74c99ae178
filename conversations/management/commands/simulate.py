"""`manage.py simulate`: live simulated contacts talking to the personas over the API."""

from __future__ import annotations

import math
import random
import signal
from typing import Any

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.simulator import Simulator, SimulatorError


class Command(BaseCommand):
    help = (
        "Simulate contacts (eager buyers, hesitant ones, price objectors, time wasters, "
        "scammers...) that send messages through the ingestion API and answer operator "
        "replies read from the simulator's Redis outbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--api-url",
            default="http://127.0.0.1:8000",
            help="base URL of the dashboard (default: %(default)s)",
        )
        parser.add_argument("--api-key", required=True, help="workspace API key (X-API-Key)")
        parser.add_argument(
            "--rate",
            type=float,
            default=6.0,
            help="new conversations started per minute (default: %(default)s)",
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=0.0,
            help="seconds to run; 0 runs until Ctrl-C (default: %(default)s)",
        )
        parser.add_argument(
            "--contacts",
            type=int,
            default=8,
            help="most simulated contacts active at once (default: %(default)s)",
        )
        parser.add_argument(
            "--seed", type=int, default=None, help="random seed, for reproducible behaviour"
        )
        parser.add_argument(
            "--reply-delay",
            type=float,
            default=2.0,
            help="seconds a contact 'types' before answering (default: %(default)s)",
        )
        parser.add_argument(
            "--outbox-key",
            default=None,
            help="Redis list with operator replies (default: the outbox of the API "
            "key's workspace)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        validate(options)
        simulator = Simulator(
            api_url=options["api_url"],
            api_key=options["api_key"],
            redis_client=redis.Redis.from_url(settings.REDIS_URL),
            rate_per_minute=options["rate"],
            max_contacts=options["contacts"],
            reply_delay=options["reply_delay"],
            duration=options["duration"],
            outbox_key=options["outbox_key"],
            rng=random.Random(options["seed"]),
        )
        # SIGTERM (from `./dev run` shutting down) stops us the same way Ctrl-C does.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            simulator.run()
        except SimulatorError as exc:
            raise CommandError(str(exc)) from exc


def validate(options: dict[str, Any]) -> None:
    for name in ("rate", "duration", "reply_delay"):
        if not math.isfinite(options[name]):
            raise CommandError(f"--{name.replace('_', '-')} must be a finite number")
    if not options["api_key"].strip():
        raise CommandError("--api-key must not be empty")
    if not options["api_url"].startswith(("http://", "https://")):
        raise CommandError("--api-url must start with http:// or https://")
    if not options["rate"] > 0:
        raise CommandError("--rate must be a positive number of conversations per minute")
    if not options["duration"] >= 0:
        raise CommandError("--duration must be 0 (run until Ctrl-C) or a positive number")
    if options["contacts"] < 1:
        raise CommandError("--contacts must be at least 1")
    if not options["reply_delay"] >= 0:
        raise CommandError("--reply-delay must be 0 or a positive number of seconds")
