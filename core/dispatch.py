"""The one place that queues background work: every Celery task by name, sent on commit.

Modules that store something and want work done on it call a function here instead of
importing the task. Tasks are sent by name (`send_task`), so nothing that queues work
imports the module that does it, and the task modules import only the plain functions
they run: no import circle through Celery. The queue a task lands on is still chosen by
CELERY_TASK_ROUTES, which Celery applies to sent names too.

Work is sent after the transaction that stored its rows commits (at once when there is
no transaction), so a worker never looks for a row that is not there yet.

Two kinds of work fail differently while Redis is down:
- pipeline work on messages (perceive, suggest, deliver) is found again from its rows by
  the sweeper (`conversations.sweeper`), so a failed publish is logged and left to it;
- jobs someone is waiting on (an async generation, a training run) have no sweeper, so a
  failed publish raises and the caller answers with an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import kombu.exceptions
import redis
from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

PERCEIVE = "conversations.tasks.perceive_message"
SUGGEST = "conversations.tasks.suggest_replies"
DELIVER = "conversations.tasks.deliver_reply"
GENERATE = "conversations.tasks.run_generation_job"
TRAIN_CTA = "mlops.tasks.train_cta"
TRAIN_LORA = "mlops.tasks.train_lora"
TRAIN_INTENT = "mlops.tasks.train_intent"
TRAIN_RANKER = "conversations.tasks.train_ranker"
LEARN_REPLY = "conversations.tasks.learn_reply"
FILL = "conversations.tasks.fill_suggestions"

# The options after a set's first wait behind every first draft on the llm queue: the
# drafts' priorities (conversations.presence) run 0 to 8.
FILL_PRIORITY = 9

# What a publish raises while Redis (broker or channel layer) is down or restarting.
BROKER_DOWN = (redis.exceptions.RedisError, kombu.exceptions.OperationalError, OSError)


def auto_request_key(message_id: int) -> str:
    """The request key of the drafts the pipeline makes by itself for an inbound message
    (regenerations and API calls have others); the sweeper looks for it."""
    return f"auto:{message_id}"


class Sent:
    """What `send` gets back from Celery: the task's id. No result backend is configured,
    so nothing is ever stored to read; Celery's own AsyncResult (and its ignore_result
    check) would build a backend object per thread, afresh in each request (~0.5 ms)."""

    def __init__(self, task_id: str) -> None:
        self.id = task_id


def send(task: str, *args: Any, priority: int | None = None) -> None:
    """Queue `task`; a lower `priority` runs first (Celery's Redis transport: 0, 3, 6, 9)."""
    current_app.send_task(task, args=args, priority=priority, ignore_result=True, result_cls=Sent)


# Publishes held back until the HTTP answer has gone out (see after_the_answer), or None
# outside such a request.
HELD_FOR_AFTER_ANSWER: ContextVar[list[Callable[[], None]] | None] = ContextVar(
    "held_for_after_answer", default=None
)


def publish_or_leave_to_sweeper(publish: Callable[[], object], what: str) -> None:
    """Run a publish that follows a commit; if Redis is down, log it and leave the work to
    the sweeper. The row is already stored, so failing the request now would only make the
    sender retry something we have, while the sweeper finds it from the row alone.

    In a web request these publishes wait until the answer is sent: the sender learns its
    message is stored without waiting for the queue and the pages to be told, and a
    publish lost between the two (the process dies) is found again by the sweeper, as a
    failed one is."""
    held = HELD_FOR_AFTER_ANSWER.get()
    if held is not None:
        held.append(lambda: publish_logged(publish, what))
    else:
        publish_logged(publish, what)


def publish_logged(publish: Callable[[], object], what: str) -> None:
    try:
        publish()
    except BROKER_DOWN as exc:
        logger.warning("could not publish %s (%s); the sweeper will queue it again", what, exc)


@contextmanager
def after_the_answer() -> Iterator[list[Callable[[], None]]]:
    """Hold the request's sweeper-backed publishes; the caller runs the list once the
    answer is sent (dashboard.http_handler)."""
    held: list[Callable[[], None]] = []
    token = HELD_FOR_AFTER_ANSWER.set(held)
    try:
        yield held
    finally:
        HELD_FOR_AFTER_ANSWER.reset(token)


def run_held(held: list[Callable[[], None]]) -> None:
    for publish in held:
        try:
            publish()
        except Exception:  # one bad publish must not keep the others from going out
            logger.exception("a publish held until after the answer failed")


def after_commit(publish: Callable[[], object]) -> None:
    transaction.on_commit(publish)


# -- pipeline work on messages: the sweeper queues it again if a publish is lost ------------

# The stages the sweeper can find again from their rows, and what each task is sent.
STAGES = {
    "perceive": lambda message_id: (PERCEIVE, message_id),
    "suggest": lambda message_id: (SUGGEST, message_id, auto_request_key(message_id)),
    "deliver": lambda message_id: (DELIVER, message_id),
}


Priority = int | Callable[[], int] | None


def queue_stage(stage: str, message_id: int, what: str, priority: Priority = None) -> None:
    """Queue a stage after commit. A callable `priority` is asked then, not inside the
    transaction that stored the message (it may ask Redis who is watching)."""
    task, *args = STAGES[stage](message_id)

    def publish() -> None:
        chosen = priority() if callable(priority) else priority
        send(task, *args, priority=chosen)

    after_commit(lambda: publish_or_leave_to_sweeper(publish, what))


def perceive(message_id: int, priority: Priority = None) -> None:
    """Analyse an inbound message; its drafts follow (conversations.tasks)."""
    queue_stage("perceive", message_id, f"message {message_id} to perception", priority)


def suggest(message_id: int, priority: int | None = None) -> None:
    """The pipeline's own drafts for an inbound message, once it is perceived; `priority`
    orders them on the llm queue (conversations.presence.draft_priority)."""
    queue_stage("suggest", message_id, f"message {message_id} to drafting", priority)


def fill(suggestion_set_id: int, use_cache: bool = True) -> None:
    """The rest of a set's options, after its first, once no first draft is waiting. Not
    the sweeper's: if this publish is lost, the operator keeps the first option (and
    Regenerate)."""

    def publish() -> None:
        try:
            send(FILL, suggestion_set_id, use_cache, priority=FILL_PRIORITY)
        except BROKER_DOWN as exc:
            logger.warning("set %s keeps its first option: %s", suggestion_set_id, exc)

    after_commit(publish)


def deliver(message_id: int) -> None:
    """Send an outbound reply through the conversation's connector."""
    queue_stage("deliver", message_id, f"reply {message_id} to delivery")


def requeue(stage: str, message_id: int) -> None:
    """The sweeper's second try: the rows were committed long ago, so it is sent at once,
    and a broker still down fails the sweep (beat runs it again). It goes to the front of
    its queue: it has waited the whole grace period already, and this is what bounds how
    long a low-priority message waits behind busier conversations."""
    task, *args = STAGES[stage](message_id)
    send(task, *args, priority=0)


# -- jobs someone waits on: a lost publish is an error the caller reports -------------------


def regenerate(message_id: int, request_key: str) -> None:
    """Fresh drafts an operator asked for; the sweeper only knows the pipeline's own."""
    after_commit(lambda: send(SUGGEST, message_id, request_key))


def generate(workspace_id: int, job_id: str, request: dict) -> None:
    """An async /generate; its job lives in Redis, not in a row, so it is sent at once."""
    send(GENERATE, workspace_id, job_id, request)


def train_cta(job_pk: int) -> None:
    after_commit(lambda: send(TRAIN_CTA, job_pk))


def train_intent(job_pk: int) -> None:
    after_commit(lambda: send(TRAIN_INTENT, job_pk))


def train_ranker(job_pk: int) -> None:
    after_commit(lambda: send(TRAIN_RANKER, job_pk))


def learn_reply(decision_pk: int) -> None:
    """An operator's decision, for the persona's reply library (it needs the embedder)."""
    after_commit(
        lambda: publish_or_leave_to_sweeper(
            lambda: send(LEARN_REPLY, decision_pk), f"decision {decision_pk} to the library"
        )
    )


def train_lora(job_pk: int) -> None:
    after_commit(lambda: send(TRAIN_LORA, job_pk))
