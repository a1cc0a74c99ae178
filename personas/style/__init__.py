"""Rule-based writing style: learn how someone writes, then restyle a draft to match.

Two kinds of profile live here:

* ``StyleProfile``: how a contact or operator replies, learned from the outputs of
  (input, output) samples, used to make a draft reply sound like them.
* ``CreatorStyle``: a creator's flirty voice (pet names, signature emojis, teasing),
  learned from plain sample messages.

Everything is deterministic pure Python with no Django or network access: the same
samples always give the same profile, and it runs the same in views, tasks and tests.
Restyling never raises on odd input, never returns more than ``MAX_STYLED_CHARS``
characters, and always keeps at least the first clause of the draft.

The package is split by topic, each module importing only the ones above it:

* ``text``: the restyling limit, shared regexes and small text helpers.
* ``formality``: ``formality_score`` and the phrase and contraction swaps both voices use.
* ``contact``: ``StyleProfile``, ``learn_style``, ``merge_style``, ``apply_style`` and
  ``describe_style``.
* ``creator``: ``CreatorStyle``, ``learn_creator_style`` and ``apply_creator_style``.

Callers import from here (``from personas.style import apply_style``).
"""

from personas.style.contact import (
    BRIEF_AT,
    BRIEFEST_CHARS,
    CAPITALIZATIONS,
    CASUAL_BELOW,
    CONTACT_EMOJI,
    EMOJI_SHARE,
    LENGTH_SLACK,
    MAX_COMMON_PHRASES,
    MIN_KEPT_WORDS,
    PUNCTUATION_STYLES,
    WORDIEST_CHARS,
    StyleProfile,
    apply_style,
    describe_style,
    learn_style,
    merge_style,
)
from personas.style.creator import (
    MARKERS_FOR_FULL_TEASE,
    MAX_SIGNATURE_EMOJIS,
    CreatorStyle,
    apply_creator_style,
    learn_creator_style,
)
from personas.style.formality import (
    CONTRACT_ABOVE,
    EXPAND_BELOW,
    NEUTRAL_FORMALITY,
    Swap,
    formality_score,
)
from personas.style.text import MAX_STYLED_CHARS

__all__ = [
    "BRIEFEST_CHARS",
    "BRIEF_AT",
    "CAPITALIZATIONS",
    "CASUAL_BELOW",
    "CONTACT_EMOJI",
    "CONTRACT_ABOVE",
    "EMOJI_SHARE",
    "EXPAND_BELOW",
    "LENGTH_SLACK",
    "MARKERS_FOR_FULL_TEASE",
    "MAX_COMMON_PHRASES",
    "MAX_SIGNATURE_EMOJIS",
    "MAX_STYLED_CHARS",
    "MIN_KEPT_WORDS",
    "NEUTRAL_FORMALITY",
    "PUNCTUATION_STYLES",
    "WORDIEST_CHARS",
    "CreatorStyle",
    "StyleProfile",
    "Swap",
    "apply_creator_style",
    "apply_style",
    "describe_style",
    "formality_score",
    "learn_creator_style",
    "learn_style",
    "merge_style",
]
