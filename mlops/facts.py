"""Contact facts from one inbound chat message, read by rules.

A contact's messages keep revealing things an operator should remember: a name, a job,
where they live, what they love or hate, what they are doing now and what is coming up.
`extract_facts` reads those from first-person phrasings ("I'm a nurse", "I live in Berlin",
"I have an exam tomorrow"); `merge_facts` folds them into the facts already stored.

The rules lean towards precision. A wrong fact on an operator's screen costs more than a
missed one, so phrasings that only look like a fact ("I'm a big fan of jazz" is not a job,
"I'm So tired" is not a name, "are you a fan of jazz?" is not the contact's taste) yield
nothing for that kind.

Pure Python and standard library only: this runs inline for every inbound message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "FACT_KINDS",
    "LIST_KINDS",
    "MAX_VALUE_CHARS",
    "SINGLE_KINDS",
    "ExtractedFact",
    "extract_facts",
    "merge_facts",
    "normalize_value",
]

SINGLE_KINDS = ("name", "occupation", "studies", "relationship_status", "location")
LIST_KINDS = ("interests", "dislikes", "current_activities", "upcoming_events")
FACT_KINDS = SINGLE_KINDS + LIST_KINDS

MAX_VALUE_CHARS = 60
MAX_EVIDENCE_CHARS = 200
# Chat messages are short; reading only the start of a pasted wall of text keeps the
# worst case for every inbound message bounded.
MAX_SCAN_CHARS = 10_000


@dataclass(frozen=True)
class ExtractedFact:
    kind: str  # one of FACT_KINDS
    value: str  # cleaned human-readable value, e.g. "nurse", "Berlin", "hiking"
    evidence: str  # the part of the message it came from


Finding = tuple[str, str]  # (kind, value) read from one match
Reader = Callable[[re.Match[str], str], list[Finding]]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    read: Reader  # turns a match (and the whole prepared text) into findings


def _wordset(words: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words."""
    return frozenset(words.split())


# -- preparing the text ------------------------------------------------------------------

# Typographic apostrophes (U+2019 and friends) become "'" so one pattern covers both.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
# Control characters, zero-width joiners, variation selectors and emoji end a value just
# like a full stop does ("I love hiking 😍 see you" must give "hiking").
_BREAKERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufe0f"
    "\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
)
# Where the subject of a phrase can no longer be: "I'm a nurse, big fan of jazz".
_CLAUSE_END = re.compile(r"[.!?;,\n]")
_TOKEN = re.compile(r"[^\W_][\w']*")
_SPACES = re.compile(r"\s+")


def _prepare(text: str) -> str:
    """Same length as `text`, so match offsets can cut evidence from the original."""
    return _BREAKERS.sub(".", text.translate(_APOSTROPHES))


def _words_before(text: str, index: int) -> list[str]:
    """Lower-cased words of the clause that precede `index`, at most a few."""
    window = text[max(0, index - 80) : index]
    clause = _CLAUSE_END.split(window)[-1]
    return _TOKEN.findall(clause.lower())[-_SUBJECT_WINDOW:]


_SUBJECT_WINDOW = 5
_FIRST_PERSON = _wordset("i i'm im i've ive i'd i'll me myself we we're we've us am let's")
_OTHER_PERSON = _wordset(
    "you u ya you're youre ur your he she they he's she's they're theyre his her their "
    "him them is are was were has it it's its who someone somebody everyone people does"
)
_POSSESSIVES = frozenset({"my", "our"})
_FILLERS = _wordset(
    "a an as hi hey hello yo so well ok okay yeah yes yep lol haha um uh oh omg wow btw "
    "also and just actually honestly currently now really sorry ugh phew finally guess "
    "what anyway"
)


def _said_about_self(words: Sequence[str], *, strict: bool = False) -> bool:
    """Whether the words before a subject-less phrase make it about the contact.

    "big fan of jazz" and "I'm a big fan of jazz" are; "are you a fan of jazz" and "my dad
    is a big fan of jazz" are not. Walking back, the nearest pronoun or verb decides; "my"
    further back than the word right before the phrase starts a subject of its own ("my
    sister has a degree in law", unlike "I finished my degree in law"). With `strict`, any
    other word also counts against ("the nursing student, ...").
    """
    for distance, word in enumerate(reversed(words)):
        if word in _FIRST_PERSON:
            return True
        if word in _OTHER_PERSON or word.endswith("'s"):
            return False
        if word in _POSSESSIVES and distance > 0:
            return False
        if strict and word not in _FILLERS:
            return False
    return True


# -- cleaning values ---------------------------------------------------------------------

_EDGE_JUNK = re.compile(r"^[\W_]+|[^\w+#]+$")


def _clean(raw: str) -> str:
    """Collapse spaces, drop leading/trailing punctuation and cap at MAX_VALUE_CHARS."""
    value = _EDGE_JUNK.sub("", _SPACES.sub(" ", raw))
    if len(value) > MAX_VALUE_CHARS:
        value = _EDGE_JUNK.sub("", _shorten(value))
    return value


def _shorten(value: str) -> str:
    """Cut at the last whole word that fits."""
    head = value[: MAX_VALUE_CHARS + 1]
    space = head.rfind(" ")
    return head[:space] if space > 0 else value[:MAX_VALUE_CHARS]


def _words(raw: str) -> list[str]:
    """Whitespace-separated words with quotes and punctuation trimmed off their edges."""
    words = (word.strip("'\"-*_~") for word in raw.split())
    return [word for word in words if word]


def _drop_leading(words: list[str], droppable: frozenset[str]) -> list[str]:
    while words and words[0].lower() in droppable:
        words = words[1:]
    return words


_ARTICLES = frozenset({"a", "an", "the"})
_ARTICLE_A = frozenset({"a", "an"})
_TO = frozenset({"to"})


# -- shared pattern pieces ---------------------------------------------------------------

_I_AM = r"\b(?:i'?m|i\s+am)\s+"
# Adverbs that may sit between the subject and the fact: "I'm also a nurse",
# "I really like photography", "I'm happily married".
_ADVERBS = (
    r"(?:(?:really|actually|also|just|totally|so|currently|now|still|kinda|kind\s+of|pretty|"
    r"super|very|honestly|literally|basically|definitely|mostly|mainly|happily|recently|"
    r"newly|officially|finally|originally|always|even|sometimes|usually|truly)\s+){0,2}"
)
# Words and phrases that end a value: another clause is starting ("but", "and I ..."),
# a time aside ("right now") or chat filler ("lol").
_CLAUSE_STOPS = (
    r"but|because|cause|cuz|coz|though|tho|although|when|whenever|if|since|while|until|"
    r"unless|so|lol|lmao|lmfao|rofl|haha\w*|hehe\w*|tbh|honestly|btw|anyway|what\s+about|"
    r"how\s+about|wbu|hbu|right\s+now|rn|atm|at\s+the\s+moment|these\s+days|nowadays|"
    r"lately|too|as\s+well|also|either|xd|that|which|who|where|i|i'm|im|i've|ive|i'd|i'll|"
    r"and\s+(?:i|i'm|im|i've|ive|i'd|i'll|we|we're|you|u|he|she|they|it|it's|my|that|this|"
    r"then|also|so|now|yes|yeah)"
)
# A single value never continues past "and"/"or"/"with": "I'm from Texas and ..." is Texas.
_SINGLE_STOPS = _CLAUSE_STOPS + r"|and|or|with"
_LOCATION_STOPS = (
    _SINGLE_STOPS + r"|for|now|currently|originally|visiting|till|til|on\s+(?:business|"
    r"vacation|holiday|a\s+trip|my\s+way)|this|next|today|tonight|tomorrow|for\s+now"
)
_JOB_STOPS = _SINGLE_STOPS + r"|at|for|in|from|by|on|during|now|currently|since"
_STUDY_STOPS = _SINGLE_STOPS + r"|at|in|from|for|by|on|now|currently|next|this|last"

_VALUE_CHARS = r"[^.!?;:\n\r()\[\]{}\"<>|]"
_SINGLE_VALUE_CHARS = r"[^.!?;:\n\r()\[\]{}\"<>|,&]"


def _tail(stops: str, *, limit: int = 80, commas: bool = False) -> str:
    """A named `value` group that runs to the end of the clause or the first stop word.

    The stop words live in the pattern (a tempered token) rather than being cut off later,
    so the match ends where the value ends: the evidence is exact and the next trigger
    in the same sentence ("I love hiking but I also enjoy cooking") is still found.
    """
    chars = _VALUE_CHARS if commas else _SINGLE_VALUE_CHARS
    return rf"(?P<value>(?:(?!\b(?:{stops})\b){chars}){{1,{limit}}})"


# Time expressions that make a plan an upcoming event; kept in the value.
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAY_PARTS = r"morning|afternoon|evening|night"
_SEASONS = r"summer|winter|spring|fall|autumn"
_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_COUNTS = (
    r"a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|a\s+couple(?:\s+of)?|"
    r"couple(?:\s+of)?|few|\d{1,3}"
)
_UNITS = r"minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
_TIME = (
    r"(?:(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw|tmr)"
    rf"|(?:tomorrow|tmrw|tmr)(?:\s+(?:{_DAY_PARTS}))?"
    r"|tonight|tonite|today|later\s+today"
    rf"|(?:later\s+)?this\s+(?:weekend|week|month|year|{_SEASONS}|{_DAY_PARTS}|{_DAYS})"
    rf"|next\s+(?:weekend|week|month|year|{_SEASONS}|{_DAYS})"
    rf"|(?:on\s+)?(?:{_DAYS})(?:\s+(?:{_DAY_PARTS}))?"
    r"|on\s+the\s+\d{1,2}(?:st|nd|rd|th)?"
    rf"|on\s+(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|in\s+(?:{_MONTHS.replace('may|', '')})"
    rf"|in\s+(?:{_COUNTS})\s+(?:{_UNITS})"
    r"|at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)|at\s+\d{1,2}:\d{2}|at\s+(?:noon|midnight))\b"
)


# -- name --------------------------------------------------------------------------------

_NAME_TOKEN = r"[^\W\d_]+(?:['-][^\W\d_]+)*"
_NATIONALITIES = _wordset(
    """american canadian mexican brazilian argentinian colombian chilean peruvian british
    english scottish welsh irish french german italian spanish portuguese dutch belgian swiss
    austrian swedish norwegian danish finnish polish czech russian ukrainian greek turkish
    indian pakistani chinese japanese korean vietnamese thai filipino indonesian australian
    african nigerian kenyan egyptian moroccan arab asian european latino latina hispanic
    jewish muslim christian catholic hindu buddhist atheist"""
)
# Words that follow "I'm" or "call me" far more often than a name does.
_NOT_NAMES = (
    _wordset(
        """a an the this that it one your yours his hers their my mine me you u we they he
        she i not no yes yeah nope yep so too very really just also still always never all
        good fine ok okay great well alright cool sure glad happy sad excited nervous scared
        afraid sorry tired sleepy bored busy free done new old young back home here there
        out off on in at from with by for of to about into over under around like as up
        down alive dead awake asleep ready late early sick ill hungry thirsty angry mad upset
        confused lost stuck broke rich poor hot cold warm crazy serious honest lucky blessed
        grateful thankful proud sober drunk high low stressed exhausted overwhelmed
        fantastic amazing awesome terrible awful horrible bad worse best better worst meh
        single married divorced engaged separated widowed taken retired unemployed gay
        straight bi trans vegan vegetarian human real almost nearly probably definitely
        maybe currently now finally already only even quite pretty super kinda sorta such
        gonna wanna gotta literally actually totally basically interested curious obsessed
        available online offline later tomorrow tonight today asap please pls plz again
        once first if when after before instead what whatever anything anytime whenever
        sometime soon babe baby bro dude sis honey sweetie daddy mommy boss king queen
        fan big huge little bit lot number mom dad mum thanks thank thx hi hello hey nice
        pleased glad btw lol haha omg and or but"""
    )
    | _NATIONALITIES
)


def _is_name(token: str) -> bool:
    word = token.lower()
    if len(word) < 2 or len(word) > 30 or word in _NOT_NAMES or word.endswith("'s"):
        return False
    # "I'm Loving it", "I'm Tired": names rarely end like participles.
    return not (word.endswith("ing") and len(word) > 5) and not (
        word.endswith("ed") and len(word) > 4
    )


def _format_name(token: str) -> str:
    if token.islower() or token.isupper():
        return token[:1].upper() + token[1:].lower()
    return token


def _full_name(first: str, second: str | None) -> str:
    """The first token, plus a capitalised surname when one follows ("Sam Lee")."""
    name = _format_name(first)
    if second and second[:1].isupper() and not second.isupper() and _is_name(second):
        name = f"{name} {second}"
    return name


def _read_name_statement(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "my name is Sam", "name's Sam", "the name's Bond"; not "her name is Anna"."""
    owner = (match["owner"] or "").lower()
    if owner not in ("", "my", "the") or not _is_name(match["first"]):
        return []
    return [("name", _full_name(match["first"], match["second"]))]


def _read_call_me(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "call me Sam"; not "call me later", "call me maybe"."""
    if not _is_name(match["first"]):
        return []
    return [("name", _full_name(match["first"], match["second"]))]


def _read_i_am_name(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm Sam": only a capitalised word that is not an everyday adjective ("I'm Good")."""
    first = match["first"]
    if not first[:1].isupper() or not _is_name(first):
        return []
    return [("name", _full_name(first, match["second"]))]


# -- occupation and studies --------------------------------------------------------------

_OCCUPATIONS = _wordset(
    """accountant actor actress administrator agent analyst animator architect artist
    assistant astronaut athlete attorney auditor author baker banker barber barista
    bartender beautician biologist blogger bookkeeper broker builder butcher carer caregiver
    carpenter cashier ceo chef chemist chiropractor cleaner clerk coach coder consultant
    contractor cook copywriter cop counselor counsellor courier cto dancer dentist designer
    detective developer dietitian director dj doctor driver economist editor electrician
    engineer entrepreneur farmer filmmaker firefighter fisherman freelancer gardener
    geologist guard guitarist hairdresser hairstylist housekeeper illustrator influencer
    instructor intern interpreter investor janitor journalist judge landscaper lawyer
    lecturer librarian lifeguard machinist manager marketer mathematician mechanic medic
    midwife miner model musician nanny nurse nutritionist officer optometrist painter
    paralegal paramedic pharmacist photographer physician physicist physiotherapist pilot
    plumber podcaster policeman policewoman politician producer professor programmer
    psychiatrist psychologist realtor receptionist recruiter rep researcher salesman
    salesperson saleswoman scientist secretary server singer soldier statistician streamer
    student stylist supervisor surgeon surveyor tailor teacher technician therapist trader
    trainer translator trucker tutor vet veterinarian videographer waiter waitress welder
    worker writer youtuber"""
)
# Words before a job noun that make it a judgement, not a job: "a terrible cook",
# "a hard worker", "a big fan".
_NOT_JOB_MODIFIERS = _wordset(
    """a an the my your of and or big huge bit lot good bad great terrible awful horrible
    lazy hard fast slow real total complete proud lucky happy sad little small massive true
    average decent amazing nice better worse best worst pretty super crazy failed wannabe
    poor lousy natural born absolute such very really kind sort type role hot cute sexy
    fine fun funny weird"""
)
# "I work as a ..." is unambiguous, so a job-like ending is enough there ("dog groomer").
_JOB_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "eer", "man", "woman", "person")
_NOT_JOBS = _wordset(
    """other under over after never ever together whatever however former senior junior
    major minor super proper regular popular better number paper water order matter winter
    summer center centre corner power patient current recent urgent decent different
    independent silent giant pleasant brilliant elegant vibrant efficient permanent
    temporary team"""
)
_TITLE_WORDS = 3


def _looks_like_job(word: str) -> bool:
    return word not in _NOT_JOBS and word.endswith(_JOB_SUFFIXES) and len(word) > 3


def _is_job_modifier(word: str) -> bool:
    return word.replace("-", "").isalpha() and word not in _NOT_JOB_MODIFIERS


def _job_title(words: Sequence[str], *, allow_suffix: bool) -> list[str] | None:
    """The job title at the start of `words`: optional modifiers, then a job noun.

    A known job noun wins ("senior engineer" is headed by "engineer"); otherwise, where
    allowed, the last job-like word does ("freelance dog groomer").
    """
    window = list(words[:_TITLE_WORDS])
    lowered = [word.lower() for word in window]
    head = next((i for i, word in enumerate(lowered) if word in _OCCUPATIONS), None)
    if head is None and allow_suffix:
        head = next((i for i in reversed(range(len(lowered))) if _looks_like_job(lowered[i])), None)
    if head is None or not all(_is_job_modifier(word) for word in lowered[:head]):
        return None
    return window[: head + 1]


def _job_findings(words: Sequence[str], *, allow_suffix: bool) -> list[Finding]:
    title = _job_title(words, allow_suffix=allow_suffix)
    if title is None:
        return []
    *modifiers, head = title
    if head.lower() == "student":
        # "a nursing student" is a student of nursing.
        field = _study_field(modifiers)
        return [("occupation", "student")] + ([("studies", field)] if field else [])
    return [("occupation", _clean(" ".join(title)))]


def _read_job_title(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm a nurse", "I'm an engineer at Google": a known job noun is required."""
    return _job_findings(_words(match["value"]), allow_suffix=False)


def _read_work_as(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I work as a dog groomer": the structure says it is a job, suffixes may decide."""
    return _job_findings(_words(match["value"]), allow_suffix=True)


_EMOTIVE_ING = _wordset(
    """boring exhausting annoying amazing interesting tiring demanding rewarding frustrating
    killing draining stressing going getting driving depressing challenging confusing
    fascinating exciting paying taking"""
)


def _read_my_job_is(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "my job is teaching", "my job is a nurse"; not "my job is boring"."""
    words = _words(match["value"])
    if words and words[0].lower() in _ARTICLE_A:
        return _job_findings(words[1:], allow_suffix=True)
    lowered = [word.lower() for word in words]
    if not lowered or not lowered[0].endswith("ing") or lowered[0] in _EMOTIVE_ING:
        return []
    if any(word in _CONTEXT_PRONOUNS for word in lowered):  # "my job is killing me"
        return []
    return [("occupation", _clean(" ".join(words[:4])))]


_TITLE_BOUNDARY = _wordset(
    "i i'm im am a an the is as was my me and but by also really just currently now"
)


def _split_trailing(words: Sequence[str], boundary: frozenset[str], limit: int) -> int:
    """Index where the trailing run of non-boundary words (at most `limit`) begins."""
    start = len(words)
    while start > 0 and len(words) - start < limit and words[start - 1].lower() not in boundary:
        start -= 1
    return start


def _read_by_profession(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "nurse by profession", "I'm a carpenter by trade"."""
    words = _words(match["value"])
    start = _split_trailing(words, _TITLE_BOUNDARY, _TITLE_WORDS)
    context = _words_before(text, match.start()) + [word.lower() for word in words[:start]]
    if start == len(words) or not _said_about_self(context, strict=True):
        return []
    return _job_findings(words[start:], allow_suffix=True)


_SPECIAL_OCCUPATIONS = {
    "self employed": "self-employed",
    "a stay at home mom": "stay-at-home mom",
    "a stay at home mum": "stay-at-home mum",
    "a stay at home dad": "stay-at-home dad",
    "a stay at home parent": "stay-at-home parent",
}


def _read_work_situation(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm retired", "I'm self-employed", "I'm between jobs"."""
    key = " ".join(match["value"].lower().replace("-", " ").split())
    return [("occupation", _SPECIAL_OCCUPATIONS.get(key, key))]


# Level, year and judgement words around "student" that are not the subject studied.
_NOT_FIELDS = _wordset(
    """a an the my grad graduate undergrad undergraduate postgrad postgraduate phd doctoral
    masters master's college university uni high school highschool exchange international
    foreign mature transfer full-time part-time first second third fourth final last year
    freshman sophomore junior senior fellow former ex good bad best top model average lazy
    new broke poor tired struggling hard all every too so at in for with on late tonight
    today tomorrow it that this together online abroad alone there here lot more less much
    about now again to while when properly better well instead like rn some day night
    sometimes usually everyday harder remotely from by what how why"""
)
_FIELD_ALIASES = {
    "med": "medicine",
    "medical": "medicine",
    "cs": "computer science",
    "compsci": "computer science",
    "comp sci": "computer science",
    "psych": "psychology",
    "econ": "economics",
    "bio": "biology",
    "chem": "chemistry",
}
_FIELD_WORDS = 4


def _study_field(words: Sequence[str]) -> str | None:
    """The subject in "law", "computer science", "3rd year nursing"; None for "grad"."""
    undated = [word for word in words if not any(char.isdigit() for char in word)]
    field = _drop_leading(undated, _NOT_FIELDS)[:_FIELD_WORDS]
    # Anything but plain words after the subject starts ("law at night") means the tail
    # is not just a subject.
    if not field or not all(word.isalpha() and word.lower() not in _NOT_FIELDS for word in field):
        return None
    text = " ".join(field)
    return _FIELD_ALIASES.get(text.lower(), _clean(text)) or None


def _read_study_subject(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I study law", "I'm studying computer science", "majoring in biology"."""
    words = _drop_leading(_words(match["value"]), _ARTICLES)
    if not words or words[0].lower() in _NOT_FIELDS:
        return []  # "I study hard", "I'm studying for my exam"
    field = _study_field(words)
    return [("studies", field)] if field else []


def _read_degree(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I'm doing a masters in economics"; not "my sister has a degree in law"."""
    if not _said_about_self(_words_before(text, match.start())):
        return []
    return _read_study_subject(match, text)


_STUDENT_BOUNDARY = _wordset("a an the my i i'm im am is was as and")


def _read_field_student(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "nursing student here", "Law student, 2nd year"; not "the student said"."""
    words = _words(match["value"])
    start = _split_trailing(words, _STUDENT_BOUNDARY, 3)
    context = _words_before(text, match.start()) + [word.lower() for word in words[:start]]
    if not _said_about_self(context, strict=True):
        return []
    field = _study_field(words[start:])
    return [("occupation", "student")] + ([("studies", field)] if field else [])


# -- relationship status ------------------------------------------------------------------

_STATUS_WORDS = {
    "taken": "in a relationship",
    "seeing someone": "in a relationship",
    "dating someone": "in a relationship",
    "spoken for": "in a relationship",
}
_PARTNER_STATUS = {
    "wife": "married",
    "wifey": "married",
    "husband": "married",
    "hubby": "married",
    "spouse": "married",
    "girlfriend": "in a relationship",
    "boyfriend": "in a relationship",
    "gf": "in a relationship",
    "bf": "in a relationship",
    "partner": "in a relationship",
    "bae": "in a relationship",
    "fiance": "engaged",
    "fiancé": "engaged",
    "fiancee": "engaged",
    "fiancée": "engaged",
}


def _read_status(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm single", "I'm happily married", "I'm in a relationship", "we got engaged"."""
    status = " ".join(match["value"].lower().split())
    if status.startswith("in a"):
        status = "in a relationship"
    return [("relationship_status", _STATUS_WORDS.get(status, status))]


def _read_got_status(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "we just got engaged", "got divorced last year"; not "my sister got married"."""
    if not _said_about_self(_words_before(text, match.start()), strict=True):
        return []
    return _read_status(match, text)


def _read_partner(match: re.Match[str], _text: str) -> list[Finding]:
    """Partners: "my wife" means married, "my boyfriend" a relationship, "my late wife" widowed."""
    if match["late"]:
        return [("relationship_status", "widowed")]
    partner = match["value"].lower()
    # The pattern allows any spelling of fiancé(e), so fall back to that.
    return [("relationship_status", _PARTNER_STATUS.get(partner, "engaged"))]


def _read_complicated(_match: re.Match[str], _text: str) -> list[Finding]:
    return [("relationship_status", "it's complicated")]


# -- location ----------------------------------------------------------------------------

# First words that make "I live in ..." / "I'm in ..." a state, not a place.
_NOT_PLACES = _wordset(
    """my your his her their our this that it there here no love trouble bed pain class
    school work charge shock tears heaven hell town fear hope denial debt luck public
    private person time line touch total agreement awe shape style control danger doubt
    general progress mind need favor favour front sync tune hiding peace harmony poverty
    luxury sin fact case order addition return lockdown quarantine isolation"""
)
_PLACE_NOUNS = _wordset(
    """town city village suburb suburbs countryside area state country county province region
    neighborhood neighbourhood island capital"""
)
_PLACE_CONNECTORS = _wordset("of de da del la le upon am on sur")
_PLACE_WORDS = 4


def _place(raw: str) -> str | None:
    """Cut a place out of a clause tail, keeping its capitalisation.

    "Paris visiting friends" gives "Paris"; "a small town" is a place, "a house" is not;
    a lower-cased "berlin" is trusted because the trigger ("I live in") already is.
    """
    words = _words(raw)[:_PLACE_WORDS]
    lead = words[0].lower() if words else ""
    if not words or lead in _NOT_PLACES:
        return None
    if lead in _ARTICLES:
        if len(words) > 1 and words[1][:1].isupper():  # "the UK", "the Netherlands"
            return _clean(" ".join(_capitalised_run(words)))
        nouns = [i for i, word in enumerate(words) if word.lower() in _PLACE_NOUNS]
        if not nouns:
            return None  # "a house", "the moment"
        kept = words[: nouns[-1] + 1]  # "a small town near ..." gives "small town"
        return _clean(" ".join(kept[1:] if lead in _ARTICLE_A else kept))
    if words[0][:1].isupper():
        return _clean(" ".join(_capitalised_run(words)))
    return _clean(" ".join(words[:3]))


def _capitalised_run(words: Sequence[str]) -> list[str]:
    """Leading words of a proper name: "New York City", "Rio de Janeiro", "the UK"."""
    run = list(words[:1])
    for word in words[1:]:
        if not (word[:1].isupper() or word.lower() in _PLACE_CONNECTORS):
            break
        run.append(word)
    while len(run) > 1 and run[-1].lower() in _PLACE_CONNECTORS:
        run.pop()
    return run


def _read_place(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I live in Berlin", "based in London", "I'm from Texas"; not "do you live in Rome"."""
    if not _said_about_self(_words_before(text, match.start())):
        return []
    place = _place(match["value"])
    return [("location", place)] if place else []


def _read_here_now(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I'm in Paris right now": a capitalised place only ("I'm in love" is not one)."""
    return _read_place(match, text) if match["value"][:1].isupper() else []


# -- interests and dislikes --------------------------------------------------------------

# A liked or disliked "thing" that starts with these is about the conversation or is too
# vague to keep: "I love it", "I like your pics", "I hate when ...".
_REJECT_LEADS = _wordset(
    """it its it's that this these those you u ya yall y'all him her them me us your ur
    yours his their our my how when what where why who which if so too lot lots everything
    anything nothing something all both each one ones some most more less much very way
    no not"""
)
_CONTEXT_PRONOUNS = _wordset(
    "it you u ya yall y'all him her them me us your ur yours that this these those"
)
# "and" inside these is part of the name, not a list.
_KEEP_TOGETHER = (
    "rock and roll",
    "r and b",
    "fish and chips",
    "dungeons and dragons",
    "salt and pepper",
    "arts and crafts",
    "drum and bass",
    "pen and paper",
    "mac and cheese",
    "black and white",
    "fast and furious",
    "lord of the rings",
)
_CONJUNCTION = re.compile(r"\s+(?:and|or|&)\s+|^(?:and|or|&)\s+", re.IGNORECASE)
_LIST_JOIN = re.compile(r"^(?:and|or|&)\s|\s(?:and|or|&)\s", re.IGNORECASE)
_THING_WORDS = 6


def _things(raw: str) -> list[str]:
    """Split "hiking and climbing" or "hiking, climbing and chess" into separate things.

    Commas only separate things when the tail reads as a list that ends in "and"/"or";
    otherwise the comma ends the value ("hiking, what about you").
    """
    segments = [segment.strip() for segment in raw.split(",") if segment.strip()]
    if len(segments) > 1 and not _is_enumeration(segments):
        segments = segments[:1]
    things: list[str] = []
    for segment in segments:
        if any(phrase in segment.lower() for phrase in _KEEP_TOGETHER):
            parts = [segment]
        else:
            parts = _CONJUNCTION.split(segment)
        things.extend(thing for thing in map(_thing, parts) if thing)
    return things


def _is_enumeration(segments: Sequence[str]) -> bool:
    return (
        all(len(segment.split()) <= 4 for segment in segments)
        and bool(_LIST_JOIN.search(segments[-1]))
        and not any(segment.split()[0].lower() in _REJECT_LEADS for segment in segments)
    )


def _thing(raw: str) -> str | None:
    words = _drop_leading(_words(raw), _TO)  # "I love to travel"
    words = _drop_leading(words, _ARTICLE_A)  # "I like a good book"
    lowered = [word.lower() for word in words]
    core = _drop_leading(lowered, _ARTICLES)  # "the way you ..." leads with "way"
    if not core or core[0] in _REJECT_LEADS:
        return None
    if any(word in _CONTEXT_PRONOUNS for word in lowered):
        return None
    return _clean(" ".join(words[:_THING_WORDS])) or None


def _reads_things(kind: str, *, check_speaker: bool = False) -> Reader:
    def read(match: re.Match[str], text: str) -> list[Finding]:
        if check_speaker and not _said_about_self(_words_before(text, match.start())):
            return []
        return [(kind, thing) for thing in _things(match["value"])]

    return read


def _read_fan(match: re.Match[str], text: str) -> list[Finding]:
    """Fan phrasing: "big fan of jazz" is an interest, "not a fan of cats" a dislike."""
    if not _said_about_self(_words_before(text, match.start())):
        return []
    kind = "dislikes" if match["neg"] else "interests"
    return [(kind, thing) for thing in _things(match["value"])]


# -- current activities and upcoming events -----------------------------------------------

# "-ing" words after "I'm" that are talk or mood, not an activity or a plan.
_NOT_ACTIVITIES = _wordset(
    """saying kidding joking wondering asking thinking feeling hoping trying being dying
    loving hating going getting looking starting gonna"""
)
_NOT_PLANS = _NOT_ACTIVITIES - {"going", "getting", "looking", "starting"}


def _activity(raw: str, *, min_words: int = 1) -> str | None:
    words = _words(raw)
    lowered = [word.lower() for word in words]
    if len(words) < min_words or not lowered or lowered[0] in _NOT_ACTIVITIES:
        return None
    if any(word in _CONTEXT_PRONOUNS for word in lowered):  # "I'm just working on it"
        return None
    return _clean(" ".join(words[:8])) or None


def _read_activity(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm currently watching Dune", "right now I'm cooking dinner"."""
    activity = _activity(match["value"])
    return [("current_activities", activity)] if activity else []


def _read_just_did(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "just got back from the gym", "I just started a new job"."""
    if not _said_about_self(_words_before(text, match.start()), strict=True):
        return []
    activity = _activity(match["value"], min_words=2)
    return [("current_activities", activity)] if activity else []


_EVENT_DROP = _wordset("a an the my our this another")
# A plan cannot start with these ("I have no plans tomorrow") ...
_NOT_EVENT_LEADS = _wordset("no nothing lot lots be been some it that this you to")
# ... nor contain these: the lazy match crossed into another clause ("I have a lot of
# work but my exam is tomorrow") or it is about the chat itself.
_NOT_IN_EVENTS = _CONTEXT_PRONOUNS | _wordset("and but or is are was were about because if when so")
_EVENT_WORDS = 6


def _event(raw: str, time: str, *, keep_lead: bool = False) -> str | None:
    """The plan and its time: "an exam" + "tomorrow" gives "exam tomorrow"."""
    words = _words(raw)
    if not keep_lead:
        words = _drop_leading(_drop_leading(words, _TO), _EVENT_DROP)
    lowered = [word.lower() for word in words]
    if not words or len(words) > _EVENT_WORDS or lowered[0] in _NOT_EVENT_LEADS:
        return None
    if any(word in _NOT_IN_EVENTS for word in lowered[1:]):
        return None
    return _clean(f"{' '.join(words)} {' '.join(time.split())}") or None


def _read_event(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I have an exam tomorrow", "going to a concert this weekend", "my birthday is ..."."""
    if not _said_about_self(_words_before(text, match.start())):
        return []
    event = _event(match["value"], match["time"])
    return [("upcoming_events", event)] if event else []


def _read_plan(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm flying to Rome on Friday": the whole plan, verb included."""
    words = _words(match["value"])
    if not words or words[0].lower() in _NOT_PLANS:
        return []
    event = _event(match["value"], match["time"], keep_lead=True)
    return [("upcoming_events", event)] if event else []


# -- the rules, most specific first --------------------------------------------------------

_NOW = r"(?:right\s+now|rn|atm|at\s+the\s+moment|currently)"
_ING = r"[^\W\d_]{2,}ing\b"
_PLAN_CHARS = r"[^.!?;:\n\r,]"


def _rule(pattern: str, read: Reader) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), read)


_RULES: tuple[_Rule, ...] = (
    # name
    _rule(
        r"\b(?:(?P<owner>my|the|your|his|her|their|our|its|ur)\s+)?"
        r"(?:(?:real|first|full|actual)\s+)?(?:nick)?name(?:'s|\s+is)\s+"
        rf"(?P<first>{_NAME_TOKEN})(?:\s+(?P<second>{_NAME_TOKEN}))?",
        _read_name_statement,
    ),
    _rule(
        rf"\bcall\s+me\s+(?P<first>{_NAME_TOKEN})(?:\s+(?P<second>{_NAME_TOKEN}))?",
        _read_call_me,
    ),
    _rule(rf"{_I_AM}(?P<first>{_NAME_TOKEN})(?:\s+(?P<second>{_NAME_TOKEN}))?", _read_i_am_name),
    # occupation (and studies, for "a nursing student")
    _rule(
        rf"(?:\bi\s+{_ADVERBS}work|{_I_AM}{_ADVERBS}(?:working|employed))\s+as\s+(?:an?\s+)?"
        + _tail(_JOB_STOPS, limit=60),
        _read_work_as,
    ),
    _rule(rf"{_I_AM}{_ADVERBS}an?\s+" + _tail(_JOB_STOPS, limit=60), _read_job_title),
    _rule(
        r"\bmy\s+(?:current\s+|day\s+)?(?:job|profession|occupation)\s+is\s+"
        + _tail(_JOB_STOPS, limit=60),
        _read_my_job_is,
    ),
    _rule(
        r"\b(?P<value>(?:[^\W\d_][\w'-]*\s+){1,4})by\s+(?:profession|trade)\b",
        _read_by_profession,
    ),
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>retired|unemployed|self[-\s]employed|between\s+jobs|"
        r"a\s+stay[-\s]at[-\s]home\s+(?:mom|mum|dad|parent))(?![\w-])",
        _read_work_situation,
    ),
    # studies
    _rule(
        rf"\bi\s+{_ADVERBS}(?:study|studied|major\s+in|majored\s+in)\s+" + _tail(_STUDY_STOPS),
        _read_study_subject,
    ),
    _rule(rf"{_I_AM}{_ADVERBS}studying\s+" + _tail(_STUDY_STOPS), _read_study_subject),
    _rule(
        r"\bmy\s+(?:major|degree|field\s+of\s+study)\s+is\s+(?:in\s+)?" + _tail(_STUDY_STOPS),
        _read_study_subject,
    ),
    _rule(
        r"\b(?:majoring|minoring|master'?s|masters|bachelor'?s|bachelors|phd|doctorate|degree|"
        r"diploma|mba|msc|bsc)(?:\s+degree)?\s+in\s+" + _tail(_STUDY_STOPS),
        _read_degree,
    ),
    _rule(
        r"\b(?P<value>(?:[^\W_][\w'-]*\s+){0,3})student\b"
        r"(?=\s+here\b|\s*(?:[,.!?;:\n\r]|$)|\s+(?:at|from|in|and)\b)",
        _read_field_student,
    ),
    # relationship status
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>single|married|divorced|separated|widowed|"
        r"engaged(?!\s+(?:in|with)\b)|taken(?!\s+\w)|spoken\s+for|"
        r"(?:seeing|dating)\s+someone|"
        r"in\s+a\s+(?:(?:serious|committed|new|happy|long[-\s]distance)\s+)?relationship)"
        r"(?![\w-])",
        _read_status,
    ),
    _rule(
        r"\b(?:(?:i|we)(?:'ve)?\s+)?(?:just\s+|recently\s+|finally\s+)?got\s+"
        r"(?P<value>married|engaged|divorced)\b",
        _read_got_status,
    ),
    _rule(
        # A bare answer: "Divorced, two kids." (not "Single?" nor "Single or double room").
        r"(?:^|(?<=[.!?;\n]))\s*(?:(?:happily|recently|newly|currently|still)\s+)?"
        r"(?P<value>single|married|divorced|separated|widowed|engaged)"
        r"(?=\s*(?:[,.!;\n]|$|(?:lol|haha\w*|tbh|here|now|rn|atm)\b))",
        _read_status,
    ),
    _rule(
        r"\bmy\s+(?P<late>late\s+)?(?P<value>wife|wifey|husband|hubby|spouse|girlfriend|"
        r"boyfriend|gf|bf|partner|bae|fianc[eé]{1,2})\b",
        _read_partner,
    ),
    _rule(
        r"(?:^|(?<=[.!?;\n]))\s*(?:(?:well|honestly|lol|haha|um+|uh+|hmm+|idk)\s*,?\s*)?"
        r"it'?s\s+complicated\b(?=\s*(?:[.!?;,\n]|$|(?:lol|haha\w*|tbh)\b))"
        r"|\brelationship(?:\s+status)?(?:'s|\s+is)\s+(?:it'?s\s+)?complicated\b",
        _read_complicated,
    ),
    # location
    _rule(
        rf"(?:\b(?:i|we)\s+{_ADVERBS}|{_I_AM}{_ADVERBS})?\b(?:live|living|reside|residing)\s+in\s+"
        + _tail(_LOCATION_STOPS),
        _read_place,
    ),
    _rule(
        rf"(?:{_I_AM}{_ADVERBS})?\bbased\s+(?:in|out\s+of)\s+" + _tail(_LOCATION_STOPS),
        _read_place,
    ),
    _rule(
        rf"(?:{_I_AM}{_ADVERBS}|\bi\s+{_ADVERBS}come\s+)from\s+" + _tail(_LOCATION_STOPS),
        _read_place,
    ),
    _rule(
        rf"\b(?:i|we)\s+{_ADVERBS}moved\s+to\s+" + _tail(_LOCATION_STOPS),
        _read_place,
    ),
    _rule(rf"{_I_AM}{_ADVERBS}in\s+" + _tail(_LOCATION_STOPS), _read_here_now),
    # interests and dislikes
    _rule(
        r"\b(?P<neg>(?:not|no|never\s+been)\s+(?:(?:really|exactly|much\s+of|"
        r"that\s+much\s+of)\s+)?)?(?:(?:a|an|the)\s+)?(?:(?:big|bigger|biggest|huge|massive|"
        r"great|total|real|die-?hard|long-?time)\s+)?fans?\s+of\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _read_fan,
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:hate|dislike|detest|despise|loathe)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("dislikes"),
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:can'?t|cannot|can\s+not)\s+stand\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("dislikes"),
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:don'?t|do\s+not)\s+{_ADVERBS}(?:like|enjoy|love)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("dislikes"),
    ),
    _rule(
        rf"{_I_AM}not\s+(?:(?:really|that|very|too|big|so)\s+)?into\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("dislikes"),
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:love|adore|enjoy|like|dig)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("interests"),
    ),
    _rule(
        rf"(?:{_I_AM}|\bi'?ve\s+been\s+|\bi\s+have\s+been\s+){_ADVERBS}"
        r"(?:into|passionate\s+about|obsessed\s+with)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("interests"),
    ),
    _rule(
        r"\bmy\s+(?:favou?rite\s+|main\s+|new\s+|only\s+)?(?:hobby|hobbies|passion|passions|"
        r"pastime|pastimes)\s*(?:is|are|include|includes|would\s+be|:)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        _reads_things("interests"),
    ),
    # current activities
    _rule(
        rf"\b{_NOW}\s*,?\s*(?:i'?m|i\s+am)\s+{_ADVERBS}(?P<value>{_ING}"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})",
        _read_activity,
    ),
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>{_ING}"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})\s*,?\s+{_NOW}\b",
        _read_activity,
    ),
    _rule(
        rf"{_I_AM}(?:currently|now|just|still)\s+{_ADVERBS}(?P<value>{_ING}"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})",
        _read_activity,
    ),
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>working\s+on\s+"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{1,60}})",
        _read_activity,
    ),
    _rule(
        r"\b(?:i\s+|i'?ve\s+)?just\s+(?P<value>(?:got\s+(?:back|home|off|out|done|up)|"
        r"came\s+(?:back|home)|finished|woke\s+up|left|started)\b"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})",
        _read_just_did,
    ),
    # upcoming events
    _rule(
        r"\b(?:i\s+have(?:\s+got)?|i'?ve\s+got|i\s+got|we\s+have|we'?ve\s+got)\s+"
        rf"(?P<value>{_PLAN_CHARS}{{1,50}}?)\s+(?P<time>{_TIME})",
        _read_event,
    ),
    _rule(
        r"\b(?:going\s+to|heading\s+to|off\s+to|gonna(?:\s+go\s+to)?)\s+"
        rf"(?P<value>{_PLAN_CHARS}{{1,50}}?)\s+(?P<time>{_TIME})",
        _read_event,
    ),
    _rule(
        r"\bmy\s+(?P<value>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?)(?:\s+is|'s|\s+are)\s+"
        rf"(?:coming\s+up\s+)?(?P<time>{_TIME})",
        _read_event,
    ),
    _rule(
        rf"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+{_ADVERBS}"
        rf"(?P<value>{_ING}{_PLAN_CHARS}{{0,50}}?)\s+(?P<time>{_TIME})",
        _read_plan,
    ),
)


# -- public API ----------------------------------------------------------------------------


def extract_facts(text: str) -> list[ExtractedFact]:
    """Facts the contact states about themselves in one message, in message order.

    Message order matters to `merge_facts`: of two single values ("I'm from Texas but live
    in Berlin now") the later one wins. Never raises: any string (emoji, control
    characters, a pasted essay) gives a list, usually an empty one. The same (kind, value)
    is reported once.
    """
    if not text:
        return []
    original = text[:MAX_SCAN_CHARS]
    prepared = _prepare(original)
    facts: list[tuple[int, ExtractedFact]] = []
    seen: set[tuple[str, str]] = set()
    # Spans already read per kind, so a general rule does not re-read what a specific one
    # already took ("I'm going to a concert this weekend" is one event, not two).
    claimed: dict[str, list[tuple[int, int]]] = {}
    for rule in _RULES:
        for match in rule.pattern.finditer(prepared):
            span = match.span()
            findings = [
                (kind, value)
                for kind, value in rule.read(match, prepared)
                if not _overlaps(claimed.get(kind, ()), span)
            ]
            end = _evidence_end(prepared, span, [value for _, value in findings])
            evidence = _clean_evidence(original[span[0] : end])
            for kind, value in findings:
                key = (kind, normalize_value(value))
                if value and key[1] and key not in seen:
                    seen.add(key)
                    facts.append((span[0], ExtractedFact(kind, value, evidence)))
            for kind in {kind for kind, _ in findings}:
                claimed.setdefault(kind, []).append(span)
    facts.sort(key=lambda positioned: positioned[0])  # stable: rule order breaks ties
    return [fact for _, fact in facts]


def _overlaps(spans: Iterable[tuple[int, int]], span: tuple[int, int]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in spans)


def _evidence_end(text: str, span: tuple[int, int], values: Sequence[str]) -> int:
    """End the evidence after the last value read, not after the whole clause tail.

    "I love hiking, what about you" is evidence enough as "I love hiking". Values that
    were rewritten ("married" from "my wife") keep the whole match.
    """
    ends = [text.find(value, span[0], span[1]) + len(value) for value in values]
    if not ends or any(end < len(value) for end, value in zip(ends, values, strict=True)):
        return span[1]
    return max(ends)


def _clean_evidence(raw: str) -> str:
    return raw.strip()[:MAX_EVIDENCE_CHARS].strip()


_KEY_JUNK = re.compile(r"[^\w\s+#]|_")
_VOWELS = frozenset("aeiou")


def normalize_value(value: str) -> str:
    """The de-duplication key of a value: "Hiking!", "hiking" and "the hikings" agree.

    Case-folded, apostrophes and punctuation dropped, leading articles dropped, spaces
    collapsed, and the last word reduced to a rough singular.
    """
    text = unicodedata.normalize("NFKC", value).translate(_APOSTROPHES).casefold()
    text = _KEY_JUNK.sub(" ", text.replace("'", ""))
    words = text.split()
    bare = _drop_leading(words, _ARTICLES) or words  # "The The" stays a band
    if bare:
        bare[-1] = _singular(bare[-1])
    return " ".join(bare)


def _singular(word: str) -> str:
    """A rough singular, only good as a key: "movies"/"movie" and "puppies"/"puppy" agree."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 2 and word.endswith("y") and word[-2] not in _VOWELS:
        word = word[:-1] + "ie"
    return word


def merge_facts(
    existing: Mapping[str, str | list[str]], new: Iterable[ExtractedFact]
) -> dict[str, str | list[str]]:
    """A new facts dict: `existing` updated with `new`; neither input is modified.

    Single kinds take the newer value. List kinds keep their first-seen order with new
    values appended, and hold each value once by `normalize_value` ("hiking" then
    "Hiking!" stays one entry, the first spelling). Keys that are not fact kinds are kept.
    """
    merged: dict[str, str | list[str]] = {
        key: list(value) if isinstance(value, list) else value for key, value in existing.items()
    }
    for kind in LIST_KINDS:
        if kind in merged:
            merged[kind] = _unique(_as_list(merged[kind]))
    for fact in new:
        if fact.kind not in FACT_KINDS:
            raise ValueError(f"unknown fact kind: {fact.kind!r}")
        if not normalize_value(fact.value):
            continue
        if fact.kind in SINGLE_KINDS:
            merged[fact.kind] = fact.value
        else:
            merged[fact.kind] = _unique([*_as_list(merged.get(fact.kind, [])), fact.value])
    return merged


def _as_list(value: str | list[str]) -> list[str]:
    """A stored list value; tolerate a lone string left by older data."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return [value] if value else []


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for value in values:
        key = normalize_value(value)
        if key and key not in seen:
            seen.add(key)
            unique.append(value)
    return unique
