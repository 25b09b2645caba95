"""The funding API: thin views over the selectors and services. Actions with rules (submit,
approve, pay, advance …) are their own endpoints; a budget overrun answers 409 `over_budget`."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from companies.models import Company
from incubator.api.permissions import DistrictReadsOnly
from incubator.filters import FilterSet, IntegerFilter, StrictBooleanFilter

from .. import selectors, services
from ..models import Disbursement, FundingApplication, Introduction, Investment, Programme, Sponsor, SponsorContact
from . import serializers as s


class ProgrammeFilter(FilterSet):
    open = StrictBooleanFilter(method="filter_open", label="open")

    class Meta:
        model = Programme
        fields = ["level", "kind", "is_active"]

    def filter_open(self, queryset, name, value):
        open_ids = selectors.open_programmes().values("pk")
        return queryset.filter(pk__in=open_ids) if value else queryset.exclude(pk__in=open_ids)


class ProgrammeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Public funding programmes. Everyone signed in reads the published ones; funding
    officers publish and change them."""

    serializer_class = s.ProgrammeSerializer
    filterset_class = ProgrammeFilter
    permission_classes = [DistrictReadsOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.programmes_visible_to(self.request.user).order_by("-closes_on", "name", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.programme_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.programme_update(
            programme=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class FundingApplicationFilter(FilterSet):
    company = IntegerFilter()
    programme = IntegerFilter()

    class Meta:
        model = FundingApplication
        fields = ["status", "budget_year"]


class FundingApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications: companies apply, change drafts, submit and withdraw; the funding
    officers of the company's site review, approve and reject."""

    serializer_class = s.FundingApplicationSerializer
    filterset_class = FundingApplicationFilter
    permission_classes = [DistrictReadsOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.applications_visible_to(self.request.user)
            .prefetch_related("documents")
            .order_by("-created_at", "-pk")
        )

    def _answer(self, application, status_code=status.HTTP_200_OK):
        application = self.get_queryset().get(pk=application.pk)
        return Response(
            s.FundingApplicationSerializer(application, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=s.FundingApplicationCreateSerializer, responses={201: s.FundingApplicationSerializer})
    def create(self, request):
        data = s.FundingApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        application = services.application_create(by=request.user, **data.validated_data)
        return self._answer(application, status.HTTP_201_CREATED)

    @extend_schema(request=s.FundingApplicationUpdateSerializer, responses={200: s.FundingApplicationSerializer})
    def partial_update(self, request, pk=None):
        application = self.get_object()
        data = s.FundingApplicationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_update(application=application, by=request.user, **data.validated_data)
        return self._answer(application)

    @extend_schema(request=None, responses={200: s.FundingApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(services.application_submit(application=self.get_object(), by=request.user))

    @extend_schema(request=None, responses={200: s.FundingApplicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._answer(services.application_withdraw(application=self.get_object(), by=request.user))

    @extend_schema(request=None, responses={200: s.FundingApplicationSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._answer(services.application_start_review(application=self.get_object(), by=request.user))

    @extend_schema(request=s.ApproveSerializer, responses={200: s.FundingApplicationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self.get_object()
        data = s.ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_approve(application=application, by=request.user, **data.validated_data)
        return self._answer(application)

    @extend_schema(request=s.RejectSerializer, responses={200: s.FundingApplicationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_reject(
            application=application, by=request.user, note=data.validated_data["note"]
        )
        return self._answer(application)


class DisbursementFilter(FilterSet):
    application = IntegerFilter()
    paid = StrictBooleanFilter(field_name="paid_on", lookup_expr="isnull", exclude=True, label="paid")

    class Meta:
        model = Disbursement
        fields = []


class DisbursementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Tranches of approved awards; funding officers schedule them, record payment, and
    remove a tranche not yet paid. Together they never exceed the amount approved."""

    serializer_class = s.DisbursementSerializer
    filterset_class = DisbursementFilter
    permission_classes = [DistrictReadsOnly]

    def get_queryset(self):
        return selectors.disbursements_visible_to(self.request.user).order_by("due_on", "pk")

    @extend_schema(request=s.DisbursementCreateSerializer, responses={201: s.DisbursementSerializer})
    def create(self, request):
        data = s.DisbursementCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        disbursement = services.disbursement_schedule(by=request.user, **data.validated_data)
        return Response(s.DisbursementSerializer(disbursement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DisbursementPaySerializer, responses={200: s.DisbursementSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        disbursement = self.get_object()
        data = s.DisbursementPaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        disbursement = services.disbursement_mark_paid(
            disbursement=disbursement, by=request.user, **data.validated_data
        )
        return Response(s.DisbursementSerializer(disbursement).data)

    def perform_destroy(self, instance):
        services.disbursement_cancel(disbursement=instance, by=self.request.user)


class SponsorFilter(FilterSet):
    class Meta:
        model = Sponsor
        fields = ["kind", "is_active"]


class SponsorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sponsors the centre introduces companies to. Contacts are shown to staff and the
    district; funding officers add and change sponsors."""

    serializer_class = s.SponsorSerializer
    filterset_class = SponsorFilter
    permission_classes = [DistrictReadsOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.sponsors_visible_to(self.request.user)
            .prefetch_related(Prefetch("contacts", queryset=SponsorContact.objects.order_by("name")))
            .order_by("name", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.sponsor_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.sponsor_update(
            sponsor=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class IntroductionFilter(FilterSet):
    company = IntegerFilter()
    sponsor = IntegerFilter()

    class Meta:
        model = Introduction
        fields = ["status"]


class IntroductionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Introductions to sponsors: companies ask, funding officers move them along."""

    serializer_class = s.IntroductionSerializer
    filterset_class = IntroductionFilter
    permission_classes = [DistrictReadsOnly]

    def get_queryset(self):
        return selectors.introductions_visible_to(self.request.user).order_by("-last_activity_at", "-pk")

    def _answer(self, introduction, status_code=status.HTTP_200_OK):
        return Response(
            s.IntroductionSerializer(introduction, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=s.IntroductionCreateSerializer, responses={201: s.IntroductionSerializer})
    def create(self, request):
        data = s.IntroductionCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        introduction = services.introduction_request(by=request.user, **data.validated_data)
        return self._answer(introduction, status.HTTP_201_CREATED)

    @extend_schema(request=s.IntroductionAdvanceSerializer, responses={200: s.IntroductionSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        introduction = self.get_object()
        data = s.IntroductionAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        introduction = services.introduction_advance(introduction=introduction, by=request.user, **data.validated_data)
        return self._answer(introduction)

    @extend_schema(request=s.IntroductionNoteSerializer, responses={200: s.IntroductionSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        introduction = self.get_object()
        data = s.IntroductionNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        introduction = services.introduction_add_note(introduction=introduction, by=request.user, **data.validated_data)
        return self._answer(introduction)


class InvestmentFilter(FilterSet):
    company = IntegerFilter()
    sponsor = IntegerFilter()

    class Meta:
        model = Investment
        fields = ["round"]


class InvestmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rounds companies raised; those through an introduction are recorded when it closes."""

    serializer_class = s.InvestmentSerializer
    filterset_class = InvestmentFilter
    permission_classes = [DistrictReadsOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.investments_visible_to(self.request.user).order_by("-closed_on", "-pk")

    def perform_create(self, serializer):
        serializer.instance = services.investment_record(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.investment_update(investment=serializer.instance, by=self.request.user, **data)


class FundingLedgerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A company's funding ledger: public awards and payments and private investment,
    with totals by year and by level. The list gives each visible company's totals."""

    serializer_class = s.LedgerSummarySerializer
    permission_classes = [DistrictReadsOnly]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.ledger_summaries(self.request.user)

    @extend_schema(
        responses={200: s.LedgerSerializer},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The company's id.")],
    )
    def retrieve(self, request, pk=None):
        try:
            ledger = selectors.company_ledger(request.user, int(pk))
        except (Company.DoesNotExist, ValueError, OverflowError):
            raise NotFound() from None
        return Response(s.LedgerSerializer(ledger).data)


class FundingTotalsApi(APIView):
    """Applications, approvals and amounts approved and paid by programme, level, year and
    site: for centre staff (their sites) and the district (all)."""

    @extend_schema(
        parameters=[s.TotalsQuerySerializer],
        responses={200: s.FundingTotalsSerializer},
        operation_id="funding_totals_retrieve",
    )
    def get(self, request):
        if not selectors.can_read_totals(request.user):
            raise PermissionDenied()
        # A plain dict, not the QueryDict: an empty or repeated `year` is then a 400, not "no year".
        params = {key: values[0] if len(values) == 1 else values for key, values in request.query_params.lists()}
        query = s.TotalsQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year")
        totals = selectors.funding_totals(request.user, year=year)
        return Response(s.FundingTotalsSerializer({"year": year, **totals.__dict__}).data)
