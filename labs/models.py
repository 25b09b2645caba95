"""Labs and their equipment, opening hours, closures, maintenance, training and bookings.

Two pending or confirmed bookings of one piece of equipment never overlap. On PostgreSQL the
exclusion constraint `booking_no_overlap` (migration 0002) guarantees it; on SQLite the
booking service checks inside its `IMMEDIATE` transaction, which holds the write lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company
from incubator.models import Site

from .choices import BookingStatus, EquipmentKind, EquipmentStatus, Weekday

MONEY = {"max_digits": 12, "decimal_places": 2}


class Lab(models.Model):
    """A room of a site with bookable equipment, such as a laser workshop."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="labs", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True, help_text=_("Building, floor and room number."))
    description = models.TextField(_("description"), blank=True)
    weekly_quota_hours = models.PositiveSmallIntegerField(
        _("weekly quota per company (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("How many hours one company may book in this lab per week. Empty means no limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site__name", "name"]
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="lab_name_unique_per_site"),
            models.CheckConstraint(
                condition=Q(weekly_quota_hours__isnull=True) | Q(weekly_quota_hours__gte=1),
                name="lab_quota_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name


class OpeningHours(models.Model):
    """One opening interval of a lab on a weekday, in the site's local time; a day may have several."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("lab"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["lab", "weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_close_after_open"),
            models.CheckConstraint(condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="opening_hours_weekday"),
            models.UniqueConstraint(fields=["lab", "weekday", "opens_at"], name="opening_hours_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Closure(models.Model):
    """Days on which a lab is closed, `[starts_on, ends_on]`; one day when both are the same."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="closures", verbose_name=_("lab"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lab", "starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="closure_ends_on_or_after_start"),
        ]

    def __str__(self) -> str:
        if self.starts_on == self.ends_on:
            return f"{self.lab}: {self.starts_on}"
        return f"{self.lab}: {self.starts_on} – {self.ends_on}"


class Equipment(models.Model):
    """A machine that makers book by the hour, with its booking rules."""

    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("lab"))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EquipmentKind.choices)
    description = models.TextField(_("description"), blank=True)
    needs_training = models.BooleanField(
        _("needs training"), default=True, help_text=_("Only people with a valid training for its kind may book it.")
    )
    needs_approval = models.BooleanField(
        _("needs approval"), default=False, help_text=_("Bookings wait for the lab staff to confirm them.")
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Bookings start and end on this grid, counted from midnight."),
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    max_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), default=240, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours)"),
        default=24,
        validators=[MaxValueValidator(720)],
        help_text=_("Makers may cancel until this many hours before the start; later, only the lab staff can."),
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        _("second reminder (minutes before)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
        help_text=_("Bookers hear 24 hours before and again this many minutes before the start."),
    )
    hourly_rate = models.DecimalField(
        _("hourly rate (CNY)"), default=Decimal("0.00"), validators=[MinValueValidator(0)], **MONEY
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EquipmentStatus.choices, default=EquipmentStatus.AVAILABLE
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["lab", "name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [
            models.UniqueConstraint(fields=["lab", "name"], name="equipment_name_unique_per_lab"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="equipment_rate_not_negative"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="equipment_slot_positive"),
            models.CheckConstraint(condition=Q(min_minutes__gte=F("slot_minutes")), name="equipment_min_ge_slot"),
            models.CheckConstraint(condition=Q(max_minutes__gte=F("min_minutes")), name="equipment_max_ge_min"),
            models.CheckConstraint(condition=Q(horizon_days__gte=1), name="equipment_horizon_positive"),
        ]
        indexes = [models.Index(fields=["kind"], name="equipment_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        slot = self.slot_minutes or 0
        if slot and self.min_minutes and self.min_minutes % slot:
            errors["min_minutes"] = _("The shortest booking must be a whole number of slots.")
        if slot and self.max_minutes and self.max_minutes % slot:
            errors["max_minutes"] = _("The longest booking must be a whole number of slots.")
        if self.min_minutes and self.max_minutes and self.max_minutes < self.min_minutes:
            errors["max_minutes"] = _("The longest booking cannot be shorter than the shortest.")
        if slot and 1440 % slot:
            errors["slot_minutes"] = _("The slot length must divide a day evenly (e.g. 15, 30 or 60 minutes).")
        if errors:
            raise ValidationError(errors)

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name

    @property
    def is_available(self) -> bool:
        return self.status == EquipmentStatus.AVAILABLE


class MaintenanceWindow(models.Model):
    """A period in which a piece of equipment cannot be booked, `[starts_at, ends_at)`."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="maintenance_windows", verbose_name=_("equipment")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="maintenance_ends_after_start"),
        ]
        indexes = [models.Index(fields=["equipment", "starts_at"], name="maintenance_equipment_idx")]

    def __str__(self) -> str:
        return f"{self.equipment}: {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} – {timezone.localtime(self.ends_at):%Y-%m-%d %H:%M}"


class Training(models.Model):
    """A person's training for a kind of equipment; valid from `granted_on` until `expires_on` (excluded)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_trainings", verbose_name=_("person")
    )
    kind = models.CharField(_("equipment kind"), max_length=30, choices=EquipmentKind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_on = models.DateField(_("granted on"), default=timezone.localdate)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Empty means it does not expire.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind", "-granted_on"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("granted_on")),
                name="training_expires_after_grant",
            ),
            models.UniqueConstraint(fields=["user", "kind", "granted_on"], name="training_unique_per_day"),
        ]
        indexes = [models.Index(fields=["user", "kind"], name="training_user_kind_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}"

    def is_valid_on(self, day) -> bool:
        return self.granted_on <= day and (self.expires_on is None or day < self.expires_on)


class Booking(models.Model):
    """A company's use of a piece of equipment, `[starts_at, ends_at)`, booked by one of its members."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("equipment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lab_bookings", verbose_name=_("booker")
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="lab_bookings", verbose_name=_("company")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    amount = models.DecimalField(
        _("amount (CNY)"),
        default=Decimal("0.00"),
        help_text=_("The hourly rate times the hours, when booked."),
        **MONEY,
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    status_note = models.CharField(_("note on the status"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="booking_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="booking_cancelled_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["equipment", "starts_at"], name="booking_equipment_start_idx"),
            models.Index(fields=["company", "starts_at"], name="booking_company_start_idx"),
            models.Index(fields=["user", "starts_at"], name="booking_user_start_idx"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start_idx"),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.equipment} {start:%Y-%m-%d %H:%M}–{timezone.localtime(self.ends_at):%H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status in (BookingStatus.PENDING, BookingStatus.CONFIRMED)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class CalendarFeed(models.Model):
    """The secret token of a person's iCal feed; rotating it replaces the token, so the old URL stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_calendar_feed", verbose_name=_("person")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["user"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
