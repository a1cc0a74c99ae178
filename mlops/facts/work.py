"""Readers for occupation and studies: "I'm a nurse", "I work as ...", "I study law"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mlops.facts.text import (
    ARTICLE_A,
    ARTICLES,
    CONTEXT_PRONOUNS,
    Finding,
    clean,
    drop_leading,
    said_about_self,
    split_words,
    words_before,
    wordset,
)

# -- occupation and studies --------------------------------------------------------------

_OCCUPATIONS = wordset(
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
_NOT_JOB_MODIFIERS = wordset(
    """a an the my your of and or big huge bit lot good bad great terrible awful horrible
    lazy hard fast slow real total complete proud lucky happy sad little small massive true
    average decent amazing nice better worse best worst pretty super crazy failed wannabe
    poor lousy natural born absolute such very really kind sort type role hot cute sexy
    fine fun funny weird"""
)
# "I work as a ..." is unambiguous, so a job-like ending is enough there ("dog groomer").
_JOB_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "eer", "man", "woman", "person")
_NOT_JOBS = wordset(
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
    return [("occupation", clean(" ".join(title)))]


def read_job_title(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm a nurse", "I'm an engineer at Google": a known job noun is required."""
    return _job_findings(split_words(match["value"]), allow_suffix=False)


def read_work_as(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I work as a dog groomer": the structure says it is a job, suffixes may decide."""
    return _job_findings(split_words(match["value"]), allow_suffix=True)


_EMOTIVE_ING = wordset(
    """boring exhausting annoying amazing interesting tiring demanding rewarding frustrating
    killing draining stressing going getting driving depressing challenging confusing
    fascinating exciting paying taking"""
)


def read_my_job_is(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "my job is teaching", "my job is a nurse"; not "my job is boring"."""
    words = split_words(match["value"])
    if words and words[0].lower() in ARTICLE_A:
        return _job_findings(words[1:], allow_suffix=True)
    lowered = [word.lower() for word in words]
    if not lowered or not lowered[0].endswith("ing") or lowered[0] in _EMOTIVE_ING:
        return []
    if any(word in CONTEXT_PRONOUNS for word in lowered):  # "my job is killing me"
        return []
    return [("occupation", clean(" ".join(words[:4])))]


_TITLE_BOUNDARY = wordset(
    "i i'm im am a an the is as was my me and but by also really just currently now"
)


def _split_trailing(words: Sequence[str], boundary: frozenset[str], limit: int) -> int:
    """Index where the trailing run of non-boundary words (at most `limit`) begins."""
    start = len(words)
    while start > 0 and len(words) - start < limit and words[start - 1].lower() not in boundary:
        start -= 1
    return start


def read_by_profession(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "nurse by profession", "I'm a carpenter by trade"."""
    words = split_words(match["value"])
    start = _split_trailing(words, _TITLE_BOUNDARY, _TITLE_WORDS)
    context = words_before(text, match.start()) + [word.lower() for word in words[:start]]
    if start == len(words) or not said_about_self(context, strict=True):
        return []
    return _job_findings(words[start:], allow_suffix=True)


_SPECIAL_OCCUPATIONS = {
    "self employed": "self-employed",
    "a stay at home mom": "stay-at-home mom",
    "a stay at home mum": "stay-at-home mum",
    "a stay at home dad": "stay-at-home dad",
    "a stay at home parent": "stay-at-home parent",
}


def read_work_situation(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm retired", "I'm self-employed", "I'm between jobs"."""
    key = " ".join(match["value"].lower().replace("-", " ").split())
    return [("occupation", _SPECIAL_OCCUPATIONS.get(key, key))]


# Level, year and judgement words around "student" that are not the subject studied.
_NOT_FIELDS = wordset(
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
    field = drop_leading(undated, _NOT_FIELDS)[:_FIELD_WORDS]
    # Anything but plain words after the subject starts ("law at night") means the tail
    # is not just a subject.
    if not field or not all(word.isalpha() and word.lower() not in _NOT_FIELDS for word in field):
        return None
    text = " ".join(field)
    return _FIELD_ALIASES.get(text.lower(), clean(text)) or None


def read_study_subject(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I study law", "I'm studying computer science", "majoring in biology"."""
    words = drop_leading(split_words(match["value"]), ARTICLES)
    if not words or words[0].lower() in _NOT_FIELDS:
        return []  # "I study hard", "I'm studying for my exam"
    field = _study_field(words)
    return [("studies", field)] if field else []


def read_degree(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "I'm doing a masters in economics"; not "my sister has a degree in law"."""
    if not said_about_self(words_before(text, match.start())):
        return []
    return read_study_subject(match, text)


_STUDENT_BOUNDARY = wordset("a an the my i i'm im am is was as and")


def read_field_student(match: re.Match[str], text: str) -> list[Finding]:
    """Reads "nursing student here", "Law student, 2nd year"; not "the student said"."""
    words = split_words(match["value"])
    start = _split_trailing(words, _STUDENT_BOUNDARY, 3)
    context = words_before(text, match.start()) + [word.lower() for word in words[:start]]
    if not said_about_self(context, strict=True):
        return []
    field = _study_field(words[start:])
    return [("occupation", "student")] + ([("studies", field)] if field else [])
