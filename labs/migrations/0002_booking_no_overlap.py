"""Two pending or confirmed bookings of one piece of equipment never overlap.

On PostgreSQL an exclusion constraint over `[starts_at, ends_at)` guarantees it (btree_gist
lets the equipment's id take part in the GiST index; the half-open range lets bookings
touch). SQLite has no such constraint: there the booking service checks for an overlap
inside its `IMMEDIATE` transaction, which holds the database's write lock. The constraint
lives in this migration rather than in `Booking.Meta`, so that the model validates and
migrates the same way on both databases.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "booking_no_overlap"

ADD = f"""
ALTER TABLE labs_booking ADD CONSTRAINT {CONSTRAINT}
EXCLUDE USING gist (equipment_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
WHERE (status IN ('pending', 'confirmed'))
"""
DROP = f"ALTER TABLE labs_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_initial")]

    operations = [
        # Does nothing on other databases.
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint, elidable=False),
    ]
