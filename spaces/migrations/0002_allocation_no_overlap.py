"""No two allocations of one office or workshop overlap: an exclusion constraint on PostgreSQL.

`exclusive` allocations of the same space may not share a day of `[starts_on, ends_on)`; an
open end is an unbounded range, and touching periods (one ends the day the next starts) do
not overlap. SQLite has no such constraint: there the services' check runs inside an
IMMEDIATE transaction, which no other writer can interleave with.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "allocation_exclusive_no_overlap"


class PostgresOnlySQL(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and is a no-op elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        PostgresOnlySQL(
            sql=f"""
                ALTER TABLE spaces_allocation ADD CONSTRAINT {CONSTRAINT}
                EXCLUDE USING gist (space_id WITH =, daterange(starts_on, ends_on, '[)') WITH &&)
                WHERE (exclusive)
            """,
            reverse_sql=f"ALTER TABLE spaces_allocation DROP CONSTRAINT IF EXISTS {CONSTRAINT}",
        ),
    ]
