from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.choices import DesignationKind, Sector
from companies.selectors import companies_visible_to
from incubator.api.fields import StrictCharField
from incubator.api.serializers import Serializer

from .. import selectors
from ..choices import IntroductionStatus, InvestmentRound
from ..models import (
    ApplicationDocument,
    Disbursement,
    FundingApplication,
    Introduction,
    Investment,
    Programme,
    Sponsor,
    SponsorContact,
)
from .fields import StrictBooleanField, StrictDecimalField, StrictModelSerializer

MONEY = {"max_digits": 16, "decimal_places": 2}
POSITIVE_MONEY = {**MONEY, "min_value": Decimal("0.01")}
NON_NEGATIVE_MONEY = {**MONEY, "min_value": Decimal("0")}


def _user(serializer) -> object:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- Programmes ----------------------------------------------------------------------


class ProgrammeSerializer(StrictModelSerializer):
    budget = StrictDecimalField(**NON_NEGATIVE_MONEY)
    annual_budget = StrictDecimalField(**NON_NEGATIVE_MONEY, required=False, allow_null=True)
    min_award = StrictDecimalField(**NON_NEGATIVE_MONEY, required=False, allow_null=True)
    max_award = StrictDecimalField(**NON_NEGATIVE_MONEY, required=False, allow_null=True)
    required_designations = serializers.ListField(
        child=serializers.ChoiceField(choices=DesignationKind.choices), required=False, max_length=10
    )
    approved_total = StrictDecimalField(**MONEY, read_only=True)
    remaining_budget = StrictDecimalField(**MONEY, read_only=True)
    is_open = StrictBooleanField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "name_en",
            "level",
            "kind",
            "funder",
            "period_label",
            "period_start_year",
            "period_end_year",
            "budget",
            "annual_budget",
            "approved_total",
            "remaining_budget",
            "min_award",
            "max_award",
            "requires_residency",
            "required_designations",
            "opens_on",
            "closes_on",
            "is_open",
            "description",
            "is_active",
        ]
        read_only_fields = ["approved_total", "remaining_budget", "is_open"]


# --- Applications --------------------------------------------------------------------


class ApplicationDocumentSerializer(StrictModelSerializer):
    class Meta:
        model = ApplicationDocument
        fields = ["id", "title", "uploaded_at"]


class FundingApplicationSerializer(StrictModelSerializer):
    documents = ApplicationDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = FundingApplication
        fields = [
            "id",
            "company",
            "programme",
            "site",
            "applicant",
            "requested_amount",
            "purpose",
            "status",
            "approved_amount",
            "budget_year",
            "created_at",
            "submitted_at",
            "decided_at",
            "decided_by",
            "decision_note",
            "documents",
        ]
        read_only_fields = fields


class VisibleChoicesMixin:
    """Related objects named in a body must be ones the user may see (else 400, not a leak)."""

    visible_querysets: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        for name, selector in self.visible_querysets.items():
            self.fields[name].queryset = selector(user)


class FundingApplicationCreateSerializer(VisibleChoicesMixin, Serializer):
    company = serializers.PrimaryKeyRelatedField(queryset=companies_visible_to(None))
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.none())
    requested_amount = StrictDecimalField(**POSITIVE_MONEY)
    purpose = StrictCharField(max_length=5000)
    submit = StrictBooleanField(default=False, help_text=_("Send it at once instead of keeping a draft."))

    visible_querysets = {"company": companies_visible_to, "programme": selectors.programmes_visible_to}


class FundingApplicationUpdateSerializer(Serializer):
    requested_amount = StrictDecimalField(**POSITIVE_MONEY, required=False)
    purpose = StrictCharField(max_length=5000, required=False)


class ApproveSerializer(Serializer):
    approved_amount = StrictDecimalField(
        **POSITIVE_MONEY, required=False, help_text=_("Defaults to the amount requested.")
    )
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class RejectSerializer(Serializer):
    note = StrictCharField(max_length=2000, help_text=_("The reason the company is given."))


# --- Disbursements -------------------------------------------------------------------


class DisbursementSerializer(StrictModelSerializer):
    company = serializers.IntegerField(source="application.company_id", read_only=True)
    programme = serializers.IntegerField(source="application.programme_id", read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "application",
            "company",
            "programme",
            "amount",
            "due_on",
            "paid_on",
            "reference",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class DisbursementCreateSerializer(VisibleChoicesMixin, Serializer):
    application = serializers.PrimaryKeyRelatedField(queryset=FundingApplication.objects.none())
    amount = StrictDecimalField(**POSITIVE_MONEY)
    due_on = serializers.DateField()
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    paid_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = StrictCharField(max_length=100, required=False, allow_blank=True, default="")

    visible_querysets = {"application": selectors.applications_visible_to}


class DisbursementPaySerializer(Serializer):
    paid_on = serializers.DateField()
    reference = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


# --- Sponsors ------------------------------------------------------------------------


class SponsorContactSerializer(StrictModelSerializer):
    class Meta:
        model = SponsorContact
        fields = ["id", "name", "title", "email", "phone"]


class SponsorSerializer(StrictModelSerializer):
    focus_sectors = serializers.ListField(
        child=serializers.ChoiceField(choices=Sector.choices), required=False, max_length=20
    )
    ticket_min = StrictDecimalField(**NON_NEGATIVE_MONEY, required=False, allow_null=True)
    ticket_max = StrictDecimalField(**NON_NEGATIVE_MONEY, required=False, allow_null=True)
    contacts = serializers.SerializerMethodField(
        help_text=_("For centre staff and the district only; empty otherwise.")
    )

    class Meta:
        model = Sponsor
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "focus_sectors",
            "ticket_min",
            "ticket_max",
            "website",
            "description",
            "is_active",
            "contacts",
        ]
        # Uniqueness is checked by the service's full_clean, answered as 400 with the field.
        extra_kwargs = {"name": {"validators": []}}

    @extend_schema_field(SponsorContactSerializer(many=True))
    def get_contacts(self, sponsor) -> list:
        if not selectors.sees_centre_notes(_user(self)):
            return []
        return SponsorContactSerializer(sponsor.contacts.all(), many=True).data


# --- Introductions and investments ---------------------------------------------------


class IntroductionSerializer(StrictModelSerializer):
    notes = serializers.SerializerMethodField(help_text=_("The centre's notes: for staff and the district only."))

    class Meta:
        model = Introduction
        fields = [
            "id",
            "company",
            "sponsor",
            "requested_by",
            "message",
            "status",
            "requested_on",
            "introduced_on",
            "meeting_on",
            "term_sheet_on",
            "closed_on",
            "amount_invested",
            "notes",
            "last_activity_at",
        ]
        read_only_fields = fields

    def get_notes(self, introduction) -> str:
        return introduction.notes if selectors.sees_centre_notes(_user(self)) else ""


class IntroductionCreateSerializer(VisibleChoicesMixin, Serializer):
    company = serializers.PrimaryKeyRelatedField(queryset=companies_visible_to(None))
    sponsor = serializers.PrimaryKeyRelatedField(queryset=Sponsor.objects.none())
    message = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")

    visible_querysets = {"company": companies_visible_to, "sponsor": selectors.sponsors_visible_to}


class IntroductionAdvanceSerializer(Serializer):
    status = serializers.ChoiceField(choices=IntroductionStatus.choices)
    on = serializers.DateField(required=False, help_text=_("When it happened; today by default."))
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    amount_invested = StrictDecimalField(**POSITIVE_MONEY, required=False, help_text=_("Needed for `invested`."))
    round = serializers.ChoiceField(choices=InvestmentRound.choices, default=InvestmentRound.OTHER)
    investors = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class IntroductionNoteSerializer(Serializer):
    note = StrictCharField(max_length=2000)


class InvestmentSerializer(StrictModelSerializer):
    amount = StrictDecimalField(**POSITIVE_MONEY)

    class Meta:
        model = Investment
        fields = ["id", "company", "round", "amount", "investors", "sponsor", "introduction", "closed_on", "note"]
        read_only_fields = ["introduction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if self.instance is not None:
            # An investment stays with its company.
            self.fields["company"].read_only = True
        elif "company" in self.fields and hasattr(self.fields["company"], "queryset"):
            self.fields["company"].queryset = companies_visible_to(user)
        if "sponsor" in self.fields and hasattr(self.fields["sponsor"], "queryset"):
            self.fields["sponsor"].queryset = selectors.sponsors_visible_to(user)


# --- The ledger and the totals -------------------------------------------------------


class LedgerSummarySerializer(Serializer):
    company = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    awarded = StrictDecimalField(**MONEY)
    disbursed = StrictDecimalField(**MONEY)
    invested = StrictDecimalField(**MONEY)


class LedgerEntrySerializer(Serializer):
    on = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=[("award", "award"), ("disbursement", "disbursement"), ("investment", "investment")]
    )
    title = serializers.CharField()
    level = serializers.CharField(allow_null=True)
    amount = StrictDecimalField(**MONEY)
    reference = serializers.CharField(allow_blank=True)
    id = serializers.IntegerField(source="pk", help_text=_("The application, disbursement or investment."))


class LedgerYearSerializer(Serializer):
    year = serializers.IntegerField()
    awarded = StrictDecimalField(**MONEY)
    disbursed = StrictDecimalField(**MONEY)
    invested = StrictDecimalField(**MONEY)


class LedgerLevelSerializer(Serializer):
    level = serializers.CharField()
    awarded = StrictDecimalField(**MONEY)
    disbursed = StrictDecimalField(**MONEY)


class LedgerSerializer(Serializer):
    company = serializers.IntegerField(source="company.pk")
    name = serializers.CharField(source="company.name")
    awarded = StrictDecimalField(**MONEY)
    disbursed = StrictDecimalField(**MONEY)
    outstanding = StrictDecimalField(**MONEY)
    invested = StrictDecimalField(**MONEY)
    years = LedgerYearSerializer(many=True)
    levels = LedgerLevelSerializer(many=True)
    entries = LedgerEntrySerializer(many=True)


class TotalsRowSerializer(Serializer):
    key = serializers.CharField(allow_null=True, help_text=_("Programme or site id, level, or year."))
    label = serializers.CharField(allow_blank=True)
    applications = serializers.IntegerField()
    approved = serializers.IntegerField()
    approved_amount = StrictDecimalField(**MONEY)
    disbursed_amount = StrictDecimalField(**MONEY)


class FundingTotalsSerializer(Serializer):
    year = serializers.IntegerField(allow_null=True)
    approved_amount = StrictDecimalField(**MONEY)
    disbursed_amount = StrictDecimalField(**MONEY)
    by_programme = TotalsRowSerializer(many=True)
    by_level = TotalsRowSerializer(many=True)
    by_year = TotalsRowSerializer(many=True)
    by_site = TotalsRowSerializer(many=True)


class TotalsQuerySerializer(Serializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
