"""The patterns the invented-fact checks (mlops.fact_checks) look for: places, dates,
prices, handles, links, promises, greetings and self-introductions in a reply draft."""

from __future__ import annotations

import re

from mlops.common_words import spaced_words

PLACE_BEFORE = spaced_words("at in from near around visit visiting visited across")
# "to" makes a place only after going somewhere: "moved to Austin", not "say hi to Ben".
MOTION = spaced_words(
    "go going goes went gone move moved moving trip travel travelling flew fly walk walking drive"
)
PLACE_WORDS = spaced_words(
    """
    springs spring park street st avenue ave road rd boulevard blvd lake river beach bay
    city town village county mountain mountains hill hills valley island islands center
    centre mall market square hall museum gallery cafe café bar restaurant hotel club
    studio boutique campus university college school station airport bridge falls canyon
    monument tower statue plaza pier zoo stadium theater theatre cinema church temple castle
    """
)

WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
MONTHS = "january|february|april|june|july|august|september|october|november|december"
NORM_WORD = re.compile(r"[a-z0-9]+")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)")
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|"
    r"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|me|ly|app|tv|info|biz|"
    r"xyz|shop|store|site|online|link|page|us|uk|de|fr|ca|au)\b(?:/[^\s<>\"']*)?|"
    r"(?-i:\b[A-Za-z0-9-]+\.\s(?:com|net|org)\b)",  # "Pavlova. com": a small model's spacing
    re.IGNORECASE,
)
NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
PRICE = re.compile(
    r"[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?[kK]\b)?|"
    r"\b\d[\d,]*(?:\.\d+)?\s?(?:[$€£]|(?:usd|eur|gbp|dollars?|bucks|euros?|pounds?|cents?)\b)|"
    rf"\b{NUMBER_WORDS}(?:[\s-]{NUMBER_WORDS})*\s+(?:dollars|bucks|euros|pounds|cents)\b",
    re.IGNORECASE,
)
DATE = re.compile(
    rf"\b(?<!happy )(?:(?:this|next|last|coming|every|on)\s+)?(?:{WEEKDAYS})"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b|"
    rf"\b(?:(?:this|next|last|in|early|late|mid)\s+)?(?:{MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?\b|"
    r"\b(?:this|next|last|in|early|late|mid)\s+(?-i:May|March)\b|"
    r"\b(?-i:May|March)\s+\d{1,2}(?:st|nd|rd|th)?\b|"
    r"\b(?:last|next|coming)\s+(?:week|month|year|weekend|summer|winter|spring|fall|autumn)\b|"
    r"\b(?:tomorrow|yesterday|tonight|today)\s+(?:at|by|around)\s+(?:\d{1,2}(?::\d{2})?"
    r"(?:\s?[ap]\.?m\.?)?|noon|midnight)|"
    r"\b(?:tomorrow|yesterday)\b|"
    r"\b(?!24/7\b)\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b(?:19|20)\d{2}\b|"
    r"\b(?:(?:on|the|upcoming|this|next)\s+)+\d{1,2}(?:st|nd|rd|th)\b(?=\s*(?:of\b|[,.!?…]|$))|"
    r"\b(?:next|last|past|coming|in)\s+\d+(?:\s?-\s?\d+)?\s+(?:hours|days|weeks|months|years)\b|"
    r"\b\d{1,2}(?::\d{2})?\s?(?:[ap]\.m\.|[ap]m\b)|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?o'?clock\b",
    re.IGNORECASE,
)
# A template's slot the model left unfilled: "[Name]", "{company_name}".
PLACEHOLDER = re.compile(r"\[[A-Za-z][\w' ]{1,30}(?:\]|$)|\{[A-Za-z][\w' ]{1,30}\}")
# Promises: (pattern, what to call it, words that allow it when the persona's own material
# has them). Offers are checked against the persona's material only, never the contact's
# words: a customer asking for a discount does not make one.
FREE_GOODS = (
    r"gifts?|trials?|content|shipping|delivery|pics?|pictures?|photos?|sets?|videos?|access|"
    r"subscriptions?|months?|weeks?|samples?|cop(?:y|ies)|sessions?|consultations?|demos?|"
    r"upgrades?|tickets?|stuff|drinks?|coffee|previews?|shoots?|prints?|membership|"
    r"products?|items?|things?"
)
DURATION = r"(?:\d+[\s-](?:hour|day|week|month)s?\s+)?"  # "free 2-day trial"
PROMISES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"\bdiscount(?:s|ed)?\b|\bcoupons?\b|\bpromo(?:\s?codes?)?\b", re.I),
        "discount",
        r"discount|coupon|promo",
    ),
    (
        re.compile(r"\b\d{1,3}\s?(?:%|percent)\s+off\b|\bhalf[- ](?:price|off)\b", re.I),
        "",  # named by what it says: "20% off"
        r"% off|percent off|half price|half off|discount",
    ),
    (
        re.compile(r"\brefund(?:s|ed|able)?\b|\bmoney[- ]back\b", re.I),
        "refund",
        r"refund|money back",
    ),
    (re.compile(r"\bguarantee(?:s|d)?\b", re.I), "guarantee", r"guarantee"),
    (
        re.compile(
            rf"\bfree\s+(?:of\s+charge|{DURATION}(?:{FREE_GOODS}))\b|\bfree\s+for\s+you\b", re.I
        ),
        "",  # "free trial", "free gift"
        "",  # the phrase itself
    ),
    (re.compile(r"\bfor\s+free\b|\bon\s+the\s+house\b", re.I), "for free", r"free"),
    (
        re.compile(
            r"\bmeet(?:ing)?\s+up\b|\bmeetups?\b|\bmeet\s+and\s+greet\b|\bin[\s-]person\b|\birl\b|"
            r"\bjoin\s+(?:you|me|us)\s+(?:at|in|for|there|tonight|tomorrow)\b|\bjoin\s+us\b|"
            r"\bjoin\s+(?:me\s+|us\s+)?(?:(?:a|an|the|my|our)\s+)?(?:\w+\s+){0,2}"
            r"(?:shoot|party|event|meetup|trip|dinner|lunch|show|concert)s?\b|"
            r"\bin\s+real\s+life\b|\blet'?s\s+meet\b|"
            r"\bmeet\s+(?:you\s+|me\s+)?(?:there|at|for|in|on|tomorrow|tonight|next|this)\b"
            r"(?!\s+(?:here|chat|this\s+chat|the\s+chat|dms?)\b)|"
            r"\b(?:swim(?:ming)?|walk(?:ing)?|hik(?:e|ing)|danc(?:e|ing)|shopping)\s+with\s+(?:you|me)\b|"
            r"\binvit(?:e|ing)\s+you\b(?=\s*(?:[.!?,…]|$|over\b|for\b|"
            r"to\s+(?:a|an|the|my|our)\s+(?!page\b)))|"
            r"\b(?:grab|get)\s+(?:a\s+)?(?:coffee|drinks?|dinner|lunch)\s+(?:together|with)\b|"
            r"\bhang\s+out\s+(?:sometime|together|with\s+you)\b|\bcome\s+over\b|"
            r"\btake\s+(?:me|you)\s+(?:out|for\s+a|on\s+a)\b|"
            r"\b(?:catch\s+up|meet)\s+(?:for|over)\s+(?:a\s+)?(?:coffee|drinks?|dinner|lunch)\b|"
            r"\bsee\s+you\s+(?:there|at\b|in\s+person|next\s+(?:week|month|year|weekend))",
            re.I,
        ),
        "meeting in person",
        r"in person|meet up|meet and greet|meetup",
    ),
    (
        re.compile(r"\bspecial\s+(?:offer|deal|price|discount)s?\b", re.I),
        "special offer",
        r"special offer|special deal|special price",
    ),
    (re.compile(r"\bcomplimentary\b", re.I), "complimentary", r"complimentary"),
    (
        re.compile(
            r"\b(?:call|phone|ring|facetime)\s+you\b|\bgive\s+you\s+a\s+(?:call|ring)\b|"
            r"\b(?:video|phone)\s+call\b|\bon\s+a\s+call\b|\bcall\s+me\b",
            re.I,
        ),
        "a call",
        r"call",
    ),
    (
        re.compile(
            r"\b(?:send|give)\s+(?:you\s+)?(?:a\s+|some\s+|my\s+|an?\s+little\s+)?(?:gifts?|presents?|"
            r"package|parcel|surprise|something\s+special)\b|"
            r"\b(?:this|that|here)(?:'s|\s+is)\s+(?:a|my)\s+(?:little\s+)?gift\b|\bgifts?\s+for\s+you\b",
            re.I,
        ),
        "a gift",
        r"gift|present|package",
    ),
)

GREETING = (
    r"(?:dear|hi|hii+|hey+|hello|heya|hiya|howdy|yo|sup|morning|evening|good\s+(?:morning|"
    r"afternoon|evening|night|day)|gm|welcome(?:\s+back)?|thanks|thank\s+you|thx|ty|aww*|"
    r"ok(?:ay)?|oh|omg|bye|goodnight|night|love\s+you|miss\s+you|congrats|sorry|hugs|"
    r"cheers\s+to\s+you)"
)
SIGN_OFF = re.compile(r"\b(?:love|xoxo|xo|xx|cheers|best|yours|regards|sincerely)\s*$", re.I)
SPEAKS_AS = re.compile(
    r"\b(?i:i'?m|i\s+am|my\s+name\s+is|my\s+name's|name's|call\s+me)\s+([A-Z][a-z]+)\b"
    r"(?!'s)"
)
INTRODUCES = re.compile(r"^\W*(?i:this\s+is|it'?s)\s+([A-Z][a-z]+)\b(?!'s)")
DEMONYM = re.compile(r"..(?:ian|ean|ese|ish|can)$")
NAME_HERE = re.compile(r"(?:^|[.!?]\s+)\W*([A-Z][a-z]+)\s+here\b(?=\s*(?:[,!.…?]|$|[^\w\s]))")
