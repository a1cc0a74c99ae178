"""Readers for the contact's name: "my name is Sam", "call me Sam", "I'm Sam"."""

from __future__ import annotations

import re

from mlops.facts.text import Finding, wordset

# -- name --------------------------------------------------------------------------------

_NATIONALITIES = wordset(
    """american canadian mexican brazilian argentinian colombian chilean peruvian british
    english scottish welsh irish french german italian spanish portuguese dutch belgian swiss
    austrian swedish norwegian danish finnish polish czech russian ukrainian greek turkish
    indian pakistani chinese japanese korean vietnamese thai filipino indonesian australian
    african nigerian kenyan egyptian moroccan arab asian european latino latina hispanic
    jewish muslim christian catholic hindu buddhist atheist"""
)
# Words that follow "I'm" or "call me" far more often than a name does.
_NOT_NAMES = (
    wordset(
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


def read_name_statement(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "my name is Sam", "name's Sam", "the name's Bond"; not "her name is Anna"."""
    owner = (match["owner"] or "").lower()
    if owner not in ("", "my", "the") or not _is_name(match["first"]):
        return []
    return [("name", _full_name(match["first"], match["second"]))]


def read_call_me(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "call me Sam"; not "call me later", "call me maybe"."""
    if not _is_name(match["first"]):
        return []
    return [("name", _full_name(match["first"], match["second"]))]


def read_i_am_name(match: re.Match[str], _text: str) -> list[Finding]:
    """Reads "I'm Sam": only a capitalised word that is not an everyday adjective ("I'm Good")."""
    first = match["first"]
    if not first[:1].isupper() or not _is_name(first):
        return []
    return [("name", _full_name(first, match["second"]))]
