"""Traffic simulator: fake contacts chatting with the workspace's personas.

It goes through the public ingestion API on purpose, like any real connector would: personas
come from GET /api/personas, every line is POSTed to /api/messages with the workspace API key,
and operator replies are read from the Redis outbox that the "simulator" outbound connector
fills. It never touches the database, so simulated traffic exercises auth, validation,
idempotency, routing and delivery exactly as production traffic does, against any deployment.
"""

from __future__ import annotations

import heapq
import itertools
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
import redis

from conversations.simulated_contacts import (
    FIRST_NAMES,
    NUDGES,
    BuyerType,
    SmallTalk,
    payment_after,
    pick_line,
    script_for,
    small_talk_pool,
)

CHANNEL = "simulator"
# Where the "simulator" outbound connector puts operator replies, one list per workspace.
OUTBOX_KEY = "simulator:outbox:{workspace_id}"
POLL_SECONDS = 0.5
NUDGE_AFTER_SECONDS = 45.0
GIVE_UP_AFTER_SECONDS = 180.0
CONNECT_PATIENCE_SECONDS = 30.0
SEND_ATTEMPTS = 4
MIN_START_GAP_SECONDS = 0.05


class SimulatorError(Exception):
    """The simulator cannot run (API unreachable, key refused, no personas)."""


@dataclass
class SimulatedContact:
    external_id: str
    name: str
    buyer_type: BuyerType
    persona: str
    lines: list[str]
    last_heard_at: float
    position: int = 0  # index of the next line to send
    active: bool = True
    nudged: bool = False
    answer_pending: bool = False
    conversation_id: int | None = None  # as the API answered the contact's last message

    @property
    def label(self) -> str:
        return f"{self.buyer_type} {self.name}"

    def next_line(self) -> str:
        self.position += 1
        return self.lines[self.position - 1]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.lines)


@dataclass
class Stats:
    contacts_started: int = 0
    messages_sent: int = 0
    replies_received: int = 0
    payments_sent: int = 0

    def summary(self) -> str:
        return (
            f"sim: done: {self.contacts_started} contacts started, "
            f"{self.messages_sent} messages sent, {self.replies_received} replies received, "
            f"{self.payments_sent} payments sent"
        )


@dataclass
class Simulator:
    api_url: str
    api_key: str
    redis_client: redis.Redis
    rate_per_minute: float = 6.0
    max_contacts: int = 8
    reply_delay: float = 2.0
    duration: float = 0.0  # seconds; 0 = until stopped
    outbox_key: str | None = None  # None: the API key's workspace outbox
    rng: random.Random = field(default_factory=random.Random)
    transport: httpx.BaseTransport | None = None
    out: Callable[[str], None] = field(default=lambda line: print(line, flush=True))
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    small_talk: Callable[[], SmallTalk] = small_talk_pool
    personas: list[str] = field(default_factory=list)
    contacts: dict[str, SimulatedContact] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)

    def __post_init__(self) -> None:
        self.http = httpx.Client(
            base_url=self.api_url.rstrip("/"),
            timeout=10.0,
            headers={"X-API-Key": self.api_key},
            transport=self.transport,
        )
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._stopping = False
        self._redis_down = False

    # -- lifecycle ---------------------------------------------------------------------
    def run(self) -> Stats:
        try:
            self.personas = self.fetch_personas()
            self.outbox_key = self.outbox_key or self.fetch_outbox_key()
            self.out(
                f"sim: personas {', '.join(self.personas)}; {self.rate_per_minute:g} new "
                f"contacts/min, at most {self.max_contacts} active"
            )
            deadline = self.clock() + self.duration if self.duration > 0 else None
            self.schedule(0.0, self.start_contact)
            while not self._stopping and (deadline is None or self.clock() < deadline):
                self.run_due()
                self.poll_replies()
        except KeyboardInterrupt:
            pass  # Ctrl-C, or SIGTERM turned into it by the command: a normal way to stop
        finally:
            self.http.close()
            if self.personas:
                self.out(self.stats.summary())
        return self.stats

    def stop(self) -> None:
        self._stopping = True

    def schedule(self, delay: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (self.clock() + delay, next(self._order), action))

    def run_due(self) -> None:
        while self._queue and self._queue[0][0] <= self.clock():
            heapq.heappop(self._queue)[2]()

    # -- HTTP side ---------------------------------------------------------------------
    def fetch_personas(self) -> list[str]:
        deadline = self.clock() + CONNECT_PATIENCE_SECONDS
        while True:
            try:
                response = self.http.get("/api/personas")
                if response.status_code < 500:
                    break
                problem = f"the API answered {response.status_code}"
            except httpx.TransportError as exc:
                problem = f"cannot reach the API at {self.api_url}: {exc}"
            if self.clock() >= deadline:
                raise SimulatorError(problem)
            self.sleep(1.0)
        if response.status_code == 401:
            raise SimulatorError("the API refused the API key (401); check --api-key")
        if response.status_code != 200:
            raise SimulatorError(f"GET /api/personas answered {response.status_code}")
        names = [str(persona["name"]) for persona in response.json()]
        if not names:
            raise SimulatorError("the workspace has no personas; create one first")
        return names

    def fetch_outbox_key(self) -> str:
        response = self.http.get("/api/workspace")
        if response.status_code != 200:
            raise SimulatorError(f"GET /api/workspace answered {response.status_code}")
        return OUTBOX_KEY.format(workspace_id=response.json()["id"])

    def send(self, contact: SimulatedContact, text: str) -> None:
        if self.post(contact, text):
            paying = payment_after(contact.buyer_type, text, self.rng)
            if paying is not None:
                self.pay(contact, *paying)

    def pay(self, contact: SimulatedContact, kind: str, amount: str) -> None:
        """The buyer pays: the event goes to POST /api/events, as a shop's would."""
        body = {
            "kind": kind,
            "external_id": f"sim-order-{uuid.uuid4().hex}",
            "amount": amount,
            "currency": "USD",
            "contact_external_id": contact.external_id,
            "conversation_id": contact.conversation_id,
        }
        try:
            response = self.http.post("/api/events", json=body)
        except httpx.TransportError as exc:
            self.out(f"sim: payment not sent for {contact.label}: {exc}")
            return
        if response.status_code in (200, 201):
            self.stats.payments_sent += response.status_code == 201
            self.out(f"sim: [{contact.label}] paid {amount} USD ({kind})")
        else:
            self.out(f"sim: payment refused ({response.status_code}): {detail(response)}")

    def post(self, contact: SimulatedContact, text: str) -> bool:
        body = {
            "channel": CHANNEL,
            "external_id": f"sim-msg-{uuid.uuid4().hex}",  # unique across runs, seed or not
            "contact": {"external_id": contact.external_id, "name": contact.name},
            "persona": contact.persona,
            "text": text,
        }
        for attempt in range(SEND_ATTEMPTS):
            try:
                response = self.http.post("/api/messages", json=body)
            except httpx.TransportError as exc:
                problem = str(exc) or type(exc).__name__
            else:
                if response.status_code in (200, 201):
                    self.stats.messages_sent += response.status_code == 201
                    contact.conversation_id = response.json().get("conversation_id")
                    self.out(f"sim: [{contact.label} -> {contact.persona}] {text}")
                    return True
                if response.status_code < 500:
                    self.out(f"sim: message refused ({response.status_code}): {detail(response)}")
                    return False
                problem = f"the API answered {response.status_code}"
            if attempt + 1 < SEND_ATTEMPTS:
                self.sleep(0.5 * 2**attempt)
        self.out(f"sim: gave up sending for {contact.label}: {problem}")
        return False

    # -- contacts ----------------------------------------------------------------------
    def active_contacts(self) -> int:
        return sum(contact.active for contact in self.contacts.values())

    def start_contact(self) -> None:
        gap = self.rng.expovariate(self.rate_per_minute / 60.0)  # Poisson arrivals
        self.schedule(max(MIN_START_GAP_SECONDS, gap), self.start_contact)
        if self.active_contacts() >= self.max_contacts:
            return
        buyer_type = self.rng.choice(list(BuyerType))
        contact = SimulatedContact(
            external_id=f"sim-{uuid.uuid4().hex[:8]}",
            name=self.free_name(),
            buyer_type=buyer_type,
            persona=pick_line(self.personas, self.rng),
            lines=script_for(buyer_type, self.rng, self.small_talk()),
            last_heard_at=self.clock(),
        )
        self.contacts[contact.external_id] = contact
        self.stats.contacts_started += 1
        self.say_next(contact)
        self.schedule(NUDGE_AFTER_SECONDS, lambda: self.check_silence(contact))

    def free_name(self) -> str:
        taken = {contact.name for contact in self.contacts.values() if contact.active}
        return pick_line([n for n in FIRST_NAMES if n not in taken] or FIRST_NAMES, self.rng)

    def say_next(self, contact: SimulatedContact) -> None:
        contact.answer_pending = False
        if contact.active and not contact.finished:
            self.send(contact, contact.next_line())
            contact.active = not contact.finished  # the goodbye line frees the slot

    def check_silence(self, contact: SimulatedContact) -> None:
        if not contact.active:
            return
        silent_for = self.clock() - contact.last_heard_at
        if silent_for >= GIVE_UP_AFTER_SECONDS:
            contact.active = False
            self.out(f"sim: [{contact.label}] gave up waiting for {contact.persona}")
            return
        if not contact.nudged and silent_for >= NUDGE_AFTER_SECONDS:
            contact.nudged = True
            self.send(contact, pick_line(NUDGES, self.rng))
        wait = (GIVE_UP_AFTER_SECONDS if contact.nudged else NUDGE_AFTER_SECONDS) - silent_for
        self.schedule(max(1.0, wait), lambda: self.check_silence(contact))

    # -- Redis side --------------------------------------------------------------------
    def poll_replies(self) -> None:
        try:
            assert self.outbox_key is not None
            popped = cast(Any, self.redis_client.blpop([self.outbox_key], timeout=POLL_SECONDS))
        except redis.RedisError as exc:
            if not self._redis_down:
                self.out(f"sim: cannot read replies from Redis: {exc}")
            self._redis_down = True
            self.sleep(1.0)
            return
        self._redis_down = False
        if popped:
            self.handle_reply(as_text(popped[1]))

    def handle_reply(self, raw: str) -> None:
        try:
            payload = json.loads(raw)
            contact = self.contacts.get(str(payload["contact_external_id"]))
        except (ValueError, KeyError, TypeError):
            self.out("sim: ignored a malformed outbox entry")
            return
        if contact is None:
            return  # someone else's contact, or one from an earlier run
        self.stats.replies_received += 1
        self.out(f"sim: [{contact.persona} -> {contact.name}] {payload.get('text', '')}")
        contact.last_heard_at = self.clock()
        if contact.active and not contact.answer_pending:
            contact.answer_pending = True
            delay = self.reply_delay + self.rng.uniform(0.0, 0.25 + self.reply_delay / 4)
            self.schedule(delay, lambda: self.say_next(contact))


def detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except (ValueError, AttributeError):
        return response.text[:200]


def as_text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
