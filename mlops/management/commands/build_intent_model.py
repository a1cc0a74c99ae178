"""Train the corpus-only intent head and the red-flag head once per machine (about a
minute each on two cores), so the first customer message is not the one that waits for
them. `./dev run` and `./dev test` call it; it does nothing when the heads for the current
training data are already on disk."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from mlops import intent_training, red_flag_head


class Command(BaseCommand):
    help = "Train the bootstrap intent head and the red-flag head if they are not on disk yet."

    def handle(self, *args, **options) -> None:
        path = intent_training.bootstrap_path()
        if path.exists():
            self.stdout.write(f"intent head ready: {path.name}")
        else:
            started = time.perf_counter()
            intent_training.bootstrap_head()
            self.stdout.write(
                f"intent head trained in {time.perf_counter() - started:.0f} s: {path.name}"
            )
        path = red_flag_head.head_path(red_flag_head.training_rows())
        if path.exists():
            self.stdout.write(f"red-flag head ready: {path.name}")
            return
        started = time.perf_counter()
        red_flag_head.default_head()
        self.stdout.write(
            f"red-flag head trained in {time.perf_counter() - started:.0f} s: {path.name}"
        )
