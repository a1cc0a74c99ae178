"""`{% idempotency_key %}`: a hidden field with a fresh key, one per rendered send form.

A browser or network retry of the same form sends the same key, so the reply is stored
once; a new render (after a send) gets a new key for the next reply.
"""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)
