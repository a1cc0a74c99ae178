"""The options after a set's first, drafted at the back of the llm queue.

Under latest wins an operator with many conversations needs each one's first draft before
any one's third option, so the options after the first are a task of their own
(core.dispatch.fill, the lowest priority), not part of the first draft's generation. By
the time it runs the customer may have written again or the operator answered: then the
set is left as it is, and the server's time goes to the newer message.
"""

from __future__ import annotations

import logging

from conversations import metrics, suggestions
from conversations.models import Conversation, Message, SuggestionSet
from conversations.replies import suggestion_deadline
from conversations.show import note_filling

logger = logging.getLogger(__name__)


def still_wanted(suggestion_set: SuggestionSet, conversation: Conversation) -> bool:
    """Nobody answered the message yet, it is still the newest, and drafting is allowed."""
    message = suggestion_set.message
    if conversation.moderation != "none" or suggestions.superseded(message):
        return False
    return not conversation.messages.filter(
        direction=Message.Direction.OUT, seq__gt=message.seq
    ).exists()


def fill(suggestion_set_id: int, use_cache: bool = True) -> None:
    suggestion_set = (
        SuggestionSet.objects.select_related("message").filter(pk=suggestion_set_id).first()
    )
    if suggestion_set is None:
        logger.info("suggestion set %s is gone; nothing to fill", suggestion_set_id)
        return
    try:
        fill_set(suggestion_set, use_cache)
    finally:
        # Filled, given up on or failed: no more options are coming for this set.
        note_filling(suggestion_set, False)


def fill_set(suggestion_set: SuggestionSet, use_cache: bool) -> None:
    message = suggestion_set.message
    conversation = Conversation.objects.select_related("contact", "persona", "playbook").get(
        pk=suggestion_set.conversation_id
    )
    if not still_wanted(suggestion_set, conversation):
        logger.info("set %s is no longer current; its options stay as they are", suggestion_set.pk)
        return
    found = suggestions.retrieve_or_nothing(conversation, message)
    context = suggestions.reply_context(conversation, message, found)
    with metrics.timed_stage("fill"):
        suggestions.add_remaining_options(
            suggestion_set,
            conversation,
            message,
            found,
            context,
            use_cache,
            suggestion_deadline(),
            latest_only=True,
        )
