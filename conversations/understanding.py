"""What a customer message means, for the journey: the intent model's reading, and the
labels people give it (operators' overrides, labelers' verdicts, workspace phrasings).

The reading uses the message's stored MiniLM embedding (the memory stage's); a message
steered before the memory stage ran (seed 001's transition endpoint answers at once) is
embedded here and the vector stored, so the memory stage finds it and never encodes twice.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from conversations import journeys, labeling
from conversations.custom_intents import known_intents
from conversations.models import IntentLabel, Message, PhaseOverride, Turn
from core import dispatch
from core.models import Workspace
from mlops import agreement, intent_training, registry
from mlops.embeddings import as_list, embed_one
from mlops.models import Dataset, ModelVersion, TrainingJob
from mlops.training_jobs import check_room, open_job

# What an outcome an operator sets says the customer meant.
OUTCOME_INTENTS = {
    "success": "confirmed",
    "declined": "no",
    "not_interested": "no",
    "callback_requested": "callback",
    "transfer_to_human": "request_human",
}


# Agreement and a purchase are the readings a sarcastic message turns upside down.
TAKEN_AT_WORD = ("yes", "confirmed")


class LabelError(ValueError):
    """A label that cannot be stored; the message names the field."""


def checked_intent(workspace_id: int, intent: str) -> str:
    """A built-in intent or one the workspace defined; LabelError naming the field else."""
    known = known_intents(workspace_id)
    if intent not in known:
        raise LabelError(f"intent: must be one of {', '.join(known)}")
    return intent


def message_vector(message: Message) -> list[float]:
    if message.embedding is None:
        message.embedding = embed_one(message.text)
        Message.objects.filter(pk=message.pk).update(embedding=message.embedding)
    return as_list(message.embedding)


def read_intent(message: Message, playbook: journeys.Playbook) -> dict:
    """The active head's reading, abstaining to the playbook's choice, as a Turn stores it;
    a shadow head's intent is recorded beside it, never acted on."""
    vector = message_vector(message)
    head, version = intent_training.active_head(message.workspace_id)
    record = head.read(vector, message.text, playbook.abstain_to).as_dict()
    if record["intent"] in TAKEN_AT_WORD and message.analysis.get("sarcasm", {}).get(
        "is_sarcastic"
    ):
        # "Oh great, just what I needed" reads as agreement word for word; the sarcasm
        # reading (perception ran first) says not to act on it.
        record.update(intent=playbook.abstain_to, abstained=True, override="sarcastic")
    if version is not None:
        record["model"] = f"intent-v{version.version}"
    shadow = ModelVersion.objects.shadow(intent_training.KIND, message.workspace_id)
    if shadow is not None:
        reading = intent_training.load_head(shadow).read(vector, message.text)
        record["shadow"] = {"version": shadow.version, "intent": reading.intent}
    return record


# -- labels -------------------------------------------------------------------------------


def model_intent_of(message: Message) -> str:
    turn = getattr(message, "turn", None)
    return (turn.intent_analysis or {}).get("intent", "") if turn else ""


def label_message(
    message: Message, user: User | None, intent: str, source: str, reason: str = ""
) -> IntentLabel:
    """A person's verdict on one message; a second verdict by the same person replaces
    the first."""
    checked_intent(message.workspace_id, intent)
    label, _ = IntentLabel.objects.update_or_create(
        message=message,
        user=user,
        defaults={
            "workspace_id": message.workspace_id,
            "text": message.text[:2000],
            "intent": intent,
            "model_intent": model_intent_of(message),
            "source": source,
            "reason": reason.strip()[:300],
        },
    )
    return label


def add_phrasing(workspace_id: int, user: User, text: str, intent: str) -> IntentLabel:
    """A phrasing the workspace teaches its model (its slang, a product's name)."""
    text = " ".join(text.split())
    if not text:
        raise LabelError("text: write the phrasing")
    if len(text) > 300:
        raise LabelError("text: at most 300 characters")
    checked_intent(workspace_id, intent)
    return IntentLabel.objects.create(
        workspace_id=workspace_id, text=text, intent=intent, source="phrase", user=user
    )


def intent_for_override(override: PhaseOverride, playbook: journeys.Playbook) -> str | None:
    """The intent the customer's message must have had for the journey to go where the
    operator moved it: the outcome's meaning first, else the one intent whose transition
    leads from the old state to the new one."""
    if override.outcome in OUTCOME_INTENTS:
        return OUTCOME_INTENTS[override.outcome]
    known = known_intents(override.workspace_id)
    triggers = [
        trigger
        for transition in playbook.transitions
        if transition.target == override.to_state
        and transition.source in (override.from_state, journeys.ANY_STATE)
        for trigger in transition.triggers
        if trigger in known
    ]
    return triggers[0] if len(set(triggers)) == 1 else None


def label_from_override(override: PhaseOverride, playbook: journeys.Playbook) -> None:
    """An operator's override labels the customer's last message before it."""
    intent = intent_for_override(override, playbook)
    message = (
        Message.objects.filter(
            conversation_id=override.conversation_id,
            direction=Message.Direction.IN,
            created_at__lte=override.created_at,
        )
        .order_by("-seq")
        .first()
    )
    if intent is None or message is None:
        return
    label_message(message, override.operator, intent, IntentLabel.Source.OVERRIDE, override.reason)


# -- retraining ---------------------------------------------------------------------------


def label_rows(workspace_id: int) -> list[dict]:
    """One row per labelled text: the most common verdict wins, labelers over others on a
    tie (reviewing is their job); a message's stored embedding travels with it. Labels of
    an intent the workspace no longer has are left out."""
    verdicts: dict[str, dict[str, float]] = {}
    vectors: dict[str, list[float]] = {}
    labels = IntentLabel.objects.filter(
        workspace_id=workspace_id, intent__in=known_intents(workspace_id)
    ).select_related("message")
    for label in labels:
        counts = verdicts.setdefault(label.text, {})
        counts[label.intent] = counts.get(label.intent, 0) + (
            1.001 if label.source == IntentLabel.Source.LABELER else 1
        )
        if label.message is not None and label.message.embedding is not None:
            vectors[label.text] = as_list(label.message.embedding)
    return [
        {
            "text": text,
            "intent": max(counts, key=counts.__getitem__),
            "source": "labels",
            "vector": vectors.get(text),
        }
        for text, counts in verdicts.items()
    ]


def start_retraining(workspace_id: int, user: User | None) -> TrainingJob:
    """Snapshot the workspace's labels as a dataset and queue a training job on `training`;
    TrainingLimitReached (before anything is stored) when the workspace has its most jobs."""
    check_room(workspace_id)
    rows = label_rows(workspace_id)
    with transaction.atomic():
        dataset: Dataset | None = None
        if rows:
            number = (
                1
                + Dataset.objects.filter(
                    kind=intent_training.LABELS_KIND, workspace_id=workspace_id
                ).count()
            )
            dataset = registry.store_dataset(
                intent_training.LABELS_KIND,
                f"v{number}",
                workspace_id,
                rows,
                {"labels": len(rows)},
            )
        job = open_job(workspace_id, intent_training.KIND, dataset=dataset, created_by=user)
        dispatch.train_intent(job.pk)
    return job


# -- the intent review queue -----------------------------------------------------------------


def review_queue(workspace: Workspace, user: User) -> QuerySet[Turn]:
    """Customer turns this labeler has not judged, short of the required labelers: those an
    operator corrected first, then the model's least confident readings."""
    corrected = IntentLabel.objects.filter(
        message=OuterRef("message"), source=IntentLabel.Source.OVERRIDE
    )
    return (
        Turn.objects.filter(workspace=workspace, message__isnull=False)
        .exclude(message__intent_labels__user=user)
        .annotate(
            labelers=Count(
                "message__intent_labels",
                filter=Q(message__intent_labels__source=IntentLabel.Source.LABELER),
            ),
            corrected=Exists(corrected),
            confidence=Cast(KeyTextTransform("confidence", "intent_analysis"), FloatField()),
        )
        .filter(labelers__lt=workspace.cta_labels_required)
        .select_related("conversation__contact", "message")
        .order_by("-corrected", F("confidence").asc(nulls_first=True), "pk")
    )


def labeler_verdicts(workspace: Workspace) -> dict[int, dict[str, str]]:
    """message id -> {labeler: intent}, for agreement."""
    verdicts: dict[int, dict[str, str]] = {}
    rows = IntentLabel.objects.filter(
        workspace=workspace, source=IntentLabel.Source.LABELER, message__isnull=False
    ).select_related("user")
    for row in rows:
        name = row.user.username if row.user else "?"
        verdicts.setdefault(row.message_id or 0, {})[name] = row.intent
    return verdicts


def pair_agreement(workspace: Workspace) -> list[dict]:
    """Cohen's kappa per labeler pair over the messages both judged."""
    by_user: dict[str, dict[int, str]] = {}
    for message_id, verdicts in labeler_verdicts(workspace).items():
        for name, intent in verdicts.items():
            by_user.setdefault(name, {})[message_id] = intent
    return labeling.pair_kappas(by_user)


def queue_agreement(workspace: Workspace) -> float | None:
    """Fleiss' kappa over the messages every required labeler has judged."""
    return agreement.fleiss_kappa(
        [
            list(verdicts.values())
            for verdicts in labeler_verdicts(workspace).values()
            if len(verdicts) == workspace.cta_labels_required
        ]
    )
