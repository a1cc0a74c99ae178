"""The conversations app's models, one module per aggregate.

- playbook: Playbook (journeys as data) and its queryset.
- conversation: Contact, Conversation, Message, the priority and moderation choices,
  and get_conversation_or_404.
- suggestion: SuggestionSet, Suggestion and OperatorDecision.
- journey: Turn and PhaseOverride, a conversation's progress through its journey.
- moderation: RedFlagPattern and ModerationAction.
- cta: CtaDecision and CtaLabel.
- memory: ContactFact, FactCorrection and Memory.
- intent: IntentLabel, people's verdicts on what a message meant, and WorkspaceIntent,
  the intents a workspace defines for itself.
- library: ReplyEntry, the replies a persona's options are drawn from.
- revenue: RevenueEvent, purchases, tips, subscriptions and refunds, and what earned them.

Everything is re-exported here, so `from conversations.models import X` keeps working;
the imports below keep the order the models registered in as one module, so they are
not sorted.
"""

# isort: off
from conversations.models.playbook import Playbook, PlaybookQuerySet
from conversations.models.conversation import (
    MODERATION_CHOICES,
    PRIORITY_CHOICES,
    PRIORITY_RANK,
    Contact,
    Conversation,
    ConversationQuerySet,
    Message,
    get_conversation_or_404,
)
from conversations.models.suggestion import OperatorDecision, Suggestion, SuggestionSet
from conversations.models.journey import PhaseOverride, Turn
from conversations.models.moderation import (
    ModerationAction,
    RedFlagPattern,
    RedFlagPatternQuerySet,
)
from conversations.models.cta import CtaDecision, CtaLabel
from conversations.models.memory import ContactFact, FactCorrection, Memory
from conversations.models.intent import IntentLabel, WorkspaceIntent
from conversations.models.library import ReplyEntry, ReplyEntryQuerySet
from conversations.models.revenue import RevenueEvent
# isort: on

__all__ = [
    "MODERATION_CHOICES",
    "PRIORITY_CHOICES",
    "PRIORITY_RANK",
    "Contact",
    "ContactFact",
    "Conversation",
    "ConversationQuerySet",
    "CtaDecision",
    "CtaLabel",
    "FactCorrection",
    "IntentLabel",
    "Memory",
    "Message",
    "ModerationAction",
    "OperatorDecision",
    "PhaseOverride",
    "Playbook",
    "PlaybookQuerySet",
    "RedFlagPattern",
    "RedFlagPatternQuerySet",
    "ReplyEntry",
    "ReplyEntryQuerySet",
    "RevenueEvent",
    "Suggestion",
    "SuggestionSet",
    "Turn",
    "WorkspaceIntent",
    "get_conversation_or_404",
]
