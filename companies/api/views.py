"""The companies API: thin views over the selectors and services."""

from django.db.models import Q
from django_filters import CharFilter
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from incubator.api.permissions import DistrictReadsOnly
from incubator.filters import FilterSet, IntegerFilter

from .. import selectors, services
from ..models import Award, Company, Consultation
from . import serializers as s


class CompanyFilter(FilterSet):
    q = CharFilter(method="search")
    site = IntegerFilter(method="at_site")

    class Meta:
        model = Company
        fields = ["status", "sector", "legal_form"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(credit_code__iexact=value))

    def at_site(self, queryset, name, value):
        return queryset.filter(residencies__site_id=value, residencies__ends_on__isnull=True)


class VisibleCompanyFieldMixin:
    """A company named in a request body must be one the user may see (else 400, not a leak)."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        field = serializer.fields.get("company") if hasattr(serializer, "fields") else None
        if field is not None and hasattr(field, "queryset"):
            field.queryset = selectors.companies_visible_to(self.request.user)
        return serializer


class CompanyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Companies the user may see: their own, their sites', or all for the district."""

    serializer_class = s.CompanySerializer
    filterset_class = CompanyFilter
    permission_classes = [DistrictReadsOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.company_list(self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.company_update(
            company=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class MembershipViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Teams. Owners invite, change roles and remove; a company always keeps an owner."""

    serializer_class = s.MembershipSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_fields = ["company", "role"]

    def get_queryset(self):
        return selectors.memberships_visible_to(self.request.user).order_by("company_id", "-role", "user__email")

    @extend_schema(request=s.MembershipInviteSerializer, responses={201: s.MembershipSerializer})
    def create(self, request):
        data = s.MembershipInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            company = selectors.companies_visible_to(request.user).get(pk=values.pop("company"))
        except Company.DoesNotExist:
            from rest_framework.exceptions import NotFound

            raise NotFound() from None
        membership = services.membership_invite(company=company, by=request.user, **values)
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MembershipRoleSerializer, responses={200: s.MembershipSerializer})
    def partial_update(self, request, pk=None):
        membership = self.get_object()
        data = s.MembershipRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            membership=membership, role=data.validated_data["role"], by=request.user
        )
        return Response(s.MembershipSerializer(membership).data)

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, by=self.request.user)


class AdmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications: makers apply and withdraw; staff of the site review, accept and reject."""

    serializer_class = s.AdmissionSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_fields = ["status", "site"]

    def get_queryset(self):
        return selectors.admissions_visible_to(self.request.user)

    @extend_schema(request=s.AdmissionCreateSerializer, responses={201: s.AdmissionSerializer})
    def create(self, request):
        data = s.AdmissionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admission = services.admission_submit(applicant=request.user, **data.validated_data)
        return Response(s.AdmissionSerializer(admission).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.AdmissionSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        admission = services.admission_start_review(admission=self.get_object(), by=request.user)
        return Response(s.AdmissionSerializer(admission).data)

    @extend_schema(request=s.AdmissionAcceptSerializer, responses={200: s.AdmissionSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = s.AdmissionAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admission = services.admission_accept(
            admission=self.get_object(),
            decided_by=request.user,
            company_name=data.validated_data.get("company_name") or None,
            starts_on=data.validated_data.get("starts_on"),
        )
        return Response(s.AdmissionSerializer(admission).data)

    @extend_schema(request=s.AdmissionRejectSerializer, responses={200: s.AdmissionSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = s.AdmissionRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admission = services.admission_reject(
            admission=self.get_object(), decided_by=request.user, reason=data.validated_data["reason"]
        )
        return Response(s.AdmissionSerializer(admission).data)

    @extend_schema(request=None, responses={200: s.AdmissionSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        admission = services.admission_withdraw(admission=self.get_object(), by=request.user)
        return Response(s.AdmissionSerializer(admission).data)


class DesignationViewSet(
    VisibleCompanyFieldMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Designations; staff of the company's site record them."""

    serializer_class = s.DesignationSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_fields = ["company", "kind"]

    def get_queryset(self):
        return selectors.designations_visible_to(self.request.user).order_by("-granted_on", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.designation_record(
            by=self.request.user,
            **{k: v for k, v in data.items() if v is not None or k in ("expires_on", "listed_on")},
        )


class YearFiguresViewSet(
    VisibleCompanyFieldMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Yearly figures; a POST for a year that has figures corrects them."""

    serializer_class = s.YearFiguresSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_fields = ["company", "year"]

    def get_queryset(self):
        return selectors.year_figures_visible_to(self.request.user).order_by("company_id", "-year")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.year_figures_save(
            company=data.pop("company"), year=data.pop("year"), by=self.request.user, **data
        )


class AwardViewSet(
    VisibleCompanyFieldMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.AwardSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_fields = ["company", "year"]

    def get_queryset(self):
        return Award.objects.filter(company__in=selectors.companies_visible_to(self.request.user)).order_by(
            "-year", "id"
        )

    def perform_create(self, serializer):
        serializer.instance = services.award_add(by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.award_delete(award=instance, by=self.request.user)


class ConsultationViewSet(
    VisibleCompanyFieldMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Expert consultations the centre arranged; staff record them."""

    serializer_class = s.ConsultationSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_fields = ["company"]

    def get_queryset(self):
        return Consultation.objects.filter(company__in=selectors.companies_visible_to(self.request.user)).order_by(
            "-held_on", "id"
        )

    def perform_create(self, serializer):
        serializer.instance = services.consultation_record(by=self.request.user, **serializer.validated_data)
