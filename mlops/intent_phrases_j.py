"""Compositional core phrasings for the bootstrap intent corpus (mlops.intent_corpus):
polarity built from parts rather than written out one by one.

Where intent_phrases_a.._i are whole sentences, these are products of short lists (who
says it, a negator, a verb, an object, a tail), so the corpus sees every negator with
every verb: "I won't need it", "we don't want that one", "not gonna turn that down",
"can't say it's a bad idea". Litotes ("not bad") and double negations ("not saying no")
agree; a negated want declines; a negated certainty hesitates. Each list is a tuple; the
cores are a fixed sample of the combinations, de-duplicated by the corpus.
"""

import random
from itertools import product

# Combinations kept a block: enough to cross every part with every other several times,
# few enough that the whole sentences of the other modules still make most of the rows.
KEEP = 60


def combine(*parts: tuple[str, ...]) -> str:
    """KEEP of the parts' combinations (a fixed sample), joined with spaces, one a line."""
    lines = [" ".join(p for p in combo if p) for combo in product(*parts)]
    lines = [" ".join(line.replace(" ,", ",").split()) for line in lines]
    kept = random.Random(len(lines)).sample(lines, min(KEEP, len(lines)))
    return "\n".join(kept)


SPEAKER = ("I", "i", "we", "honestly I")
EVALUATED = ("that", "this", "it", "the offer", "{product}")

# yes: a negated negative, or a refusal refused
LITOTES = combine(
    ("{product}", "that", "this", "it"),
    ("isn't", "is not", "doesn't sound", "doesn't look", "ain't"),
    ("bad", "half bad", "a bad idea", "terrible", "the worst", "a dealbreaker"),
    ("", ", go ahead", ", send it", ", I want it", ", let's go", ", tell me more"),
)
REFUSE_REFUSAL = combine(
    ("I", "i", "honestly I", "yeah I"),
    ("can't", "won't", "couldn't", "wouldn't"),
    ("say no", "say no to that", "turn it down", "turn that down", "pass this up", "resist"),
    ("", ", send it over", ", I want it", " 😍", ", go on"),
)
NO_OBJECTION = combine(
    ("no", "zero", "not a single"),
    ("objections", "complaints", "problem", "issue", "doubts"),
    ("here", "from me", "with that", "at all"),
    ("", ", go ahead", ", I want it", ", do it"),
)

# yes, then what they need: agreeing to a question by telling the problem it would solve
AGREE_THEN_NEED = combine(
    ("sure", "yes", "yeah", "definitely", "of course", "absolutely", "yep"),
    (",",),
    ("scaling", "growth", "getting leads", "finding time", "hiring", "my content", "sales"),
    (
        "is my challenge",
        "is my problem",
        "is what I struggle with",
        "is the hard part",
        "is where I need help",
        "is exactly my issue",
    ),
)

FLAT_YES = combine(
    ("yes", "yeah", "yep", "yup", "sure", "ok", "okay", "absolutely", "definitely", "totally"),
    ("", "please", "pls", "for sure", "why not", "go on", "👍", "😍", "!!"),
)

# no: a negated want, need or interest
NEGATED_WANT = combine(
    SPEAKER,
    ("don't", "do not", "really don't", "definitely don't", "dont"),
    ("want", "need", "wanna buy", "want to buy", "care for"),
    EVALUATED,
    ("", ", thanks", ", sorry", ", no thanks", " thx"),
)
NEGATED_INTEREST = combine(
    ("I'm", "im", "we're", "honestly I'm", "sorry, I'm"),
    ("not", "really not", "definitely not", "just not", "not at all"),
    ("interested", "into it", "down for it", "keen", "up for it"),
    ("", ", thanks", ", sorry", " tbh", " at all"),
)
FLAT_NO = combine(
    ("no", "nope", "nah", "definitely not", "absolutely not", "not really", "hard pass"),
    ("", "thanks", "thank you", "sorry", "I'm good", "not for me", "I'll pass", "👎"),
)

# uncertain: a negated certainty or decision
NEGATED_CERTAINTY = combine(
    ("I'm", "im", "honestly I'm", "still"),
    ("not sure", "not certain", "not convinced", "undecided", "on the fence", "torn"),
    ("", "about it", "yet", "if I want it", "if it's for me", "about {product}"),
)
NOT_DECIDED = combine(
    ("I", "i", "honestly I"),
    ("haven't decided", "can't decide", "don't know yet", "can't tell yet", "am not ready to say"),
    ("", "yet", "either way", "if I'll buy"),
)

FLAT_UNCERTAIN = combine(
    ("maybe", "not sure", "idk", "dunno", "perhaps", "hmm", "not sure yet"),
    ("", "tbh", "honestly", "🤔", "lol", "ngl", "rn", "for now", "still", "..."),
)

# objection: a reason, negated
NEGATED_WORTH = combine(
    ("it's", "that's", "{product} is", "this is"),
    ("not worth", "not worth it for", "way too much for", "not worth paying"),
    ("the price", "{amount}", "the money", "that much"),
)
NEGATED_TRUST = combine(
    ("I", "i", "honestly I"),
    ("don't trust", "can't trust", "don't believe", "am not sold on"),
    ("this", "that", "it", "the offer", "your reviews"),
    ("", ", sounds fake", ", seems shady", ", too good to be true"),
)

YES = "\n".join((FLAT_YES, LITOTES, REFUSE_REFUSAL, NO_OBJECTION, AGREE_THEN_NEED))
NO = "\n".join((NEGATED_WANT, NEGATED_INTEREST, FLAT_NO))
UNCERTAIN = "\n".join((FLAT_UNCERTAIN, NEGATED_CERTAINTY, NOT_DECIDED))
OBJECTION = "\n".join((NEGATED_WORTH, NEGATED_TRUST))
