"""Steering: move a stored conversation through its playbook, and record why.

journeys.py is the pure engine; this module loads and stores. Every change happens under
the conversation's row lock and is broadcast after commit.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from conversations import events, journeys, library, understanding
from conversations.models import Conversation, Message, PhaseOverride, Turn


class OverrideError(ValueError):
    """An operator's phase override that cannot apply; the message says why."""


def lock(conversation_id: int) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("playbook")
        .get(pk=conversation_id)
    )


def is_opener(message: Message) -> bool:
    return not Message.objects.filter(
        conversation_id=message.conversation_id,
        direction=Message.Direction.IN,
        seq__lt=message.seq,
    ).exists()


@transaction.atomic
def steer(message: Message) -> Turn:
    """One customer message through the journey; a second call for it changes nothing.

    The message that opens a conversation is answered in the entry state; every later
    message can move it (seed 001: a new conversation starts in initial_contact).
    """
    conversation = lock(message.conversation_id)
    existing = Turn.objects.filter(message=message).first()
    if existing:
        return existing
    playbook = conversation.playbook.spec
    counters = conversation.counters
    reading = understanding.read_intent(message, playbook)
    intent = reading["intent"]
    state = conversation.journey_state
    if conversation.outcome:
        step = journeys.Step(state, state, None)  # ended: recorded, but nothing moves
    elif is_opener(message):
        journeys.count_intent(counters, intent)
        step = journeys.Step(state, state, None)
    else:
        step = journeys.advance(playbook, state, counters, intent)
    turn = Turn.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        message=message,
        state_before=step.state_before,
        state_after=step.state_after,
        trigger=step.trigger or "",
        intent_analysis=reading,
    )
    apply_step(conversation, step, counters)
    return turn


def apply_step(
    conversation: Conversation, step: journeys.Step, counters: journeys.Counters
) -> None:
    conversation.store_counters(counters)
    conversation.journey_state = step.state_after
    conversation.visit(step.state_after)
    if step.ended:
        end(conversation, step.outcome or "unknown", step.outcome_reason)
    conversation.save()
    announce(conversation)


def end(conversation: Conversation, outcome: str, reason: str) -> None:
    conversation.outcome = outcome
    conversation.outcome_reason = reason[:200]
    conversation.ended_at = timezone.now()
    conversation.status = Conversation.Status.CLOSED
    if outcome == "success":
        library.credit_outcome(conversation)


def announce(conversation: Conversation) -> None:
    event = events.JourneyChanged(conversation.pk, conversation.journey_state, conversation.outcome)
    transaction.on_commit(lambda: events.publish(conversation.workspace_id, event))


@transaction.atomic
def record_generation_error(conversation_id: int) -> Turn | None:
    """A failed suggestion generation; the second one ends the conversation (seed 003)."""
    conversation = lock(conversation_id)
    counters = conversation.counters
    counters.llm_errors += 1
    step = journeys.apply_signal(
        conversation.playbook.spec, conversation.journey_state, counters, journeys.LLM_ERROR
    )
    if counters.llm_errors < journeys.LLM_ERRORS_TO_END or step.trigger is None:
        conversation.store_counters(counters)
        conversation.save(update_fields=["llm_error_count"])
        return None
    turn = Turn.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        state_before=step.state_before,
        state_after=step.state_after,
        trigger=journeys.LLM_ERROR,
    )
    apply_step(conversation, step, counters)
    return turn


@transaction.atomic
def record_reply(reply: Message) -> None:
    """An operator's reply: closes the open turn's response time and counts CTAs."""
    conversation = lock(reply.conversation_id)
    turn = (
        Turn.objects.filter(conversation=conversation, reply__isnull=True, message__isnull=False)
        .select_related("message")
        .order_by("-pk")
        .first()
    )
    if turn is not None and turn.message is not None:
        turn.reply = reply
        elapsed = reply.created_at - turn.message.created_at
        turn.response_time_ms = max(0, int(elapsed.total_seconds() * 1000))
        turn.save(update_fields=["reply", "response_time_ms"])
    state = conversation.state_spec
    if state is not None and state.cta:
        conversation.cta_count += 1
        conversation.last_cta_turn = conversation.turn_count
        conversation.save(update_fields=["cta_count", "last_cta_turn"])


@transaction.atomic
def override_phase(
    conversation_id: int, operator: User, to_state: str, outcome: str, reason: str
) -> PhaseOverride:
    """An operator moves the phase or sets the outcome; stored as a label."""
    conversation = lock(conversation_id)
    playbook = conversation.playbook.spec
    reason = reason.strip()
    if not reason:
        raise OverrideError("say why you override the journey")
    if to_state not in playbook.states:
        raise OverrideError(f"{to_state!r} is not a state of {playbook.name}")
    if outcome and outcome not in journeys.OUTCOMES:
        raise OverrideError(f"{outcome!r} is not an outcome")
    target = playbook.states[to_state]
    if target.terminal and not outcome:
        fixed = target.outcome if target.outcome != journeys.COMPUTED else None
        outcome = fixed or journeys.determine_outcome(conversation.counters, None)[0]
    label = PhaseOverride.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        operator=operator,
        from_state=conversation.journey_state,
        to_state=to_state,
        outcome=outcome,
        reason=reason[:500],
    )
    # The override is also a label on what the customer's last message meant.
    understanding.label_from_override(label, playbook)
    conversation.journey_state = to_state
    conversation.visit(to_state)
    if outcome:
        end(conversation, outcome, f"set by {operator.get_username()}: {reason}")
    elif conversation.outcome:  # moved back into a live state: the conversation reopens
        conversation.outcome = conversation.outcome_reason = ""
        conversation.ended_at = None
        conversation.status = Conversation.Status.OPEN
    conversation.save()
    announce(conversation)
    return label
