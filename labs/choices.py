from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EquipmentKind(models.TextChoices):
    """What a piece of equipment is; a training is for a kind, not for one machine."""

    LASER_CUTTER = "laser_cutter", _("Laser cutter")
    LASER_ENGRAVER = "laser_engraver", _("Laser engraver and marker")
    METAL_PRINTER = "metal_printer", _("Metal powder 3D printer")
    POLYMER_PRINTER = "polymer_printer", _("Plastic and resin 3D printer")
    CNC_MACHINE = "cnc_machine", _("CNC machine")
    TEST_BENCH = "test_bench", _("Test bench")
    ELECTRONICS = "electronics", _("Electronics workstation")
    OTHER = "other", _("Other equipment")


class EquipmentStatus(models.TextChoices):
    AVAILABLE = "available", pgettext_lazy("equipment status", "Available")
    OUT_OF_SERVICE = "out_of_service", pgettext_lazy("equipment status", "Out of service")


class BookingStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("booking status", "Waiting for confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("booking status", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
    COMPLETED = "completed", pgettext_lazy("booking status", "Completed")
    NO_SHOW = "no_show", pgettext_lazy("booking status", "No-show")


# Bookings that hold their time: two of them never overlap on one piece of equipment.
LIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
# Bookings that count against a company's weekly quota (a no-show used the time up too).
QUOTA_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
# Bookings whose hours count as booked in the utilisation figures.
BOOKED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
