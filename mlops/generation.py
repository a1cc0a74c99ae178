"""Reply generation behind one interface. The walking skeleton's generator fills
per-state templates in the persona's voice; the LLM backends (vLLM on GPU, the packaged
CPU model) plug in behind the same `generate_replies` call.

This module knows nothing of conversations: it takes a ReplyContext of plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mlops.embeddings import cosine, embed

TEMPLATE_MODEL_VERSION = "template-v2"
PROMPT_VERSION = "skeleton-2"


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
    # Retrieved for this message: the persona's knowledge chunks (text, similarity) and the
    # contact's facts (kind, value, relevance score), best first.
    knowledge: list[tuple[str, float]] = field(default_factory=list)
    facts: list[tuple[str, str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class ReplyOption:
    text: str
    theme: str
    descriptor: str
    confidence: float
    quality_score: float
    # Where it came from (mlops.reply_ranker.SOURCES, or "fallback"), the ranker's features
    # when it was ranked, and for a library option its entry.
    source: str = "template"
    features: dict = field(default_factory=dict, compare=False)
    entry_id: int | None = None


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


# Below these the retrieved chunk or fact is more likely noise than an answer.
KNOWLEDGE_MIN_SIMILARITY = 0.3
FACT_MIN_SCORE = 0.3
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# A line that shows the contact they were listened to, per kind of fact.
FACT_TEMPLATES = {
    "name": "Love that name, {value} 😊 {phrase}",
    "occupation": "How's work as {article} {value} treating you lately?",
    "studies": "How are the {value} studies going?",
    "location": "How's life in {value} these days?",
    "interests": "You mentioned {value}, tell me more about that!",
    "dislikes": "Noted, no {value} talk from me 😄 What's making you smile today?",
    "current_activities": "Still {value}? How's it going?",
    "upcoming_events": "And how about the {value}, are you ready?",
    "relationship_status": "Thanks for telling me that about yourself, {name}.",
}


def generate_replies(context: ReplyContext, count: int = 3) -> list[ReplyOption]:
    options = template_options(context, count)
    personal = fact_option(context)
    if personal is not None:
        options.insert(min(1, len(options)), personal)
    informed = knowledge_option(context)
    if informed is not None:
        # An answer from the persona's own notes leads when the contact asked something.
        options.insert(0 if context.last_message.rstrip().endswith("?") else 1, informed)
    return options[:count]


def template_options(context: ReplyContext, count: int) -> list[ReplyOption]:
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


def knowledge_option(context: ReplyContext) -> ReplyOption | None:
    """The persona's own words on the subject: the best sentence of the best chunk."""
    if not context.knowledge or context.knowledge[0][1] < KNOWLEDGE_MIN_SIMILARITY:
        return None
    chunk, similarity = context.knowledge[0]
    sentence = best_sentence(chunk, context.last_message)
    if not sentence:
        return None
    return ReplyOption(
        sentence,
        "informative",
        "From the persona's notes",
        confidence=round(min(0.95, 0.4 + similarity), 2),
        quality_score=round(similarity, 2),
    )


def best_sentence(chunk: str, question: str) -> str:
    sentences = [s for s in SENTENCE_END.split(" ".join(chunk.split())) if s][:40]
    if len(sentences) <= 1:
        return sentences[0] if sentences else ""
    question_vector, *vectors = embed([question, *sentences])
    scores = [cosine(question_vector, vector) for vector in vectors]
    return sentences[scores.index(max(scores))]


def fact_option(context: ReplyContext) -> ReplyOption | None:
    """A line that uses what the contact told us before, when it bears on this message."""
    relevant = [fact for fact in context.facts if fact[2] >= FACT_MIN_SCORE]
    if not relevant:
        return None
    kind, value, score = relevant[0]
    template = FACT_TEMPLATES.get(kind)
    if template is None:
        return None
    article = "an" if value[:1].lower() in "aeiou" else "a"
    phrase = context.persona_phrases[0] if context.persona_phrases else ""
    text = template.format(
        value=value, article=article, phrase=phrase, name=context.contact_name or "you"
    )
    return ReplyOption(
        " ".join(text.split()),
        "personal",
        "Remembers the contact",
        confidence=round(min(0.9, 0.3 + score), 2),
        quality_score=round(score, 2),
    )


def guard_reply(text: str, max_chars: int) -> str:
    """Clean a reply for sending: one line of whitespace, cut at a word within max_chars."""
    cleaned = " ".join(text.split())
    if len(cleaned) <= max_chars:
        return cleaned
    cut = cleaned[: max_chars - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;: ") + "…"
