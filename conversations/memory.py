"""Contact memory (seed 000's "Memory & Profiling"), written by the pipeline's memory stage.

For each inbound message: its embedding (for history retrieval), the facts it states
about the contact (each with its own vector), a sentiment snapshot (the last 20 kept),
and every MEMORY_SUMMARY_EVERY messages a summary of the stretch since the last one.
Every step is idempotent, so a redelivered task changes nothing the second time.
Operators correct or delete facts from the contact card; each correction is a label.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from conversations.models import (
    Contact,
    ContactFact,
    Conversation,
    FactCorrection,
    Memory,
    Message,
)
from mlops.embeddings import embed, embed_one
from mlops.facts import SINGLE_KINDS, ExtractedFact, extract_facts, normalize_value
from mlops.sentiment import label_for
from mlops.summarize import Line, summarize

# How a fact reads when embedded: a sentence matches a later message better than "k: v".
FACT_SENTENCES = {
    "name": "my name is {}",
    "occupation": "I work as {}",
    "studies": "I study {}",
    "relationship_status": "relationship: {}",
    "location": "I live in {}",
    "interests": "I like {}",
    "dislikes": "I dislike {}",
    "current_activities": "right now I am {}",
    "upcoming_events": "coming up: {}",
}


def fact_sentence(kind: str, value: str) -> str:
    return FACT_SENTENCES.get(kind, kind + ": {}").format(value)


def remember(message: Message) -> None:
    """The memory stage for one inbound message."""
    embed_message(message)
    record_facts(message)
    record_sentiment(message)
    summarize_if_due(message.conversation, message)


def embed_message(message: Message) -> None:
    if message.embedding is None:
        message.embedding = embed_one(message.text)
        Message.objects.filter(pk=message.pk).update(embedding=message.embedding)


def record_facts(message: Message) -> list[ContactFact]:
    extracted = extract_facts(message.text)
    if not extracted:
        return []
    vectors = embed([fact_sentence(fact.kind, fact.value) for fact in extracted])
    contact = message.conversation.contact
    with transaction.atomic():
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        stored = [
            upsert_fact(contact, fact, vector, message)
            for fact, vector in zip(extracted, vectors, strict=True)
        ]
        refresh_profile_facts(contact)
    return stored


def upsert_fact(
    contact: Contact, fact: ExtractedFact, vector: list[float], message: Message | None
) -> ContactFact:
    """A fact mentioned again is bumped; a new single-valued fact replaces the old one."""
    normalized = normalize_value(fact.value)
    existing = ContactFact.objects.filter(
        contact=contact, kind=fact.kind, normalized=normalized
    ).first()
    now = timezone.now()
    if existing is not None:
        existing.last_mentioned_at = now
        existing.save(update_fields=["last_mentioned_at"])
        return existing
    if fact.kind in SINGLE_KINDS:
        ContactFact.objects.filter(contact=contact, kind=fact.kind).delete()
    return ContactFact.objects.create(
        workspace_id=contact.workspace_id,
        contact=contact,
        kind=fact.kind,
        value=fact.value[:200],
        normalized=normalized[:200],
        embedding=vector,
        source_message=message,
        last_mentioned_at=now,
    )


def refresh_profile_facts(contact: Contact) -> dict:
    """Rebuild the contact's merged facts dict (singles as strings, lists in order)."""
    facts: dict[str, str | list[str]] = {}
    for kind, value in contact.facts.order_by("created_at", "pk").values_list("kind", "value"):
        if kind in SINGLE_KINDS:
            facts[kind] = value
        else:
            listed = facts.setdefault(kind, [])
            assert isinstance(listed, list)
            listed.append(value)
    Contact.objects.filter(pk=contact.pk).update(profile_facts=facts)
    contact.profile_facts = facts
    return facts


def record_sentiment(message: Message) -> None:
    context = message.analysis.get("context") or {}
    score = context.get("effective_score")
    if score is None:
        return
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=message.conversation.contact_id)
        history = list(contact.sentiment_history)
        if any(snapshot.get("message_id") == message.pk for snapshot in history):
            return
        history.append(
            {
                "message_id": message.pk,
                "score": round(float(score), 3),
                "label": label_for(float(score)),
                "at": message.created_at.isoformat(),
            }
        )
        contact.sentiment_history = history[-settings.SENTIMENT_HISTORY_SIZE :]
        contact.save(update_fields=["sentiment_history"])


def summarize_if_due(conversation: Conversation, message: Message) -> Memory | None:
    """Every MEMORY_SUMMARY_EVERY messages, summarise the ones since the last summary."""
    every = settings.MEMORY_SUMMARY_EVERY
    last = Memory.objects.filter(conversation=conversation).order_by("-upto_seq").first()
    since = (last.upto_seq or 0) if last else 0
    if message.seq - since < every:
        return None
    stretch = list(
        conversation.messages.filter(seq__gt=since, seq__lte=message.seq).order_by("seq")
    )
    return store_summary(conversation, stretch, message.seq)


def store_summary(
    conversation: Conversation, stretch: list[Message], upto_seq: int
) -> Memory | None:
    lines = [
        Line("user" if m.direction == Message.Direction.IN else "assistant", m.text)
        for m in stretch
    ]
    summary = summarize(lines)
    if not summary:
        return None
    contact = conversation.contact
    try:
        with transaction.atomic():
            return Memory.objects.create(
                workspace_id=conversation.workspace_id,
                user_key=conversation.persona.name,
                contact_key=contact.external_id,
                conversation_key=str(conversation.pk),
                messages=[{"role": line.role, "content": line.content} for line in lines],
                summary=summary,
                embedding=embed_one(summary),
                metadata={"source": "pipeline", "from_seq": stretch[0].seq},
                contact=contact,
                conversation=conversation,
                upto_seq=upto_seq,
            )
    except IntegrityError:  # a redelivered task got here second
        return None


# -- operator corrections (the contact card) -------------------------------------------


def correct_fact(fact: ContactFact, new_value: str, operator) -> ContactFact:
    """Replace a fact's value; the old value, the new one and the source are kept as a label."""
    new_value = " ".join(new_value.split())[:200]
    with transaction.atomic():
        FactCorrection.objects.create(
            workspace_id=fact.workspace_id,
            contact_id=fact.contact_id,
            fact=fact,
            action=FactCorrection.Action.CORRECTED,
            kind=fact.kind,
            old_value=fact.value,
            new_value=new_value,
            source_text=fact.source_message.text if fact.source_message else "",
            operator=operator,
        )
        ContactFact.objects.filter(
            contact_id=fact.contact_id, kind=fact.kind, normalized=normalize_value(new_value)
        ).exclude(pk=fact.pk).delete()
        fact.value = new_value
        fact.normalized = normalize_value(new_value)[:200]
        fact.embedding = embed_one(fact_sentence(fact.kind, new_value))
        fact.origin = ContactFact.Origin.OPERATOR
        fact.save()
        refresh_profile_facts(fact.contact)
    return fact


def delete_fact(fact: ContactFact, operator) -> None:
    with transaction.atomic():
        FactCorrection.objects.create(
            workspace_id=fact.workspace_id,
            contact_id=fact.contact_id,
            fact=None,
            action=FactCorrection.Action.DELETED,
            kind=fact.kind,
            old_value=fact.value,
            source_text=fact.source_message.text if fact.source_message else "",
            operator=operator,
        )
        contact = fact.contact
        fact.delete()
        refresh_profile_facts(contact)
