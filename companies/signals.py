"""What the companies app tells the apps built on it. Receivers run inside the sender's
transaction, so that a refusal undoes the whole change."""

from django.dispatch import Signal

# A company's stay at a site ended (it graduated, left, or moved to another site): `company`,
# `site_id`, `on` (the first day it is no longer resident there) and `by` (who recorded it).
residency_ended = Signal()
