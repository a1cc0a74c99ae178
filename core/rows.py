"""Model instances read by fixed SQL, for the few lookups every ingestion request makes.

The ORM compiles a query afresh on each call (about a millisecond of CPU here for a
select_related lookup), though the text never changes between requests. These build
their SQL once per process and turn the row into instances the way the ORM does:
every concrete field, through the same database converters, via Model.from_db.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from core.models import ApiKey, Workspace


def column_list(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


@cache
def converters(model: type[Model]) -> list[tuple[Field, Any, list]]:
    """Each field, the column expression and the converters the ORM would apply."""
    found = []
    for field in model._meta.concrete_fields:
        expression = field.get_col(model._meta.db_table)
        chain = [*connection.ops.get_db_converters(expression)]
        own = field.get_db_converters(connection)  # type: ignore[attr-defined]
        found.append((field, expression, [*chain, *own]))
    return found


def build(model: type[Model], values: Sequence[Any]) -> Model:
    converted = []
    for (_, expression, chain), value in zip(converters(model), values, strict=True):
        for convert in chain:
            value = convert(value, expression, connection)
        converted.append(value)
    names = [field.attname for field, _, _ in converters(model)]
    return model.from_db(connection.alias, names, converted)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@cache
def live_key_sql() -> str:
    return (
        f"SELECT {column_list(ApiKey, 'k')}, {column_list(Workspace, 'w')} "
        f"FROM {ApiKey._meta.db_table} k JOIN {Workspace._meta.db_table} w "
        f"ON w.id = k.workspace_id WHERE k.key_hash = %s AND NOT k.revoked LIMIT 1"
    )


def live_key(key_hash: str) -> ApiKey | None:
    """The unrevoked key with this hash, its workspace attached (ApiKey.objects.live)."""
    row = fetch_one(live_key_sql(), [key_hash])
    if row is None:
        return None
    split = len(ApiKey._meta.concrete_fields)
    api_key = build(ApiKey, row[:split])
    assert isinstance(api_key, ApiKey)
    api_key.workspace = build(Workspace, row[split:])  # type: ignore[assignment]
    return api_key


@cache
def workspace_by_slug_sql() -> str:
    return (
        f"SELECT {column_list(Workspace, 'w')} FROM {Workspace._meta.db_table} w WHERE w.slug = %s"
    )


def workspace_by_slug(slug: str) -> Workspace | None:
    row = fetch_one(workspace_by_slug_sql(), [slug])
    return build(Workspace, row) if row is not None else None  # type: ignore[return-value]
