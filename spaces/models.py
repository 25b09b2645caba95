"""Office spaces, their allocations to companies, and the companies' requests for space."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company
from incubator.models import Site

from .choices import EXCLUSIVE_KINDS, SpaceKind, SpaceRequestStatus, SubsidyKind

MONEY = {"max_digits": 12, "decimal_places": 2}
AREA = {"max_digits": 9, "decimal_places": 2}
CENT = Decimal("0.01")

# Dates the centre plans with. Bounding them keeps date arithmetic (reminders, "free from")
# away from the ends of the calendar, where it would overflow.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_VALIDATORS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
MAX_DESKS = 500


class Space(models.Model):
    """A room or an area of a site that the centre lets: an office, open desks or a workshop."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="spaces", verbose_name=_("site"))
    code = models.CharField(_("code"), max_length=40, help_text=_("As on the door, e.g. B2-305."))
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SpaceKind.choices, default=SpaceKind.OFFICE)
    floor = models.SmallIntegerField(_("floor"), validators=[MinValueValidator(-5), MaxValueValidator(120)])
    area_m2 = models.DecimalField(_("area (m²)"), validators=[MinValueValidator(Decimal("0.01"))], **AREA)
    desks = models.PositiveSmallIntegerField(
        _("desks"), default=0, validators=[MaxValueValidator(MAX_DESKS)], help_text=_("Work places in the space.")
    )
    monthly_rent = models.DecimalField(
        _("monthly rent (CNY)"),
        validators=[MinValueValidator(0)],
        help_text=_("For open desks: the rent of one desk."),
        **MONEY,
    )
    is_active = models.BooleanField(_("in use"), default=True, help_text=_("Spaces out of use are not let."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "floor", "code"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "code"],
                name="space_code_unique_per_site",
                violation_error_message=_("This site already has a space with this code."),
            ),
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="space_area_positive",
                violation_error_message=_("The area must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_rent__gte=0),
                name="space_rent_not_negative",
                violation_error_message=_("The rent cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=SpaceKind.OPEN_DESKS) | Q(desks__gte=1),
                name="space_open_desks_have_desks",
                violation_error_message=_("Open desks have at least one desk."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def is_exclusive(self) -> bool:
        """An office or workshop holds one allocation at a time."""
        return self.kind in EXCLUSIVE_KINDS


class Allocation(models.Model):
    """A space let to a company for `[starts_on, ends_on)`; an open end while it lasts.

    An office or workshop has at most one allocation on any day (on PostgreSQL an exclusion
    constraint over `exclusive` allocations guarantees it; see migration 0002); open desks
    never hold more desks than they have, which the services check under a lock on the space.
    """

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("space"))
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="space_allocations", verbose_name=_("company")
    )
    starts_on = models.DateField(_("starts on"), validators=DATE_VALIDATORS)
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        validators=DATE_VALIDATORS,
        help_text=_("The first day the space is free again; empty while open-ended."),
    )
    desks = models.PositiveSmallIntegerField(_("desks taken"), validators=[MaxValueValidator(MAX_DESKS)])
    # Copied from the space's kind when the allocation is made: the exclusion constraint
    # can only see this table.
    exclusive = models.BooleanField(_("whole space"), default=True, editable=False)
    monthly_rent = models.DecimalField(_("monthly rent (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    subsidy_kind = models.CharField(_("subsidy"), max_length=10, choices=SubsidyKind.choices, default=SubsidyKind.NONE)
    subsidy_value = models.DecimalField(
        _("subsidy value"),
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("A percentage (100 houses the company free) or yuan per month."),
        **MONEY,
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("moved from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        indexes = [
            models.Index(fields=["space", "starts_on"], name="allocation_space_start_idx"),
            models.Index(fields=["ends_on"], name="allocation_ends_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="allocation_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_rent__gte=0),
                name="allocation_rent_not_negative",
                violation_error_message=_("The rent cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(subsidy_kind=SubsidyKind.NONE) & Q(subsidy_value=0))
                | (Q(subsidy_kind=SubsidyKind.PERCENT) & Q(subsidy_value__gte=0) & Q(subsidy_value__lte=100))
                | (
                    Q(subsidy_kind=SubsidyKind.FIXED)
                    & Q(subsidy_value__gte=0)
                    & Q(subsidy_value__lte=F("monthly_rent"))
                ),
                name="allocation_subsidy_in_range",
                violation_error_message=_(
                    "A percentage runs from 0 to 100, a fixed subsidy up to the rent, and no subsidy is 0."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space} → {self.company} ({self.starts_on} – {self.ends_on or '…'})"

    @property
    def subsidy_amount(self) -> Decimal:
        """Yuan per month the centre waives."""
        if self.subsidy_kind == SubsidyKind.PERCENT:
            return (self.monthly_rent * self.subsidy_value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        if self.subsidy_kind == SubsidyKind.FIXED:
            return min(self.subsidy_value, self.monthly_rent)
        return Decimal("0.00")

    @property
    def rent_after_subsidy(self) -> Decimal:
        """What the company pays per month."""
        return (self.monthly_rent - self.subsidy_amount).quantize(CENT)

    def is_live_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class SpaceRequest(models.Model):
    """A company asks for space from the portal; staff of its site offer a space or decline."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="space_requests", verbose_name=_("company")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="space_requests", verbose_name=_("site"))
    kind = models.CharField(_("kind of space"), max_length=20, choices=SpaceKind.choices)
    desks = models.PositiveSmallIntegerField(_("desks"), default=0, validators=[MaxValueValidator(MAX_DESKS)])
    area_m2 = models.DecimalField(
        _("area (m²)"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))], **AREA
    )
    wanted_from = models.DateField(_("wanted from"), validators=DATE_VALIDATORS)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=SpaceRequestStatus.choices, default=SpaceRequestStatus.SUBMITTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space_requests",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True, max_length=2000)
    allocation = models.OneToOneField(
        Allocation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space_request",
        verbose_name=_("allocation"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("space request")
        verbose_name_plural = _("space requests")
        indexes = [models.Index(fields=["status", "site"], name="space_request_status_site_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SpaceRequestStatus.DECLINED) | ~Q(decline_reason=""),
                name="space_request_declined_has_reason",
                violation_error_message=_("A declined request has a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(status=SpaceRequestStatus.OFFERED) | Q(allocation__isnull=False),
                name="space_request_offered_has_allocation",
                violation_error_message=_("An offered request has its allocation."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=SpaceKind.OPEN_DESKS) | Q(desks__gte=1),
                name="space_request_open_desks_have_desks",
                violation_error_message=_("Say how many desks the company needs."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.get_kind_display()} ({self.wanted_from})"

    @property
    def is_open(self) -> bool:
        return self.status == SpaceRequestStatus.SUBMITTED
