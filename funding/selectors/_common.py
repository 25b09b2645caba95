"""What the funding selectors share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField

from incubator import permissions

from ..choices import (
    IntroductionStatus,
)

ZERO = Decimal("0.00")
CLOSED_INTRODUCTION_STATUSES = (IntroductionStatus.INVESTED, IntroductionStatus.DECLINED)
MONEY_OUTPUT = DecimalField(max_digits=18, decimal_places=2)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _reads_everything_offered(user: Any) -> bool:
    """Staff and the district also see unpublished programmes and inactive sponsors."""
    return permissions.is_centre_staff(user) or permissions.is_district(user)
