"""The simulated contacts' side of a conversation: who they are and what they say.

Each buyer type follows a script (openers, a middle, a close) that walks a journey the
way that kind of buyer would, mixed with real human small talk when the chit-chat data
set is installed. conversations.simulator sends these lines through the public API.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

SMALL_TALK_POOL_SIZE = 2000
SMALL_TALK_MAX_CHARS = 200
GREETING = re.compile(r"(hi|hey+|hello|howdy|yo|good (morning|evening)|what'?s up)\b.{0,60}$", re.I)
META_WORDS = ("screen", "window", "refresh", "bot", "partner", "challenge", "http", "typing")


class BuyerType(StrEnum):
    EAGER_BUYER = "eager_buyer"
    HESITANT = "hesitant"
    PRICE_OBJECTOR = "price_objector"
    CALLBACK_LATER = "callback_later"
    DECLINER = "decliner"
    WANTS_A_PERSON = "wants_a_person"
    TIME_WASTER = "time_waster"
    SCAMMER = "scammer"


@dataclass(frozen=True)
class Script:
    openers: tuple[str, ...]
    follow_ups: tuple[str, ...]  # answers to operator replies, in this order
    goodbyes: tuple[str, ...]
    shuffle: bool = False  # order does not matter: pick a random subset in random order
    min_follow_ups: int = 2
    # The line after which this buyer pays, and what: the simulator then sends the payment
    # through POST /api/events, as a shop's integration would.
    pays_after: str = ""
    payment: tuple[str, tuple[float, ...]] = ("purchase", ())


SCRIPTS: dict[BuyerType, Script] = {
    BuyerType.EAGER_BUYER: Script(
        ("hey! saw your page, you're gorgeous 😍", "hi!! is the exclusive stuff still up?"),
        (
            "omg yes, how do I get it?",
            "ok I'm in, what's the price?",
            "done, just paid! check it",
            "can't wait to see it 😍",
        ),
        ("thank you!! talk soon 😘", "you're the best, bye!"),
        pays_after="done, just paid! check it",
        payment=("purchase", (9.99, 14.99, 19.99, 29.99, 49.99)),
    ),
    BuyerType.HESITANT: Script(
        ("hi... is this really you?", "hey, a friend told me about your page"),
        (
            "hmm I'm not sure...",
            "I've never bought anything like this before",
            "what exactly would I get?",
            "let me think about it",
            "ok maybe... is there something smaller to start with?",
        ),
        ("I'll think about it, bye", "ok, maybe next time. bye"),
        pays_after="ok maybe... is there something smaller to start with?",
        payment=("tip", (3.0, 5.0, 7.5)),
    ),
    BuyerType.PRICE_OBJECTOR: Script(
        ("hey, how much is your stuff?", "hi, saw your promo. what does it cost?"),
        (
            "that's too expensive",
            "others charge half of that",
            "can you do a discount?",
            "what if I buy two, is there a deal?",
            "still too much for me tbh",
        ),
        ("nah I'll pass, bye", "ok, maybe when it's on sale"),
    ),
    BuyerType.CALLBACK_LATER: Script(
        ("hey, I'm at work but wanted to say hi", "hi! crazy busy day, quick message"),
        (
            "can you call me back tomorrow?",
            "I'm driving, text you later ok?",
            "remind me next week when I get paid",
            "catch me later this week?",
            "sorry, what were we talking about?",
        ),
        ("gotta run, talk tomorrow!", "ttyl 👋"),
    ),
    # Two kinds of caller the journey must let go of, said the ways people say it, not the
    # way a keyword rule would want it.
    BuyerType.DECLINER: Script(
        ("hey, got your message", "hi, saw your post earlier"),
        (
            "no thanks, not for me",
            "definitely not",
            "Nope. Not interested.",
            "I'd rather not, thanks",
        ),
        ("take care", "bye"),
        shuffle=True,
        min_follow_ups=1,
    ),
    BuyerType.WANTS_A_PERSON: Script(
        ("hello? quick question about my order", "hi, anyone there?"),
        (
            "is this a bot? I want a real agent",
            "get me a human please",
            "connect me with a representative",
            "can a live agent take over?",
        ),
        ("ok thanks", "fine, bye"),
        shuffle=True,
        min_follow_ups=1,
    ),
    BuyerType.TIME_WASTER: Script(
        ("hey beautiful", "hi, you seem really nice"),
        (
            "you're so different from the others",
            "just wanna chat",
            "you have a great smile",
            "I feel like I can really talk to you",
            "what's your favourite food?",
            "I don't really buy stuff, I just like talking to you",
            "you're so sweet, you know?",
        ),
        ("ok I gotta sleep, talk tomorrow 😊", "bye beautiful"),
        shuffle=True,
        min_follow_ups=4,
    ),
    BuyerType.SCAMMER: Script(
        # Scammers open with a red flag, so the risk policy can act before anyone replies.
        (
            "hello dear, I want to buy everything but my bank doesn't allow venmo",
            "hi, I'm a photographer, I can make you famous",
        ),
        (
            "my bank doesn't allow venmo",
            "can you send me your bank details so I can pay",
            "I can only pay by e-check",
            "I'll send you a gift card",
            "prove yourself first, send something free",
            "I'm a photographer, I can make you famous",
            "I'll be your sugar daddy, just need your account info",
        ),
        ("fine, your loss", "ok forget it"),
        shuffle=True,
        min_follow_ups=3,
    ),
}


NUDGES = ("hello??", "you there?", "??", "did you forget about me")


FIRST_NAMES = (
    "Dana",
    "Sam",
    "Chris",
    "Jordan",
    "Taylor",
    "Alex",
    "Morgan",
    "Jamie",
    "Riley",
    "Casey",
    "Lee",
    "Robin",
    "Kai",
    "Noah",
    "Liam",
    "Emma",
    "Olivia",
    "Lucas",
    "Mateo",
    "Ethan",
    "Sofia",
    "Marco",
    "Priya",
    "Arjun",
    "Yuki",
    "Omar",
    "Lena",
    "Tom",
    "Nina",
    "Ben",
)


class SmallTalk(NamedTuple):
    openers: tuple[str, ...]
    fillers: tuple[str, ...]


NO_SMALL_TALK = SmallTalk((), ())


def pick_line(lines: Sequence[str], rng: random.Random) -> str:
    return rng.choice(lines)


def script_for(
    buyer_type: BuyerType, rng: random.Random, small_talk: SmallTalk = NO_SMALL_TALK
) -> list[str]:
    """Every line a contact of this type will send: opener, follow-ups, goodbye (last)."""
    script = SCRIPTS[buyer_type]
    count = rng.randint(script.min_follow_ups, len(script.follow_ups))
    if script.shuffle:
        follow_ups = rng.sample(script.follow_ups, count)
    else:
        follow_ups = list(script.follow_ups[:count])
    lines = [pick_line(script.openers, rng)]
    if buyer_type is BuyerType.TIME_WASTER and small_talk.fillers:
        for line in follow_ups:  # chit-chat between compliments, going nowhere
            lines.append(line)
            if rng.random() < 0.6:
                lines.append(pick_line(small_talk.fillers, rng))
    else:
        if small_talk.openers and rng.random() < 0.4:  # a bit of rapport before getting to it
            lines.insert(0, pick_line(small_talk.openers, rng))
        lines.extend(follow_ups)
    lines.append(pick_line(script.goodbyes, rng))
    return lines


def payment_after(buyer_type: BuyerType, line: str, rng: random.Random) -> tuple[str, str] | None:
    """(kind, amount in USD) when this buyer pays right after saying `line`, else None."""
    script = SCRIPTS[buyer_type]
    kind, amounts = script.payment
    if not script.pays_after or line != script.pays_after or not amounts:
        return None
    return kind, f"{rng.choice(amounts):.2f}"


def usable(line: str) -> bool:
    lowered = line.lower()
    return 2 < len(line) < SMALL_TALK_MAX_CHARS and not any(w in lowered for w in META_WORDS)


def reservoir(lines: Iterable[str], limit: int, sampler: random.Random) -> tuple[str, ...]:
    """A uniform sample of at most `limit` lines, in one pass over any number of them."""
    pool: list[str] = []
    for seen, line in enumerate(lines):
        if seen < limit:
            pool.append(line)
        elif (slot := sampler.randrange(seen + 1)) < limit:
            pool[slot] = line
    return tuple(pool)


@lru_cache(maxsize=1)
def small_talk_pool() -> SmallTalk:
    """Real human chit-chat (first lines of chats as openers), sampled once, on first use."""
    try:
        import chitchat_dataset

        chats = [[m.strip() for m in chat] for chat in chitchat_dataset.ConversationDataset()]
    except (ImportError, OSError, ValueError):
        return NO_SMALL_TALK
    sampler = random.Random(0)  # the same pool every run, so --seed reproduces a run
    firsts = (chat[0] for chat in chats if chat and usable(chat[0]) and GREETING.match(chat[0]))
    rest = (line for chat in chats for line in chat[1:] if usable(line))
    return SmallTalk(
        reservoir(firsts, SMALL_TALK_POOL_SIZE // 4, sampler),
        reservoir(rest, SMALL_TALK_POOL_SIZE, sampler),
    )
