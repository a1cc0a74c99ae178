"""A persona's style, learned from what its operators actually sent."""

from __future__ import annotations

from conversations.models import Message
from personas.models import Persona
from personas.style import StyleProfile, learn_style

# The newest replies say most about how the persona sounds now.
MAX_SAMPLES = 500


def operator_replies(persona: Persona, limit: int = MAX_SAMPLES) -> list[str]:
    return list(
        Message.objects.filter(
            workspace_id=persona.workspace_id,
            conversation__persona=persona,
            direction=Message.Direction.OUT,
            author_kind=Message.AuthorKind.OPERATOR,
        )
        .order_by("-created_at")
        .values_list("text", flat=True)[:limit]
    )


def learn_persona_style(persona: Persona) -> StyleProfile | None:
    """Learn and store the profile; None when no operator has replied as the persona yet."""
    replies = [text for text in operator_replies(persona) if text.strip()]
    if not replies:
        return None
    profile = learn_style(replies)
    persona.style_profile = profile.to_dict()
    persona.save(update_fields=["style_profile"])
    return profile
