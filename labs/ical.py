"""A person's bookings as an iCalendar feed (RFC 5545), for calendar apps to subscribe to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .choices import BookingStatus
from .models import Booking

STATUS = {
    BookingStatus.PENDING: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
    BookingStatus.NO_SHOW: "CONFIRMED",
    BookingStatus.CANCELLED: "CANCELLED",
}


def feed_bytes(*, user, bookings: Iterable[Booking], now: datetime | None = None) -> bytes:
    """The feed in the person's language; times in UTC, which every calendar app understands."""
    now = (now or timezone.now()).astimezone(UTC)
    host = urlsplit(settings.SITE_URL).hostname or "incubator"
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Incubator//Lab bookings//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Lab bookings"))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        for booking in bookings:
            equipment, lab = booking.equipment, booking.equipment.lab
            event = Event()
            event.add("uid", f"booking-{booking.pk}@{host}")
            event.add("dtstamp", now)
            event.add("dtstart", booking.starts_at.astimezone(UTC))
            event.add("dtend", booking.ends_at.astimezone(UTC))
            event.add("summary", f"{equipment.display_name()} · {lab.display_name()}")
            event.add("location", " · ".join(x for x in (lab.site.display_name(), lab.display_name(), lab.room) if x))
            lines = [
                _("Company: %(company)s") % {"company": booking.company.display_name()},
                _("Status: %(status)s") % {"status": booking.get_status_display()},
            ]
            if booking.purpose:
                lines.append(_("Purpose: %(purpose)s") % {"purpose": booking.purpose})
            event.add("description", "\n".join(lines))
            event.add("status", STATUS[booking.status])
            event.add("url", settings.SITE_URL + reverse("labs:booking_detail", args=[booking.pk]))
            # A revision number that grows with every change of status a booking can go through
            # (pending → confirmed → completed → no-show; pending or confirmed → cancelled).
            event.add("sequence", list(STATUS).index(booking.status))
            calendar.add_component(event)
    return calendar.to_ical()
