"""The private iCal feed of a user's IP deadlines."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import DeadlineFeed
from .presentation import describe


def feed_path(feed: DeadlineFeed) -> str:
    return reverse("patents:feed_ics", args=[feed.token])


def render(user, deadlines) -> bytes:
    """One all-day event per open deadline on its due date, in the user's language; a
    deadline with a grace period gets a second event on the grace period's last day."""
    today = timezone.localdate()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Incubator//IP deadlines//")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("IP deadlines"))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        stamp = timezone.now()
        for deadline in deadlines:
            view = describe(deadline, today)
            filing = deadline.filing
            title = f"{view.action} {filing.title}"
            where = filing.application_number or filing.get_kind_display()
            description = "\n".join([view.action, f"{filing.company.name} · {where}", view.law, view.consequence])
            url = f"{settings.SITE_URL}{reverse('patents:filing_detail', args=[filing.pk])}"
            calendar.add_component(_event(f"deadline-{deadline.pk}", deadline.due_on, title, description, url, stamp))
            if deadline.grace_ends_on and deadline.grace_ends_on != deadline.due_on:
                calendar.add_component(
                    _event(
                        f"deadline-{deadline.pk}-grace",
                        deadline.grace_ends_on,
                        _("Grace period ends: %(title)s") % {"title": title},
                        description,
                        url,
                        stamp,
                    )
                )
        return calendar.to_ical()


def _event(uid: str, day, summary: str, description: str, url: str, stamp) -> Event:
    event = Event()
    event.add("uid", f"{uid}@incubator")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event
