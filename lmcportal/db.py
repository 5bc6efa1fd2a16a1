"""SQL that the ORM cannot say: a bulk insert that skips conflicts and says which rows it inserted.

`QuerySet.bulk_create(ignore_conflicts=True)` does not return the new rows'
ids on PostgreSQL (it cannot tell which rows were skipped), and
`update_conflicts=True` returns every row's id without saying which were new.
A claim needs exactly that: "these are the rows I inserted, the others
belong to someone else". `INSERT ... ON CONFLICT (...) DO NOTHING RETURNING`
says it, in one statement, on PostgreSQL and on SQLite 3.35 or later alike.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model

__all__ = ["insert_skipping_conflicts"]


def insert_skipping_conflicts(
    objs: Sequence[Model], *, fields: Sequence[str], conflict_fields: Sequence[str], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Insert `objs`, skipping any that would break the unique `conflict_fields`; return `returning` of those inserted.

    Each value goes through its field's `pre_save` and `get_db_prep_save`, as
    `bulk_create` does (so `auto_now_add` and JSON fields work). One
    statement on PostgreSQL; on SQLite as many as its parameter limit needs.
    Rows inserted concurrently by an uncommitted transaction make this wait
    for it, then count as conflicts if it commits.
    """
    if not objs:
        return []
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    conflict = ", ".join(quote(meta.get_field(name).column) for name in conflict_fields)
    returned = ", ".join(quote(meta.get_field(name).column) for name in returning)
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in columns)}) VALUES "
    tail = f" ON CONFLICT ({conflict}) DO NOTHING RETURNING {returned}"
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch = max(connection.ops.bulk_batch_size(columns, objs), 1)
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            params = [
                field.get_db_prep_save(field.pre_save(obj, add=True), connection) for obj in chunk for field in columns
            ]
            cursor.execute(head + ", ".join([row] * len(chunk)) + tail, params)
            rows.extend(tuple(values) for values in cursor.fetchall())
    return rows
