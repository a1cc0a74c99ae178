"""Training rows from labels: the one module of mlops that reads the other apps."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from mlops.prompts import PromptInputs, build_messages

# A person's verdict outweighs a generated row: each label is repeated this many times
# in the training data, so a handful of corrections can move the model.
LABEL_WEIGHT = 25


def cta_label_rows(workspace_id: int | None) -> list[dict[str, Any]]:
    """One row per labelled decision: the features the model saw, the people's verdict.

    With several labels on one decision, the most common verdict wins (labelers over
    operators on a tie, since reviewing is their job).
    """
    from conversations.models import CtaLabel

    labels = CtaLabel.objects.select_related("decision").order_by("decision_id", "created_at")
    if workspace_id is not None:
        labels = labels.filter(workspace_id=workspace_id)
    by_decision: dict[int, list] = {}
    for row in labels:
        by_decision.setdefault(row.decision_id, []).append(row)
    rows = []
    for verdicts in by_decision.values():
        counts: dict[str, float] = {}
        for v in verdicts:
            counts[v.label] = counts.get(v.label, 0) + (1.001 if v.source == "labeler" else 1)
        winner = max(counts, key=counts.__getitem__)
        reasons = "; ".join(v.reason for v in verdicts if v.label == winner and v.reason)
        rows.append(
            {
                "features": verdicts[0].decision.features,
                "label": winner,
                "reason": reasons or f"{len(verdicts)} people chose {winner}",
                "source": "labels",
            }
        )
    return rows


# -- reply datasets: what operators sent, for fine-tuning the persona's model ---------------

REPLY_DATASET = "replies"
PARTS = ("sft-train", "sft-eval", "dpo-train", "dpo-eval")
DEFAULT_WEIGHTS = {"accept": 1.0, "edit": 1.0, "manual": 0.5}

# Scrubbing replaces what identifies a person with a placeholder the model can learn to
# use; the order matters (a URL can hold an email, a card number looks like a phone).
# Links end before trailing punctuation; bare domains need a common top-level domain.
TRAILING = r"(?<![.,!?;:)\]'\"])"
PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[URL]", re.compile(rf"\b(?:https?://|www\.)\S+{TRAILING}", re.IGNORECASE)),
    ("[EMAIL]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "[URL]",
        re.compile(
            r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|me|co|tv|ly|app|link|gg|fans|xyz)"
            rf"\b(?:/\S*{TRAILING})?",
            re.IGNORECASE,
        ),
    ),
    ("[CARD]", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("[HANDLE]", re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}\b")),
)
# Phone numbers: 9 digits or more, with the usual separators. Fewer digits are dates,
# years, prices and order numbers far more often than phones.
PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d ().-]{6,}\d\b")
PHONE_MIN_DIGITS = 9
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


# fmt: off
WORD_NAMES = frozenset({
    "will", "may", "june", "april", "august", "mark", "bill", "rose", "grace", "hope", "joy",
    "faith", "sky", "summer", "dawn", "art", "pat", "ray", "rob", "sue", "max", "jack",
    "amber", "ruby", "honey", "lily", "iris", "daisy", "angel", "chase", "drew", "gene", "page",
})
# fmt: on


def phone_or_not(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    return "[PHONE]" if digits >= PHONE_MIN_DIGITS and not DATE.match(found.strip()) else found


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


@dataclass
class ReplyDataset:
    sft: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    counts: dict[str, int]


def scrub(text: str, names: Sequence[str] = ()) -> str:
    for placeholder, pattern in PII_PATTERNS:
        text = pattern.sub(placeholder, text)
    text = PHONE.sub(phone_or_not, text)
    for name in names:
        if len(name) >= 2:
            # Names that are also words match only as written: a contact called Will
            # must not turn "I will call" into "I [NAME] call".
            flags = 0 if name.lower() in WORD_NAMES else re.IGNORECASE
            text = re.sub(rf"\b{re.escape(name)}\b", "[NAME]", text, flags=flags)
    return text


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def build_reply_dataset(workspace_id: int, options: ReplyDatasetOptions) -> ReplyDataset:
    """SFT rows (context -> the text the operator sent) and preference pairs (edited text
    over the suggestion shown; a rejected suggestion under what was sent instead)."""
    from conversations.models import OperatorDecision

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
    from conversations.models import Message

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
    from conversations.models import Message
    from conversations.replies import prompt_inputs
    from conversations.retrieval import HistoryHit, RetrievedContext

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


def eval_conversations(conversation_ids: set[int], fraction: float) -> set[int]:
    """A stable, hash-ordered choice of conversations for the eval split: at least one when
    there are two or more, so a small dataset still gets an evaluation."""
    if len(conversation_ids) < 2 or fraction <= 0:
        return set()
    ordered = sorted(conversation_ids, key=lambda c: hashlib.sha256(str(c).encode()).hexdigest())
    take = min(max(1, math.ceil(len(ordered) * fraction)), len(ordered) - 1)
    return set(ordered[:take])


def split_parts(dataset: ReplyDataset, fraction: float) -> dict[str, list[dict]]:
    conversations = {row["meta"]["conversation_id"] for row in dataset.sft + dataset.pairs}
    held_out = eval_conversations(conversations, fraction)

    def held(row: dict) -> bool:
        return row["meta"].get("conversation_id") in held_out

    return {
        "sft-train": [r for r in dataset.sft if not held(r)],
        "sft-eval": [r for r in dataset.sft if held(r)],
        "dpo-train": [r for r in dataset.pairs if not held(r)],
        "dpo-eval": [r for r in dataset.pairs if held(r)],
    }


def sample_rows(samples: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Seed 002's training samples ({input, output, quality}) as SFT rows; each sample is its
    own 'conversation' for the split."""
    return [
        {
            "messages": [
                {"role": "user", "content": sample["input"]},
                {"role": "assistant", "content": sample["output"]},
            ],
            "weight": float(sample.get("quality", 1.0)),
            "meta": {"conversation_id": -(index + 1), "action": "sample"},
        }
        for index, sample in enumerate(samples)
    ]


class EmptyDataset(ValueError):
    """Nothing to learn from yet."""


def create_reply_dataset(
    workspace_id: int, options: ReplyDatasetOptions, created_by: Any = None
) -> Any:
    """Build, split and store a new version; raises EmptyDataset without an SFT row."""
    from mlops import registry

    built = build_reply_dataset(workspace_id, options)
    if not built.sft:
        raise EmptyDataset("no accepted or edited replies to learn from yet")
    parts = split_parts(built, options.eval_fraction)
    return registry.store_reply_dataset(
        workspace_id, options.persona_id, parts, built.counts, options.as_dict(), created_by
    )


def create_sample_dataset(
    workspace_id: int, persona_id: int | None, samples: Sequence[dict[str, Any]], created_by: Any
) -> Any:
    """Seed 002's `samples` as a stored dataset, so a job always trains on a dataset."""
    from mlops import registry

    rows = sample_rows(samples)
    parts = split_parts(ReplyDataset(rows, [], {}), 0.2)
    return registry.store_reply_dataset(
        workspace_id,
        persona_id,
        parts,
        {"samples": len(rows)},
        {"source": "api samples"},
        created_by,
    )
