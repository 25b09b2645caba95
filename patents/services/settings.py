"""The IP settings staff edit, and the private calendar addresses."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from incubator import permissions
from incubator.models import User

from ..models import DeadlineFeed, IpSettings
from .common import _require


def ip_settings_get() -> IpSettings:
    settings_row, _created = IpSettings.objects.get_or_create(pk=1)
    return settings_row


def ip_settings_update(*, by: User, district_population: int | None, reminder_days: str) -> IpSettings:
    _require(permissions.is_centre_staff(by))
    with transaction.atomic():
        row = ip_settings_get()
        row = IpSettings.objects.select_for_update().get(pk=row.pk)
        row.district_population = district_population
        row.reminder_days = reminder_days
        row.full_clean()
        row.save()
    return row


def deadline_feed_obtain(*, user: User) -> DeadlineFeed:
    """The user's feed address, made on first use."""
    feed = DeadlineFeed.objects.filter(user=user).first()
    if feed is None:
        try:
            with transaction.atomic():
                feed = DeadlineFeed.objects.create(user=user, token=secrets.token_urlsafe(32))
        except IntegrityError:
            feed = DeadlineFeed.objects.get(user=user)
    return feed


def deadline_feed_reset(*, user: User) -> DeadlineFeed:
    """A new secret address; the old one stops working."""
    feed = deadline_feed_obtain(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
