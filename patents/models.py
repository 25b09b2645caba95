"""IP filings of the resident companies, what happened to them, and the deadlines that follow."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company
from incubator.validators import validate_pdf

from .choices import (
    PATENT_KINDS,
    DeadlineRule,
    DeadlineStatus,
    EventKind,
    FeeReduction,
    FilingKind,
    FilingStatus,
)
from .validators import (
    normalise_application_number,
    validate_application_number,
    validate_inventors,
    validate_ipc,
    validate_nice_classes,
)

GRANTED_ONCE = [FilingStatus.GRANTED, FilingStatus.LAPSED, FilingStatus.EXPIRED]


class Filing(models.Model):
    """A patent, trademark or software copyright of a company, from draft to expiry."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="filings", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=20, choices=FilingKind.choices)
    title = models.CharField(_("title or mark"), max_length=300)
    application_number = models.CharField(
        _("application number"),
        max_length=30,
        blank=True,
        help_text=_("Patents: e.g. 202110123456.7. Trademarks: the application number. Software: e.g. 2024SR0123456."),
    )
    filing_date = models.DateField(_("filing date"), null=True, blank=True)
    priority_date = models.DateField(_("priority date"), null=True, blank=True)
    publication_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Software: the date the software was first published."),
    )
    grant_date = models.DateField(_("grant or registration date"), null=True, blank=True)
    grant_number = models.CharField(_("grant or registration number"), max_length=40, blank=True)
    nice_classes = models.JSONField(
        _("Nice classes"), default=list, blank=True, validators=[validate_nice_classes], help_text=_("Trademarks.")
    )
    ipc_class = models.CharField(_("IPC class"), max_length=40, blank=True, validators=[validate_ipc])
    inventors = models.JSONField(_("inventors or designers"), default=list, blank=True, validators=[validate_inventors])
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    agent = models.CharField(_("agent"), max_length=100, blank=True)
    fee_reduction = models.CharField(
        _("fee reduction"), max_length=20, choices=FeeReduction.choices, default=FeeReduction.NONE
    )
    status = models.CharField(_("status"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT)
    annuities_paid_through = models.PositiveSmallIntegerField(
        _("annual fees paid through patent year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "For a patent granted before it was recorded here: the last patent year whose annual fee has "
            "been paid. Later payments are recorded as events."
        ),
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
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
        ordering = ["-filing_date", "-id"]
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        indexes = [
            models.Index(fields=["kind", "status"], name="filing_kind_status_idx"),
            models.Index(fields=["company", "kind"], name="filing_company_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FilingStatus.DRAFT) | Q(filing_date__isnull=False), name="filing_filed_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=GRANTED_ONCE) | Q(grant_date__isnull=False), name="filing_granted_has_date"
            ),
            models.CheckConstraint(
                condition=Q(grant_date__isnull=True)
                | Q(filing_date__isnull=True)
                | Q(grant_date__gte=F("filing_date")),
                name="filing_grant_after_filing",
            ),
            models.CheckConstraint(
                condition=Q(priority_date__isnull=True)
                | Q(filing_date__isnull=True)
                | Q(priority_date__lte=F("filing_date")),
                name="filing_priority_before_filing",
            ),
            models.UniqueConstraint(
                fields=["kind", "application_number"],
                condition=~Q(application_number=""),
                name="filing_application_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.application_number or self.get_kind_display()})"

    @property
    def is_patent(self) -> bool:
        return self.kind in PATENT_KINDS

    def clean(self) -> None:
        super().clean()
        self.application_number = normalise_application_number(self.application_number)
        self.title = (self.title or "").strip()
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.kind:
            try:
                validate_application_number(self.application_number, self.kind)
            except ValidationError as exc:
                add("application_number", exc)
        if self.status != FilingStatus.DRAFT and not self.filing_date:
            add("filing_date", _("A filed application has a filing date."))
        if self.filing_date:
            if self.grant_date and self.grant_date < self.filing_date:
                add("grant_date", _("The grant date cannot be before the filing date."))
            if self.priority_date and self.priority_date > self.filing_date:
                add("priority_date", _("The priority date cannot be after the filing date."))
            if self.publication_date and self.publication_date < self.filing_date and self.kind != FilingKind.SOFTWARE:
                add("publication_date", _("The publication date cannot be before the filing date."))
        elif self.grant_date:
            add("filing_date", _("A granted filing has a filing date."))
        if self.status in GRANTED_ONCE and not self.grant_date:
            add("grant_date", _("A granted or registered filing has a grant or registration date."))
        if self.nice_classes and self.kind != FilingKind.TRADEMARK:
            add("nice_classes", _("Only trademarks have Nice classes."))
        if self.ipc_class and self.kind not in (FilingKind.INVENTION, FilingKind.UTILITY_MODEL):
            add("ipc_class", _("Only inventions and utility models have an IPC class."))
        if self.annuities_paid_through is not None:
            if self.kind not in PATENT_KINDS:
                add("annuities_paid_through", _("Only patents pay annual fees."))
            elif not self.grant_date:
                add("annuities_paid_through", _("Annual fees are paid once the patent is granted."))
        if errors:
            raise ValidationError(errors)


class FilingEvent(models.Model):
    """A dated fact about a filing: it was filed, a notice came, a fee was paid.

    For a notice from the office the date is the day it was received (a mailed notice counts
    as received 15 days after it was sent); `time_limit` is the one the notice states.
    """

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events", verbose_name=_("filing"))
    kind = models.CharField(_("what happened"), max_length=30, choices=EventKind.choices)
    on = models.DateField(_("date"))
    time_limit = models.DateField(
        _("time limit set by the notice"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the notice sets none: the legal default applies."),
    )
    period = models.PositiveSmallIntegerField(
        _("patent year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("For an annual fee: the patent year it pays."),
    )
    answers = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_by",
        verbose_name=_("answers"),
        help_text=_("For a response or a re-examination request: the notice it answers."),
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("filing event")
        verbose_name_plural = _("filing events")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit__isnull=True) | Q(time_limit__gte=F("on")), name="filing_event_limit_after_date"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EventKind.ANNUITY_PAID) | Q(period__isnull=False),
                name="filing_event_annuity_has_year",
            ),
            # One payment per patent year, even when two people record it at once.
            models.UniqueConstraint(
                fields=["filing", "period"],
                condition=Q(kind=EventKind.ANNUITY_PAID),
                name="filing_event_annuity_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"


class Deadline(models.Model):
    """What must be done for a filing by when, and why: derived by `patents.rules` from the
    filing and its events, recomputed whenever they change. A met deadline is done."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("filing"))
    rule = models.CharField(_("rule"), max_length=30, choices=DeadlineRule.choices)
    key = models.CharField(_("key"), max_length=60)
    period = models.PositiveSmallIntegerField(_("patent year or term"), null=True, blank=True)
    source_event = models.ForeignKey(
        FilingEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("arising from"),
    )
    met_by = models.ForeignKey(
        FilingEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("met by")
    )
    base_on = models.DateField(_("time limit ends (nominal)"))
    due_on = models.DateField(_("due on"))
    grace_ends_on = models.DateField(_("grace period ends"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    final_on = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waived by"),
    )
    waive_reason = models.TextField(_("why it was waived"), blank=True, max_length=2000)
    flagged_on = models.DateField(_("flagged as missed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["status", "due_on"], name="deadline_status_due_idx"),
            models.Index(fields=["status", "final_on"], name="deadline_status_final_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["filing", "key"], name="deadline_key_unique"),
            models.CheckConstraint(condition=Q(due_on__gte=F("base_on")), name="deadline_due_not_before_base"),
            models.CheckConstraint(condition=Q(final_on__gte=F("due_on")), name="deadline_final_not_before_due"),
            models.CheckConstraint(
                condition=Q(grace_ends_on__isnull=True) | Q(grace_ends_on=F("final_on")),
                name="deadline_final_is_grace_end",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeadlineStatus.WAIVED) | ~Q(waive_reason=""), name="deadline_waived_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} – {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == DeadlineStatus.OPEN

    @property
    def action(self) -> str:
        """What to do, in the active language."""
        from django.utils.translation import gettext

        from .rules import RULES

        if self.rule == DeadlineRule.REGISTRATION and self.period:
            return gettext("Complete the registration formalities and pay the annual fee for patent year %(year)s.") % {
                "year": self.period
            }
        if self.rule == DeadlineRule.ANNUITY and self.period:
            return gettext("Pay the annual fee for patent year %(year)s.") % {"year": self.period}
        if self.rule == DeadlineRule.TRADEMARK_RENEWAL and self.opens_on:
            return gettext("File the renewal of the registration (possible from %(day)s).") % {
                "day": self.opens_on.isoformat()
            }
        return str(RULES[self.rule].action)

    def in_grace(self, today) -> bool:
        return self.grace_ends_on is not None and self.due_on < today <= self.grace_ends_on


def document_path(instance, filename: str) -> str:
    return f"filings/{instance.filing_id}/{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.pdf"


class FilingDocument(models.Model):
    """A PDF kept with a filing: the application, a notice, a certificate."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents", verbose_name=_("filing"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file (PDF)"), upload_to=document_path, validators=[validate_pdf])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("filing document")
        verbose_name_plural = _("filing documents")

    def __str__(self) -> str:
        return self.title


class IpSettings(models.Model):
    """The settings of IP tracking that staff edit: one row."""

    district_population = models.PositiveIntegerField(
        _("district population"),
        null=True,
        blank=True,
        help_text=_("Residents of the district, for invention patents per 10,000 residents."),
    )
    reminder_days = models.CharField(
        _("reminder days"),
        max_length=60,
        default="90,30,7",
        help_text=_("Days before a deadline when owners and staff are reminded, separated by commas."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IP settings")
        verbose_name_plural = _("IP settings")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="ip_settings_single_row")]

    def __str__(self) -> str:
        return str(_("IP settings"))

    @property
    def reminder_day_list(self) -> list[int]:
        return sorted({int(part) for part in self.reminder_days.split(",") if part.strip()}, reverse=True)

    def clean(self) -> None:
        super().clean()
        parts = [part.strip() for part in (self.reminder_days or "").split(",") if part.strip()]
        if not parts or not all(p.isdigit() and 0 < int(p) <= 366 for p in parts):
            raise ValidationError(
                {"reminder_days": _("Give whole numbers of days from 1 to 366, separated by commas, e.g. 90,30,7.")}
            )
        self.reminder_days = ",".join(str(n) for n in sorted({int(p) for p in parts}, reverse=True))


class DeadlineFeed(models.Model):
    """The secret address of a user's iCal feed of deadlines."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_feed", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["user"]
        verbose_name = _("deadline feed")
        verbose_name_plural = _("deadline feeds")

    def __str__(self) -> str:
        return str(self.user)
