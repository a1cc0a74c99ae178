"""What every JSON API input that reaches the database shares.

PostgreSQL text and jsonb cannot hold NUL (U+0000), nor can jsonb hold an unpaired UTF-16
surrogate (JSON lets a client send "\\ud800"; pydantic refuses one only in a `str` field).
Such a string failed at the database, after some rows may already have been written, and
the client got a 500. Inputs are refused up front instead, with a 422 naming the field.
"""

from __future__ import annotations

from typing import Any

import pydantic
from ninja import Schema
from ninja.errors import HttpError

UNSTORABLE = "NUL characters (\\u0000) and unpaired surrogates cannot be stored"


def unstorable(value: Any) -> bool:
    """Whether text the database refuses hides anywhere in value: strings, dict keys,
    lists, nested schemas."""
    if isinstance(value, str):
        return "\x00" in value or not encodes(value)
    if isinstance(value, dict):
        return any(unstorable(key) or unstorable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(unstorable(item) for item in value)
    if isinstance(value, pydantic.BaseModel):
        return any(unstorable(item) for item in value.__dict__.values())
    return False


def encodes(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class ApiInput(Schema):
    """A request body whose every field, however deep, can be stored as it is."""

    @pydantic.field_validator("*")
    @classmethod
    def refuse_unstorable(cls, value: Any) -> Any:
        if unstorable(value):
            raise ValueError(UNSTORABLE)
        return value


def refuse_unstorable_path(**parameters: str) -> None:
    """The same rule for path parameters, which no schema of ours validates."""
    for name, value in parameters.items():
        if unstorable(value):
            raise HttpError(422, f"{name}: {UNSTORABLE}")
