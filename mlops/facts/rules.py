"""The rule table: what each pattern looks for, most specific first, and which reader reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlops.facts.lists import (
    read_activity,
    read_event,
    read_fan,
    read_just_did,
    read_plan,
    reads_things,
)
from mlops.facts.names import read_call_me, read_i_am_name, read_name_statement
from mlops.facts.places import read_here_now, read_place
from mlops.facts.relationships import (
    read_complicated,
    read_got_status,
    read_partner,
    read_status,
)
from mlops.facts.text import Reader
from mlops.facts.work import (
    read_by_profession,
    read_degree,
    read_field_student,
    read_job_title,
    read_my_job_is,
    read_study_subject,
    read_work_as,
    read_work_situation,
)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    read: Reader  # turns a match (and the whole prepared text) into findings


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


_NAME_TOKEN = r"[^\W\d_]+(?:['-][^\W\d_]+)*"


# -- the rules, most specific first --------------------------------------------------------

_NOW = r"(?:right\s+now|rn|atm|at\s+the\s+moment|currently)"
_ING = r"[^\W\d_]{2,}ing\b"
_PLAN_CHARS = r"[^.!?;:\n\r,]"


def _rule(pattern: str, read: Reader) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), read)


RULES: tuple[_Rule, ...] = (
    # name
    _rule(
        r"\b(?:(?P<owner>my|the|your|his|her|their|our|its|ur)\s+)?"
        r"(?:(?:real|first|full|actual)\s+)?(?:nick)?name(?:'s|\s+is)\s+"
        rf"(?P<first>{_NAME_TOKEN})(?:\s+(?P<second>{_NAME_TOKEN}))?",
        read_name_statement,
    ),
    _rule(
        rf"\bcall\s+me\s+(?P<first>{_NAME_TOKEN})(?:\s+(?P<second>{_NAME_TOKEN}))?",
        read_call_me,
    ),
    _rule(rf"{_I_AM}(?P<first>{_NAME_TOKEN})(?:\s+(?P<second>{_NAME_TOKEN}))?", read_i_am_name),
    # occupation (and studies, for "a nursing student")
    _rule(
        rf"(?:\bi\s+{_ADVERBS}work|{_I_AM}{_ADVERBS}(?:working|employed))\s+as\s+(?:an?\s+)?"
        + _tail(_JOB_STOPS, limit=60),
        read_work_as,
    ),
    _rule(rf"{_I_AM}{_ADVERBS}an?\s+" + _tail(_JOB_STOPS, limit=60), read_job_title),
    _rule(
        r"\bmy\s+(?:current\s+|day\s+)?(?:job|profession|occupation)\s+is\s+"
        + _tail(_JOB_STOPS, limit=60),
        read_my_job_is,
    ),
    _rule(
        r"\b(?P<value>(?:[^\W\d_][\w'-]*\s+){1,4})by\s+(?:profession|trade)\b",
        read_by_profession,
    ),
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>retired|unemployed|self[-\s]employed|between\s+jobs|"
        r"a\s+stay[-\s]at[-\s]home\s+(?:mom|mum|dad|parent))(?![\w-])",
        read_work_situation,
    ),
    # studies
    _rule(
        rf"\bi\s+{_ADVERBS}(?:study|studied|major\s+in|majored\s+in)\s+" + _tail(_STUDY_STOPS),
        read_study_subject,
    ),
    _rule(rf"{_I_AM}{_ADVERBS}studying\s+" + _tail(_STUDY_STOPS), read_study_subject),
    _rule(
        r"\bmy\s+(?:major|degree|field\s+of\s+study)\s+is\s+(?:in\s+)?" + _tail(_STUDY_STOPS),
        read_study_subject,
    ),
    _rule(
        r"\b(?:majoring|minoring|master'?s|masters|bachelor'?s|bachelors|phd|doctorate|degree|"
        r"diploma|mba|msc|bsc)(?:\s+degree)?\s+in\s+" + _tail(_STUDY_STOPS),
        read_degree,
    ),
    _rule(
        r"\b(?P<value>(?:[^\W_][\w'-]*\s+){0,3})student\b"
        r"(?=\s+here\b|\s*(?:[,.!?;:\n\r]|$)|\s+(?:at|from|in|and)\b)",
        read_field_student,
    ),
    # relationship status
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>single|married|divorced|separated|widowed|"
        r"engaged(?!\s+(?:in|with)\b)|taken(?!\s+\w)|spoken\s+for|"
        r"(?:seeing|dating)\s+someone|"
        r"in\s+a\s+(?:(?:serious|committed|new|happy|long[-\s]distance)\s+)?relationship)"
        r"(?![\w-])",
        read_status,
    ),
    _rule(
        r"\b(?:(?:i|we)(?:'ve)?\s+)?(?:just\s+|recently\s+|finally\s+)?got\s+"
        r"(?P<value>married|engaged|divorced)\b",
        read_got_status,
    ),
    _rule(
        # A bare answer: "Divorced, two kids." (not "Single?" nor "Single or double room").
        r"(?:^|(?<=[.!?;\n]))\s*(?:(?:happily|recently|newly|currently|still)\s+)?"
        r"(?P<value>single|married|divorced|separated|widowed|engaged)"
        r"(?=\s*(?:[,.!;\n]|$|(?:lol|haha\w*|tbh|here|now|rn|atm)\b))",
        read_status,
    ),
    _rule(
        r"\bmy\s+(?P<late>late\s+)?(?P<value>wife|wifey|husband|hubby|spouse|girlfriend|"
        r"boyfriend|gf|bf|partner|bae|fianc[eé]{1,2})\b",
        read_partner,
    ),
    _rule(
        r"(?:^|(?<=[.!?;\n]))\s*(?:(?:well|honestly|lol|haha|um+|uh+|hmm+|idk)\s*,?\s*)?"
        r"it'?s\s+complicated\b(?=\s*(?:[.!?;,\n]|$|(?:lol|haha\w*|tbh)\b))"
        r"|\brelationship(?:\s+status)?(?:'s|\s+is)\s+(?:it'?s\s+)?complicated\b",
        read_complicated,
    ),
    # location
    _rule(
        rf"(?:\b(?:i|we)\s+{_ADVERBS}|{_I_AM}{_ADVERBS})?\b(?:live|living|reside|residing)\s+in\s+"
        + _tail(_LOCATION_STOPS),
        read_place,
    ),
    _rule(
        rf"(?:{_I_AM}{_ADVERBS})?\bbased\s+(?:in|out\s+of)\s+" + _tail(_LOCATION_STOPS),
        read_place,
    ),
    _rule(
        rf"(?:{_I_AM}{_ADVERBS}|\bi\s+{_ADVERBS}come\s+)from\s+" + _tail(_LOCATION_STOPS),
        read_place,
    ),
    _rule(
        rf"\b(?:i|we)\s+{_ADVERBS}moved\s+to\s+" + _tail(_LOCATION_STOPS),
        read_place,
    ),
    _rule(rf"{_I_AM}{_ADVERBS}in\s+" + _tail(_LOCATION_STOPS), read_here_now),
    # interests and dislikes
    _rule(
        r"\b(?P<neg>(?:not|no|never\s+been)\s+(?:(?:really|exactly|much\s+of|"
        r"that\s+much\s+of)\s+)?)?(?:(?:a|an|the)\s+)?(?:(?:big|bigger|biggest|huge|massive|"
        r"great|total|real|die-?hard|long-?time)\s+)?fans?\s+of\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        read_fan,
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:hate|dislike|detest|despise|loathe)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("dislikes"),
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:can'?t|cannot|can\s+not)\s+stand\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("dislikes"),
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:don'?t|do\s+not)\s+{_ADVERBS}(?:like|enjoy|love)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("dislikes"),
    ),
    _rule(
        rf"{_I_AM}not\s+(?:(?:really|that|very|too|big|so)\s+)?into\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("dislikes"),
    ),
    _rule(
        rf"\bi\s+{_ADVERBS}(?:love|adore|enjoy|like|dig)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("interests"),
    ),
    _rule(
        rf"(?:{_I_AM}|\bi'?ve\s+been\s+|\bi\s+have\s+been\s+){_ADVERBS}"
        r"(?:into|passionate\s+about|obsessed\s+with)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("interests"),
    ),
    _rule(
        r"\bmy\s+(?:favou?rite\s+|main\s+|new\s+|only\s+)?(?:hobby|hobbies|passion|passions|"
        r"pastime|pastimes)\s*(?:is|are|include|includes|would\s+be|:)\s+"
        + _tail(_CLAUSE_STOPS, limit=120, commas=True),
        reads_things("interests"),
    ),
    # current activities
    _rule(
        rf"\b{_NOW}\s*,?\s*(?:i'?m|i\s+am)\s+{_ADVERBS}(?P<value>{_ING}"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})",
        read_activity,
    ),
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>{_ING}"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})\s*,?\s+{_NOW}\b",
        read_activity,
    ),
    _rule(
        rf"{_I_AM}(?:currently|now|just|still)\s+{_ADVERBS}(?P<value>{_ING}"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})",
        read_activity,
    ),
    _rule(
        rf"{_I_AM}{_ADVERBS}(?P<value>working\s+on\s+"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{1,60}})",
        read_activity,
    ),
    _rule(
        r"\b(?:i\s+|i'?ve\s+)?just\s+(?P<value>(?:got\s+(?:back|home|off|out|done|up)|"
        r"came\s+(?:back|home)|finished|woke\s+up|left|started)\b"
        rf"(?:(?!\b(?:{_CLAUSE_STOPS})\b){_SINGLE_VALUE_CHARS}){{0,60}})",
        read_just_did,
    ),
    # upcoming events
    _rule(
        r"\b(?:i\s+have(?:\s+got)?|i'?ve\s+got|i\s+got|we\s+have|we'?ve\s+got)\s+"
        rf"(?P<value>{_PLAN_CHARS}{{1,50}}?)\s+(?P<time>{_TIME})",
        read_event,
    ),
    _rule(
        r"\b(?:going\s+to|heading\s+to|off\s+to|gonna(?:\s+go\s+to)?)\s+"
        rf"(?P<value>{_PLAN_CHARS}{{1,50}}?)\s+(?P<time>{_TIME})",
        read_event,
    ),
    _rule(
        r"\bmy\s+(?P<value>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*)?)(?:\s+is|'s|\s+are)\s+"
        rf"(?:coming\s+up\s+)?(?P<time>{_TIME})",
        read_event,
    ),
    _rule(
        rf"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+{_ADVERBS}"
        rf"(?P<value>{_ING}{_PLAN_CHARS}{{0,50}}?)\s+(?P<time>{_TIME})",
        read_plan,
    ),
)
