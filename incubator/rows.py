"""Model instances from hand-written SQL, for the few reads that run on every request.

Compiling an ORM query costs more than running it when the query is a primary-key lookup
with a join or two; the booking request makes several. `Columns` writes a model's select
list once and turns its part of a row back into an instance as the ORM would: the same
database converters (SQLite's dates and decimals), then `Model.from_db`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


class Columns:
    """The concrete columns of `model` under the table alias `alias`."""

    def __init__(self, model: type[models.Model], alias: str):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in self.fields)
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def __len__(self) -> int:
        return len(self.fields)

    def load(self, row: Sequence[Any], start: int = 0) -> models.Model | None:
        """The instance in `row[start:start + len(self)]`; `None` when its key is NULL (an outer join missed)."""
        values = list(row[start : start + len(self.fields)])
        if values[self.pk_index] is None:
            return None
        for index, column, found in self.converters:
            value = values[index]
            for converter in found:
                value = converter(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)


@functools.cache
def _columns(model: type[models.Model], alias: str, vendor: str) -> Columns:
    return Columns(model, alias)


def columns(model: type[models.Model], alias: str) -> Columns:
    """The `Columns` of a model under an alias, built once per database vendor."""
    return _columns(model, alias, connection.vendor)
