"""Companies, their teams and residencies, admissions, designations, figures and awards."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubator.models import Site
from incubator.validators import validate_pdf

from .choices import AdmissionStatus, CompanyStatus, DesignationKind, Exchange, LegalForm, MemberRole, Sector
from .validators import validate_credit_code

MONEY = {"max_digits": 16, "decimal_places": 2}


class Company(models.Model):
    """A team the centre admitted, from its first day as an applicant to graduation."""

    name = models.CharField(_("legal name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as on the business licence."),
    )
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.LLC)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, default=Sector.OTHER)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CompanyStatus.choices, default=CompanyStatus.APPLICANT
    )
    status_changed_on = models.DateField(_("status changed on"), default=timezone.localdate)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    graduated_on = models.DateField(_("graduated on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [models.Index(fields=["status"], name="company_status_idx")]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name


class Residency(models.Model):
    """A company's stay at a site, `[starts_on, ends_on)`; open-ended while it lasts."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("company")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="residencies", verbose_name=_("site"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")), name="residency_ends_after_start"
            ),
            # Resident at one site at a time: at most one open residency per company.
            models.UniqueConstraint(fields=["company"], condition=Q(ends_on__isnull=True), name="residency_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.company} @ {self.site} ({self.starts_on} – {self.ends_on or '…'})"


class Membership(models.Model):
    """A user's place in a company's team."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "-role", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.company} ({self.get_role_display()})"


def business_plan_path(instance, filename: str) -> str:
    return f"admissions/{timezone.now():%Y/%m}/plan-{instance.applicant_id}-{timezone.now():%H%M%S}.pdf"


class Admission(models.Model):
    """A team's application to a site; accepting it creates the company."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="admissions", verbose_name=_("applicant")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="admissions", verbose_name=_("site"))
    team_name = models.CharField(_("team name"), max_length=200)
    project_summary = models.TextField(_("project summary"), max_length=5000)
    founders = models.JSONField(
        _("founders"), default=list, blank=True, help_text=_("Co-founders: a list of {name, email}.")
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, default=Sector.OTHER)
    needs_office = models.BooleanField(_("needs an office"), default=False)
    desks_needed = models.PositiveSmallIntegerField(_("desks needed"), default=0, validators=[MaxValueValidator(200)])
    needs_lab = models.BooleanField(_("needs lab access"), default=False)
    business_plan = models.FileField(
        _("business plan (PDF)"), upload_to=business_plan_path, blank=True, validators=[validate_pdf]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AdmissionStatus.choices, default=AdmissionStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    company = models.OneToOneField(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="admission",
        verbose_name=_("company"),
    )
    history = HistoricalRecords(excluded_fields=["business_plan"])

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        indexes = [models.Index(fields=["status", "site"], name="admission_status_site_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AdmissionStatus.REJECTED) | ~Q(rejection_reason=""),
                name="admission_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=AdmissionStatus.ACCEPTED) | Q(company__isnull=False),
                name="admission_accepted_has_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_name} → {self.site}"

    @property
    def is_open(self) -> bool:
        return self.status in (AdmissionStatus.SUBMITTED, AdmissionStatus.UNDER_REVIEW)


class Designation(models.Model):
    """A title the company holds: S&T SME, high-tech enterprise, little giant, listed."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="designations", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DesignationKind.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    exchange = models.CharField(_("exchange"), max_length=10, choices=Exchange.choices, blank=True)
    ticker = models.CharField(_("ticker"), max_length=20, blank=True)
    listed_on = models.DateField(_("listing date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_on", "kind"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("granted_on")),
                name="designation_expires_after_grant",
            ),
        ]
        indexes = [models.Index(fields=["kind", "expires_on"], name="designation_kind_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.company} – {self.get_kind_display()}"

    def is_valid_on(self, day) -> bool:
        return self.granted_on <= day and (self.expires_on is None or day < self.expires_on)


class YearFigures(models.Model):
    """A company's figures for one calendar year; amounts in CNY."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="year_figures", verbose_name=_("company")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    revenue = models.DecimalField(_("revenue (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    profit = models.DecimalField(_("profit (CNY)"), **MONEY)
    taxes_paid = models.DecimalField(_("taxes paid (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    rd_spend = models.DecimalField(_("R&D spend (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    employees = models.PositiveIntegerField(_("employees"))
    rd_staff = models.PositiveIntegerField(_("R&D staff"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "-year"]
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="year_figures_unique"),
            models.CheckConstraint(
                condition=Q(revenue__gte=0) & Q(taxes_paid__gte=0) & Q(rd_spend__gte=0),
                name="year_figures_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(rd_staff__lte=F("employees")), name="year_figures_rd_staff_le_employees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class Award(models.Model):
    """A prize the company won, e.g. third place in the China Maker Competition."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="awards", verbose_name=_("company"))
    competition = models.CharField(_("competition"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "competition"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.competition} {self.year}: {self.rank}"


class Consultation(models.Model):
    """An expert the centre brought in to solve a company's technical problem."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("company")
    )
    expert_name = models.CharField(_("expert"), max_length=150)
    expert_affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=300)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("expert consultation")
        verbose_name_plural = _("expert consultations")

    def __str__(self) -> str:
        return f"{self.company}: {self.topic}"
