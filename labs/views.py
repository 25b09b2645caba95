"""Portal pages: labs, the week calendar where makers book, bookings, the staff's day view,
utilisation and the private calendar feed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incubator import permissions
from incubator.errors import ServiceError
from incubator.forms import add_service_errors

from . import intervals, selectors, services
from .choices import LIVE_STATUSES, BookingStatus, Weekday
from .forms import BookingForm, PeriodForm, ReasonForm
from .ical import feed_bytes
from .models import Booking, CalendarFeed, Equipment, Lab
from .week import build_week

FIRST_DAY, LAST_DAY = date(2000, 1, 3), date(2100, 12, 27)


def _equipment_or_404(request: HttpRequest, pk: int) -> Equipment:
    try:
        return selectors.equipment_visible_to(request.user).get(pk=pk)
    except Equipment.DoesNotExist:
        raise Http404 from None


def _lab_or_404(request: HttpRequest, pk: int) -> Lab:
    try:
        return selectors.lab_list(request.user).get(pk=pk)
    except Lab.DoesNotExist:
        raise Http404 from None


def _booking_or_404(request: HttpRequest, pk: int) -> Booking:
    try:
        return selectors.booking_list(request.user).get(pk=pk)
    except Booking.DoesNotExist:
        raise Http404 from None


def _day_param(request: HttpRequest, name: str, default: date) -> date:
    try:
        day = date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default
    return min(max(day, FIRST_DAY), LAST_DAY)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _may_book(user) -> bool:
    return not (permissions.is_district(user) and not permissions.is_centre_staff(user))


# --- Labs ----------------------------------------------------------------------------


@login_required
@require_GET
def lab_list(request: HttpRequest) -> HttpResponse:
    labs = list(selectors.lab_list(request.user).order_by("site__name", "name"))
    today = timezone.localdate()
    for lab in labs:
        lab.hours_today = [h for h in lab.opening_hours.all() if h.weekday == today.weekday()]
    context = {
        "labs": labs,
        "can_see_utilisation": permissions.is_centre_staff(request.user) or permissions.is_district(request.user),
    }
    return render(request, "labs/lab_list.html", context)


@login_required
@require_GET
def lab_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lab = _lab_or_404(request, pk)
    hours_by_day = {}
    for row in lab.opening_hours.all():
        hours_by_day.setdefault(row.weekday, []).append(row)
    week = [(label, hours_by_day.get(value, [])) for value, label in Weekday.choices]
    context = {
        "lab": lab,
        "week": week,
        "trained_kinds": selectors.valid_training_kinds(request.user),
        "can_manage": selectors.can_manage_lab(request.user, lab),
        "can_see_day": selectors.can_manage_lab(request.user, lab) or permissions.can_read_all_sites(request.user),
    }
    return render(request, "labs/lab_detail.html", context)


@login_required
@require_GET
def lab_day(request: HttpRequest, pk: int) -> HttpResponse:
    """Every booking of the lab on a day, with the staff's actions."""
    lab = _lab_or_404(request, pk)
    can_manage = selectors.can_manage_lab(request.user, lab)
    if not (can_manage or permissions.can_read_all_sites(request.user)):
        raise Http404
    day = _day_param(request, "date", timezone.localdate())
    bookings = list(selectors.lab_day(lab=lab, day=day))
    rows = [(item, [b for b in bookings if b.equipment_id == item.pk]) for item in lab.equipment.all()]
    context = {
        "lab": lab,
        "day": day,
        "rows": rows,
        "count": sum(1 for b in bookings if b.status in LIVE_STATUSES),
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "can_manage": can_manage,
        "now": timezone.now(),
        "here": request.get_full_path(),
    }
    return render(request, "labs/lab_day.html", context)


@login_required
@require_GET
def utilisation(request: HttpRequest) -> HttpResponse:
    if not (permissions.is_centre_staff(request.user) or permissions.is_district(request.user)):
        raise PermissionDenied
    form = PeriodForm(request.GET if request.GET else PeriodForm.default_initial())
    figures = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        figures = selectors.utilisation(user=request.user, start=start, end=end + timedelta(days=1))
    return render(request, "labs/utilisation.html", {"form": form, "figures": figures})


# --- The week calendar and booking ----------------------------------------------------


def _calendar_context(request: HttpRequest, equipment: Equipment, *, monday: date, **extra) -> dict:
    now = timezone.now()
    availability = selectors.equipment_availability(
        equipment=equipment, user=request.user, start=monday, end=monday + timedelta(days=7), now=now
    )
    upcoming = selectors.upcoming_bookings_of(request.user, now=now).filter(equipment=equipment)
    return {
        "equipment": equipment,
        "lab": equipment.lab,
        "week": build_week(availability, monday=monday, now=now),
        "upcoming": list(upcoming[:10]),
        "may_book": _may_book(request.user),
        "trained": not equipment.needs_training or equipment.kind in selectors.valid_training_kinds(request.user),
        **extra,
    }


def _monday(request: HttpRequest, source=None) -> date:
    source = source if source is not None else request.GET
    try:
        day = date.fromisoformat(source.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return intervals.week_start(min(max(day, FIRST_DAY), LAST_DAY))


@login_required
@require_GET
def equipment_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    equipment = _equipment_or_404(request, pk)
    context = _calendar_context(request, equipment, monday=_monday(request))
    if request.htmx and not request.htmx.boosted:
        return render(request, "labs/includes/calendar_area.html", context)
    return render(request, "labs/equipment_calendar.html", context)


def _initial_start(request: HttpRequest) -> datetime | None:
    try:
        moment = datetime.fromisoformat(request.GET.get("starts_at", ""))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=intervals.local_zone())
    return intervals.local(moment).replace(tzinfo=None) if 2000 <= moment.year <= 2100 else None


@login_required
@require_http_methods(["GET", "POST"])
def booking_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a slot. From the calendar (htmx) the form opens beside it and the answer redraws
    the calendar; without JavaScript it is a page of its own."""
    equipment = _equipment_or_404(request, pk)
    if not _may_book(request.user):
        raise PermissionDenied
    initial = {"starts_at": _initial_start(request)}
    form = BookingForm(request.POST or None, equipment=equipment, user=request.user, initial=initial)
    booking = None
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        try:
            booking = services.booking_create(
                equipment=equipment,
                user=membership.user,
                company=membership.company,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.ends_at,
                purpose=form.cleaned_data["purpose"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
    if request.htmx and request.method == "POST":
        monday = _monday(request, request.POST)
        if booking is not None:
            monday = intervals.week_start(intervals.local(booking.starts_at).date())
            form = None
        return render(
            request,
            "labs/includes/calendar_area.html",
            _calendar_context(request, equipment, monday=monday, form=form, booked=booking),
        )
    if request.htmx:
        start = initial["starts_at"]
        monday = intervals.week_start(start.date() if start else timezone.localdate())
        context = {"form": form, "equipment": equipment, "in_calendar": True, "monday": monday}
        return render(request, "labs/includes/booking_form.html", context)
    if booking is not None:
        if booking.status == BookingStatus.PENDING:
            messages.success(request, _("Your booking waits for the lab staff to confirm it."))
        else:
            messages.success(request, _("Your booking is confirmed."))
        return redirect("labs:booking_detail", pk=booking.pk)
    context = {"form": form, "equipment": equipment, "lab": equipment.lab}
    return render(request, "labs/booking_new.html", context, status=400 if request.method == "POST" else 200)


# --- Bookings ------------------------------------------------------------------------


def _abilities(user, booking: Booking, now: datetime) -> dict[str, bool]:
    is_staff = permissions.is_site_staff(user, booking.equipment.lab.site_id)
    live = booking.status in LIVE_STATUSES and booking.ends_at > now
    cutoff = booking.starts_at - timedelta(hours=booking.equipment.cancellation_cutoff_hours)
    return {
        "can_cancel": live and (is_staff or (booking.user_id == user.pk and now <= cutoff)),
        "can_decide": is_staff and booking.status == BookingStatus.PENDING and booking.ends_at > now,
        "can_mark_no_show": is_staff
        and booking.status in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
        and booking.starts_at <= now,
    }


WHEN = {"upcoming", "past", "all"}


@login_required
@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    when = request.GET.get("when", "upcoming")
    when = when if when in WHEN else "upcoming"
    bookings = selectors.booking_list(request.user)
    if when == "upcoming":
        bookings = bookings.filter(status__in=LIVE_STATUSES, ends_at__gt=now).order_by("starts_at", "id")
    elif when == "past":
        bookings = bookings.exclude(status__in=LIVE_STATUSES, ends_at__gt=now).order_by("-starts_at", "-id")
    else:
        bookings = bookings.order_by("-starts_at", "-id")
    page = Paginator(bookings, 50).get_page(request.GET.get("page"))
    for booking in page.object_list:
        booking.abilities = _abilities(request.user, booking, now)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = request.build_absolute_uri(reverse("labs:calendar_feed", args=[feed.token])) if feed else None
    context = {"page": page, "when": when, "feed_url": feed_url, "here": request.get_full_path()}
    return render(request, "labs/booking_list.html", context)


@login_required
@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    context = {
        "booking": booking,
        "reason_form": ReasonForm(),
        "abilities": _abilities(request.user, booking, timezone.now()),
        "here": request.get_full_path(),
    }
    return render(request, "labs/booking_detail.html", context)


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "cancel":
            services.booking_cancel(booking=booking, by=request.user, reason=reason)
            messages.success(request, _("The booking has been cancelled."))
        elif action == "confirm":
            services.booking_confirm(booking=booking, by=request.user)
            messages.success(request, _("The booking is confirmed; the booker has been told."))
        elif action == "decline":
            services.booking_decline(booking=booking, by=request.user, reason=reason)
            messages.success(request, _("The booking has been declined; the booker has been told."))
        else:
            services.booking_mark_no_show(booking=booking, by=request.user)
            messages.success(request, _("The booking is marked as a no-show."))
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, str(exc.message))
    return redirect(_next_url(request, reverse("labs:booking_detail", args=[booking.pk])))


# --- Calendar feed -------------------------------------------------------------------


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret URL needs no sign-in: calendar apps cannot sign in. A rotated token is gone."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    body = feed_bytes(user=feed.user, bookings=selectors.bookings_for_feed(feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lab-bookings.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    had_feed = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_rotate(user=request.user)
    if had_feed:
        messages.success(request, _("Your calendar link has been replaced; the old link no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready: add it to your calendar app."))
    return redirect(reverse("labs:booking_list") + "#calendar-feed")
