from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from incubator.api.fields import StrictCharField, StrictEmailField
from incubator.api.serializers import ModelSerializer, Serializer
from incubator.models import Site

from ..choices import DesignationKind, Exchange, MemberRole, Sector
from ..models import Admission, Award, Company, Consultation, Designation, Membership, YearFigures


class CompanySerializer(ModelSerializer):
    site = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "name_en",
            "credit_code",
            "legal_form",
            "founded_on",
            "sector",
            "website",
            "description",
            "status",
            "status_changed_on",
            "admitted_on",
            "graduated_on",
            "left_on",
            "site",
        ]
        read_only_fields = ["status", "status_changed_on", "admitted_on", "graduated_on", "left_on"]

    def get_site(self, company) -> int | None:
        current = getattr(company, "current_residencies", None)
        return current[0].site_id if current else None


class MembershipSerializer(ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "company", "user", "email", "full_name", "role", "joined_at"]
        read_only_fields = ["company", "user", "joined_at"]


class MembershipInviteSerializer(Serializer):
    company = serializers.IntegerField(min_value=1)
    email = StrictEmailField()
    full_name = StrictCharField(required=False, allow_blank=True, max_length=150, default="")
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)


class MembershipRoleSerializer(Serializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)


class FounderSerializer(Serializer):
    name = StrictCharField(max_length=150)
    email = StrictEmailField()


class AdmissionSerializer(ModelSerializer):
    founders = FounderSerializer(many=True, required=False)

    class Meta:
        model = Admission
        fields = [
            "id",
            "applicant",
            "site",
            "team_name",
            "project_summary",
            "founders",
            "sector",
            "needs_office",
            "desks_needed",
            "needs_lab",
            "status",
            "submitted_at",
            "decided_at",
            "decided_by",
            "rejection_reason",
            "company",
        ]
        read_only_fields = [
            "applicant",
            "status",
            "submitted_at",
            "decided_at",
            "decided_by",
            "rejection_reason",
            "company",
        ]


class AdmissionCreateSerializer(Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.filter(is_active=True))
    team_name = StrictCharField(max_length=200)
    project_summary = StrictCharField(max_length=5000)
    founders = FounderSerializer(many=True, required=False, default=list)
    sector = serializers.ChoiceField(choices=Sector.choices, default=Sector.OTHER)
    needs_office = serializers.BooleanField(default=False)
    desks_needed = serializers.IntegerField(min_value=0, max_value=200, default=0)
    needs_lab = serializers.BooleanField(default=False)


class AdmissionAcceptSerializer(Serializer):
    company_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False)


class AdmissionRejectSerializer(Serializer):
    reason = StrictCharField(max_length=2000, label=_("Reason"))


class DesignationSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=DesignationKind.choices)
    exchange = serializers.ChoiceField(choices=Exchange.choices, required=False, allow_blank=True)

    class Meta:
        model = Designation
        fields = [
            "id",
            "company",
            "kind",
            "certificate_number",
            "granted_on",
            "expires_on",
            "exchange",
            "ticker",
            "listed_on",
        ]


class YearFiguresSerializer(ModelSerializer):
    class Meta:
        model = YearFigures
        fields = ["id", "company", "year", "revenue", "profit", "taxes_paid", "rd_spend", "employees", "rd_staff"]
        # (company, year) identifies a row: a POST for an existing year corrects it.
        validators = []


class AwardSerializer(ModelSerializer):
    class Meta:
        model = Award
        fields = ["id", "company", "competition", "organiser", "rank", "year"]


class ConsultationSerializer(ModelSerializer):
    class Meta:
        model = Consultation
        fields = ["id", "company", "expert_name", "expert_affiliation", "held_on", "topic", "outcome"]
