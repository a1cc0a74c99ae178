"""Reply generation behind one interface. The walking skeleton's generator fills
per-state templates in the persona's voice; the LLM backends (vLLM on GPU, the packaged
CPU model) plug in behind the same `generate_replies` call.

This module knows nothing of conversations: it takes a ReplyContext of plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATE_MODEL_VERSION = "template-v1"
PROMPT_VERSION = "skeleton-1"


@dataclass(frozen=True)
class ReplyContext:
    journey_state: str
    journey_goal: str
    contact_name: str
    last_message: str
    sentiment_label: str
    persona_name: str
    persona_phrases: list[str] = field(default_factory=list)
    guidance: str = ""  # from the perception stage, e.g. "User is anxious — be reassuring"


@dataclass(frozen=True)
class ReplyOption:
    text: str
    theme: str
    descriptor: str
    confidence: float
    quality_score: float


# (theme, descriptor, template) per journey state; {name} is the contact, {phrase} one of
# the persona's own lines so even the fallback sounds like the persona.
STATE_TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    "rapport_building": [
        ("warm", "Friendly", "Hey {name}! {phrase} What are you up to today?"),
        ("playful", "Teasing", "Well hello {name} 😏 tell me something fun about your day"),
        ("curious", "Inquisitive", "Hi {name}, so glad you wrote! What made you reach out?"),
    ],
    "deepening": [
        ("curious", "Personal", "That's really interesting, {name}. What got you into that?"),
        ("warm", "Empathetic", "I love hearing this. {phrase} How do you usually unwind?"),
        ("playful", "Flirty", "You're full of surprises {name} 😘 what else should I know?"),
    ],
    "cta": [
        (
            "direct",
            "Clear offer",
            "I just made something I think you'd love, {name}. Want the link?",
        ),
        ("playful", "Teasing offer", "I have a little surprise for you {name} 😏 shall I send it?"),
        ("warm", "Soft offer", "{phrase} If you'd like more, my page has it all for you."),
    ],
    "objection_handling": [
        (
            "empathetic",
            "Reassuring",
            "Totally get it, {name}. No pressure at all, what's on your mind?",
        ),
        ("direct", "Clarifying", "Fair question! What would make it feel worth it for you?"),
        ("warm", "Patient", "No rush {name}, I'm happy just chatting. {phrase}"),
    ],
}
DEFAULT_TEMPLATES = [
    ("warm", "Friendly", "Thanks for your message, {name}! {phrase}"),
    ("curious", "Inquisitive", "Tell me a bit more, {name}: what matters most to you here?"),
    ("direct", "Helpful", "Happy to help, {name}. What would you like to do next?"),
]
# Human-sounding lines for when generation fails and the state has none of its own.
GENERIC_FALLBACKS = (
    "Sorry, give me one second, I want to get this right.",
    "Good question! Let me check and get right back to you.",
)

# Sentiment guidance: a negative message gets the gentlest option first.
GENTLE_THEMES = {"empathetic", "warm"}


def generate_replies(context: ReplyContext, count: int = 3) -> list[ReplyOption]:
    templates = STATE_TEMPLATES.get(context.journey_state, DEFAULT_TEMPLATES)
    if context.sentiment_label == "negative":
        templates = sorted(templates, key=lambda t: t[0] not in GENTLE_THEMES)
    phrase = context.persona_phrases[0] if context.persona_phrases else ""
    name = context.contact_name or "there"
    options = []
    for rank, (theme, descriptor, template) in enumerate(templates[:count]):
        text = " ".join(template.format(name=name, phrase=phrase).split())
        # Templates are ranked by hand; confidence only says the order, not a probability.
        confidence = round(0.6 - 0.1 * rank, 2)
        options.append(ReplyOption(text, theme, descriptor, confidence, quality_score=0.5))
    return options


def guard_reply(text: str, max_chars: int) -> str:
    """Clean a reply for sending: one line of whitespace, cut at a word within max_chars."""
    cleaned = " ".join(text.split())
    if len(cleaned) <= max_chars:
        return cleaned
    cut = cleaned[: max_chars - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;: ") + "…"
