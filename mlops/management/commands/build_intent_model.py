"""Train the corpus-only intent head once per machine (about a minute on two cores), so
the first customer message is not the one that waits for it. `./dev run` and `./dev test`
call it; it does nothing when the head for the current corpus is already on disk."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from mlops import intent_training


class Command(BaseCommand):
    help = "Train the bootstrap intent head if the current corpus has none on disk yet."

    def handle(self, *args, **options) -> None:
        path = intent_training.bootstrap_path()
        if path.exists():
            self.stdout.write(f"intent head ready: {path.name}")
            return
        started = time.perf_counter()
        intent_training.bootstrap_head()
        self.stdout.write(
            f"intent head trained in {time.perf_counter() - started:.0f} s: {path.name}"
        )
