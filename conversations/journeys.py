"""Conversation journeys: playbooks (finite-state machines written as data) and the
engine that moves a conversation through one.

A playbook document (JSON or YAML) looks like:

    slug: call-outcome
    name: Call with outcomes
    entry: GREETING
    limits: {max_turns: 20, max_objections: 3}
    states:
      GREETING: {goal: "Greet and ask if now is a good time."}
      GOODBYE: {goal: "Close politely.", terminal: true, outcome: computed}
    transitions:
      - {from: GREETING, on: [yes, greeting], to: QUALIFICATION}
      - {from: "*", on: [max_turns], to: GOODBYE, outcome: max_turns_reached}

`on` lists intents (from mlops.intents, or the workspace's own in its playbooks) or signals
the engine raises itself (max_turns, max_objections, llm_error) or a payment raises
(purchase: a purchase, tip or subscription was recorded; without a transition for it the
conversation ends as a success). A message whose intent has no transition keeps the state.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import yaml

from mlops.intents import INTENT_PATTERNS, OTHER

ANY_STATE = "*"
MAX_TURNS = "max_turns"
MAX_OBJECTIONS = "max_objections"
LLM_ERROR = "llm_error"
PURCHASE = "purchase"
SIGNALS = (LLM_ERROR, MAX_TURNS, MAX_OBJECTIONS, PURCHASE)
INTENTS = (*(intent for intent, _ in INTENT_PATTERNS), OTHER)
TRIGGERS = INTENTS + SIGNALS
# The intents a playbook may fall back on when the model abstains: both move nothing rash.
ABSTAIN_INTENTS = (OTHER, "uncertain")
# Two failed generations end the conversation (seed 003: LLM_ERROR x2 -> GOODBYE, error).
LLM_ERRORS_TO_END = 2

# Seed 003's CallOutcomeType values; "computed" means determine_outcome() decides.
OUTCOMES = (
    "success",
    "declined",
    "not_interested",
    "callback_requested",
    "transfer_to_human",
    "max_turns_reached",
    "error",
    "unknown",
)
COMPUTED = "computed"


class PlaybookError(ValueError):
    """A playbook document that cannot run; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StateSpec:
    name: str
    goal: str
    terminal: bool = False
    outcome: str | None = None
    cta: bool = False  # replies sent in this state introduce a call to action
    fallbacks: tuple[str, ...] = ()  # human-sounding lines if generation fails here


@dataclass(frozen=True)
class TransitionSpec:
    source: str
    triggers: tuple[str, ...]
    target: str
    outcome: str | None = None


@dataclass(frozen=True)
class Playbook:
    slug: str
    name: str
    entry: str
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    max_turns: int
    max_objections: int
    # What a message is read as when the intent model is not sure enough (docs/intents.md).
    abstain_to: str = OTHER
    _index: dict[tuple[str, str], TransitionSpec] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for transition in self.transitions:
            for trigger in transition.triggers:
                self._index[(transition.source, trigger)] = transition

    def transition_for(self, state: str, trigger: str) -> TransitionSpec | None:
        """The state's own transition for this trigger, else an any-state one."""
        return self._index.get((state, trigger)) or self._index.get((ANY_STATE, trigger))

    def edges(self) -> list[tuple[str, str, list[str]]]:
        """(source, target, triggers) with any-state transitions kept as source '*'."""
        return [(t.source, t.target, list(t.triggers)) for t in self.transitions]


# -- parsing and validation -----------------------------------------------------------

BOOL_TAG = "tag:yaml.org,2002:bool"


class PlaybookLoader(yaml.SafeLoader):
    """YAML with only true/false as booleans. Plain YAML 1.1 reads yes, no and on as
    booleans, and here they are intent names and a key."""


PlaybookLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PlaybookLoader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_document(text: str, fmt: str = "auto") -> dict[str, Any]:
    """Read a playbook document from JSON or YAML text."""
    try:
        data = json.loads(text) if fmt == "json" else yaml.load(text, Loader=PlaybookLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON or YAML" if fmt == "auto" else fmt.upper()
        raise PlaybookError([f"not valid {kind}: {exc}"]) from exc
    if not isinstance(data, dict):
        raise PlaybookError(["a playbook is a mapping with slug, entry, states and transitions"])
    return data


def dump_document(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def parse_playbook(data: dict[str, Any], own_intents: Collection[str] = ()) -> Playbook:
    """Build a Playbook from a document, or raise PlaybookError naming every problem.
    `own_intents`: the intents the playbook's workspace defined, which it may move on."""
    problems: list[str] = []
    states = parse_states(data.get("states"), problems)
    transitions = parse_transitions(data.get("transitions"), states, problems, own_intents)
    limits = data.get("limits") or {}
    if not isinstance(limits, dict):
        problems.append("limits must be a mapping with max_turns and max_objections")
        limits = {}
    max_turns = positive_int(limits, MAX_TURNS, 30, problems)
    max_objections = positive_int(limits, MAX_OBJECTIONS, 3, problems)
    abstain_to = data.get("abstain_to", OTHER)
    if abstain_to not in ABSTAIN_INTENTS:
        problems.append(f"abstain_to must be one of {', '.join(ABSTAIN_INTENTS)}")
    entry = data.get("entry")
    slug = data.get("slug")
    if not isinstance(slug, str) or not slug.strip():
        problems.append("slug is required")
    if entry not in states:
        problems.append(f"entry state {entry!r} is not one of the states")
    if problems:
        raise PlaybookError(problems)
    playbook = Playbook(
        slug=str(slug),
        name=str(data.get("name") or slug),
        entry=str(entry),
        states=states,
        transitions=tuple(transitions),
        max_turns=max_turns,
        max_objections=max_objections,
        abstain_to=str(abstain_to),
    )
    check_graph(playbook, problems)
    if problems:
        raise PlaybookError(problems)
    return playbook


def parse_states(raw: Any, problems: list[str]) -> dict[str, StateSpec]:
    if not isinstance(raw, dict) or not raw:
        problems.append("states must be a non-empty mapping of state name to its settings")
        return {}
    states = {}
    for name, spec in raw.items():
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(f"state {name}: settings must be a mapping")
            continue
        terminal = flag(spec, "terminal", f"state {name}", problems)
        outcome = spec.get("outcome")
        if terminal and not outcome:
            problems.append(f"terminal state {name} has no outcome")
        if outcome and outcome not in (*OUTCOMES, COMPUTED):
            problems.append(f"state {name}: unknown outcome {outcome!r}")
        states[str(name)] = StateSpec(
            name=str(name),
            goal=str(spec.get("goal", "")),
            terminal=terminal,
            outcome=outcome,
            cta=flag(spec, "cta", f"state {name}", problems),
            fallbacks=tuple(str(line) for line in spec.get("fallbacks", ())),
        )
    return states


def flag(spec: dict, key: str, where: str, problems: list[str]) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        problems.append(f"{where}: {key} must be true or false, not {value!r}")
        return False
    return value


def parse_transitions(
    raw: Any, states: dict[str, StateSpec], problems: list[str], own_intents: Collection[str]
) -> list[TransitionSpec]:
    if not isinstance(raw, list):
        problems.append("transitions must be a list")
        return []
    transitions: list[TransitionSpec] = []
    seen: dict[tuple[str, str], int] = {}
    for number, item in enumerate(raw, start=1):
        where = f"transition {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping with from, on and to")
            continue
        source, target, outcome = item.get("from"), item.get("to"), item.get("outcome")
        triggers = item.get("on")
        if isinstance(triggers, str):
            triggers = [triggers]
        elif not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
            problems.append(f"{where}: on must be an intent or signal name, or a list of them")
            triggers = []
        if not isinstance(source, str) or not isinstance(target, str):
            problems.append(f"{where}: from and to must each name one state")
            continue
        if source != ANY_STATE and source not in states:
            problems.append(f"{where}: unknown state {source!r} in from")
        if target not in states:
            problems.append(f"{where}: unknown state {target!r} in to")
        if not triggers:
            problems.append(f"{where}: on names no intent or signal")
        for trigger in triggers:
            if trigger not in TRIGGERS and trigger not in own_intents:
                problems.append(f"{where}: unknown intent or signal {trigger!r}")
            elif (str(source), trigger) in seen:
                problems.append(
                    f"{where}: {source} on {trigger} is already handled by "
                    f"transition {seen[(str(source), trigger)]}"
                )
            seen[(str(source), trigger)] = number
        if outcome and outcome not in OUTCOMES:
            problems.append(f"{where}: unknown outcome {outcome!r}")
        transitions.append(TransitionSpec(str(source), tuple(triggers), str(target), outcome))
    return transitions


def positive_int(limits: dict, name: str, default: int, problems: list[str]) -> int:
    value = limits.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(f"limits.{name} must be a positive whole number")
        return default
    return value


def reachable_from(playbook: Playbook, start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        if playbook.states[state].terminal:
            continue  # a conversation stops at a terminal state
        for t in playbook.transitions:
            if t.source in (state, ANY_STATE) and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return seen


def check_graph(playbook: Playbook, problems: list[str]) -> None:
    reachable = reachable_from(playbook, playbook.entry)
    for name in playbook.states:
        if name not in reachable:
            problems.append(f"state {name} is unreachable from the entry state")
    if not any(playbook.states[name].terminal for name in reachable):
        problems.append(f"no path from entry state {playbook.entry} to a terminal state")


# -- the engine -------------------------------------------------------------------------


@dataclass
class Counters:
    """What the engine counts per conversation (stored on Conversation)."""

    turns: int = 0
    objections: int = 0
    ctas: int = 0
    llm_errors: int = 0
    callback_requested: bool = False
    user_confirmed: bool = False


@dataclass(frozen=True)
class Step:
    state_before: str
    state_after: str
    trigger: str | None  # the intent or signal whose transition fired; None: stayed
    outcome: str | None = None
    outcome_reason: str = ""

    @property
    def ended(self) -> bool:
        return self.outcome is not None


def count_intent(counters: Counters, intent: str) -> None:
    counters.turns += 1
    if intent in ("objection", "no"):
        counters.objections += 1
    elif intent == "callback":
        counters.callback_requested = True
    elif intent == "confirmed":
        counters.user_confirmed = True


def raised_signals(playbook: Playbook, counters: Counters) -> list[str]:
    """Signals in priority order: an exhausted conversation ends before intents count."""
    signals = []
    if counters.llm_errors >= LLM_ERRORS_TO_END:
        signals.append(LLM_ERROR)
    if counters.turns >= playbook.max_turns:
        signals.append(MAX_TURNS)
    if counters.objections >= playbook.max_objections:
        signals.append(MAX_OBJECTIONS)
    return signals


def advance(playbook: Playbook, state: str, counters: Counters, intent: str) -> Step:
    """One customer turn: count it, then take the first transition that applies."""
    if playbook.states[state].terminal:
        return Step(state, state, None)
    count_intent(counters, intent)
    return take_first(playbook, state, counters, [*raised_signals(playbook, counters), intent])


def apply_signal(playbook: Playbook, state: str, counters: Counters, signal: str) -> Step:
    """A signal outside a customer turn (e.g. the second failed generation)."""
    if playbook.states[state].terminal:
        return Step(state, state, None)
    return take_first(playbook, state, counters, [signal])


def take_first(playbook: Playbook, state: str, counters: Counters, triggers: list[str]) -> Step:
    for trigger in triggers:
        transition = playbook.transition_for(state, trigger)
        if transition is None:
            continue
        target = playbook.states[transition.target]
        if not target.terminal:
            return Step(state, target.name, trigger)
        outcome = transition.outcome or target.outcome or COMPUTED
        if outcome == COMPUTED:
            outcome, reason = determine_outcome(counters, trigger)
        else:
            reason = f"{trigger} in {state}"
        return Step(state, target.name, trigger, outcome, reason)
    return Step(state, state, None)


def determine_outcome(counters: Counters, trigger: str | None) -> tuple[str, str]:
    """Seed 003's determine_outcome: the explicit outcome of an ended conversation."""
    if counters.llm_errors >= LLM_ERRORS_TO_END:
        return "error", f"{counters.llm_errors} generation failures"
    if counters.callback_requested:
        return "callback_requested", "the customer asked to be contacted later"
    if counters.user_confirmed:
        return "success", "the customer confirmed"
    if trigger == "request_human":
        return "transfer_to_human", "the customer asked for a person"
    if trigger == MAX_TURNS:
        return "max_turns_reached", f"{counters.turns} turns"
    if trigger == MAX_OBJECTIONS:
        return "not_interested", f"{counters.objections} objections"
    if trigger in ("no", "goodbye"):
        return "declined", f"the customer said {trigger}"
    return "unknown", f"ended on {trigger}"
