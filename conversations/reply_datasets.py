"""Reply datasets: what operators sent, for fine-tuning the persona's model.

SFT rows (the prompt the suggestion model got -> the text the operator sent) and
preference pairs (the edited text over the suggestion shown; a rejected suggestion under
what was sent instead), built from stored decisions and rebuilt with the serving code,
then scrubbed, de-duplicated, split by conversation and stored (mlops.registry).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from conversations.models import Message, OperatorDecision
from conversations.replies import prompt_inputs
from conversations.retrieval import HistoryHit, RetrievedContext
from mlops import registry
from mlops.datasets import EmptyDataset, ReplyDataset, scrub, split_parts
from mlops.prompts import PromptInputs, build_messages

DEFAULT_WEIGHTS = {"accept": 1.0, "edit": 1.0, "manual": 0.5}


@dataclass(frozen=True)
class ReplyDatasetOptions:
    persona_id: int | None = None  # None: every persona of the workspace
    include_manual: bool = False  # replies typed without a suggestion, as extra SFT rows
    scrub_pii: bool = True
    eval_fraction: float = 0.2  # of conversations, so no conversation is in both splits
    history_turns: int = 6
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def build_reply_dataset(workspace_id: int, options: ReplyDatasetOptions) -> ReplyDataset:
    """SFT rows (context -> the text the operator sent) and preference pairs (edited text
    over the suggestion shown; a rejected suggestion under what was sent instead)."""
    decisions = list(
        OperatorDecision.objects.filter(workspace_id=workspace_id)
        .filter(**({"conversation__persona_id": options.persona_id} if options.persona_id else {}))
        .select_related(
            "conversation__persona",
            "conversation__contact",
            "conversation__campaign",
            "conversation__variant",
            "suggestion_set__message",
            "suggestion",
            "sent_message",
        )
        .order_by("created_at", "pk")
    )
    counts = {"accept": 0, "edit": 0, "manual": 0, "reject": 0}
    sft: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    contexts: dict[int, list[dict[str, str]]] = {}  # by inbound message id
    for decision in decisions:
        counts[decision.action] = counts.get(decision.action, 0) + 1
        inbound = inbound_message(decision)
        if inbound is None:
            continue
        if inbound.pk not in contexts:
            contexts[inbound.pk] = context_messages(decision.conversation, inbound, options)
        context = contexts[inbound.pk]
        meta = decision_meta(decision, inbound)
        clean = clean_text(decision, options)
        if decision.action in ("accept", "edit") or (
            decision.action == "manual" and options.include_manual
        ):
            final = clean(decision.final_text)
            sft.append(
                {
                    "messages": [*context, {"role": "assistant", "content": final}],
                    "weight": float(options.weights.get(decision.action, 1.0)),
                    "meta": meta,
                }
            )
        chosen: str | None = None
        if decision.action == "edit":
            chosen = decision.final_text
        elif decision.action == "reject":
            chosen = sent_instead(decision, decisions)
            if chosen is None:
                counts["unpaired_rejections"] = counts.get("unpaired_rejections", 0) + 1
        # A pair teaches a preference only when the two texts differ (after scrubbing:
        # two phone numbers that both became [PHONE] are the same reply).
        if chosen is not None:
            better, worse = clean(chosen), clean(decision.shown_text)
            if normalised(better) != normalised(worse):
                pairs.append(pair_row(context, better, worse, meta))
    # The whole prompt is in the key: the same words to the same message by two personas
    # (different system messages) are two lessons, not one.
    sft, sft_dupes = deduplicate(sft, lambda row: row["messages"])
    pairs, pair_dupes = deduplicate(
        pairs, lambda row: (row["prompt"], row["chosen"], row["rejected"])
    )
    counts["duplicates_removed"] = sft_dupes + pair_dupes
    counts.setdefault("unpaired_rejections", 0)
    return ReplyDataset(sft, pairs, counts)


def inbound_message(decision: Any) -> Any:
    """The customer message the reply answered: the one the suggestions were for, or for
    a manual reply the last inbound message before it."""
    if decision.suggestion_set is not None:
        return decision.suggestion_set.message
    if decision.sent_message is None:
        return None
    return (
        Message.objects.filter(
            conversation_id=decision.conversation_id,
            direction=Message.Direction.IN,
            seq__lt=decision.sent_message.seq,
        )
        .order_by("-seq")
        .first()
    )


def context_messages(conversation: Any, inbound: Any, options: ReplyDatasetOptions) -> list:
    """The prompt the suggestion model got for this message (system + turn), rebuilt with
    the serving code from what the suggestion set stored (its phase and retrieved context),
    so the adapter is trained on exactly what it will be asked."""
    shown = inbound.suggestion_sets.order_by("created_at").first()
    if shown is not None and shown.retrieval:
        found = RetrievedContext.from_json(shown.retrieval)
    else:  # never suggested for: the latest messages stand in for the retrieved ones
        latest = Message.objects.filter(conversation=conversation, seq__lt=inbound.seq)
        found = RetrievedContext(
            history=[
                HistoryHit(m.seq, m.direction, m.text, 1.0)
                for m in reversed(latest.order_by("-seq")[: options.history_turns])
            ]
        )
    found.history = found.history[-options.history_turns :] if options.history_turns else []
    inputs = prompt_inputs(conversation, inbound, found, shown.journey_state if shown else None)
    if options.scrub_pii:
        inputs = scrubbed_inputs(inputs, contact_names(conversation))
    return build_messages(inputs)


def scrubbed_inputs(inputs: PromptInputs, names: Sequence[str]) -> PromptInputs:
    """The contact's words and what was remembered about them, scrubbed; the persona's own
    profile and notes are kept (the adapter must learn to use them)."""
    return replace(
        inputs,
        contact_name="[NAME]",
        facts=[(kind, scrub(value, names)) for kind, value in inputs.facts],
        memories=[scrub(m, names) for m in inputs.memories],
        history=[(role, scrub(text, names)) for role, text in inputs.history],
        last_message=scrub(inputs.last_message, names),
    )


def contact_names(conversation: Any) -> list[str]:
    name = conversation.contact.display_name or ""
    return [part for part in name.split() if len(part) >= 2]


def clean_text(decision: Any, options: ReplyDatasetOptions) -> Callable[[str], str]:
    names = contact_names(decision.conversation)
    return (lambda text: scrub(text, names)) if options.scrub_pii else (lambda text: text)


def decision_meta(decision: Any, inbound: Any) -> dict[str, Any]:
    return {
        "decision_id": decision.pk,
        "conversation_id": decision.conversation_id,
        "persona_id": decision.conversation.persona_id,
        "message_id": inbound.pk,
        "action": decision.action,
        "theme": decision.suggestion.theme if decision.suggestion else "",
    }


def pair_row(context: list, chosen: str, rejected: str, meta: dict) -> dict[str, Any]:
    source = "edit" if meta["action"] == "edit" else "reject"
    return {
        "prompt": context,
        "chosen": chosen,
        "rejected": rejected,
        "meta": {**meta, "source": source},
    }


def sent_instead(rejection: Any, decisions: list) -> str | None:
    """What the operator sent for the same customer message after rejecting a suggestion."""
    for later in decisions:
        if (
            later.conversation_id == rejection.conversation_id
            and later.created_at >= rejection.created_at
            and later.pk != rejection.pk
            and later.action in ("accept", "edit", "manual")
            and later.final_text
            and same_inbound(later, rejection)
        ):
            return str(later.final_text)
    return None


def same_inbound(later: Any, rejection: Any) -> bool:
    if later.suggestion_set_id is not None:
        return bool(later.suggestion_set.message_id == rejection.suggestion_set.message_id)
    inbound = inbound_message(later)
    return inbound is not None and inbound.pk == rejection.suggestion_set.message_id


def deduplicate(rows: list[dict], key: Callable[[dict], Any]) -> tuple[list[dict], int]:
    """Keep the first of rows with the same context message and texts (the same reply
    accepted twice teaches nothing new, and would weigh twice)."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        fingerprint = json.dumps(key(row), sort_keys=True).lower()
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        kept.append(row)
    return kept, len(rows) - len(kept)


def create_reply_dataset(
    workspace_id: int, options: ReplyDatasetOptions, created_by: Any = None
) -> Any:
    """Build, split and store a new version; raises EmptyDataset without an SFT row."""
    built = build_reply_dataset(workspace_id, options)
    if not built.sft:
        raise EmptyDataset("no accepted or edited replies to learn from yet")
    parts = split_parts(built, options.eval_fraction)
    return registry.store_reply_dataset(
        workspace_id, options.persona_id, parts, built.counts, options.as_dict(), created_by
    )
