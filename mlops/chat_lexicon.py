"""How chat uses words that general-English lexicons (VADER, NRC) read literally.

VADER and the NRC emotion lexicon were built from ratings of words out of context, so a
word's most common written sense wins: "crazy" is -1.4 and anger/fear/sadness, "sick" is
-2.3 and disgust, "killer" is -3.3. In chat those words are mostly something else: a degree
word ("crazy good" means "very good"), praise ("killer outfit", "sick!!"), surprise ("that's
insane") or laughter ("dying 😂"). This module names the word classes involved and the
rules that decide, from a word's neighbours, which reading applies. The rules key on the
class of a word and the shape of the phrase around it, never on whole example messages:

1. Degree words (DEGREE_WORDS): negative-literal adjectives and adverbs that premodify
   another word as "very". Directly before a gradable word (an adjective or adverb: one the
   sentiment lexicon rates, a known booster, a -ly/-ful/-ous/... form or a common gradable
   adjective) they become a booster of that word, as VADER's own "really" or "extremely".
2. Praise slang (PRAISE_SLANG): before a noun ("killer outfit") or exclaimed about a thing
   ("sick!!", "that's sick", "this set is fire") they praise.
3. Exclaimed intensity (EXCLAIM_INTENSITY): before a noun ("crazy day") or exclaimed about
   what was just said ("that's insane", "crazy!") they mark intensity or surprise, not a mood.
4. Laughter hyperbole (LAUGH_HYPERBOLE): "dying", "dead", "crying", "stop"... in a message
   that laughs (lol, haha, 😂, 💀, 😭) describe laughing, not harm.
5. Idioms of a class: eagerness ("dying to/for", "kill for" + what is wanted), achievement
   ("killing it", "nailed it"), devotion ("obsessed with", "hooked on", "crazy about"),
   politeness (an apology formula "sorry for/to/about..." is manners, not mood), discourse
   markers ("honestly", "literally": how it is said, not what is felt), and "ill" typed
   for "I'll".
6. Commerce nouns rated for another sense (TOPIC_NOUNS: "the new drop", "this shoot")
   carry no valence after a determiner.
The literal reading is kept where the phrase is about a person's state: after "I'm", "feel",
"got", "drives me", or a person as subject ("my kid is sick"); before a person ("sick kid");
before a function word ("sick of", "mad at"); for a degree word before a noun ("stupid
app", "dead link"), where it evaluates the thing; and for intensity said of a cost ("your
prices are insane", "crazy fees"), which means too high. Superlatives read as their base
("sickest set", "craziest week").
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass

NEUTRAL, BOOSTER, PRAISE, DESIRE = "neutral", "booster", "praise", "desire"


def words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


PRAISE_VALENCE = 2.0  # what a slang praise word is worth, as VADER's "cute" or "fun"

DEGREE_WORDS = words(
    "crazy crazily insane insanely mad madly stupid stupidly ridiculous ridiculously absurd "
    "absurdly obscene obscenely scary scarily freaking freakin frickin fricking friggin damn "
    "damned darn dang bloody wicked wickedly sick sickeningly disgustingly dead killer "
    "terribly horribly dreadfully frightfully seriously dangerously ungodly wild wildly silly "
    "brutally"
)
PRAISE_SLANG = words("sick killer wicked fire lit dope savage beast filthy")
EXCLAIM_INTENSITY = words("crazy insane wild nuts unreal mental bonkers")
LAUGH_HYPERBOLE = words(
    "dying dead died die dies deceased killing killed kill kills crying cried cry cries "
    "screaming screamed scream weak sobbing wheezing stop stahp hurts"
)
ACHIEVEMENT_VERBS = words(
    "kill kills killed killing killin slay slays slayed slaying crush crushed crushing "
    "smash smashed smashing nail nailed nailing"
)
DEVOTION_WORDS = frozenset({"obsessed", "addicted", "hooked"})
DEVOTION_ABOUT = frozenset({"crazy", "nuts", "wild"})  # "crazy about you"
DESIRE_WORDS = frozenset({"dying", "die", "kill"})  # "dying to see it", "i'd kill for that"
DISCOURSE_MARKERS = frozenset({"honestly", "frankly", "literally", "tbh", "ngl"})
TOPIC_NOUNS = frozenset({"drop", "drops", "shoot", "shoots", "shot", "shots"})
DETERMINERS = words(
    "the a an this that these those your my our his her their next last new latest first "
    "photo video"
)
COST_WORDS = words("price prices cost costs fee fees shipping charge charges rate rates bill total")
APOLOGY_WORDS = frozenset({"sorry", "sry", "soz"})
APOLOGY_NEXT = words("for to about if but bout abt i")

LAUGH_WORD = re.compile(r"^(?:l+o+l+z?|lmf?a+o+|ro+fl|(?:a?ha){2,}h?|(?:he){2,}h?)$")
LAUGH_EMOJI = frozenset("😂🤣😆😹💀😭")

# Emoji whose general reading (VADER's description words) misses their chat meaning:
# valence (None keeps VADER's) and the emotions they show.
CHAT_EMOJI: dict[str, tuple[float | None, tuple[str, ...]]] = {
    "🔥": (2.0, ("joy",)),  # "fire", -1.4 as a word: praise in chat
    "💯": (2.0, ("trust",)),
    "🙌": (1.5, ("joy",)),
    "👏": (1.5, ("joy",)),
    "✨": (1.0, ("joy",)),
    "😂": (1.8, ("joy",)),  # laughter, worth "lol"
    "🤣": (1.8, ("joy",)),
    "😆": (1.8, ("joy",)),
    "😹": (1.8, ("joy",)),
    "💀": (0.0, ()),  # laughing "I'm dead": a cue, no mood of its own
    "😭": (0.0, ()),  # crying with laughter as often as with grief
    "😍": (None, ("joy",)),
    "🥰": (None, ("joy",)),
    "❤": (None, ("joy",)),
    "😡": (-2.5, ("anger",)),
    "🤬": (-2.5, ("anger",)),
    "😠": (-2.0, ("anger",)),
    "😤": (-1.5, ("anger",)),
    "😢": (-1.5, ("sadness",)),
    "😞": (-1.5, ("sadness",)),
    "😔": (-1.2, ("sadness",)),
    "😱": (None, ("fear",)),
    "😰": (-1.5, ("fear",)),
    "🤢": (-1.5, ("disgust",)),
    "🤮": (-2.0, ("disgust",)),
}

# Words VADER has no rating for, where chat needs one.
VADER_GAPS = {"dying": -2.5, "expensive": -1.0, "pricey": -0.8}

# Commerce complaints the lexicons miss: VADER valence and NRC emotions.
GRIEVANCES: dict[str, tuple[float, tuple[str, ...]]] = {
    "ripoff": (-2.3, ("anger", "disgust")),
    "rip-off": (-2.3, ("anger", "disgust")),
    "scam": (-2.7, ("anger", "disgust")),
    "scammed": (-2.7, ("anger", "disgust")),
    "scammer": (-2.7, ("anger", "disgust")),
    "ignored": (-1.3, ("anger",)),
    "ignoring": (-1.5, ("anger",)),
    "ghosted": (-1.8, ("anger", "sadness")),
    "ghosting": (-1.8, ("anger", "sadness")),
    "overcharged": (-2.0, ("anger",)),
    "overpriced": (-1.5, ("anger",)),
    "unanswered": (-1.2, ("anger",)),
    "unresponsive": (-1.5, ("anger",)),
}

# In commerce chat these name the topic (money, time, a photo shoot, a phone case), not a
# feeling; NRC tags their general connotations ("money" anger, "time" anticipation).
TOPIC_WORDS = words(
    "money pay payment cash fee deal delivery ship shipping gift account bank shopping "
    "content model time hurry tomorrow watch shoot shoots shot case change honest"
)
PHATIC_NEXT = words("morning afternoon evening night nite day")  # "good morning"
INTERJECTION_HEADS = words("god lord gosh jesus christ boy heavens heaven goodness")
INTERJECTION_PREV = words("oh omg my thank thanks good dear holy")

FUNCTION_WORDS = words(
    "a an the of at to about for from with w by in on into and or but nor as than if because "
    "cause cuz when while that this these those it its i me my you your ur u he she we they "
    "him her us them is are was were be am do does did have has had not no can will would "
    "should could how what why who where which af asf tho though rn fr lol haha lmao tbh "
    "ngl"
)
PERSON_WORDS = words(
    "i me you u ya he him she her we us they them kid kids son daughter mom mum mother dad "
    "father baby child children wife husband brother sister friend friends boyfriend "
    "girlfriend bf gf boss guy guys girl girls man woman people person dog cat family grandma "
    "grandpa partner cousin aunt uncle neighbor neighbour patient"
)
PERSON_CONTRACTIONS = words("i'm im you're youre ur he's hes she's shes we're they're theyre i've")
THING_CONTRACTIONS = words("that's thats it's its this's what's whats there's theres everything's")
COPULAS = words("is was are were be being looks look looked sounds sound seems seem")
FILLERS = words(
    "so soo too very really just literally lowkey highkey actually kinda pretty totally "
    "absolutely honestly fr deadass straight quite"
)
INTERJECTIONS = words("omg omfg wow oh ohh ooh dude bro yo man yes yeah ok okay")
LITERAL_FRAME = words(
    "feel feeling felt feels get getting got gets became become becoming am been go going "
    "gone went goes drive drives driving drove make makes made making"
)
GRADABLE = words(
    "busy quick fast slow cheap expensive pricey hot cold big small tiny huge long short "
    "early late soft hard easy high low tight loud quiet close far rare fresh new old young "
    "good bad fun much many well strong smooth sharp deep thick thin full clean real legit "
    "pretty comfy tasty cozy spicy juicy fluffy silky sexy hungry sleepy heavy detailed "
    "talented quality"
)
ILL_LITERAL = LITERAL_FRAME | COPULAS | FILLERS | PERSON_CONTRACTIONS  # "I'm ill", "so ill"
ADJECTIVE_ENDING = re.compile(r"(?:ly|ful|ous|able|ible|ish|less)$")
LENGTHENED = re.compile(r"([a-z])\1{2,}")
CLAUSE_END = tuple(".,!?;:…")


@dataclass(frozen=True)
class ChatToken:
    raw: str  # as typed, punctuation kept (VADER splits the same way)
    word: str  # lowercase, punctuation stripped, lengthening undone ("goooood" -> "good")
    emoji: bool
    clause_end: bool  # punctuation, an emoji or the end of the message follows


@dataclass(frozen=True)
class Reading:
    kind: str  # NEUTRAL, BOOSTER, PRAISE or DESIRE
    why: str
    target: int | None = None  # the word a booster strengthens


def pad_emoji(text: str, emoji: Container[str]) -> str:
    """Each emoji as a token of its own; variation selectors and joiners dropped."""
    text = re.sub("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]", "", text)
    return "".join(f" {ch} " if ch in emoji else ch for ch in text)


def unlengthen(word: str, known: Callable[[str], bool]) -> str:
    """Chat lengthens words for emphasis ("sooo", "goooood"); read the word it lengthens."""
    if known(word) or not LENGTHENED.search(word):
        return word
    for form in (LENGTHENED.sub(r"\1\1", word), LENGTHENED.sub(r"\1", word)):
        if known(form):
            return form
    return word


def chat_tokens(
    padded: str, emoji: Container[str], known: Callable[[str], bool]
) -> list[ChatToken]:
    raws = padded.split()
    tokens = []
    for i, raw in enumerate(raws):
        is_emoji = raw in emoji
        word = raw if is_emoji else unlengthen(raw.lower().strip(string.punctuation), known)
        following = raws[i + 1] if i + 1 < len(raws) else None
        end = (
            following is None
            or raw.endswith(CLAUSE_END)
            or following in emoji
            or not following.strip(string.punctuation)
        )
        tokens.append(ChatToken(raw, word, is_emoji, end))
    return tokens


def slang_form(word: str) -> str:
    """A superlative's base when the base is chat slang: "sickest" -> "sick"."""
    slang = DEGREE_WORDS | PRAISE_SLANG | EXCLAIM_INTENSITY
    if word.endswith("iest") and word[:-4] + "y" in slang:
        return word[:-4] + "y"
    for base in (word[:-3], word[:-4]):  # "sickest", "maddest"
        if word.endswith("est") and base in slang:
            return base
    return word


def laughs(tokens: list[ChatToken]) -> bool:
    return any(t.word in LAUGH_EMOJI or LAUGH_WORD.match(t.word) for t in tokens)


def head_of(tokens: list[ChatToken], i: int) -> str | None:
    """The word a premodifier at i would modify: the next word of the same clause."""
    if tokens[i].clause_end or i + 1 >= len(tokens):
        return None
    following = tokens[i + 1].word
    if following in FUNCTION_WORDS or following in INTERJECTIONS or LAUGH_WORD.match(following):
        return None
    return following


def gradable(word: str, valence: Mapping[str, float], boosters: Container[str]) -> bool:
    return bool(
        valence.get(word)
        or word in boosters
        or word in DEGREE_WORDS
        or word in GRADABLE
        or (len(word) > 4 and ADJECTIVE_ENDING.search(word))
    )


def previous_word(tokens: list[ChatToken], i: int, skip: frozenset[str] = FILLERS) -> str | None:
    """The nearest earlier word of the same clause that is not a filler ("so", "really")."""
    j = i - 1
    while j >= 0 and not tokens[j].clause_end and tokens[j].word in skip:
        j -= 1
    return None if j < 0 or tokens[j].clause_end else tokens[j].word


def predicate_frame(tokens: list[ChatToken], i: int) -> str:
    """How a word that ends its phrase is said: "exclaim" ("sick!!", "omg so crazy"),
    "demonstrative" ("that's insane"), "thing" ("this set is fire"), "cost" ("the
    prices are insane"), "person" ("you're crazy", "my kid is sick"), or "other"."""
    j = i - 1
    while j >= 0 and not tokens[j].clause_end and tokens[j].word in FILLERS | INTERJECTIONS:
        j -= 1
    if j < 0 or tokens[j].clause_end:
        return "exclaim"
    word = tokens[j].word
    if word in THING_CONTRACTIONS:
        return "demonstrative"
    if word in PERSON_CONTRACTIONS or word in LITERAL_FRAME or word in PERSON_WORDS:
        return "person"
    if word in COPULAS:
        subject = previous_word(tokens, j, frozenset())
        if subject in PERSON_WORDS:
            return "person"
        if subject in COST_WORDS:
            return "cost"
        return "demonstrative" if subject in {"that", "this", "it", "these", "those"} else "thing"
    return "other"


def literal_frame(tokens: list[ChatToken], i: int) -> bool:
    """About a person's state: "I'm sick", "feel sick", "drives me crazy"."""
    before = previous_word(tokens, i)
    return before in LITERAL_FRAME or before in PERSON_CONTRACTIONS or before in PERSON_WORDS


def slang_reading(
    tokens: list[ChatToken],
    i: int,
    valence: Mapping[str, float],
    boosters: Container[str],
) -> Reading | None:
    word, head = slang_form(tokens[i].word), head_of(tokens, i)
    if head in PERSON_WORDS or head in COST_WORDS:
        return None  # "sick kid": about a person; "insane prices": too high
    if head and word in DEGREE_WORDS and gradable(head, valence, boosters):
        return Reading(BOOSTER, f"'{word}' read as intensifier of '{head}'", i + 1)
    if literal_frame(tokens, i):
        return None
    if head:
        if word in PRAISE_SLANG:
            return Reading(PRAISE, f"'{word}' read as praise ('{word} {head}')")
        if word in EXCLAIM_INTENSITY:
            return Reading(NEUTRAL, f"'{word}' read as chat intensity ('{word} {head}')")
        return None  # "stupid app", "dead link": a degree word judging a thing
    frame = predicate_frame(tokens, i)
    if word in PRAISE_SLANG and frame in ("exclaim", "demonstrative", "thing"):
        return Reading(PRAISE, f"'{word}' read as praise (exclaimed about a thing)")
    if word in EXCLAIM_INTENSITY and frame in ("exclaim", "demonstrative", "thing"):
        return Reading(NEUTRAL, f"'{word}' read as surprise, not a mood")
    return None


def determined(tokens: list[ChatToken], i: int) -> bool:
    """A determiner before the word, perhaps past one adjective: "the new drop"."""
    seen: list[str] = []
    j = i - 1
    while j >= 0 and len(seen) < 2 and not tokens[j].clause_end:
        seen.append(tokens[j].word)
        j -= 1
    return any(word in DETERMINERS for word in seen)


def idiom_reading(tokens: list[ChatToken], i: int) -> Reading | None:
    word = tokens[i].word
    following = tokens[i + 1].word if i + 1 < len(tokens) and not tokens[i].clause_end else None
    before = previous_word(tokens, i, frozenset())
    if word in ACHIEVEMENT_VERBS and following == "it":
        return Reading(PRAISE, f"'{word} it' read as praise (achievement)")
    devoted = word in DEVOTION_WORDS and following in ("with", "w", "on", "to")
    if devoted or (word in DEVOTION_ABOUT and following in ("about", "for")):
        return Reading(PRAISE, f"'{word} {following}' read as praise (devotion)")
    if word in DESIRE_WORDS and following in ("to", "for") and before != "to":
        return Reading(DESIRE, f"'{word} {following}' read as eagerness")
    if word == "no" and following == "way":
        return Reading(NEUTRAL, "'no way' read as surprise")
    if word in DISCOURSE_MARKERS:
        return Reading(NEUTRAL, f"'{word}' read as a discourse marker, not mood")
    if word in TOPIC_NOUNS and determined(tokens, i):
        return Reading(NEUTRAL, f"'{word}' read as a commerce noun ('{before} {word}')")
    if word in APOLOGY_WORDS and (following is None or following in APOLOGY_NEXT):
        return Reading(NEUTRAL, f"'{word}' read as politeness, not mood")
    typed_for_i_will = following and following not in FUNCTION_WORDS | PERSON_WORDS
    if word == "ill" and typed_for_i_will and before not in ILL_LITERAL:
        return Reading(NEUTRAL, "'ill' read as I'll")
    return None


def chat_readings(
    tokens: list[ChatToken], valence: Mapping[str, float], boosters: Container[str]
) -> dict[int, Reading]:
    """The chat reading of each word that has one; words without one keep the lexicons'."""
    laughing = laughs(tokens)
    readings: dict[int, Reading] = {}
    for i, token in enumerate(tokens):
        word = token.word
        if token.emoji or not word:
            continue
        reading = idiom_reading(tokens, i)
        if reading is None and laughing and word in LAUGH_HYPERBOLE | EXCLAIM_INTENSITY:
            reading = Reading(NEUTRAL, f"'{word}' read as laughter")
        if reading is None and slang_form(word) in DEGREE_WORDS | PRAISE_SLANG | EXCLAIM_INTENSITY:
            reading = slang_reading(tokens, i, valence, boosters)
        if reading is not None:
            readings[i] = reading
    return readings


def emotion_frame_drop(tokens: list[ChatToken], i: int) -> str | None:
    """Why a word's NRC emotions are not read here: a topic word, a greeting formula or
    an interjection ("good morning", "oh my god"); None when they are."""
    word = tokens[i].word
    following = tokens[i + 1].word if i + 1 < len(tokens) else None
    if word in TOPIC_WORDS:
        return "a topic in commerce chat, not a feeling"
    before = previous_word(tokens, i, frozenset())
    if (word == "good" and following in PHATIC_NEXT) or (word in PHATIC_NEXT and before == "good"):
        return "a greeting formula"
    if word in INTERJECTION_HEADS and before in INTERJECTION_PREV:
        return "an interjection"
    return None


NEGATIVE_EMOTIONS = frozenset({"anger", "disgust", "fear", "sadness"})
POSITIVE_EMOTIONS = frozenset({"joy", "trust"})


def emotion_agrees(emotion: str, score: float) -> bool:
    """A negative emotion needs a negative score, joy and trust a positive one;
    anticipation (looking forward) anything but a negative one (waiting in a complaint is
    impatience, not anticipation), surprise goes with any."""
    if emotion in NEGATIVE_EMOTIONS:
        return score <= -0.05
    if emotion in POSITIVE_EMOTIONS:
        return score >= 0.05
    if emotion == "anticipation":
        return score > -0.05
    return True
