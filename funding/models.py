"""Public funding (programmes, applications, disbursements) and private capital (sponsors,
introductions, investments). Amounts are yuan (CNY) as Decimal."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company
from incubator.models import Site
from incubator.validators import validate_pdf

from .choices import (
    ACTIVE_INTRODUCTION_STATUSES,
    LIVE_APPLICATION_STATUSES,
    ApplicationStatus,
    IntroductionStatus,
    InvestmentRound,
    ProgrammeKind,
    ProgrammeLevel,
    SponsorKind,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Programme(models.Model):
    """A public funding programme: who gives how much, to whom, and when one may apply.

    `approved_total` is the sum of the amounts approved so far. Only the services write it,
    under a row lock on the programme, and a check constraint keeps it within the budget:
    even a code path that forgot the lock could not overspend.
    """

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ProgrammeLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    funder = models.CharField(_("funder"), max_length=200, help_text=_("The authority that grants the money."))
    period_label = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("For example: the 13th Five-Year Plan.")
    )
    period_start_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    period_end_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    budget = models.DecimalField(
        _("budget (CNY)"), validators=[MinValueValidator(0)], help_text=_("The total for the whole period."), **MONEY
    )
    annual_budget = models.DecimalField(
        _("budget per year (CNY)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For yearly programmes: at most this much is approved in one calendar year."),
        **MONEY,
    )
    approved_total = models.DecimalField(_("approved so far (CNY)"), default=0, editable=False, **MONEY)
    min_award = models.DecimalField(
        _("minimum award (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    max_award = models.DecimalField(
        _("maximum award (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    requires_residency = models.BooleanField(
        _("residents only"), default=True, help_text=_("Only companies resident at one of the district's sites.")
    )
    required_designations = models.JSONField(
        _("designations required"),
        default=list,
        blank=True,
        help_text=_("The company must hold each of these, valid on the day it applies."),
    )
    opens_on = models.DateField(_("open for applications from"), null=True, blank=True)
    closes_on = models.DateField(_("open for applications until"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished programmes are hidden from makers.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["approved_total"])

    class Meta:
        ordering = ["-closes_on", "name"]
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        indexes = [models.Index(fields=["is_active", "closes_on"], name="programme_open_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_total__gte=0) & Q(approved_total__lte=F("budget")),
                name="programme_approved_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(annual_budget__isnull=True) | (Q(annual_budget__gte=0) & Q(annual_budget__lte=F("budget"))),
                name="programme_annual_budget_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(min_award__isnull=True) | Q(min_award__gte=0), name="programme_min_award_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(min_award__isnull=True) | Q(max_award__isnull=True) | Q(min_award__lte=F("max_award")),
                name="programme_min_award_le_max",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(opens_on__lte=F("closes_on")),
                name="programme_opens_before_closing",
            ),
            models.CheckConstraint(
                condition=Q(period_start_year__isnull=True)
                | Q(period_end_year__isnull=True)
                | Q(period_start_year__lte=F("period_end_year")),
                name="programme_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name

    def is_open_on(self, day) -> bool:
        """Takes applications on this day (both ends inclusive)."""
        return (
            self.is_active
            and (self.opens_on is None or self.opens_on <= day)
            and (self.closes_on is None or day <= self.closes_on)
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def remaining_budget(self):
        return self.budget - self.approved_total


class FundingApplication(models.Model):
    """A company's application to a programme, from draft to decision.

    Every change is kept in the history (who, when, what); the decision also names its
    officer and time in `decided_by` and `decided_at`.
    """

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="funding_applications", verbose_name=_("company")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("programme")
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_applications",
        verbose_name=_("site"),
        help_text=_("Where the company was resident when it applied."),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_applications",
        verbose_name=_("applicant"),
    )
    requested_amount = models.DecimalField(_("requested amount (CNY)"), **MONEY)
    purpose = models.TextField(_("purpose"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    approved_amount = models.DecimalField(_("approved amount (CNY)"), null=True, blank=True, **MONEY)
    budget_year = models.PositiveSmallIntegerField(
        _("budget year"),
        null=True,
        blank=True,
        help_text=_("The year whose budget the approved amount counts against."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        indexes = [
            models.Index(fields=["programme", "status"], name="fundingapp_prog_status_idx"),
            models.Index(fields=["status", "site"], name="fundingapp_status_site_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(requested_amount__gt=0), name="fundingapp_requested_positive"),
            models.CheckConstraint(
                condition=(
                    Q(status=ApplicationStatus.APPROVED)
                    & Q(approved_amount__gt=0)
                    & Q(approved_amount__lte=F("requested_amount"))
                    & Q(budget_year__isnull=False)
                    & Q(decided_at__isnull=False)
                )
                | (~Q(status=ApplicationStatus.APPROVED) & Q(approved_amount__isnull=True)),
                name="fundingapp_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.REJECTED) | (~Q(decision_note="") & Q(decided_at__isnull=False)),
                name="fundingapp_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
                | Q(submitted_at__isnull=False),
                name="fundingapp_submitted_has_time",
            ),
            # One application in play per company and programme.
            models.UniqueConstraint(
                fields=["company", "programme"],
                condition=Q(status__in=LIVE_APPLICATION_STATUSES),
                name="fundingapp_one_live_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.programme}"

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)


def application_document_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"funding/{now:%Y/%m}/application-{instance.application_id}-{now:%H%M%S%f}.pdf"


class ApplicationDocument(models.Model):
    """A PDF attached to an application (a project plan, a certificate, a budget)."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file (PDF)"), upload_to=application_document_path, validators=[validate_pdf])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return self.title


class Disbursement(models.Model):
    """A tranche of an approved award: when it is due and when it was paid."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("application")
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    due_on = models.DateField(_("due on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        indexes = [models.Index(fields=["paid_on", "due_on"], name="disbursement_due_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")]

    def __str__(self) -> str:
        return f"{self.application} · {self.amount} ({self.due_on})"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class Sponsor(models.Model):
    """Private capital the centre can introduce companies to: investors, banks, corporates,
    angels, government guidance funds, universities."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SponsorKind.choices)
    focus_sectors = models.JSONField(_("focus sectors"), default=list, blank=True)
    ticket_min = models.DecimalField(
        _("smallest ticket (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    ticket_max = models.DecimalField(
        _("largest ticket (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket_min__isnull=True) | Q(ticket_min__gte=0), name="sponsor_ticket_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ticket_min__isnull=True) | Q(ticket_max__isnull=True) | Q(ticket_min__lte=F("ticket_max")),
                name="sponsor_ticket_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name


class SponsorContact(models.Model):
    """A person at a sponsor whom the centre talks to."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("sponsor"))
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sponsor", "name"]
        verbose_name = _("sponsor contact")
        verbose_name_plural = _("sponsor contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.sponsor})"


class Introduction(models.Model):
    """The centre introducing a company to a sponsor, followed until money or a no."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="introductions", verbose_name=_("company")
    )
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.PROTECT, related_name="introductions", verbose_name=_("sponsor")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions_requested",
        verbose_name=_("requested by"),
    )
    message = models.TextField(_("what the company is looking for"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=IntroductionStatus.choices, default=IntroductionStatus.REQUESTED
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    meeting_on = models.DateField(_("meeting held on"), null=True, blank=True)
    term_sheet_on = models.DateField(_("term sheet on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    amount_invested = models.DecimalField(_("amount invested (CNY)"), null=True, blank=True, **MONEY)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    last_activity_at = models.DateTimeField(_("last update"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        indexes = [models.Index(fields=["status", "last_activity_at"], name="introduction_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=IntroductionStatus.INVESTED) & Q(amount_invested__gt=0))
                | (~Q(status=IntroductionStatus.INVESTED) & Q(amount_invested__isnull=True)),
                name="introduction_invested_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[IntroductionStatus.INVESTED, IntroductionStatus.DECLINED])
                | Q(closed_on__isnull=False),
                name="introduction_closed_has_date",
            ),
            # One introduction in play per company and sponsor.
            models.UniqueConstraint(
                fields=["company", "sponsor"],
                condition=Q(status__in=[*ACTIVE_INTRODUCTION_STATUSES, IntroductionStatus.DORMANT]),
                name="introduction_one_live_per_sponsor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ↔ {self.sponsor}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_INTRODUCTION_STATUSES


class Investment(models.Model):
    """A round of private money a company raised, through an introduction or not."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="investments", verbose_name=_("company")
    )
    round = models.CharField(_("round"), max_length=20, choices=InvestmentRound.choices, default=InvestmentRound.OTHER)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    investors = models.CharField(_("investors"), max_length=300)
    sponsor = models.ForeignKey(
        Sponsor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="investments",
        verbose_name=_("lead sponsor"),
    )
    introduction = models.OneToOneField(
        Introduction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="investment",
        verbose_name=_("through the introduction"),
    )
    closed_on = models.DateField(_("closed on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-closed_on", "-id"]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="investment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.company} · {self.get_round_display()} · {self.amount}"
