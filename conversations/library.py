"""The reply library: every persona's vetted replies, retrieved by context and ranked.

Three sources fill a persona's library (conversations.models.ReplyEntry):
- the bootstrap library (mlops/data/reply_library.yaml), per phase and intent, stored as
  a `Dataset` with its sha256 and loaded into a persona on its first message;
- the persona's common phrases;
- every reply an operator sent (accepted, edited or typed), scrubbed of personal data,
  with the contact's name turned back into the {name} placeholder, and stored with the
  context it answered.
A new message is matched against the entries' contexts (pgvector), the matches become
ranker candidates (mlops.reply_ranker), and the placeholders are filled for this contact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from django.db.models import F, Q
from django.utils import timezone
from pgvector.django import CosineDistance

from conversations.models import (
    Conversation,
    Message,
    OperatorDecision,
    ReplyEntry,
    Suggestion,
)
from conversations.understanding import message_vector
from mlops import registry
from mlops.datasets import scrub
from mlops.embeddings import as_list, embed, embed_one
from mlops.intent_training import embed_cached
from mlops.models import Dataset
from mlops.reply_ranker import Candidate, match
from personas.models import Persona

BOOTSTRAP_PATH = Path(__file__).resolve().parent.parent / "mlops" / "data" / "reply_library.yaml"
DATASET_KIND = "reply-library"
# How many entries the context search returns before ranking, and how many pinned ones
# are always considered besides.
TOP_K = 30
PINNED_K = 10
# The turn before the customer's message shades the context, the message leads.
PREVIOUS_TURN_WEIGHT = 0.25
# Scrubbed text that still holds these is somebody's personal data: never a library reply.
PERSONAL = re.compile(r"\[(?:EMAIL|PHONE|CARD|URL|HANDLE|IBAN|ADDRESS)\]")
NAME_SLOT = re.compile(r"(?:,\s*|\s+)?\{name\}(?=\s*[,.!?…]?)")
UNFILLED = re.compile(r"\{[a-z_]+\}")


def entry_key(text: str) -> str:
    return " ".join(text.lower().split())[:300]


# -- the bootstrap library --------------------------------------------------------------------


@lru_cache(maxsize=1)
def bootstrap_rows() -> tuple[str, tuple[dict[str, Any], ...]]:
    """(version, entries) of the bootstrap library file; the version carries its digest."""
    raw = BOOTSTRAP_PATH.read_bytes()
    document = yaml.safe_load(raw)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    for number, row in enumerate(document["entries"], start=1):
        # Unquoted `intent: yes` is a boolean to YAML: say so instead of loading `True`.
        for name in ("phase", "intent", "theme", "text"):
            if not isinstance(row.get(name), str):
                raise ValueError(
                    f"{BOOTSTRAP_PATH.name} entry {number}: {name} must be quoted text"
                )
    return f"v{document['version']}-{digest}", tuple(document["entries"])


def bootstrap_dataset() -> Dataset:
    """The bootstrap library as a versioned Dataset (kind reply-library), stored once."""
    version, rows = bootstrap_rows()
    stored = Dataset.objects.filter(kind=DATASET_KIND, version=version).first()
    if stored is not None:
        return stored
    return registry.store_dataset(
        DATASET_KIND, version, None, [dict(row) for row in rows], {"bootstrap": len(rows)}
    )


def bootstrap_vectors() -> tuple[np.ndarray, np.ndarray]:
    """Per entry: the mean of its example messages' vectors, and its reply's vector."""
    _, rows = bootstrap_rows()
    answers = [answer for row in rows for answer in row["answers"]]
    answer_vectors = embed_cached(answers)
    reply_vectors = embed_cached([unfilled(row["text"]) for row in rows])
    contexts, start = [], 0
    for row in rows:
        block = answer_vectors[start : start + len(row["answers"])]
        start += len(row["answers"])
        contexts.append(unit(block.mean(axis=0)))
    return np.asarray(contexts), reply_vectors


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def unfilled(template: str) -> str:
    """How a template reads with no contact name and a generic offer, for its vector."""
    return fill(template, "", "my page") or template


def ensure_library(persona: Persona) -> None:
    """The bootstrap library and the persona's phrases in its library, loaded once per
    bootstrap version; phrases a manager removed from the persona leave it."""
    version, rows = bootstrap_rows()
    if not ReplyEntry.objects.filter(
        persona=persona, source=ReplyEntry.Source.BOOTSTRAP, dataset_version=version
    ).exists():
        load_bootstrap(persona, version, rows)
    sync_phrases(persona)


def load_bootstrap(persona: Persona, version: str, rows: Sequence[dict[str, Any]]) -> None:
    bootstrap_dataset()
    contexts, replies = bootstrap_vectors()
    ReplyEntry.objects.bulk_create(
        [
            ReplyEntry(
                workspace_id=persona.workspace_id,
                persona=persona,
                source=ReplyEntry.Source.BOOTSTRAP,
                text=row["text"],
                key=entry_key(row["text"]),
                theme=row.get("theme", "warm"),
                descriptor=row.get("descriptor", "")[:60],
                phase="" if row.get("phase", "*") == "*" else row["phase"],
                intent="" if row.get("intent", "*") == "*" else row["intent"],
                cta=bool(row.get("cta")),
                context=" | ".join(row["answers"]),
                embedding=as_list(context),
                reply_embedding=as_list(reply),
                dataset_version=version,
            )
            for row, context, reply in zip(rows, contexts, replies, strict=True)
        ],
        ignore_conflicts=True,  # a manager's retired copy, or another worker, got there first
    )


def sync_phrases(persona: Persona) -> None:
    phrases = {entry_key(p): p for p in persona.phrases}
    stored = ReplyEntry.objects.filter(persona=persona, source=ReplyEntry.Source.PHRASE)
    stored.exclude(key__in=list(phrases)).delete()
    missing = [
        p for key, p in phrases.items() if key not in set(stored.values_list("key", flat=True))
    ]
    if not missing:
        return
    vectors = embed(missing)
    ReplyEntry.objects.bulk_create(
        [
            ReplyEntry(
                workspace_id=persona.workspace_id,
                persona=persona,
                source=ReplyEntry.Source.PHRASE,
                text=phrase,
                key=entry_key(phrase),
                theme="personal",
                descriptor="Her own phrase",
                context="",
                embedding=vector,
                reply_embedding=vector,
            )
            for phrase, vector in zip(missing, vectors, strict=True)
        ],
        ignore_conflicts=True,
    )


# -- placeholders -----------------------------------------------------------------------------


def first_name(display_name: str) -> str:
    """The contact's first name, or "" when the display name is a handle, not a name."""
    first = (display_name or "").split()[0] if (display_name or "").split() else ""
    return first if first.isalpha() and first[:1].isupper() else ""


def fill(
    template: str, name: str, offer: str, profile: Mapping[str, str] | None = None
) -> str | None:
    """The reply for this contact and persona; None when it needs an offer, or a profile
    field ({city}, {studies}...), the persona does not have."""
    if "{offer}" in template:
        if not offer.strip():
            return None
        template = template.replace("{offer}", offer.strip().rstrip("."))
    for key, value in (profile or {}).items():
        # {name} is always the contact's, {offer} the cta_concept: a profile never shadows them.
        if str(value).strip() and key not in ("name", "offer"):
            template = template.replace("{" + str(key) + "}", str(value).strip())
    text = template.replace("{name}", name) if name else NAME_SLOT.sub("", template)
    if UNFILLED.search(text):
        return None
    text = re.sub(r"\s+([,.!?…])", r"\1", " ".join(text.split()))
    text = re.sub(r"^[,\s]+", "", text)
    return text[:1].upper() + text[1:] if text else None


def to_template(text: str, names: Sequence[str]) -> str | None:
    """A sent reply as a library entry: scrubbed, the contact's name as {name}; None when
    personal data would remain."""
    scrubbed = scrub(text, names)
    if PERSONAL.search(scrubbed):
        return None
    return " ".join(scrubbed.replace("[NAME]", "{name}").split())


# -- retrieval --------------------------------------------------------------------------------


def context_vector(message: Message) -> np.ndarray:
    """What a reply answers: the customer's message, shaded by the turn before it."""
    last = np.asarray(message_vector(message), dtype=np.float32)
    before = (
        Message.objects.filter(conversation_id=message.conversation_id, seq__lt=message.seq)
        .order_by("-seq")
        .first()
    )
    if before is None or not before.text.strip():
        return unit(last)
    previous = np.asarray(
        as_list(before.embedding) if before.embedding is not None else embed_one(before.text),
        dtype=np.float32,
    )
    return unit(last + PREVIOUS_TURN_WEIGHT * previous)


def candidates(
    conversation: Conversation, message: Message, intent: str, offer: str
) -> list[Candidate]:
    """The persona's library entries closest to this moment, filled for this contact."""
    persona = conversation.persona
    ensure_library(persona)
    query = context_vector(message)
    said = np.asarray(message_vector(message), dtype=np.float32)
    phase = conversation.journey_state
    states = list(conversation.playbook.spec.states) if conversation.playbook else [phase]
    live = (
        ReplyEntry.objects.live().filter(persona=persona).filter(Q(phase="") | Q(phase__in=states))
    )
    nearest = list(
        live.annotate(distance=CosineDistance("embedding", query.tolist())).order_by("distance")[
            :TOP_K
        ]
    )
    seen = {entry.pk for entry in nearest}
    pinned = [
        e for e in live.filter(pinned=True, phase__in=[phase, ""])[:PINNED_K] if e.pk not in seen
    ]
    name = first_name(conversation.contact.display_name)
    found = []
    for entry in nearest + pinned:
        text = fill(entry.text, name, offer, persona.profile)
        if text is None:
            continue
        context = np.asarray(as_list(entry.embedding), dtype=np.float32)
        reply = np.asarray(as_list(entry.reply_embedding), dtype=np.float32)
        found.append(
            Candidate(
                text=text,
                source=entry.source,
                theme=entry.theme,
                descriptor=entry.descriptor or entry.get_source_display(),
                context_similarity=float(query @ unit(context)),
                reply_fit=float(said @ unit(reply)),
                phase_match=match(phase, entry.phase),
                intent_match=match(intent, entry.intent),
                sent=entry.sent,
                rejected=entry.rejected,
                won=entry.won,
                pinned=entry.pinned,
                entry_id=entry.pk,
                vector=reply.tolist(),
            )
        )
    return found


def count_shown(entry_ids: Sequence[int]) -> None:
    if entry_ids:
        ReplyEntry.objects.filter(pk__in=entry_ids).update(shown=F("shown") + 1)


# -- learning from what operators did ---------------------------------------------------------


def learn(decision: OperatorDecision) -> ReplyEntry | None:
    """A decision's lesson for the library: a rejected library option counts against its
    entry; a sent reply becomes an entry (or counts as one more send of it)."""
    if decision.action == OperatorDecision.Action.REJECT:
        if decision.suggestion is not None and decision.suggestion.library_entry_id:
            ReplyEntry.objects.filter(pk=decision.suggestion.library_entry_id).update(
                rejected=F("rejected") + 1
            )
        return None
    inbound = inbound_message(decision)
    if inbound is None or not decision.final_text:
        return None
    conversation = decision.conversation
    template = to_template(decision.final_text, contact_names(conversation))
    if not template:
        return None
    vector = context_vector(inbound)
    persona = conversation.persona
    entry = ReplyEntry.objects.filter(persona=persona, key=entry_key(template)).first()
    if entry is not None:
        return count_send(entry, vector)
    shown = decision.suggestion
    return ReplyEntry.objects.create(
        workspace_id=conversation.workspace_id,
        persona=persona,
        source=ReplyEntry.Source.SENT,
        text=template,
        key=entry_key(template),
        theme=shown.theme if shown else "personal",
        descriptor=(shown.descriptor if shown else "Typed by an operator")[:60],
        phase=phase_answered(decision, inbound),
        intent=intent_of(inbound),
        context=scrub(inbound.text, contact_names(conversation))[:500],
        embedding=vector.tolist(),
        reply_embedding=embed_one(unfilled(template)),
        sent=1,
        last_sent_at=timezone.now(),
    )


def count_send(entry: ReplyEntry, vector: np.ndarray) -> ReplyEntry:
    """One more send: its context moves towards this one (a running mean), unless a
    manager retired it, which no send undoes."""
    if entry.retired:
        return entry
    uses = max(entry.sent, 1)
    old = np.asarray(as_list(entry.embedding), dtype=np.float32)
    entry.embedding = unit((old * uses + vector) / (uses + 1)).tolist()
    entry.sent, entry.last_sent_at = entry.sent + 1, timezone.now()
    entry.save(update_fields=["embedding", "sent", "last_sent_at"])
    return entry


def inbound_message(decision: OperatorDecision) -> Message | None:
    from conversations.reply_datasets import inbound_message as answered

    return answered(decision)


def contact_names(conversation: Conversation) -> list[str]:
    name = conversation.contact.display_name or ""
    return [part for part in name.split() if len(part) >= 2]


def phase_answered(decision: OperatorDecision, inbound: Message) -> str:
    """The phase the reply was written in: its suggestions', or where the customer's
    message left the journey."""
    if decision.suggestion_set is not None:
        return decision.suggestion_set.journey_state
    turn = getattr(inbound, "turn", None)
    return turn.state_after if turn else decision.conversation.journey_state


def intent_of(message: Message) -> str:
    turn = getattr(message, "turn", None)
    return (turn.intent_analysis or {}).get("intent", "") if turn else ""


def credit_outcome(conversation: Conversation) -> None:
    """A conversation that ended in success credits the library replies sent in it."""
    sent = Suggestion.objects.filter(
        suggestion_set__conversation=conversation,
        library_entry__isnull=False,
        decisions__action__in=[OperatorDecision.Action.ACCEPT, OperatorDecision.Action.EDIT],
    ).values_list("library_entry_id", flat=True)
    ReplyEntry.objects.filter(pk__in=list(sent)).update(won=F("won") + 1)
